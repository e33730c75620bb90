import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { CommandBus } from '@nestjs/cqrs';
import { IdempotencyKeys, ParcoursRepository, ReferenceCatalog } from '@parcours/application';
import {
  DeliveryRecorder,
  ReminderJob,
  writeLetterBatches,
  MAX_SEND_ATTEMPTS,
  NOTIFICATIONS_IDENTITY,
  NotificationDispatcher,
  NotificationOutbox,
  RunCommand,
  Senders,
  runAsNotificationWorker,
} from '@parcours/background';
import type { EventStore, SqlClient } from '@parcours/event-store';
import {
  EmailNotification,
  LetterBatch,
  ProviderUnavailableError,
  SendOutcome,
} from '@parcours/notifications';
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
  /** The API's clock: 30 June 2025 unless a case moves it. */
  let now = NOW;
  const referent = () => bearer(tokens.referent());

  beforeAll(async () => {
    api = await startApi('postgres', () => now);
    await seedReferenceData(api);
    await api.http
      .patch('/api/organisations/org-ccas')
      .set(bearer(tokens.departement()))
      .send({ phone: '03 21 00 00 00' })
      .expect(200);
    sql = api.app.get<SqlClient>(SQL);
    outbox = new NotificationOutbox(api.app.get<EventStore>(EVENT_STORE), sql, () => now);
    run = runAsNotificationWorker(api.app.get(CommandBus));
  });
  afterAll(() => api.close());

  beforeEach(async () => {
    now = NOW;
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
      new DeliveryRecorder(sql, run, () => now),
      () => now,
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

  /** The Département erases the person (RGPD art. 17). */
  const erase = (id: string) =>
    api.http
      .post(`/api/persons/${id}/erasure`)
      .set(bearer(tokens.departement()))
      .send({ reason: 'person_request' })
      .expect((res) => expect([200, 201]).toContain(res.status));

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
    await erase(id);
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
    const second = new NotificationOutbox(api.app.get<EventStore>(EVENT_STORE), sql, () => now, 1);
    await Promise.all([outbox.catchUp(), second.catchUp()]);
    const rows = await sql.query<{ channel: string }>(
      'select channel from notification_outbox where parcours_id = $1 order by channel',
      [id],
    );
    expect(rows.map((r) => r.channel)).toEqual(['email', 'letter', 'sms']);
  });

  it('reads the history before sending was switched on without sending nor reminding any of it', async () => {
    const id = await followedParcours(api);
    await api.http
      .post(`/api/parcours/${id}/contact-details`)
      .set(referent())
      .send({ recordedOn: '2025-06-30', email: 'personne@example.org' })
      .expect(201);
    const invitation = await api.http
      .post(`/api/parcours/${id}/invitations`)
      .set(referent())
      .send({ sentOn: '2025-06-30', channels: ['email'] })
      .expect(201);
    // The outbox reads it ten days later (the worker had no channel until then).
    now = new Date('2025-07-10T08:00:00Z');
    await outbox.catchUp();
    expect(await row(invitation.body.invitationId)).toMatchObject({
      status: 'skipped',
      error_code: 'too_old',
    });
    const reminders = new ReminderJob(
      sql,
      api.app.get(ParcoursRepository),
      api.app.get(ReferenceCatalog),
      run,
    );
    const r = await reminders.runOn('2025-07-10');
    expect(r.reminded.filter((x) => x.parcoursId === id)).toEqual([]);
    expect(await deliveries(id)).toEqual([]);
  });

  it('only moves past the messages while no channel is configured: they are never sent later', async () => {
    const id = await followedParcours(api);
    const invitation = await api.http
      .post(`/api/parcours/${id}/invitations`)
      .set(referent())
      .send({ sentOn: '2025-06-30', channels: ['sms'] })
      .expect(201);
    const quiet = new NotificationOutbox(api.app.get<EventStore>(EVENT_STORE), sql, () => now);
    for (let i = 0; i < 50 && (await quiet.feedAll({ record: false })) === 0; i++)
      await new Promise((r) => setTimeout(r, 20));
    await outbox.catchUp();
    expect(await row(invitation.body.invitationId)).toBeUndefined();
  });

  it('does not send a convocation (nor its reminder) once its appointment is cancelled', async () => {
    const { id } = await invited();
    const appointment = await api.http
      .post(`/api/parcours/${id}/appointments`)
      .set(referent())
      .send({ scheduledFor: '2025-07-03', scheduledOn: '2025-06-30', kind: 'individual', channel: 'phone' })
      .expect(201);
    const a = `/api/parcours/${id}/appointments/${appointment.body.appointmentId}`;
    const convocation = await api.http
      .post(`${a}/convocations`)
      .set(referent())
      .send({ sentOn: '2025-06-30', channels: ['email'], time: '10:00' })
      .expect(201);
    await api.http.post(`${a}/cancelled`).set(referent()).send({ cancelledOn: '2025-06-30' }).expect(201);
    await outbox.catchUp();
    let calls = 0;
    await dispatcher(
      emailSender(async (n) => (n.template.code === 'convocation' && calls++, { status: 'sent' })),
    ).dispatch();
    expect(calls).toBe(0);
    expect(await row(convocation.body.convocationId)).toMatchObject({
      status: 'failed',
      error_code: 'appointment_not_scheduled',
    });
  });

  it("convenes in person at the organisme's address when the convocation names no place, and refuses without any", async () => {
    const convene = async () => {
      const { id } = await invited();
      const appointment = await api.http
        .post(`/api/parcours/${id}/appointments`)
        .set(referent())
        .send({
          scheduledFor: '2025-07-08',
          scheduledOn: '2025-06-30',
          kind: 'individual',
          channel: 'in_person',
        })
        .expect(201);
      const convocation = await api.http
        .post(`/api/parcours/${id}/appointments/${appointment.body.appointmentId}/convocations`)
        .set(referent())
        .send({ sentOn: '2025-06-30', channels: ['email'], time: '10:00' })
        .expect(201);
      await outbox.catchUp();
      const bodies: string[] = [];
      await dispatcher(
        emailSender(
          async (n) => (n.template.code === 'convocation' && bodies.push(n.body), { status: 'sent' }),
        ),
      ).dispatch();
      return { messageId: convocation.body.convocationId as string, bodies };
    };
    const without = await convene();
    expect(without.bodies).toEqual([]);
    expect(await row(without.messageId)).toMatchObject({
      status: 'failed',
      error_code: 'appointment_place_missing',
    });

    await api.http
      .patch('/api/organisations/org-ccas')
      .set(bearer(tokens.departement()))
      .send({ addressLines: ['1 place du Théâtre', '62000 ARRAS'] })
      .expect(200);
    const withAddress = await convene();
    expect(withAddress.bodies).toHaveLength(1);
    expect(withAddress.bodies[0]).toContain('1 place du Théâtre, 62000 ARRAS');
  });

  it('sends a reminder the day after a crash left its idempotency key bound', async () => {
    // An invitation posted by hand on the 26th, recorded on the 30th: not sent, but reminded (3 days after).
    const { id, invitationId } = await invited({ email: 'personne@example.org' }, '2025-06-26');
    expect(await row(invitationId)).toMatchObject({
      status: 'skipped',
      error_code: 'recorded_after_the_fact',
    });
    const reminders = new ReminderJob(
      sql,
      api.app.get(ParcoursRepository),
      api.app.get(ReferenceCatalog),
      run,
    );
    // A worker claimed the day's key, then died before recording the reminder.
    await api.app
      .get(IdempotencyKeys)
      .claim(
        NOTIFICATIONS_IDENTITY.sub,
        `reminder:${invitationId}:1:2025-06-30`,
        'a request that never landed',
      );
    const stuck = await reminders.runOn('2025-06-30');
    expect(stuck.refused).toContainEqual({ parcoursId: id, code: 'IDEMPOTENCY_KEY_REUSED' });
    now = new Date('2025-07-01T08:00:00Z');
    const next = await reminders.runOn('2025-07-01');
    expect(next.reminded).toContainEqual({ parcoursId: id, about: 'invitation', aboutId: invitationId });
    // Run again the same day: nothing more.
    expect((await reminders.runOn('2025-07-01')).reminded.filter((x) => x.parcoursId === id)).toEqual([]);
  });

  it('takes out of the batch the letter of a person erased before it was printed', async () => {
    const directory = await fs.mkdtemp(path.join(os.tmpdir(), 'parcours-letters-'));
    try {
      const letters = new LetterBatch({ directory, now: () => now });
      const { id } = await invited({
        postalAddress: { lines: ['Madame Léa Martin'], postcode: '62000', city: 'ARRAS' },
      });
      await api.http
        .post(`/api/parcours/${id}/invitations`)
        .set(referent())
        .send({ sentOn: '2025-06-30', channels: ['letter'] })
        .expect(422); // one invitation pending at a time: the letter goes with a reminder instead
      await api.http
        .post(`/api/parcours/${id}/reminders`)
        .set(referent())
        .send({
          about: 'invitation',
          aboutId: (
            await sql.query<{ message_id: string }>(
              `select message_id from notification_outbox where parcours_id = $1 and template_code = 'invitation'`,
              [id],
            )
          )[0].message_id,
          sentOn: '2025-06-30',
          channels: ['letter'],
        })
        .expect(201);
      await outbox.catchUp();
      const report = await dispatcher({ letter: letters }).dispatch();
      expect(report.sent).toBe(1);
      expect(await letters.spooled('2025-06-30')).toHaveLength(1);
      await erase(id);
      const batches = await writeLetterBatches(letters, sql, api.app.get(ParcoursRepository), '2025-07-01');
      expect(batches).toEqual([]);
      expect(await letters.spooled('2025-06-30')).toEqual([]);
    } finally {
      await fs.rm(directory, { recursive: true, force: true });
    }
  });
});
