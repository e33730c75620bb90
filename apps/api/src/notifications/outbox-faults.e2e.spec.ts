import { CommandBus } from '@nestjs/cqrs';
import { ExecuteParcoursCommand, ParcoursRepository, ReferenceCatalog } from '@parcours/application';
import {
  DeliveryRecorder,
  MAX_SEND_ATTEMPTS,
  NOTIFICATIONS_IDENTITY,
  NotificationDispatcher,
  NotificationOutbox,
  RunCommand,
  Senders,
  workerHeaders,
} from '@parcours/background';
import type { EventStore, SqlClient } from '@parcours/event-store';
import { EmailNotification, ProviderUnavailableError, SendOutcome } from '@parcours/notifications';
import { EVENT_STORE, SQL } from '@parcours/runtime';
import {
  bearer,
  followedParcours,
  NOW,
  seedReferenceData,
  startApi,
  TestApi,
  tokens,
} from '../../../../test/support/api';

/**
 * The outbox and its dispatcher when things go wrong: a provider away, a person without coordinates or
 * erased, a message recorded after the fact, two workers at once. On the real PostgreSQL; the senders are
 * stand-ins here (the real ones are exercised in messages.e2e.spec.ts and libs/notifications).
 */
describe('notification outbox under faults', () => {
  let api: TestApi;
  let sql: SqlClient;
  let outbox: NotificationOutbox;
  let run: RunCommand;
  const referent = () => bearer(tokens.referent());

  beforeAll(async () => {
    api = await startApi('postgres');
    await seedReferenceData(api);
    await api.http
      .patch('/api/organisations/org-ccas')
      .set(bearer(tokens.departement()))
      .send({ phone: '03 21 00 00 00' })
      .expect(200);
    sql = api.app.get<SqlClient>(SQL);
    outbox = new NotificationOutbox(api.app.get<EventStore>(EVENT_STORE), sql);
    const commands = api.app.get(CommandBus);
    run = (id, command, key) =>
      commands.execute(new ExecuteParcoursCommand(id, command, NOTIFICATIONS_IDENTITY, workerHeaders(key)));
  });
  afterAll(() => api.close());

  beforeEach(async () => {
    // Each case sends its own messages: what an earlier case left pending is set aside.
    await outbox.catchUp();
    await sql.query(`update notification_outbox set status = 'skipped' where status = 'pending'`);
  });

  const dispatcher = (senders: Senders) =>
    new NotificationDispatcher(
      sql,
      senders,
      api.app.get(ParcoursRepository),
      api.app.get(ReferenceCatalog),
      new DeliveryRecorder(sql, run, () => NOW),
      () => NOW,
    );

  /** A parcours with an e-mail address, invited by e-mail today; returns its id and the invitation's. */
  async function invited(contact: object | null = { email: 'personne@example.org' }, sentOn = '2025-06-30') {
    const id = await followedParcours(api);
    if (contact)
      await api.http
        .post(`/api/parcours/${id}/contact-details`)
        .set(referent())
        .send({ recordedOn: '2025-06-01', ...contact })
        .expect(201);
    const invitation = await api.http
      .post(`/api/parcours/${id}/invitations`)
      .set(referent())
      .send({ sentOn, channels: ['email'] })
      .expect(201);
    await outbox.catchUp();
    return { id, invitationId: invitation.body.invitationId as string };
  }

  const row = async (messageId: string) =>
    (
      await sql.query<{ status: string; attempts: number; error_code: string | null; reported: boolean }>(
        `select status, attempts, error_code, reported_at is not null as reported,
                next_attempt_at > now() + interval '30 seconds' as later
         from notification_outbox where message_id = $1`,
        [messageId],
      )
    )[0];

  const deliveries = async (id: string) =>
    (
      (await api.http.get(`/api/parcours/${id}/history`).set(bearer(tokens.slai())).expect(200)).body as {
        type: string;
        data: { messageId: string; outcome: string };
      }[]
    )
      .filter((e) => e.type === 'MessageDeliveryReported')
      .map((e) => `${e.data.messageId}:${e.data.outcome}`);

  const emailSender = (send: (n: EmailNotification) => Promise<SendOutcome>): Senders => ({
    email: { channel: 'email', send },
  });

  it('keeps a message while the provider is away, retries it later, and records it sent once', async () => {
    const { id, invitationId } = await invited();
    const away = dispatcher(
      emailSender(async () => {
        throw new ProviderUnavailableError('email', 'connection refused');
      }),
    );
    expect(await away.dispatch()).toEqual({ sent: 0, failed: 0, retried: 1 });
    expect(await row(invitationId)).toMatchObject({
      status: 'pending',
      attempts: 1,
      error_code: 'provider_unavailable',
      later: true,
    });
    // Not due yet: a second run sends nothing.
    expect(await away.dispatch()).toEqual({ sent: 0, failed: 0, retried: 0 });
    expect(await deliveries(id)).toEqual([]);

    await sql.query('update notification_outbox set next_attempt_at = now() where message_id = $1', [
      invitationId,
    ]);
    const sent: string[] = [];
    const back = dispatcher(
      emailSender(async (n) => (sent.push(n.id), { status: 'sent', providerMessageId: 'p-1' })),
    );
    expect(await back.dispatch()).toEqual({ sent: 1, failed: 0, retried: 0 });
    expect(await back.dispatch()).toEqual({ sent: 0, failed: 0, retried: 0 });
    expect(sent).toHaveLength(1);
    expect(await row(invitationId)).toMatchObject({ status: 'sent', attempts: 2, reported: true });
    expect(await deliveries(id)).toEqual([`${invitationId}:sent`]);
  });

  it(`gives a message up as failed after ${MAX_SEND_ATTEMPTS} attempts with the provider away`, async () => {
    const { id, invitationId } = await invited();
    const away = dispatcher(
      emailSender(async () => {
        throw new ProviderUnavailableError('email', '503');
      }),
    );
    for (let attempt = 1; attempt <= MAX_SEND_ATTEMPTS; attempt++) {
      await sql.query('update notification_outbox set next_attempt_at = now() where message_id = $1', [
        invitationId,
      ]);
      await away.dispatch();
    }
    expect(await row(invitationId)).toMatchObject({
      status: 'failed',
      attempts: MAX_SEND_ATTEMPTS,
      error_code: 'provider_unavailable',
      reported: true,
    });
    expect(await deliveries(id)).toEqual([`${invitationId}:failed`]);
  });

  it.each([
    ['no coordinates at all', null, 'no_email'],
    ['a phone but no e-mail address', { phone: '06 12 34 56 78' }, 'no_email'],
  ])(
    'records as failed, without calling the provider, a message to a person with %s',
    async (_, contact, code) => {
      const { id, invitationId } = await invited(contact);
      let calls = 0;
      await dispatcher(emailSender(async () => (calls++, { status: 'sent' }))).dispatch();
      expect(calls).toBe(0);
      expect(await row(invitationId)).toMatchObject({ status: 'failed', error_code: code });
      expect(await deliveries(id)).toEqual([`${invitationId}:failed`]);
    },
  );

  it('sends nothing to a person erased before the message left, and the erasure needs nothing of the outbox', async () => {
    const { id, invitationId } = await invited();
    await api.http
      .post(`/api/persons/${id}/erasure`)
      .set(bearer(tokens.departement()))
      .send({ reason: 'person_request' })
      .expect((res) => expect([200, 201]).toContain(res.status));
    let calls = 0;
    await dispatcher(emailSender(async () => (calls++, { status: 'sent' }))).dispatch();
    expect(calls).toBe(0);
    expect(await row(invitationId)).toMatchObject({
      status: 'failed',
      error_code: 'person_erased',
      reported: true,
    });
  });

  it('does not send a message recorded after the fact (a letter posted by hand a month ago)', async () => {
    const { invitationId } = await invited(null, '2025-05-30');
    expect(await row(invitationId)).toMatchObject({
      status: 'skipped',
      error_code: 'recorded_after_the_fact',
    });
  });

  it('sends each message once when two workers dispatch at the same time', async () => {
    const ids = [];
    for (let i = 0; i < 6; i++) ids.push((await invited()).invitationId);
    const calls = new Map<string, number>();
    const slow = emailSender(async (n) => {
      calls.set(n.id, (calls.get(n.id) ?? 0) + 1);
      await new Promise((r) => setTimeout(r, 20));
      return { status: 'sent' };
    });
    const [a, b] = await Promise.all([dispatcher(slow).dispatch(), dispatcher(slow).dispatch()]);
    expect(a.sent + b.sent).toBe(6);
    expect([...calls.values()]).toEqual([1, 1, 1, 1, 1, 1]);
    for (const m of ids) expect(await row(m)).toMatchObject({ status: 'sent', attempts: 1, reported: true });
  });

  it('takes each message into the outbox once when two workers read the log at the same time', async () => {
    const id = await followedParcours(api);
    await api.http
      .post(`/api/parcours/${id}/invitations`)
      .set(referent())
      .send({ sentOn: '2025-06-30', channels: ['email', 'sms', 'letter'] })
      .expect(201);
    const second = new NotificationOutbox(api.app.get<EventStore>(EVENT_STORE), sql, 1);
    await Promise.all([outbox.catchUp(), second.catchUp()]);
    const rows = await sql.query<{ channel: string }>(
      'select channel from notification_outbox where parcours_id = $1 order by channel',
      [id],
    );
    expect(rows.map((r) => r.channel)).toEqual(['email', 'letter', 'sms']);
  });
});
