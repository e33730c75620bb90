import {
  bearer,
  entryBody,
  followedParcours,
  projectionsCaughtUp,
  seedReferenceData,
  startApi,
  TestApi,
  tokens,
} from '../../../../test/support/api';

/**
 * Invitation, reminder, convocation and the manquement that cites it, through the HTTP API (test clock:
 * 30 June 2025). The messages themselves are sent by the notification outbox (not part of this test).
 */
describe('invitations and convocations, through the API', () => {
  let api: TestApi;
  const slai = () => bearer(tokens.slai());
  const referent = () => bearer(tokens.referent());
  const post = (path: string, auth: Record<string, string>, body: object) =>
    api.http.post(path).set(auth).send(body);

  beforeAll(async () => {
    api = await startApi('embedded');
    await seedReferenceData(api);
  });
  afterAll(async () => {
    await api.close();
  });

  const oriented = async () => `/api/parcours/${await followedParcours(api)}`;

  it('invites, reminds, convenes; the missed appointment becomes a manquement citing the convocation', async () => {
    const p = await oriented();
    const invitation = await post(`${p}/invitations`, referent(), {
      sentOn: '2025-01-23',
      channels: ['email', 'sms'],
    }).expect(201);
    expect(invitation.body.invitationId).toEqual(expect.any(String));
    const reminder = await post(`${p}/reminders`, referent(), {
      about: 'invitation',
      aboutId: invitation.body.invitationId,
      sentOn: '2025-01-26',
      channels: ['sms'],
    }).expect(201);
    // The provider's report of the SMS (the system identity of the callback).
    await post(`${p}/messages/${reminder.body.reminderId}/deliveries`, bearer(tokens.system()), {
      channel: 'sms',
      outcome: 'delivered',
      reportedOn: '2025-01-26',
    }).expect(201);
    await post(`${p}/messages/${reminder.body.reminderId}/deliveries`, referent(), {
      channel: 'sms',
      outcome: 'delivered',
      reportedOn: '2025-01-26',
    }).expect(403);

    const appointment = await post(`${p}/appointments`, referent(), {
      scheduledFor: '2025-02-10',
      scheduledOn: '2025-02-03',
      kind: 'individual',
      channel: 'in_person',
    }).expect(201);
    const a = `${p}/appointments/${appointment.body.appointmentId}`;
    const convocation = await post(`${a}/convocations`, referent(), {
      sentOn: '2025-02-03',
      channels: ['letter', 'email'],
      time: '09:30',
    }).expect(201);
    await post(`${a}/missed`, referent(), { missedOn: '2025-02-10', legitimateReason: false }).expect(201);

    const breach = {
      kind: 'unexcused_missed_appointment',
      obligation: 'appointments',
      occurredOn: '2025-02-10',
      reportedOn: '2025-02-11',
    };
    const without = await post(`${p}/breaches`, referent(), breach).expect(422);
    expect(without.body).toMatchObject({ code: 'BREACH_CONVOCATION_REQUIRED', field: 'convocationId' });
    await post(`${p}/breaches`, referent(), {
      ...breach,
      convocationId: convocation.body.convocationId,
    }).expect(201);

    await projectionsCaughtUp(api);
    const history = await api.http.get(`${p}/history`).set(slai()).expect(200);
    expect(history.body.map((e: { type: string }) => e.type)).toEqual(
      expect.arrayContaining([
        'InvitationSent',
        'ReminderSent',
        'MessageDeliveryReported',
        'ConvocationSent',
      ]),
    );
    expect(history.body.find((e: { type: string }) => e.type === 'BreachReported').data.convocationId).toBe(
      convocation.body.convocationId,
    );
    // The invitation was answered by the appointment set: a reminder of it is refused.
    const late = await post(`${p}/reminders`, referent(), {
      about: 'invitation',
      aboutId: invitation.body.invitationId,
      sentOn: '2025-02-04',
      channels: ['sms'],
    }).expect(422);
    expect(late.body.code).toBe('INVITATION_ANSWERED');
  });

  it.each([
    ['an unknown channel', { sentOn: '2025-01-23', channels: ['pigeon'] }],
    ['channels as text', { sentOn: '2025-01-23', channels: 'sms' }],
    ['no date', { channels: ['sms'] }],
  ])('answers 400 for an invitation with %s, and records nothing', async (_, body) => {
    const p = await oriented();
    const before = await api.http.get(`${p}/history`).set(slai()).expect(200);
    await post(`${p}/invitations`, referent(), body).expect(400);
    const after = await api.http.get(`${p}/history`).set(slai()).expect(200);
    expect(after.body).toHaveLength(before.body.length);
  });
});

describe('coordinates and cohort actions, through the API', () => {
  let api: TestApi;
  const slai = () => bearer(tokens.slai());
  const referent = () => bearer(tokens.referent());

  beforeAll(async () => {
    api = await startApi('embedded');
    await seedReferenceData(api);
  });
  afterAll(async () => {
    await api.close();
  });

  const historyLength = async (id: string) =>
    ((await api.http.get(`/api/parcours/${id}/history`).set(slai()).expect(200)).body as unknown[]).length;

  const contact = {
    recordedOn: '2025-01-23',
    civility: 'monsieur',
    email: 'jean.dupont@example.org',
    phone: '+33 6 12 34 56 78',
    postalAddress: {
      lines: ['Monsieur Jean Dupont', 'Résidence Les Tilleuls, bât. B'],
      postcode: '62000',
      city: 'ARRAS',
    },
  };

  it('records the coordinates, which the history shows to who may read the parcours', async () => {
    const id = await followedParcours(api);
    await api.http.post(`/api/parcours/${id}/contact-details`).set(referent()).send(contact).expect(201);
    const history = (await api.http.get(`/api/parcours/${id}/history`).set(slai()).expect(200)).body as {
      type: string;
      data: unknown;
    }[];
    expect(history.find((e) => e.type === 'ContactDetailsRecorded')?.data).toEqual({
      ...contact,
      channels: ['email', 'sms', 'letter'],
    });
  });

  it.each([
    ['an e-mail address without @', { email: 'jean.dupont.example.org' }, 'email'],
    ['a phone number of letters', { phone: 'zero six douze' }, 'phone'],
    ['a phone number one digit short', { phone: '06 12 34 56 7' }, 'phone'],
    [
      'a postcode of 4 digits',
      { postalAddress: { ...contact.postalAddress, postcode: '6200' } },
      'postalAddress',
    ],
    [
      'an address line of 39 characters',
      { postalAddress: { ...contact.postalAddress, lines: ['x'.repeat(39)] } },
      'postalAddress',
    ],
    ['an unknown civilité', { civility: 'mx' }, 'civility'],
  ])('answers 400 for coordinates with %s, and records nothing', async (_, change, field) => {
    const id = await followedParcours(api);
    const before = await historyLength(id);
    const res = await api.http
      .post(`/api/parcours/${id}/contact-details`)
      .set(referent())
      .send({ ...contact, ...change })
      .expect(400);
    expect(JSON.stringify(res.body)).toContain(field);
    expect(await historyLength(id)).toBe(before);
  });

  it('answers 422 CONTACT_REQUIRED for coordinates with no way to reach the person', async () => {
    const id = await followedParcours(api);
    const res = await api.http
      .post(`/api/parcours/${id}/contact-details`)
      .set(referent())
      .send({ recordedOn: '2025-01-23', civility: 'madame' })
      .expect(422);
    expect(res.body.code).toBe('CONTACT_REQUIRED');
  });

  it('invites a cohort: each parcours its own event and answer, replayed by its key without a second event', async () => {
    const [a, b] = [await followedParcours(api), await followedParcours(api)];
    const elsewhere = (
      await api.http
        .post('/api/parcours')
        .set(bearer(tokens.system()))
        .send(entryBody({ territory: 'CALAISIS' }))
        .expect(201)
    ).body.id as string;
    const unknown = '00000000-0000-4000-8000-000000000000';
    const body = {
      sentOn: '2025-01-24',
      channels: ['email', 'sms'],
      parcoursIds: [a, b, elsewhere, unknown, a],
    };
    const first = await api.http
      .post('/api/cohorts/invitations')
      .set({ ...slai(), 'Idempotency-Key': 'cohorte-janvier' })
      .send(body)
      .expect(200);
    expect(
      first.body.results.map((r: { parcoursId: string; status: number }) => [r.parcoursId, r.status]),
    ).toEqual([
      [a, 201],
      [b, 201],
      [elsewhere, 403],
      [unknown, 404],
    ]);
    expect(first.body).toMatchObject({ accepted: 2, refused: 2 });
    const lengths = [await historyLength(a), await historyLength(b)];

    const replay = await api.http
      .post('/api/cohorts/invitations')
      .set({ ...slai(), 'Idempotency-Key': 'cohorte-janvier' })
      .send(body)
      .expect(200);
    expect(replay.body.results.slice(0, 2)).toEqual(first.body.results.slice(0, 2));
    expect([await historyLength(a), await historyLength(b)]).toEqual(lengths);

    // Without a key, a parcours already invited is refused, never invited twice.
    const again = await api.http.post('/api/cohorts/invitations').set(slai()).send(body).expect(200);
    expect(again.body.results.slice(0, 2).map((r: { code: string }) => r.code)).toEqual([
      'INVITATION_PENDING',
      'INVITATION_PENDING',
    ]);
    expect([await historyLength(a), await historyLength(b)]).toEqual(lengths);

    // A référent has no cohort actions.
    await api.http.post('/api/cohorts/invitations').set(referent()).send(body).expect(403);
  });

  it('convenes a cohort to their appointments, refusing the appointment that does not exist', async () => {
    const [a, b] = [await followedParcours(api), await followedParcours(api)];
    const appointment = await api.http
      .post(`/api/parcours/${a}/appointments`)
      .set(referent())
      .send({
        scheduledFor: '2025-07-10',
        scheduledOn: '2025-06-30',
        kind: 'individual',
        channel: 'in_person',
      })
      .expect(201);
    const res = await api.http
      .post('/api/cohorts/convocations')
      .set(slai())
      .send({
        sentOn: '2025-06-30',
        channels: ['letter'],
        convocations: [
          {
            parcoursId: a,
            appointmentId: appointment.body.appointmentId,
            time: '14:00',
            place: 'CCAS Arras',
          },
          { parcoursId: b, appointmentId: '00000000-0000-4000-8000-000000000001', time: '14:30' },
        ],
      })
      .expect(200);
    expect(res.body.results).toEqual([
      { parcoursId: a, status: 201, messageId: expect.any(String), revision: expect.any(Number) },
      expect.objectContaining({ parcoursId: b, status: 404, code: 'APPOINTMENT_NOT_FOUND' }),
    ]);
    const history = (await api.http.get(`/api/parcours/${a}/history`).set(slai()).expect(200)).body as {
      type: string;
      data: Record<string, unknown>;
    }[];
    expect(history.find((e) => e.type === 'ConvocationSent')?.data).toMatchObject({
      convocationId: res.body.results[0].messageId,
      time: '14:00',
      place: 'CCAS Arras',
      channels: ['letter'],
    });
  });
});
