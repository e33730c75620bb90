import {
  bearer,
  entryBody,
  projectionsCaughtUp,
  seedReferenceData,
  startApi,
  TestApi,
  tokens,
} from '../../../../test/support/api';

/** The characters of WinAnsi that Latin-1 lacks (the PDF's font encoding). */
const WIN_ANSI: Record<number, string> = {
  0x80: '€',
  0x85: '…',
  0x8c: 'Œ',
  0x91: '‘',
  0x92: '’',
  0x93: '“',
  0x94: '”',
  0x96: '–',
  0x97: '—',
  0x9c: 'œ',
};

/** The text a PDF shows: its strings, WinAnsi octal escapes decoded, one line per string. */
function pdfText(pdf: Buffer): string[] {
  const latin1 = pdf.toString('latin1');
  const lines: string[] = [];
  for (const [, s] of latin1.matchAll(/\(((?:[^()\\]|\\.)*)\) Tj/g)) {
    const decoded = s.replace(/\\([0-7]{3}|.)/g, (_m, esc: string) =>
      /^[0-7]{3}$/.test(esc) ? Buffer.from([parseInt(esc, 8)]).toString('latin1') : esc,
    );
    lines.push(decoded.replace(/[\x80-\x9f]/g, (c) => WIN_ANSI[c.charCodeAt(0)] ?? c));
  }
  return lines;
}

/**
 * The legal file of a sanction (L262-37, R262-68 and following, L262-47 CASF;
 * DOMAIN.md §4.1) and the procedural-compliance indicators, on histories made
 * through the API with the store's clock moved so that each step has its own
 * recording date.
 */
describe('the sanction legal file and the compliance of procedures', () => {
  let api: TestApi;
  let now = new Date('2025-01-06T10:00:00Z');
  const at = (day: string) => (now = new Date(`${day}T10:00:00Z`));
  const slai = () => bearer(tokens.slai());
  const referent = () => bearer(tokens.referent());
  const post = (path: string, auth: Record<string, string>, body: object) =>
    api.http.post(path).set(auth).send(body).expect(201);
  let p: string;
  let first: string;
  let second: string;

  beforeAll(async () => {
    api = await startApi('embedded', () => now);
    await seedReferenceData(api);
    const entry = await post('/api/parcours', bearer(tokens.system()), entryBody());
    p = `/api/parcours/${entry.body.id}`;
    at('2025-01-22');
    await post(`${p}/orientations`, slai(), {
      track: 'social',
      organisationId: 'org-ccas',
      decidedOn: '2025-01-20',
      notifiedOn: '2025-01-21',
    });
    await post(`${p}/referent`, slai(), { referentId: 'ref-ccas-1', assignedOn: '2025-01-22' });
    at('2025-02-03');
    await post(`${p}/contracts`, referent(), {
      kind: 'contrat_engagement',
      signedOn: '2025-02-03',
      startsOn: '2025-02-03',
      endsOn: '2025-08-02',
      weeklyHours: 15,
      objectives: ['permis_b'],
    });
    const appointment = await post(`${p}/appointments`, referent(), {
      scheduledFor: '2025-02-10',
      scheduledOn: '2025-02-03',
      kind: 'individual',
      channel: 'in_person',
    });
    const a = `${p}/appointments/${appointment.body.appointmentId}`;
    const convocation = await post(`${a}/convocations`, referent(), {
      sentOn: '2025-02-03',
      channels: ['letter', 'email'],
      time: '09:30',
    });
    at('2025-02-04');
    await post(`${p}/messages/${convocation.body.convocationId}/deliveries`, bearer(tokens.system()), {
      channel: 'email',
      outcome: 'delivered',
      reportedOn: '2025-02-04',
    });
    at('2025-02-10');
    await post(`${a}/missed`, referent(), { missedOn: '2025-02-10', legitimateReason: false });
    // First manquement: the missed convened appointment, the whole procedure, then a recours and an annulment.
    at('2025-02-11');
    const breach = await post(`${p}/breaches`, referent(), {
      kind: 'unexcused_missed_appointment',
      obligation: 'appointments',
      occurredOn: '2025-02-10',
      reportedOn: '2025-02-11',
      convocationId: convocation.body.convocationId,
    });
    const b = `${p}/breaches/${breach.body.breachId}`;
    at('2025-02-12');
    await post(`${b}/information`, slai(), { informedOn: '2025-02-12' });
    at('2025-02-20');
    await post(`${b}/observations`, slai(), { receivedOn: '2025-02-20' });
    at('2025-03-05');
    // Recorded late: the EP met on 28 February.
    await post(`${b}/ep-opinion`, slai(), { givenOn: '2025-02-28', opinion: 'sanction' });
    const decided = await post(`${b}/decision`, slai(), {
      decidedOn: '2025-03-03',
      decision: 'suspension',
      sharePercent: 50,
      months: 1,
    });
    first = decided.body.sanctionId;
    at('2025-03-20');
    await post(`${p}/sanctions/${first}/appeal`, slai(), { appealedOn: '2025-03-15' });
    // Second manquement: the contract's objective, decided on 25 March, not contested.
    const other = await post(`${p}/breaches`, referent(), {
      kind: 'contract_not_honoured',
      obligation: 'permis_b',
      occurredOn: '2025-03-03',
      reportedOn: '2025-03-03',
    });
    const o = `${p}/breaches/${other.body.breachId}`;
    await post(`${o}/information`, slai(), { informedOn: '2025-03-03' });
    await post(`${o}/observations`, slai(), { receivedOn: '2025-03-10' });
    await post(`${o}/ep-opinion`, slai(), { givenOn: '2025-03-20', opinion: 'sanction' });
    at('2025-03-25');
    second = (
      await post(`${o}/decision`, slai(), {
        decidedOn: '2025-03-25',
        decision: 'suspension',
        sharePercent: 50,
        months: 1,
      })
    ).body.sanctionId;
    at('2025-04-02');
    await post(`${p}/sanctions/${first}/withdrawal`, slai(), { decidedOn: '2025-04-01', kind: 'annulment' });
    await projectionsCaughtUp(api);
  });
  afterAll(() => api?.close());

  const file = (sanctionId: string, token = tokens.departement()) =>
    api.http.get(`${p}/sanctions/${sanctionId}/file`).set(bearer(token));
  const pdf = async (sanctionId: string) =>
    pdfText(
      (
        await api.http
          .get(`${p}/sanctions/${sanctionId}/file?format=pdf`)
          .set(bearer(tokens.departement()))
          .buffer(true)
          .parse((r, done) => {
            const chunks: Buffer[] = [];
            r.on('data', (c: Buffer) => chunks.push(c));
            r.on('end', () => done(null, Buffer.concat(chunks)));
          })
          .expect(200)
          .expect('content-type', /^application\/pdf/)
      ).body as Buffer,
    );

  it('lists every step in the legal order, with its dates, its author and its article', async () => {
    const res = await file(first).expect(200);
    expect(res.body).toMatchObject({
      sanctionId: first,
      person: { lastName: 'Martin', firstName: 'Léa', birthDate: '1990-04-12' },
      territory: 'ARRAGEOIS',
      organisationId: 'org-ccas',
      breach: {
        kind: 'unexcused_missed_appointment',
        obligation: 'appointments',
        occurredOn: '2025-02-10',
        // A legal obligation: not one of the contract's objectives.
        contract: { signedOn: '2025-02-03', objectives: ['permis_b'], obligationInContract: false },
      },
      convocation: {
        sentOn: '2025-02-03',
        channels: ['letter', 'email'],
        time: '09:30',
        deliveries: [{ channel: 'email', outcome: 'delivered', reportedOn: '2025-02-04' }],
      },
      compliant: true,
    });
    const steps = res.body.steps as {
      step: string;
      article: string;
      satisfied: boolean;
      record: { on: string; recordedAt: string; actor: string; role: string } | null;
    }[];
    expect(
      steps.map((s) => [s.step, s.record?.on ?? null, s.record?.recordedAt.slice(0, 10) ?? null]),
    ).toEqual([
      ['breach_reported', '2025-02-11', '2025-02-11'],
      ['beneficiary_informed', '2025-02-12', '2025-02-12'],
      ['observations_received', '2025-02-20', '2025-02-20'],
      ['observation_delay', null, null],
      ['ep_opinion', '2025-02-28', '2025-03-05'],
      ['suspension_decided', '2025-03-03', '2025-03-05'],
      ['appeal', '2025-03-15', '2025-03-20'],
      ['withdrawal', '2025-04-01', '2025-04-02'],
    ]);
    expect(steps.every((s) => s.satisfied)).toBe(true);
    expect(steps.find((s) => s.step === 'breach_reported')!.record).toMatchObject({
      actor: 'user-ref-ccas-1',
      role: 'referent',
    });
    expect(steps.find((s) => s.step === 'ep_opinion')!.record).toMatchObject({
      actor: 'slai-ARRAGEOIS',
      role: 'slai',
    });
    expect(Object.fromEntries(steps.map((s) => [s.step, s.article]))).toMatchObject({
      beneficiary_informed: 'L262-37 CASF ; R262-68 CASF',
      suspension_decided: 'R262-68 1° et R262-68-1 1° CASF',
      appeal: 'L262-47 CASF',
    });
    // The observation delay: informed 12 February + 10 days.
    expect(steps.find((s) => s.step === 'observation_delay')).toMatchObject({
      label: 'Délai d’observations de 10 jours, jusqu’au 2025-02-22',
    });
  });

  it('prints the same file as a PDF whose text names each step, its article and the person', async () => {
    const text = await pdf(first);
    expect(text).toContain('Personne : Léa Martin, née le 1990-04-12');
    expect(text).toContain(
      'Convocation ' + (await file(first)).body.convocation.convocationId + ' envoyée le 2025-02-03',
    );
    expect(text).toContain('  remise email : delivered (2025-02-04)');
    expect(text.filter((l) => l.startsWith('[conforme]'))).toHaveLength(8);
    expect(text).toContain('  Règle : Après la décision — L262-47 CASF');
    expect(text.some((l) => l.includes('enregistrée le 2025-03-05') && l.includes('slai-ARRAGEOIS'))).toBe(
      true,
    );
    expect(text.at(-1)).toBe('Procédure conforme : chaque étape dans l’ordre légal et dans son délai.');
  });

  it('compliance: a decision outside the scale in force on its day is not compliant', async () => {
    // A parameter version recorded now, in force from 20 March: at least 60 % (the second decision has 50 %).
    await post('/api/parameters', bearer(tokens.departement()), {
      effectiveFrom: '2025-03-20',
      values: { sanctionShareMin: 60 },
    });
    const res = await api.http
      .get('/api/sanctions/compliance?from=2025-01-01&to=2025-12-31')
      .set(bearer(tokens.departement()))
      .expect(200);
    // Two decisions: days from manquement to decision 21 (10 Feb → 3 March) and 22 (3 → 25 March), median 21.5;
    // the first contested and annulled; the second out of the scale in force on 25 March.
    expect(res.body.groups).toEqual([
      {
        group: 'all',
        decisions: 2,
        compliant: 1,
        compliantShare: 0.5,
        medianDaysToDecision: 21.5,
        contested: 1,
        contestedShare: 0.5,
        withdrawnOrAnnulled: 1,
        withdrawnShareOfContested: 1,
      },
    ]);
    const secondFile = await file(second).expect(200);
    expect(secondFile.body.compliant).toBe(false);
    expect(secondFile.body.steps.filter((s: { satisfied: boolean }) => !s.satisfied)).toEqual([
      expect.objectContaining({ step: 'suspension_decided', rule: expect.stringContaining('Au moins 60 %') }),
    ]);
    const byOrganisme = await api.http
      .get('/api/sanctions/compliance?from=2025-03-04&to=2025-12-31&groupBy=organisation')
      .set(bearer(tokens.departement()))
      .expect(200);
    expect(byOrganisme.body.groups).toEqual([
      expect.objectContaining({ group: 'org-ccas', decisions: 1, compliant: 0 }),
    ]);
    const calaisis = await api.http
      .get('/api/sanctions/compliance?from=2025-01-01&to=2025-12-31')
      .set(bearer(tokens.slai('CALAISIS')))
      .expect(200);
    expect(calaisis.body.groups).toEqual([
      expect.objectContaining({ group: 'all', decisions: 0, compliantShare: null }),
    ]);
  });

  it('the Département and the SLAI of the territoire only; an unknown sanction is 404', async () => {
    await file(first, tokens.slai()).expect(200);
    await file(first, tokens.slai('CALAISIS')).expect(403);
    await file(first, tokens.referent()).expect(403);
    await file(first, tokens.etat()).expect(403);
    expect((await file('00000000-0000-4000-8000-000000000000').expect(404)).body.code).toBe(
      'SANCTION_NOT_FOUND',
    );
  });

  it('after the erasure of the person, neither the JSON nor the PDF holds her data; the procedure stays', async () => {
    await post(`/api/persons/${p.split('/').at(-1)}/erasure`, bearer(tokens.departement()), {
      reason: 'person_request',
    });
    const res = await file(first).expect(200);
    expect(res.body.person).toEqual({ erased: true });
    expect(JSON.stringify(res.body)).not.toMatch(/Martin|Léa|1990-04-12/);
    expect(res.body.steps).toHaveLength(8);
    const text = (await pdf(first)).join('\n');
    expect(text).toContain('Personne : données effacées');
    expect(text).not.toMatch(/Martin|Léa|1990-04-12/);
  });
});
