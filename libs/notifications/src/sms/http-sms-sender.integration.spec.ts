import { randomUUID } from 'node:crypto';
import http from 'node:http';
import net from 'node:net';
import { ProviderUnavailableError, SmsNotification } from '../notification';
import { renderMessage } from '../templates';
import { listenInRange } from '../../../../test/support/ports';
import { HttpSmsSender, SMS_PATH } from './http-sms-sender';

/** A stub of the provider's HTTP API in the process, on a port of 2650–2699. */
const PORTS = { from: 2650, to: 2699 };
const API_KEY = 'xkeysib-test-key';

interface Captured {
  method?: string;
  url?: string;
  headers: http.IncomingHttpHeaders;
  body: unknown;
}

describe('HttpSmsSender against a stub of the provider', () => {
  const captured: Captured[] = [];
  let answer: { status: number; body: unknown } = { status: 201, body: {} };
  let server: http.Server;
  let baseUrl: string;

  beforeAll(async () => {
    server = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        captured.push({
          method: req.method,
          url: req.url,
          headers: req.headers,
          body: text ? JSON.parse(text) : undefined,
        });
        res.writeHead(answer.status, { 'content-type': 'application/json' });
        res.end(JSON.stringify(answer.body));
      });
    });
    baseUrl = `http://127.0.0.1:${await listenInRange(server, PORTS)}`;
  });

  afterAll(async () => {
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  beforeEach(() => {
    captured.length = 0;
  });

  function reminder(phone: string): SmsNotification {
    const rendered = renderMessage('convocation-reminder', 'sms', {
      civility: 'Madame',
      lastName: 'DURAND',
      organismeName: 'France Travail Béthune',
      organismePhone: '3949',
      appointment: { date: '2026-12-21', time: '08:45', mode: 'video' },
    });
    return {
      id: randomUUID(),
      channel: 'sms',
      recipient: { phone },
      template: rendered.template,
      body: rendered.body,
    };
  }

  const sender = (url = baseUrl) =>
    new HttpSmsSender({ baseUrl: `${url}/`, apiKey: API_KEY, sender: 'CD62', timeoutMs: 5000 });

  it('posts the SMS to the provider with its key and a recipient in international form', async () => {
    answer = { status: 201, body: { reference: 'ab1cde2fgh3i4jklmno', messageId: 1511882900176220 } };
    const notification = reminder('06 12 34 56 78');
    const outcome = await sender().send(notification);

    expect(outcome).toEqual({ status: 'sent', providerMessageId: '1511882900176220' });
    expect(captured).toHaveLength(1);
    const [request] = captured;
    expect(request.method).toBe('POST');
    expect(request.url).toBe(SMS_PATH);
    expect(request.headers['api-key']).toBe(API_KEY);
    expect(request.headers['content-type']).toBe('application/json');
    expect(request.body).toEqual({
      sender: 'CD62',
      recipient: '33612345678',
      content: notification.body,
      type: 'transactional',
      tag: 'parcours-convocation-reminder',
    });
    expect(notification.body).toContain('le lundi 21/12/2026 à 08h45, en visioconférence');
  });

  it('refuses a number that is not a French mobile without calling the provider', async () => {
    expect(await sender().send(reminder('03 21 00 00 00'))).toEqual({
      status: 'failed',
      errorCode: 'invalid_phone',
    });
    expect(await sender().send(reminder('+44 7700 900123'))).toEqual({
      status: 'failed',
      errorCode: 'invalid_phone',
    });
    expect(captured).toHaveLength(0);
  });

  it('answers failed with the provider code when it refuses the recipient (400)', async () => {
    answer = {
      status: 400,
      body: { code: 'invalid_parameter', message: 'Invalid phone number 33612345678' },
    };
    const outcome = await sender().send(reminder('+33 6 12 34 56 78'));
    expect(outcome).toEqual({ status: 'failed', errorCode: 'provider_invalid_parameter' });
    expect(JSON.stringify(outcome)).not.toContain('612345678');
  });

  it.each([500, 503, 429, 401])('throws on an HTTP %i, so that the outbox retries', async (status) => {
    answer = { status, body: { code: 'internal_error' } };
    await expect(sender().send(reminder('0712345678'))).rejects.toThrow(
      new ProviderUnavailableError('sms', `SMS provider answered HTTP ${status}`),
    );
    expect(captured).toHaveLength(1);
  });

  it('throws when the provider cannot be reached', async () => {
    const probe = net.createServer();
    const port = await listenInRange(probe, PORTS);
    await new Promise<void>((resolve) => probe.close(() => resolve()));
    await expect(sender(`http://127.0.0.1:${port}`).send(reminder('0612345678'))).rejects.toBeInstanceOf(
      ProviderUnavailableError,
    );
  });
});
