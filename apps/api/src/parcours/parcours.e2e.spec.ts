import {
  bearer,
  entryBody,
  followedParcours,
  seedReferenceData,
  startApi,
  StoreUnderTest,
  TestApi,
  tokens,
} from '../../../../test/support/api';

const stores: StoreUnderTest[] = process.env.PARCOURS_TEST_POSTGRES_MISSING
  ? ['embedded']
  : ['embedded', 'postgres'];

describe.each(stores)('parcours API on the %s store', (store) => {
  let api: TestApi;
  beforeAll(async () => {
    api = await startApi(store);
    await seedReferenceData(api);
  });
  afterAll(async () => {
    await api.close();
  });

  it('walks a whole parcours from entry to exit and re-entry', async () => {
    const system = bearer(tokens.system());
    const slai = bearer(tokens.slai());
    const referent = bearer(tokens.referent());
    const post = (path: string, auth: Record<string, string>, body: object, status = 201) =>
      api.http.post(path).set(auth).send(body).expect(status);

    const entry = await post(
      '/api/parcours',
      system,
      entryBody({
        person: {
          lastName: 'Martin',
          firstName: 'Léa',
          birthDate: '1990-04-12',
          sex: 'female',
          nir: '290047512345678',
        },
      }),
    );
    const id = entry.body.id;
    expect(entry.body).toMatchObject({ revision: 0, events: ['ParcoursEntered'] });
    const p = `/api/parcours/${id}`;

    await post(`${p}/france-travail-registration`, system, { registeredOn: '2025-01-03' });
    const oriented = await post(`${p}/orientations`, slai, {
      track: 'socio_professional',
      organisationId: 'org-ccas',
      decidedOn: '2025-01-20',
      notifiedOn: '2025-01-21',
    });
    expect(oriented.body.orientationId).toEqual(expect.any(String));
    await post(`${p}/referent`, slai, { referentId: 'ref-ccas-1', assignedOn: '2025-01-22' });

    const appointment = await post(`${p}/appointments`, referent, {
      scheduledFor: '2025-01-30',
      scheduledOn: '2025-01-22',
      kind: 'individual',
      channel: 'in_person',
    });
    await post(`${p}/appointments/${appointment.body.appointmentId}/held`, referent, {
      heldOn: '2025-01-30',
    });
    const second = await post(`${p}/appointments`, referent, {
      scheduledFor: '2025-02-15',
      scheduledOn: '2025-02-01',
      kind: 'collective',
      channel: 'video',
    });
    await post(`${p}/appointments/${second.body.appointmentId}/missed`, referent, {
      missedOn: '2025-02-15',
      legitimateReason: true,
    });
    const third = await post(`${p}/appointments`, referent, {
      scheduledFor: '2025-03-01',
      scheduledOn: '2025-02-16',
      kind: 'individual',
      channel: 'phone',
    });
    await post(`${p}/appointments/${third.body.appointmentId}/cancelled`, referent, {
      cancelledOn: '2025-02-20',
    });

    await post(`${p}/diagnostics`, referent, {
      diagnosedOn: '2025-01-30',
      barriers: ['mobility', 'childcare'],
    });
    await post(`${p}/barriers/mobility/lifted`, referent, { liftedOn: '2025-04-01' });
    const contract = await post(`${p}/contracts`, referent, {
      kind: 'contrat_engagement',
      signedOn: '2025-02-03',
      startsOn: '2025-02-03',
      endsOn: '2025-08-02',
      weeklyHours: 15,
      objectives: ['permis_b', 'garde_enfant'],
    });
    const prescription = await post(`${p}/prescriptions`, referent, {
      actionId: 'act-mobilite',
      prescribedOn: '2025-02-10',
    });
    await post(`${p}/prescriptions/${prescription.body.prescriptionId}/entry`, referent, {
      enteredOn: '2025-02-17',
    });
    await post(`${p}/prescriptions/${prescription.body.prescriptionId}/exit`, referent, {
      exitedOn: '2025-04-30',
      outcome: 'training',
    });

    const request = await post(`${p}/reorientation-requests`, referent, {
      requestedOn: '2025-03-03',
      motive: 'situation_changed',
      requestedTrack: 'employment',
    });
    await post(`${p}/reorientation-requests/${request.body.requestId}/decision`, slai, {
      decidedOn: '2025-03-10',
      accepted: false,
    });

    const breach = await post(`${p}/breaches`, referent, {
      kind: 'contract_not_honoured',
      obligation: 'appointments',
      occurredOn: '2025-03-12',
      reportedOn: '2025-03-13',
    });
    const b = `${p}/breaches/${breach.body.breachId}`;
    await post(`${b}/information`, slai, { informedOn: '2025-03-14' });
    await post(`${b}/observations`, slai, { receivedOn: '2025-03-20' });
    await post(`${b}/ep-opinion`, slai, { givenOn: '2025-03-25', opinion: 'sanction' });
    // A household of two: the share is capped at 50 %.
    const refused = await post(
      `${b}/decision`,
      slai,
      { decidedOn: '2025-03-26', decision: 'suspension', sharePercent: 80, months: 1 },
      422,
    );
    expect(refused.body).toMatchObject({
      statusCode: 422,
      code: 'SANCTION_SHARE_ABOVE_HOUSEHOLD_CAP',
      field: 'sharePercent',
    });
    const decided = await post(`${b}/decision`, slai, {
      decidedOn: '2025-03-26',
      decision: 'suspension',
      sharePercent: 50,
      months: 1,
    });
    await post(`${p}/sanctions/${decided.body.sanctionId}/remobilisation`, slai, {
      remobilisedOn: '2025-04-05',
      monthsToRepay: 1,
    });

    await post(`${p}/balanced-review`, referent, { reviewedOn: '2025-04-15', outcome: 'continue' }, 403);
    await post(`${p}/balanced-review`, slai, { reviewedOn: '2025-04-15', outcome: 'continue' });
    await post(`${p}/contracts/${contract.body.contractId}/review`, referent, {
      reviewedOn: '2025-05-02',
      outcome: 'exit',
    });
    await post(`${p}/employment`, system, { startedOn: '2025-05-05', kind: 'permanent' });
    await post(`${p}/exit`, system, { exitedOn: '2025-05-31', reason: 'employment' });
    await post(`${p}/accompaniment-end`, referent, { endedOn: '2025-06-15' });
    const reentry = await post(`${p}/reentry`, system, {
      demandOn: '2025-06-20',
      rightOpenedOn: '2025-06-22',
      enteredOn: '2025-06-23',
    });

    const state = await api.http.get(p).set(slai).expect(200);
    expect(state.body).toMatchObject({
      id,
      status: 'in_rsa',
      cycle: 2,
      revision: reentry.body.revision,
      territory: 'ARRAGEOIS',
    });
    expect(state.body.cycles).toEqual([
      { cycle: 1, enteredOn: '2025-01-06', exitedOn: '2025-05-31', accompanimentEndedOn: '2025-06-15' },
      { cycle: 2, enteredOn: '2025-06-23' },
    ]);
    expect(state.body.orientation).toBeUndefined();
    // The NIR is recorded but never shown.
    expect(state.body.person).toMatchObject({ lastName: 'Martin', nirRecorded: true });
    expect(JSON.stringify(state.body)).not.toContain('290047512345678');

    const history = await api.http.get(`${p}/history`).set(slai).expect(200);
    expect(history.body).toHaveLength(reentry.body.revision + 1);
    expect(history.body[0]).toMatchObject({
      revision: 0,
      type: 'ParcoursEntered',
      businessDate: '2025-01-06',
      actor: 'caf-flow',
    });
    expect(history.body.find((e: { type: string }) => e.type === 'AppointmentHeld')).toMatchObject({
      businessDate: '2025-01-30',
      actor: 'user-ref-ccas-1',
    });
    expect(new Date(history.body[0].recordedAt).toISOString()).toBe(history.body[0].recordedAt);
    expect(JSON.stringify(history.body)).not.toContain('290047512345678');
  });

  describe('status codes', () => {
    let id: string;
    beforeAll(async () => {
      id = await followedParcours(api);
    });

    it('400 with the failing fields, for bad values, unknown properties and malformed JSON', async () => {
      const res = await api.http
        .post(`/api/parcours/${id}/appointments`)
        .set(bearer(tokens.referent()))
        .send({
          scheduledFor: '2025-02-30',
          scheduledOn: '2025-06-01',
          kind: 'group',
          channel: 'in_person',
          extra: 1,
        })
        .expect(400);
      expect(res.body.code).toBe('VALIDATION_FAILED');
      expect(res.body.fields.map((f: { field: string }) => f.field).sort()).toEqual([
        'extra',
        'kind',
        'scheduledFor',
      ]);
      const nested = await api.http
        .post('/api/parcours')
        .set(bearer(tokens.system()))
        .send(entryBody({ person: { lastName: 'X', firstName: 'Y', birthDate: 'yesterday', sex: 'female' } }))
        .expect(400);
      expect(nested.body.fields.map((f: { field: string }) => f.field)).toEqual(['person.birthDate']);
      const malformed = await api.http
        .post(`/api/parcours/${id}/exit`)
        .set(bearer(tokens.system()))
        .set('Content-Type', 'application/json')
        .send('{"exitedOn": ')
        .expect(400);
      expect(malformed.body.code).toBe('MALFORMED_JSON');
      await api.http
        .post(`/api/parcours/${id}/barriers/flying/lifted`)
        .set(bearer(tokens.referent()))
        .send({ liftedOn: '2025-03-01' })
        .expect(400);
    });

    it('401 without a valid token', async () => {
      const res = await api.http.get(`/api/parcours/${id}`).expect(401);
      expect(res.body.code).toBe('UNAUTHENTICATED');
      await api.http.get(`/api/parcours/${id}`).set({ Authorization: 'Bearer not.a.token' }).expect(401);
    });

    it('404 for an unknown parcours', async () => {
      const res = await api.http
        .post('/api/parcours/9b2f8a34-58c5-4c0b-9a53-4bbf0d8f0a11/exit')
        .set(bearer(tokens.system()))
        .send({ exitedOn: '2025-05-31', reason: 'income' })
        .expect(404);
      expect(res.body.code).toBe('PARCOURS_NOT_FOUND');
      await api.http.get('/api/parcours/not-even-a-uuid').set(bearer(tokens.departement())).expect(404);
    });

    it('422 with the rule code and a French message', async () => {
      const res = await api.http
        .post(`/api/parcours/${id}/appointments/unknown/held`)
        .set(bearer(tokens.referent()))
        .send({ heldOn: '2025-02-01' })
        .expect(404);
      expect(res.body.code).toBe('APPOINTMENT_NOT_FOUND');
      const future = await api.http
        .post(`/api/parcours/${id}/employment`)
        .set(bearer(tokens.referent()))
        .send({ startedOn: '2025-07-01', kind: 'permanent' })
        .expect(422);
      expect(future.body).toMatchObject({ code: 'DATE_IN_FUTURE', field: 'startedOn' });
      expect(future.body.message).toMatch(/futur/);
    });

    it('409 when If-Match names a revision that is no longer current, and nothing is written', async () => {
      const before = await api.http.get(`/api/parcours/${id}`).set(bearer(tokens.slai())).expect(200);
      const stale = before.body.revision - 1;
      const res = await api.http
        .post(`/api/parcours/${id}/employment`)
        .set(bearer(tokens.referent()))
        .set('If-Match', String(stale))
        .send({ startedOn: '2025-06-01', kind: 'permanent' })
        .expect(409);
      expect(res.body.code).toBe('REVISION_MISMATCH');
      const after = await api.http.get(`/api/parcours/${id}`).set(bearer(tokens.slai())).expect(200);
      expect(after.body.revision).toBe(before.body.revision);
      await api.http
        .post(`/api/parcours/${id}/employment`)
        .set(bearer(tokens.referent()))
        .set('If-Match', String(before.body.revision))
        .send({ startedOn: '2025-06-01', kind: 'permanent' })
        .expect(201);
    });

    it('serves the OpenAPI document without a token', async () => {
      const res = await api.http.get('/api/docs/json').expect(200);
      expect(Object.keys(res.body.paths)).toEqual(
        expect.arrayContaining([
          '/api/parcours',
          '/api/parcours/{id}/appointments/{aid}/held',
          '/api/referents',
        ]),
      );
      expect(res.body.components.schemas.ContractDto.properties.kind.enum).toContain('contrat_engagement');
    });
  });

  describe('who may do what', () => {
    let id: string;
    beforeAll(async () => {
      id = await followedParcours(api);
    });

    const appointment = {
      scheduledFor: '2025-07-10',
      scheduledOn: '2025-06-30',
      kind: 'individual',
      channel: 'phone',
    };

    it.each([
      ['the current référent', 201, () => tokens.referent('ref-ccas-1')],
      ['another référent of the same organisme', 403, () => tokens.referent('ref-ccas-2')],
      ['the SLAI of the territoire', 201, () => tokens.slai('ARRAGEOIS')],
      ['the SLAI of another territoire', 403, () => tokens.slai('CALAISIS')],
      ['the Département', 201, () => tokens.departement()],
      ['the État', 403, () => tokens.etat()],
      ['a partner flow', 403, () => tokens.system()],
    ])('scheduling an appointment: %s → %s', async (_, status, token) => {
      const before = (await api.http.get(`/api/parcours/${id}`).set(bearer(tokens.departement()))).body
        .revision;
      await api.http
        .post(`/api/parcours/${id}/appointments`)
        .set(bearer(token()))
        .send(appointment)
        .expect(status);
      const after = (await api.http.get(`/api/parcours/${id}`).set(bearer(tokens.departement()))).body
        .revision;
      expect(after - before).toBe(status === 201 ? 1 : 0);
    });

    it.each([
      ['référent', 403, () => tokens.referent()],
      ['SLAI', 422, () => tokens.slai()],
    ])('an orientation decision by the %s → %s', async (_, status, token) => {
      // 422 for the SLAI: the parcours is already oriented, the rule speaks after the right.
      await api.http
        .post(`/api/parcours/${id}/orientations`)
        .set(bearer(token()))
        .send({
          track: 'social',
          organisationId: 'org-ccas',
          decidedOn: '2025-02-01',
          notifiedOn: '2025-02-01',
        })
        .expect(status);
    });

    it.each([
      ['current référent', 200, () => tokens.referent('ref-ccas-1')],
      ['other référent', 403, () => tokens.referent('ref-ccas-2')],
      ['SLAI elsewhere', 403, () => tokens.slai('CALAISIS')],
      ['État', 403, () => tokens.etat()],
      ['partner flow', 403, () => tokens.system()],
    ])('reading the parcours: %s → %s', async (_, status, token) => {
      await api.http.get(`/api/parcours/${id}`).set(bearer(token())).expect(status);
      await api.http.get(`/api/parcours/${id}/history`).set(bearer(token())).expect(status);
    });

    it('reference data: written by the Département only, never read by the État', async () => {
      await api.http
        .post('/api/territories')
        .set(bearer(tokens.slai()))
        .send({ territoryId: 'TERNOIS', name: 'Ternois' })
        .expect(403);
      await api.http.get('/api/organisations').set(bearer(tokens.etat())).expect(403);
      const list = await api.http.get('/api/referents').set(bearer(tokens.referent())).expect(200);
      expect(list.body.map((r: { referentId: string }) => r.referentId).sort()).toEqual([
        'ref-ccas-1',
        'ref-ccas-2',
        'ref-ft-1',
      ]);
    });

    it('parameters: a new version with an effective date changes the rules from that date', async () => {
      const dep = bearer(tokens.departement());
      await api.http
        .post('/api/parameters')
        .set(dep)
        .send({ effectiveFrom: '2025-06-01', values: { weeklyHoursMax: 20 } })
        .expect(201);
      const bad = await api.http
        .post('/api/parameters')
        .set(dep)
        .send({ effectiveFrom: '2025-06-01', values: { weeklyHoursMax: 'lots' } })
        .expect(400);
      expect(bad.body).toMatchObject({
        code: 'VALIDATION_FAILED',
        fields: [expect.objectContaining({ field: 'values' })],
      });
      // A rule between values is a 422: the contract cannot be shorter at most than at least.
      const rule = await api.http
        .post('/api/parameters')
        .set(dep)
        .send({ effectiveFrom: '2025-06-01', values: { contractMinMonths: 13 } })
        .expect(422);
      expect(rule.body).toMatchObject({ code: 'PARAMETER_INVALID', field: 'values.contractMinMonths' });
      const params = await api.http.get('/api/parameters').set(dep).expect(200);
      expect(params.body.inForce.weeklyHoursMax).toBe(20);
      const res = await api.http
        .post(`/api/parcours/${id}/contracts`)
        .set(bearer(tokens.referent()))
        .send({
          kind: 'contrat_engagement',
          signedOn: '2025-06-02',
          startsOn: '2025-06-02',
          endsOn: '2025-12-01',
          weeklyHours: 25,
          objectives: [],
        })
        .expect(422);
      expect(res.body.code).toBe('WEEKLY_HOURS_OUT_OF_RANGE');
    });
  });

  describe('concurrency and retries', () => {
    it('loses no update when commands race on one parcours', async () => {
      const id = await followedParcours(api);
      const referent = bearer(tokens.referent());
      const responses = await Promise.all(
        Array.from({ length: 8 }, (_, i) =>
          api.http
            .post(`/api/parcours/${id}/appointments`)
            .set(referent)
            .send({
              scheduledFor: `2025-07-${String(i + 1).padStart(2, '0')}`,
              scheduledOn: '2025-06-30',
              kind: 'individual',
              channel: 'phone',
            }),
        ),
      );
      expect(responses.map((r) => r.status)).toEqual(Array(8).fill(201));
      const state = await api.http.get(`/api/parcours/${id}`).set(referent).expect(200);
      expect(Object.keys(state.body.appointments)).toHaveLength(8);
      expect(new Set(responses.map((r) => r.body.revision)).size).toBe(8);
    });

    it('with If-Match, exactly one of the racing commands wins', async () => {
      const id = await followedParcours(api);
      const referent = bearer(tokens.referent());
      const { revision } = (await api.http.get(`/api/parcours/${id}`).set(referent)).body;
      const responses = await Promise.all(
        Array.from({ length: 5 }, () =>
          api.http
            .post(`/api/parcours/${id}/employment`)
            .set(referent)
            .set('If-Match', String(revision))
            .send({ startedOn: '2025-06-01', kind: 'permanent' }),
        ),
      );
      expect(responses.map((r) => r.status).sort()).toEqual([201, 409, 409, 409, 409]);
    });

    it('answers a retried command with its first answer and appends nothing twice', async () => {
      const system = bearer(tokens.system());
      const first = await api.http
        .post('/api/parcours')
        .set(system)
        .set('Idempotency-Key', 'caf-2025-01-06-0001')
        .send(entryBody())
        .expect(201);
      const again = await api.http
        .post('/api/parcours')
        .set(system)
        .set('Idempotency-Key', 'caf-2025-01-06-0001')
        .send(entryBody())
        .expect(201);
      expect(again.body).toEqual(first.body);

      const id = await followedParcours(api);
      const referent = bearer(tokens.referent());
      const send = () =>
        api.http
          .post(`/api/parcours/${id}/appointments`)
          .set(referent)
          .set('Idempotency-Key', 'note-42')
          .send({
            scheduledFor: '2025-07-10',
            scheduledOn: '2025-06-30',
            kind: 'individual',
            channel: 'phone',
          });
      const [a, b] = await Promise.all([send(), send()]);
      const c = await send();
      expect(a.status).toBe(201);
      expect(b.body).toEqual(a.body);
      expect(c.body).toEqual(a.body);
      const state = await api.http.get(`/api/parcours/${id}`).set(referent).expect(200);
      expect(Object.keys(state.body.appointments)).toEqual([a.body.appointmentId]);
    });
  });
});
