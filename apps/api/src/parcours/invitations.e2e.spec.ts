import {
  bearer,
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
