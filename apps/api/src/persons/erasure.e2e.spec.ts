import type { EventStore, Stores } from '@parcours/event-store';
import { envelopeOf } from '@parcours/messaging';
import { EVENT_STORE } from '@parcours/runtime';
import { STORES } from '@parcours/runtime';
import {
  bearer,
  entryBody,
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

/** The person erased in these tests: values found nowhere in clear afterwards. */
const ERASED = {
  lastName: 'Quennehen-Vasseur',
  firstName: 'Zéphyrine',
  birthDate: '1990-04-17',
  nir: '290047512345678',
  cafNumber: '7654321',
};

/**
 * Erasure by crypto-shredding (DOMAIN.md §7): the person's key is destroyed,
 * the events stay, the names leave every read, and every figure — current,
 * past, "as known at", exported or extracted — is exactly what it was.
 */
describe.each(stores)('erasure of a person on the %s store', (store) => {
  let api: TestApi;
  const slai = () => bearer(tokens.slai());
  const referent = () => bearer(tokens.referent());
  const dep = () => bearer(tokens.departement());
  const post = (path: string, auth: Record<string, string>, body: object) =>
    api.http.post(path).set(auth).send(body);

  beforeAll(async () => {
    api = await startApi(store, undefined, {
      PARCOURS_PSEUDONYMISATION_KEY: 'a-pseudonymisation-key-of-at-least-32-chars',
    });
    await seedReferenceData(api);
  });
  afterAll(async () => {
    await api.close();
  });

  /** A parcours with an orientation, a référent, an appointment held, a contract; some exit. */
  async function parcours(
    person: object,
    household: object,
    enteredOn: string,
    exit?: string,
  ): Promise<string> {
    const entry = await post(
      '/api/parcours',
      bearer(tokens.system()),
      entryBody({ person, household, demandOn: enteredOn, rightOpenedOn: enteredOn, enteredOn }),
    ).expect(201);
    const p = `/api/parcours/${entry.body.id}`;
    await post(`${p}/orientations`, slai(), {
      track: 'social',
      organisationId: 'org-ccas',
      decidedOn: '2025-02-03',
      notifiedOn: '2025-02-04',
    }).expect(201);
    await post(`${p}/referent`, slai(), { referentId: 'ref-ccas-1', assignedOn: '2025-02-05' }).expect(201);
    const appointment = await post(`${p}/appointments`, referent(), {
      scheduledOn: '2025-02-05',
      scheduledFor: '2025-02-12',
      kind: 'individual',
      channel: 'in_person',
    }).expect(201);
    await post(`${p}/appointments/${appointment.body.appointmentId}/held`, referent(), {
      heldOn: '2025-02-12',
    }).expect(201);
    await post(`${p}/contracts`, referent(), {
      kind: 'contrat_engagement',
      signedOn: '2025-03-03',
      startsOn: '2025-03-03',
      endsOn: '2025-09-02',
      weeklyHours: 15,
      objectives: [],
    }).expect(201);
    if (exit)
      await post(`${p}/exit`, bearer(tokens.system()), { exitedOn: exit, reason: 'income' }).expect(201);
    return p;
  }

  /** Every figure a statistician or the État can ask for, on several periods, groupings and dates of knowledge. */
  async function figures() {
    await projectionsCaughtUp(api);
    const out: Record<string, unknown> = {};
    for (const q of [
      'from=2025-01-01&to=2025-06-30',
      'from=2025-01-01&to=2025-03-31',
      'from=2025-04-01&to=2025-04-30',
      // Ends before her birthday of the month: her age band must not depend on the day of birth, gone after erasure.
      'from=2025-04-01&to=2025-04-10',
      'from=2025-01-01&to=2025-06-30&groupBy=territory',
      'from=2025-01-01&to=2025-06-30&groupBy=referent',
      'from=2025-01-01&to=2025-03-31&asOf=2025-04-15',
    ]) {
      out[`indicators?${q}`] = (await api.http.get(`/api/indicators?${q}`).set(dep()).expect(200)).body;
      out[`export?${q}`] = (
        await api.http.get(`/api/indicators/export?${q}&format=json`).set(dep()).expect(200)
      ).text;
    }
    out.extract = (
      await api.http
        .get('/api/indicators/extract?from=2025-01-01&to=2025-06-30&format=json')
        .set(dep())
        .expect(200)
    ).text;
    return out;
  }

  /** Every row of every table of the product's schema, as text, where one of the values appears. */
  async function foundInClear(values: string[]): Promise<string[]> {
    const { sql } = api.app.get<Stores>(STORES);
    const tables = await sql.query<{ table_name: string }>(
      "select table_name from information_schema.tables where table_schema = current_schema() and table_type = 'BASE TABLE'",
    );
    expect(tables.length).toBeGreaterThan(5);
    const hits: string[] = [];
    for (const { table_name } of tables) {
      for (const value of values) {
        const [row] = await sql.query<{ n: number }>(
          `select count(*)::int as n from "${table_name}" t where t::text ilike '%' || $1 || '%'`,
          [value],
        );
        if (row.n > 0) hits.push(`${table_name}: ${value}`);
      }
    }
    return hits;
  }

  it('destroys the key: names, birth date, NIR and CAF number are found nowhere in clear, and every figure stays what it was', async () => {
    const erased = await parcours(
      { ...ERASED, sex: 'female', cafNumber: undefined },
      { type: 'single_parent', size: 2, cafNumber: ERASED.cafNumber },
      '2025-01-15',
      '2025-05-31',
    );
    await parcours(
      { lastName: 'Martin', firstName: 'Léa', birthDate: '1990-06-30', sex: 'female' },
      { type: 'single', size: 1 },
      '2025-01-20',
    );
    await parcours(
      { lastName: 'Durand', firstName: 'Paul', birthDate: '1961-01-02', sex: 'male' },
      { type: 'couple', size: 2 },
      '2024-11-04',
      '2025-04-30',
    );
    // Before: the person's values are sealed in the events, and in clear only where the read side shows them.
    const before = await figures();
    expect(
      (await foundInClear([ERASED.nir, ERASED.birthDate, ERASED.cafNumber])).filter((h) =>
        h.startsWith('events'),
      ),
    ).toEqual([]);
    expect(await foundInClear([ERASED.lastName])).toContain(`rm_portfolio: ${ERASED.lastName}`);
    // What Kafka would carry of these events (the relay's mapping): identifiers, dates and codes, none of her values.
    const { events } = await api.app.get<EventStore>(EVENT_STORE).readAll();
    const published = JSON.stringify(events.map(envelopeOf).filter(Boolean));
    expect(published).toContain('parcours.entered');
    for (const value of Object.values(ERASED)) expect(published).not.toContain(value);

    // Only the Département erases, with a reason from the list.
    const id = erased.split('/').pop();
    await post(`/api/persons/${id}/erasure`, slai(), { reason: 'person_request' }).expect(403);
    await post(`/api/persons/${id}/erasure`, dep(), { reason: 'because' }).expect(400);
    await post(`/api/persons/${id}/erasure`, dep(), { reason: 'person_request' }).expect(201);
    await projectionsCaughtUp(api);

    expect(await foundInClear(Object.values(ERASED))).toEqual([]);
    expect(await figures()).toEqual(before);

    const state = await api.http.get(erased).set(dep()).expect(200);
    expect(state.body.person).toMatchObject({ lastName: '[effacé]', firstName: '[effacé]', erased: true });
    const history = await api.http.get(`${erased}/history`).set(dep()).expect(200);
    expect(JSON.stringify(history.body)).not.toContain(ERASED.lastName);
    expect(history.body.at(-1)).toMatchObject({ type: 'PersonErased', data: { reason: 'person_request' } });
    // Nothing more is recorded for the person, and a second erasure says so.
    const refused = await post(`${erased}/accompaniment-end`, referent(), { endedOn: '2025-06-15' }).expect(
      422,
    );
    expect(refused.body.code).toBe('PERSON_ERASED');
    expect(
      (await post(`/api/persons/${id}/erasure`, dep(), { reason: 'person_request' }).expect(422)).body.code,
    ).toBe('PERSON_ERASED');
    await post('/api/persons/00000000-0000-4000-8000-000000000000/erasure', dep(), {
      reason: 'person_request',
    }).expect(404);
  });
});
