/**
 * SMS through a provider's HTTP API, in the shape of Brevo's transactional
 * SMS: POST {baseUrl}/v3/transactionalSMS/send with the `api-key` header,
 * answered 201 { messageId } (the former path, /v3/transactionalSMS/sms, is
 * deprecated by Brevo; it answered the same messageId).
 *
 * A number that is not a French mobile, or one the provider refuses (400),
 * is a 'failed' outcome; a provider that cannot be reached, refuses the key or
 * answers 429/5xx throws ProviderUnavailableError so that the outbox retries.
 */
import { NotificationSender, ProviderUnavailableError, SendOutcome, SmsNotification } from '../notification';

export interface HttpSmsConfig {
  /** e.g. https://api.brevo.com (no trailing /v3). */
  baseUrl: string;
  apiKey: string;
  /** Sender name shown on the phone: 3 to 11 letters or digits. */
  sender: string;
  /** URL the provider calls back with delivery reports, if configured on our side. */
  webhookUrl?: string;
  timeoutMs?: number;
}

export const SMS_PATH = '/v3/transactionalSMS/send';

/**
 * Mobiles of the overseas départements are dialled 06 39/69x… in France but
 * carry their own country code: 262 (La Réunion, Mayotte), 590 (Guadeloupe),
 * 594 (Guyane), 596 (Martinique).
 */
const OVERSEAS_MOBILE_PREFIXES: [string, string][] = [
  ['0639', '262'],
  ['0690', '590'],
  ['0691', '590'],
  ['0692', '262'],
  ['0693', '262'],
  ['0694', '594'],
  ['0696', '596'],
  ['0697', '596'],
];
const OVERSEAS_CODES = ['262', '590', '594', '596'];

/**
 * A French mobile number in international form without '+' (336…, 337…, or
 * 262/590/594/596 + 6… overseas), or undefined when the number is not a French mobile.
 */
export function normaliseFrenchMobile(phone: string): string | undefined {
  let digits = phone.trim().replace(/[\s.\-()]/g, '');
  if (digits.startsWith('+')) digits = digits.slice(1);
  else if (digits.startsWith('00')) digits = digits.slice(2);
  if (!/^\d+$/.test(digits)) return undefined;

  let national: string | undefined;
  if (/^0\d{9}$/.test(digits)) national = digits;
  else if (/^33\d{9}$/.test(digits)) national = `0${digits.slice(2)}`;
  else if (/^330\d{9}$/.test(digits))
    national = digits.slice(2); // +33 (0)6…, a frequent way of writing it
  else {
    const code = OVERSEAS_CODES.find((c) => digits.startsWith(c) && digits.length === c.length + 9);
    if (code) {
      const candidate = `0${digits.slice(code.length)}`;
      const prefix = OVERSEAS_MOBILE_PREFIXES.find(([p]) => candidate.startsWith(p));
      return prefix && prefix[1] === code ? digits : undefined;
    }
  }
  if (!national || !/^0[67]\d{8}$/.test(national)) return undefined;
  const overseas = OVERSEAS_MOBILE_PREFIXES.find(([p]) => national.startsWith(p));
  return overseas ? `${overseas[1]}${national.slice(1)}` : `33${national.slice(1)}`;
}

export class HttpSmsSender implements NotificationSender<'sms'> {
  readonly channel = 'sms' as const;
  private readonly url: string;

  constructor(private readonly config: HttpSmsConfig) {
    this.url = `${config.baseUrl.replace(/\/+$/, '')}${SMS_PATH}`;
  }

  async send(notification: SmsNotification): Promise<SendOutcome> {
    const recipient = normaliseFrenchMobile(notification.recipient.phone);
    if (!recipient) return { status: 'failed', errorCode: 'invalid_phone' };

    const body = {
      sender: this.config.sender,
      recipient,
      content: notification.body,
      type: 'transactional',
      tag: `parcours-${notification.template.code}`,
      ...(this.config.webhookUrl ? { webUrl: this.config.webhookUrl } : {}),
    };
    let response: Response;
    try {
      response = await fetch(this.url, {
        method: 'POST',
        headers: {
          'api-key': this.config.apiKey,
          'content-type': 'application/json',
          accept: 'application/json',
        },
        body: JSON.stringify(body),
        signal: AbortSignal.timeout(this.config.timeoutMs ?? 15_000),
      });
    } catch (error) {
      // The cause names host and port only: no recipient in it.
      throw new ProviderUnavailableError('sms', 'SMS provider unreachable', { cause: error });
    }

    const answer = await readJson(response);
    if (response.status === 200 || response.status === 201) {
      const messageId = answer?.messageId;
      // Accepted without an id: sent all the same (sending again would send twice), its delivery reports unmatched.
      if (typeof messageId !== 'number' && typeof messageId !== 'string') return { status: 'sent' };
      return { status: 'sent', providerMessageId: String(messageId) };
    }
    if (response.status === 400) {
      // Brevo answers { code, message }; the message may quote the number, so only the code is kept.
      const code =
        typeof answer?.code === 'string' && /^[\w.-]{1,64}$/.test(answer.code) ? answer.code : 'bad_request';
      return { status: 'failed', errorCode: `provider_${code}` };
    }
    // 401/403 (key), 402 (credits), 429 (rate), 5xx: nothing wrong with the recipient, try again later.
    throw new ProviderUnavailableError('sms', `SMS provider answered HTTP ${response.status}`);
  }
}

async function readJson(response: Response): Promise<Record<string, unknown> | undefined> {
  try {
    const value: unknown = await response.json();
    return value && typeof value === 'object' ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}
