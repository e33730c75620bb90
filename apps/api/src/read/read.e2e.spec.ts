import { DeadlineNotifier } from '@parcours/background';
import {
  bearer,
  entryBody,
  followedParcours,
  projectionsCaughtUp,
  seedReferenceData,
  startApi,
  StoreUnderTest,
  TestApi,
  tokens,
} from '../../../../test/support/api';

const stores: StoreUnderTest[] = process.env.PARCOURS_TEST_POSTGRES_MISSING
  ? ['embedded']
  : ['embedded', 'postgres'];
const KEY = 'pseudonymisation-key-of-the-departement-0001';

/**
 * Three parcours in the Arrageois, built through the API with the clock set to
 * when each step is recorded; "today" is 30 June 2025. Expected figures are
 * worked out by hand from these steps (see each test).
 */
describe.each(stores)('read side on the %s store', (store) => {
  let api: TestApi;
  let now = new Date('2025-03-01T10:00:00Z');
  let p1: string;
  let p2: string;
  let p3: string;

  beforeAll(async () => {
    api = await startApi(store, () => now, { PARCOURS_PSEUDONYMISATION_KEY: KEY });
    await seedReferenceData(api);
    // P1, recorded on 1 March: entered 6 Jan, oriented 21 Jan, référent 22 Jan; no appointment, no contract.
    p1 = await followedParcours(api);
    now = new Date('2025-06-30T10:00:00Z');
    // P2: entered 20 June, not oriented yet.
    p2 = (
      await api.http
        .post('/api/parcours')
        .set(bearer(tokens.system()))
        .send(entryBody({ demandOn: '2025-06-18', rightOpenedOn: '2025-06-19', enteredOn: '2025-06-20' }))
        .expect(201)
    ).body.id;
    // P3: like P1, plus an appointment held on 30 Jan and a contract from 3 Feb to 2 Aug.
    p3 = await followedParcours(api);
    const ref = bearer(tokens.referent());
    const a = await api.http
      .post(`/api/parcours/${p3}/appointments`)
      .set(ref)
      .send({
        scheduledFor: '2025-01-30',
        scheduledOn: '2025-01-23',
        kind: 'individual',
        channel: 'in_person',
      })
      .expect(201);
    await api.http
      .post(`/api/parcours/${p3}/appointments/${a.body.appointmentId}/held`)
      .set(ref)
      .send({ heldOn: '2025-01-30' })
      .expect(201);
    await api.http
      .post(`/api/parcours/${p3}/contracts`)
      .set(ref)
      .send({
        kind: 'contrat_engagement',
        signedOn: '2025-02-03',
        startsOn: '2025-02-03',
        endsOn: '2025-08-02',
        weeklyHours: 15,
        objectives: [],
      })
      .expect(201);
    await projectionsCaughtUp(api);
  });
  afterAll(async () => {
    await api.close();
  });

  it("lists a référent's portfolio, overdue cases first", async () => {
    const res = await api.http.get('/api/me/portfolio').set(bearer(tokens.referent())).expect(200);
    // P1: first appointment (due 5 Feb) and first contract (due 21 Feb) overdue → 2; P3: contact gap since 30 Jan (due 30 Apr) → 1.
    expect(
      res.body.items.map((i: { parcoursId: string; overdue: number }) => [i.parcoursId, i.overdue]),
    ).toEqual([
      [p1, 2],
      [p3, 1],
    ]);
    expect(res.body.total).toBe(2);
    const line3 = res.body.items[1];
    expect(line3).toMatchObject({
      lastName: 'Martin',
      track: 'social',
      lastHeldAppointmentOn: '2025-01-30',
      contract: { status: 'signed', endsOn: '2025-08-02' },
    });
    expect(line3.echeances.map((e: { kind: string; status: string }) => [e.kind, e.status])).toEqual([
      ['contact_gap', 'overdue'],
      ['contract_end', 'upcoming'],
      // A contract of the social parcours: its joint review 6 months on (L262-31).
      ['joint_review', 'upcoming'],
    ]);
    const byName = await api.http
      .get('/api/referents/ref-ccas-1/portfolio?sort=name&pageSize=1&page=2')
      .set(bearer(tokens.slai()))
      .expect(200);
    expect(byName.body).toMatchObject({ total: 2, page: 2 });
    expect(byName.body.items).toHaveLength(1);
  });

  it('keeps portfolios to those allowed', async () => {
    await api.http
      .get('/api/referents/ref-ccas-1/portfolio')
      .set(bearer(tokens.referent('ref-ccas-2')))
      .expect(403);
    await api.http
      .get('/api/referents/ref-ccas-1/portfolio')
      .set(bearer(tokens.slai('CALAISIS')))
      .expect(403);
    await api.http.get('/api/me/portfolio').set(bearer(tokens.etat())).expect(403);
    await api.http.get('/api/echeances').set(bearer(tokens.system())).expect(403);
  });

  it('lists échéances with their status on a date, the most overdue first', async () => {
    const overdue = await api.http
      .get('/api/echeances?status=overdue')
      .set(bearer(tokens.slai()))
      .expect(200);
    expect(
      overdue.body.items.map((e: { parcoursId: string; kind: string; daysLate: number }) => [
        e.parcoursId,
        e.kind,
        e.daysLate,
      ]),
    ).toEqual([
      [p1, 'first_appointment', 145], // due 5 Feb
      [p1, 'first_contract', 129], // due 21 Feb
      [p3, 'contact_gap', 61], // due 30 Apr
    ]);
    const p2Due = await api.http
      .get(`/api/echeances?kind=orientation_target`)
      .set(bearer(tokens.departement()))
      .expect(200);
    // P2 entered 20 June: target 15 days → due 5 July, "due soon" from 28 June.
    expect(p2Due.body.items.find((e: { parcoursId: string }) => e.parcoursId === p2)).toMatchObject({
      dueOn: '2025-07-05',
      status: 'due_soon',
    });
    // The same échéance seen on 1 June does not exist yet, on 6 July it is overdue.
    const july = await api.http
      .get(`/api/echeances?kind=orientation_target&on=2025-07-06&status=overdue`)
      .set(bearer(tokens.departement()))
      .expect(200);
    expect(july.body.items.map((e: { parcoursId: string }) => e.parcoursId)).toEqual([p2]);
    const elsewhere = await api.http
      .get('/api/echeances')
      .set(bearer(tokens.slai('CALAISIS')))
      .expect(200);
    expect(elsewhere.body.total).toBe(0);
  });

  it('gives the SLAI its territoire at a glance', async () => {
    const res = await api.http.get('/api/supervision').set(bearer(tokens.slai())).expect(200);
    expect(res.body).toMatchObject({
      territory: 'ARRAGEOIS',
      withoutOrientation: 1,
      withoutReferent: 0,
      overdueByKind: { first_appointment: 1, first_contract: 1, contact_gap: 1 },
    });
    expect(res.body.referents).toEqual([
      // No parcours in intensive accompaniment: the larger cap (portfolioCapOther).
      expect.objectContaining({
        referentId: 'ref-ccas-1',
        caseload: 2,
        overdue: 3,
        cap: 250,
        overCap: false,
      }),
    ]);
    await api.http.get('/api/supervision?territory=CALAISIS').set(bearer(tokens.slai())).expect(403);
  });

  it('records one DeadlineOverdue notification per overdue échéance, once', async () => {
    const notifier = api.app.get(DeadlineNotifier);
    expect(await notifier.notifyOverdue('2025-06-30')).toBe(3);
    expect(await notifier.notifyOverdue('2025-06-30')).toBe(0);
  });

  it('computes the indicators, and reproduces them as known at a past date', async () => {
    const etat = bearer(tokens.etat());
    const q1 =
      '/api/indicators?from=2025-01-01&to=2025-03-31' +
      '&codes=calpae.new_entrants,calpae.oriented_within_1_month,calpae.first_appointments_fixed';
    const now = await api.http.get(q1).set(etat).expect(200);
    // P1 and P3 entered on 6 Jan, both oriented on 21 Jan (≤ 6 Feb); only P3 has a first appointment.
    expect(
      now.body.groups[0].indicators.map(
        (i: { code: string; numerator: number; denominator: number | null }) => [
          i.code,
          i.numerator,
          i.denominator,
        ],
      ),
    ).toEqual([
      ['calpae.new_entrants', 2, null],
      ['calpae.oriented_within_1_month', 2, 2],
      ['calpae.first_appointments_fixed', 1, 2],
    ]);
    // These three are counted by PostgreSQL; with a figure that has no SQL form yet, all are computed in the
    // process: the same figures either way.
    const inProcess = await api.http.get(`${q1},calpae.orientations_flow`).set(etat).expect(200);
    expect(inProcess.body.groups[0].indicators.slice(0, 3)).toEqual(now.body.groups[0].indicators);
    // As known on 31 March, only P1 had been recorded.
    const before = await api.http.get(`${q1}&asOf=2025-03-31`).set(etat).expect(200);
    expect(before.body.asOf).toBe('2025-03-31');
    expect(before.body.groups[0].indicators.map((i: { numerator: number }) => i.numerator)).toEqual([
      1, 1, 0,
    ]);
    const defs = await api.http.get('/api/indicators/definitions').set(etat).expect(200);
    expect(
      defs.body.find((d: { code: string }) => d.code === 'calpae.oriented_within_1_month').definition,
    ).toMatch(/1 mois/);
    await api.http.get('/api/indicators?from=2025-04-01&to=2025-03-31').set(etat).expect(422);
    await api.http
      .get('/api/indicators?from=2025-01-01&to=2025-03-31')
      .set(bearer(tokens.referent()))
      .expect(403);
  });

  it('exports the national tables as CSV with a described header', async () => {
    const res = await api.http
      .get('/api/indicators/export?from=2025-01-01&to=2025-03-31&family=calpae')
      .set(bearer(tokens.etat()))
      .expect(200);
    expect(res.headers['content-type']).toMatch(/text\/csv/);
    const lines = res.text.split('\n');
    expect(lines[1]).toMatch(/^# version des définitions : defs-/);
    const header = lines.find((l: string) => !l.startsWith('#'))!;
    expect(header).toBe(
      'family,code,definition_version,label,unit,group_by,group,breakdown,' +
        'numerator,denominator,value,period_from,period_to,as_of,parameters',
    );
    expect(lines.find((l: string) => l.startsWith('calpae,calpae.new_entrants,'))).toMatch(
      /,all,,2,,2,2025-01-01,2025-03-31,/,
    );
  });

  it('extracts pseudonymised rows: a stable keyed id, no name, no date of birth', async () => {
    const res = await api.http
      .get('/api/indicators/extract?from=2025-01-01&to=2025-06-30&format=json')
      .set(bearer(tokens.etat()))
      .expect(200);
    const body = JSON.parse(res.text);
    expect(body.rows).toHaveLength(3);
    const text = res.text;
    expect(text).not.toMatch(/Martin|Léa|1990-04-12/);
    for (const id of [p1, p2, p3]) expect(text).not.toContain(id);
    const again = JSON.parse(
      (
        await api.http
          .get('/api/indicators/extract?from=2025-01-01&to=2025-06-30&format=json')
          .set(bearer(tokens.departement()))
          .expect(200)
      ).text,
    );
    expect(again.rows.map((r: { pseudo_id: string }) => r.pseudo_id)).toEqual(
      body.rows.map((r: { pseudo_id: string }) => r.pseudo_id),
    );
    expect(body.rows[0]).toMatchObject({
      age_band: '35-44',
      sex: 'female',
      household_type: 'single_parent',
      territory: 'ARRAGEOIS',
    });
  });
});
