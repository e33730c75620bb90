import {
  bearer,
  followedParcours,
  seedReferenceData,
  startApi,
  TestApi,
  tokens,
} from '../../../../test/support/api';

/** The right of access (RGPD art. 15): everything held on a person, and who read the file, as JSON and as a PDF. */
describe('the access report of a person', () => {
  let api: TestApi;
  let id: string;
  const dpo = () => bearer(tokens.of({ sub: 'dpo-1', role: 'dpo' }));

  beforeAll(async () => {
    api = await startApi('embedded');
    await seedReferenceData(api);
    id = await followedParcours(api);
    await api.http
      .get(`/api/parcours/${id}`)
      .set(bearer(tokens.referent()))
      .set('X-Purpose', 'entretien')
      .expect(200);
    await api.http.get(`/api/parcours/${id}/history`).set(bearer(tokens.slai())).expect(200);
  });
  afterAll(async () => {
    await api.close();
  });

  /** The audit is written in batches: wait until the reads of the test are in the report. */
  async function report(auth = dpo()) {
    for (let i = 0; ; i++) {
      const res = await api.http.get(`/api/persons/${id}/access-report`).set(auth).expect(200);
      if (res.body.reads.length >= 2 || i > 50) return res.body;
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  it('gives the events decoded, the current state and the reads of the file, to the DPO and the Département only', async () => {
    const body = await report();
    expect(body.state.person).toMatchObject({ lastName: 'Martin', firstName: 'Léa' });
    expect(body.events.map((e: { type: string }) => e.type)).toEqual([
      'ParcoursEntered',
      'Oriented',
      'ReferentAssigned',
    ]);
    expect(body.events[0].data.person).toMatchObject({ lastName: 'Martin' });
    const reads = body.reads.map((r: { actor: { sub: string }; route: string; purpose?: string }) => [
      r.actor.sub,
      r.route,
      r.purpose,
    ]);
    expect(reads).toEqual(
      expect.arrayContaining([
        ['user-ref-ccas-1', '/api/parcours/:id', 'entretien'],
        ['slai-ARRAGEOIS', '/api/parcours/:id/history', undefined],
      ]),
    );
    await api.http.get(`/api/persons/${id}/access-report`).set(bearer(tokens.departement())).expect(200);
    for (const token of [tokens.referent(), tokens.slai(), tokens.etat(), tokens.system()])
      await api.http.get(`/api/persons/${id}/access-report`).set(bearer(token)).expect(403);
    await api.http
      .get('/api/persons/00000000-0000-4000-8000-000000000000/access-report')
      .set(dpo())
      .expect(404);
  });

  it('prints as a PDF a letter can carry, accents included', async () => {
    const res = await api.http
      .get(`/api/persons/${id}/access-report?format=pdf`)
      .set(dpo())
      .buffer(true)
      .parse((r, done) => {
        const chunks: Buffer[] = [];
        r.on('data', (c: Buffer) => chunks.push(c));
        r.on('end', () => done(null, Buffer.concat(chunks)));
      })
      .expect(200);
    expect(res.headers['content-type']).toMatch(/^application\/pdf/);
    const text = (res.body as Buffer).toString('latin1');
    expect(text.startsWith('%PDF-1.4')).toBe(true);
    expect(text.trimEnd().endsWith('%%EOF')).toBe(true);
    // "Léa" in WinAnsi: é is octal 351.
    expect(text).toContain('L\\351a');
    expect(text).toContain('ParcoursEntered');
    await api.http.get(`/api/persons/${id}/access-report?format=doc`).set(dpo()).expect(400);
  });
});
