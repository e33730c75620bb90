import { promises as fs } from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { simpleParser } from 'mailparser';
import { PDFParse } from 'pdf-parse';
import { SMTPServer } from 'smtp-server';
import { Notifications } from '@parcours/background';
import type { SqlClient } from '@parcours/event-store';
import { SMS_PATH } from '@parcours/notifications';
import { SQL } from '@parcours/runtime';
import {
  bearer,
  followedParcours,
  seedReferenceData,
  startApi,
  TestApi,
  tokens,
} from '../../../../test/support/api';
import { listenInRange } from '../../../../test/support/ports';

/**
 * The Done-when of the invitations and convocations (DOMAIN.md §3.2, CASF L262-37): a parcours is invited
 * by e-mail and SMS, ignores it, is reminded on the right days (the clock moves day by day), is convened,
 * reminded two days before, misses the appointment, and the manquement cites the convocation. Every message
 * goes through the outbox to a real SMTP server started here, a stub of the SMS provider's HTTP API, and
 * the letters' daily PDF, and is read back. Servers on ports 2700–2749.
 */
const PORTS = { from: 2700, to: 2749 };
const WEBHOOK_SECRET = 'webhook-secret-of-the-sms-provider-0123456789';

interface Mail {
  day: string;
  to: string;
  subject: string;
  text: string;
  notificationId: string;
}
interface Sms {
  day: string;
  path: string;
  apiKey: string;
  recipient: string;
  content: string;
  messageId: number;
}

describe('messages to the person: invited, reminded, convened, absent, in breach (end to end)', () => {
  let api: TestApi;
  let now = new Date('2025-03-03T08:00:00Z');
  const today = () => now.toISOString().slice(0, 10);
  const mails: Mail[] = [];
  const sms: Sms[] = [];
  let smtp: SMTPServer;
  let provider: http.Server;
  let letterDir: string;
  let notifications: Notifications;
  let id: string;

  const slai = () => bearer(tokens.slai());
  const referent = () => bearer(tokens.referent());
  const post = (url: string, body: object, auth = referent()) => api.http.post(url).set(auth).send(body);

  /** A day of the worker: reminders due, then the outbox takes in and sends everything pending. */
  async function workerDay(): Promise<void> {
    await notifications.outbox.catchUp();
    await notifications.reminders.runOn(today());
    await notifications.outbox.catchUp();
    await notifications.dispatcher.dispatch();
    // The SMTP server parses each mail asynchronously: let it finish.
    await new Promise((r) => setTimeout(r, 100));
  }

  beforeAll(async () => {
    smtp = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS', 'AUTH'],
      logger: false,
      onData(stream, _session, callback) {
        const day = today();
        simpleParser(stream)
          .then((m) => {
            mails.push({
              day,
              to: (Array.isArray(m.to) ? m.to[0] : m.to)?.value[0]?.address ?? '',
              subject: m.subject ?? '',
              text: m.text ?? '',
              notificationId: String(m.headers.get('x-parcours-notification-id') ?? ''),
            });
            callback();
          })
          .catch(callback);
      },
    });
    const smtpPort = await listenInRange(smtp.server as unknown as net.Server, PORTS);
    let nextSmsId = 1000;
    provider = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as {
          recipient: string;
          content: string;
        };
        const messageId = nextSmsId++;
        sms.push({
          day: today(),
          path: req.url ?? '',
          apiKey: String(req.headers['api-key']),
          recipient: body.recipient,
          content: body.content,
          messageId,
        });
        res.writeHead(201, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ messageId, reference: `ref-${messageId}` }));
      });
    });
    const smsPort = await listenInRange(provider, PORTS);
    letterDir = await fs.mkdtemp(path.join(os.tmpdir(), 'parcours-letters-'));

    api = await startApi('postgres', () => now, {
      NOTIFY_SMTP_URL: `smtp://127.0.0.1:${smtpPort}`,
      NOTIFY_EMAIL_FROM: 'Département <rsa@departement.test>',
      NOTIFY_SMS_API_KEY: 'xkeysib-test-key',
      NOTIFY_SMS_SENDER: 'Departement',
      NOTIFY_SMS_BASE_URL: `http://127.0.0.1:${smsPort}`,
      NOTIFY_LETTER_DIR: letterDir,
      NOTIFY_WEBHOOK_SECRET: WEBHOOK_SECRET,
    });
    notifications = api.app.get(Notifications);
    await seedReferenceData(api);
    await api.http
      .patch('/api/organisations/org-ccas')
      .set(bearer(tokens.departement()))
      .send({
        phone: '03 21 00 00 00',
        bookingUrl: 'https://rdv.departement.test/ccas-arras',
        addressLines: ['CCAS Arras', '1 place du Théâtre', '62000 ARRAS'],
      })
      .expect(200);
    id = await followedParcours(api);
  });

  afterAll(async () => {
    await api?.close();
    await new Promise<void>((resolve) => smtp.close(() => resolve()));
    await new Promise<void>((resolve) => provider.close(() => resolve()));
    await fs.rm(letterDir, { recursive: true, force: true });
  });

  it('sends each message on its day by its channels, and the manquement cites the convocation', async () => {
    const p = `/api/parcours/${id}`;
    await post(`${p}/contact-details`, {
      recordedOn: '2025-03-03',
      civility: 'madame',
      email: 'lea.martin@example.org',
      phone: '06 12 34 56 78',
      postalAddress: { lines: ['Madame Léa Martin', '12 rue des Lilas'], postcode: '62000', city: 'ARRAS' },
    }).expect(201);

    // Monday 3 March: invited by e-mail and SMS.
    const invitation = await post(`${p}/invitations`, {
      sentOn: '2025-03-03',
      channels: ['email', 'sms'],
    }).expect(201);
    await workerDay();
    // She does not answer: the worker runs every day until the 11th.
    for (let day = 4; day <= 11; day++) {
      now = new Date(`2025-03-${String(day).padStart(2, '0')}T08:00:00Z`);
      await workerDay();
    }
    // Invitation on the 3rd, reminders 3 and 7 days after (invitationFirstReminderDays, invitationSecondReminderDays).
    expect(mails.map((m) => [m.day, m.subject])).toEqual([
      ['2025-03-03', 'Votre premier rendez-vous d’accompagnement RSA'],
      ['2025-03-06', 'Rappel : prenez votre premier rendez-vous d’accompagnement RSA'],
      ['2025-03-10', 'Rappel : prenez votre premier rendez-vous d’accompagnement RSA'],
    ]);
    expect(sms.map((s) => s.day)).toEqual(['2025-03-03', '2025-03-06', '2025-03-10']);
    expect(mails.every((m) => m.to === 'lea.martin@example.org')).toBe(true);
    expect(mails[0].text).toContain('Madame Martin');
    expect(mails[0].text).toContain('https://rdv.departement.test/ccas-arras');
    expect(sms.every((s) => s.recipient === '33612345678')).toBe(true);
    expect(new Set(sms.map((s) => `${s.path} ${s.apiKey}`))).toEqual(
      new Set([`${SMS_PATH} xkeysib-test-key`]),
    );
    // An SMS names nobody: it shows on a locked screen.
    expect(sms.some((s) => /Martin|Léa/.test(s.content))).toBe(false);
    expect(sms[0].content).toContain('CCAS Arras');

    // Wednesday 12: an appointment is set (the invitation is answered) and she is convened by every channel.
    now = new Date('2025-03-12T08:00:00Z');
    const appointment = await post(`${p}/appointments`, {
      scheduledFor: '2025-03-20',
      scheduledOn: '2025-03-12',
      kind: 'individual',
      channel: 'in_person',
    }).expect(201);
    const a = `${p}/appointments/${appointment.body.appointmentId}`;
    const convocation = await post(`${a}/convocations`, {
      sentOn: '2025-03-12',
      channels: ['email', 'sms', 'letter'],
      time: '09:30',
      place: 'CCAS, 1 place du Théâtre, Arras',
    }).expect(201);
    await workerDay();
    for (let day = 13; day <= 20; day++) {
      now = new Date(`2025-03-${day}T08:00:00Z`);
      await workerDay();
    }
    // Convened on the 12th, reminded on the 18th: two days before (convocationReminderDaysBefore).
    expect(mails.slice(3).map((m) => [m.day, m.subject])).toEqual([
      ['2025-03-12', 'Convocation à un rendez-vous le jeudi 20 mars 2025'],
      ['2025-03-18', 'Rappel : votre rendez-vous du jeudi 20 mars 2025'],
    ]);
    expect(mails[3].text).toMatch(/9 ?h ?30|09:30/);
    expect(mails[3].text).toContain('L. 262-37');
    expect(sms.slice(3).map((s) => s.day)).toEqual(['2025-03-12', '2025-03-18']);

    // The letters of the 12th and of the 18th, each in its day's batch for the printing service.
    for (const [day, words] of [
      ['2025-03-12', 'Convocation'],
      ['2025-03-18', 'Rappel'],
    ] as const) {
      const batch = await notifications.letters!.writeBatch(day);
      expect(batch).toMatchObject({ day, letters: 1 });
      const parser = new PDFParse({ data: await fs.readFile(batch!.pdfPath) });
      const text = (await parser.getText()).text;
      await parser.destroy();
      expect(text).toContain(words);
      expect(text).toContain('Madame Léa Martin');
      expect(text).toContain('62000 ARRAS');
      expect(text).toContain('jeudi 20 mars 2025');
    }

    // Thursday 20: she does not come; on the 21st the référent reports the manquement, citing the convocation.
    await post(`${a}/missed`, { missedOn: '2025-03-20', legitimateReason: false }).expect(201);
    now = new Date('2025-03-21T08:00:00Z');
    const breach = await post(`${p}/breaches`, {
      kind: 'unexcused_missed_appointment',
      obligation: 'appointments',
      occurredOn: '2025-03-20',
      reportedOn: '2025-03-21',
      convocationId: convocation.body.convocationId,
    }).expect(201);
    expect(breach.body.breachId).toEqual(expect.any(String));

    // The provider reports the invitation's SMS delivered, through its authenticated callback.
    const callback = (auth: Record<string, string>) =>
      api.http
        .post('/api/notifications/sms/deliveries')
        .set(auth)
        .send({ messageId: sms[0].messageId, msg_status: 'delivered', ts_event: 1741000000 });
    await callback(bearer('not-the-secret-of-the-provider-0123456789')).expect(401);
    await callback({}).expect(401);
    expect((await callback(bearer(WEBHOOK_SECRET)).expect(200)).body).toEqual({ recorded: true });
    // Another platform's message: acknowledged, nothing recorded.
    const unknown = await api.http
      .post('/api/notifications/sms/deliveries')
      .set(bearer(WEBHOOK_SECRET))
      .send({ messageId: 424242, msg_status: 'delivered' })
      .expect(200);
    expect(unknown.body).toEqual({ recorded: false });

    const history = (await api.http.get(`${p}/history`).set(slai()).expect(200)).body as {
      type: string;
      data: Record<string, unknown>;
    }[];
    const of = (type: string) => history.filter((e) => e.type === type).map((e) => e.data);
    const reminders = of('ReminderSent');
    expect(reminders.map((r) => [r.about, r.rank, r.sentOn])).toEqual([
      ['invitation', 1, '2025-03-06'],
      ['invitation', 2, '2025-03-10'],
      ['convocation', 1, '2025-03-18'],
    ]);
    expect(of('BreachReported')[0].convocationId).toBe(convocation.body.convocationId);
    // Every message on every channel recorded as sent, and the SMS of the invitation as delivered.
    const deliveries = of('MessageDeliveryReported').map(
      (d) => `${String(d.messageId)}/${String(d.channel)}/${String(d.outcome)}`,
    );
    const messages: [string, string[]][] = [
      [invitation.body.invitationId, ['email', 'sms']],
      [String(reminders[0].reminderId), ['email', 'sms']],
      [String(reminders[1].reminderId), ['email', 'sms']],
      [convocation.body.convocationId, ['email', 'sms', 'letter']],
      [String(reminders[2].reminderId), ['email', 'sms', 'letter']],
    ];
    expect(deliveries.sort()).toEqual(
      [
        ...messages.flatMap(([m, channels]) => channels.map((c) => `${m}/${c}/sent`)),
        `${invitation.body.invitationId}/sms/delivered`,
      ].sort(),
    );

    // The outbox holds identifiers only: no name, address, e-mail or phone waits in it.
    const rows = await api.app.get<SqlClient>(SQL).query('select * from notification_outbox');
    expect(rows).toHaveLength(12);
    expect(JSON.stringify(rows)).not.toMatch(/Martin|Léa|example\.org|12 34|Lilas|3361/);
  });
});
