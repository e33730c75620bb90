import { randomUUID } from 'node:crypto';
import net from 'node:net';
import { AddressObject, simpleParser } from 'mailparser';
import { SMTPServer, SMTPServerAddress, SMTPServerSession } from 'smtp-server';
import { EmailNotification, ProviderUnavailableError } from '../notification';
import { looksLikeNir, renderMessage } from '../templates';
import { SmtpEmailSender } from './smtp-email-sender';

/** A real SMTP server in the process, with authentication, on a port of 2600–2649. */
const PORTS = { from: 2600, to: 2649 };
const USER = 'parcours';
const PASSWORD = 'mot-de-passe';

interface Received {
  raw: Buffer;
  from: string | undefined;
  to: string[];
  user: unknown;
}

async function listenInRange(listen: (port: number) => Promise<void>): Promise<number> {
  for (let port = PORTS.from; port <= PORTS.to; port++) {
    try {
      await listen(port);
      return port;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EADDRINUSE') throw error;
    }
  }
  throw new Error(`no free port in ${PORTS.from}-${PORTS.to}`);
}

/** A port of the range where nothing listens (taken then released). */
async function closedPort(): Promise<number> {
  const probe = net.createServer();
  const port = await listenInRange(
    (p) =>
      new Promise<void>((resolve, reject) => {
        probe.once('error', reject);
        probe.listen(p, '127.0.0.1', () => resolve());
      }),
  );
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  return port;
}

describe('SmtpEmailSender against an SMTP server', () => {
  const received: Received[] = [];
  let server: SMTPServer;
  let port: number;

  beforeAll(async () => {
    port = await listenInRange((p) => {
      server = new SMTPServer({
        authMethods: ['PLAIN', 'LOGIN'],
        // No TLS on this local test server: authentication over plain text is allowed for it only.
        allowInsecureAuth: true,
        disabledCommands: ['STARTTLS'],
        logger: false,
        onAuth(auth, _session, callback) {
          if (auth.username === USER && auth.password === PASSWORD) return callback(null, { user: USER });
          return callback(new Error('Invalid username or password'));
        },
        onRcptTo(address: SMTPServerAddress, _session: SMTPServerSession, callback: (error?: Error) => void) {
          if (address.address.endsWith('@inconnu.test')) {
            const refusal = Object.assign(new Error('5.1.1 Mailbox unavailable'), { responseCode: 550 });
            return callback(refusal);
          }
          return callback();
        },
        onData(stream, session, callback) {
          const chunks: Buffer[] = [];
          stream.on('data', (chunk: Buffer) => chunks.push(chunk));
          stream.on('end', () => {
            received.push({
              raw: Buffer.concat(chunks),
              from: session.envelope.mailFrom ? session.envelope.mailFrom.address : undefined,
              to: session.envelope.rcptTo.map((r) => r.address),
              user: session.user,
            });
            callback();
          });
        },
      });
      return new Promise<void>((resolve, reject) => {
        // smtp-server re-emits the errors of its socket (EADDRINUSE) and of its connections.
        server.once('error', reject);
        server.listen(p, '127.0.0.1', () => {
          server.off('error', reject);
          server.on('error', () => undefined);
          resolve();
        });
      });
    });
  });

  afterAll(async () => {
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  const person = {
    nir: '185057800608436',
    civility: 'Monsieur' as const,
    lastName: 'MARTIN',
    email: 'beneficiaire@exemple.test',
  };

  function convocation(email: string): EmailNotification {
    // Only what the message needs is taken from the person: never the NIR.
    const rendered = renderMessage('convocation', 'email', {
      civility: person.civility,
      lastName: person.lastName,
      organismeName: 'Maison du Département Solidarité de Lens',
      organismePhone: '03 21 00 00 00',
      appointment: {
        date: '2026-12-17',
        time: '10:00',
        mode: 'in_person',
        place: '1 rue de la Paix, 62300 Lens',
      },
    });
    return {
      id: randomUUID(),
      channel: 'email',
      recipient: { email },
      template: rendered.template,
      subject: rendered.subject!,
      body: rendered.body,
    };
  }

  function sender(overrides: { url?: string } = {}): SmtpEmailSender {
    return new SmtpEmailSender({
      url: overrides.url ?? `smtp://${USER}:${PASSWORD}@127.0.0.1:${port}`,
      from: 'Département du Pas-de-Calais <rsa@pasdecalais.test>',
      timeoutMs: 5000,
    });
  }

  it('sends an authenticated e-mail that reads back with its subject, text, sender and recipient', async () => {
    const notification = convocation(person.email);
    const smtp = sender();
    const outcome = await smtp.send(notification);
    smtp.close();

    expect(outcome.status).toBe('sent');
    expect(outcome.providerMessageId).toMatch(/^<.+@.+>$/);
    const message = received.find((r) => r.raw.toString('utf8').includes(notification.id));
    expect(message).toBeDefined();
    expect(message!.user).toBe(USER);
    expect(message!.from).toBe('rsa@pasdecalais.test');
    expect(message!.to).toEqual([person.email]);

    const parsed = await simpleParser(message!.raw);
    expect(parsed.subject).toBe('Convocation à un rendez-vous le jeudi 17 décembre 2026');
    expect(parsed.text?.trim()).toBe(notification.body.trim());
    expect(parsed.text).toContain('Monsieur MARTIN,');
    expect(parsed.text).toContain('le jeudi 17 décembre 2026 à 10h00');
    expect(parsed.from?.value[0]).toEqual({
      name: 'Département du Pas-de-Calais',
      address: 'rsa@pasdecalais.test',
    });
    expect((parsed.to as AddressObject).value[0].address).toBe(person.email);
    expect(parsed.messageId).toBe(outcome.providerMessageId);
    expect(parsed.headers.get('x-parcours-notification-id')).toBe(notification.id);

    // No NIR anywhere in what left the system, headers included.
    const raw = message!.raw.toString('utf8');
    expect(raw).not.toContain(person.nir);
    expect(looksLikeNir(parsed.text ?? '')).toBe(false);
    expect(looksLikeNir(parsed.subject ?? '')).toBe(false);
  });

  it('answers failed when the server refuses the recipient', async () => {
    const before = received.length;
    const smtp = sender();
    const outcome = await smtp.send(convocation('personne@inconnu.test'));
    smtp.close();
    expect(outcome).toEqual({ status: 'failed', errorCode: 'recipient_refused' });
    expect(received.length).toBe(before);
  });

  it('throws when the server cannot be reached, so that the outbox retries', async () => {
    const unreachable = await closedPort();
    const smtp = sender({ url: `smtp://${USER}:${PASSWORD}@127.0.0.1:${unreachable}` });
    const attempt = smtp.send(convocation(person.email));
    await expect(attempt).rejects.toBeInstanceOf(ProviderUnavailableError);
    await expect(attempt).rejects.toThrow(/ECONNECTION|ESOCKET/);
  });

  it('throws when the server refuses the credentials, without quoting the recipient', async () => {
    const smtp = sender({ url: `smtp://${USER}:faux@127.0.0.1:${port}` });
    const attempt = smtp.send(convocation(person.email));
    await expect(attempt).rejects.toThrow(/EAUTH/);
    await expect(attempt).rejects.not.toThrow(/beneficiaire@/);
    smtp.close();
  });
});
