/**
 * Brevo's transactional SMS webhook, read into a delivery report. The
 * payload also carries the recipient's number (`to`): it is not kept.
 */
import { DeliveryOutcome, DeliveryReport } from '../notification';

export class WebhookPayloadError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'WebhookPayloadError';
  }
}

/**
 * Provider events that say something about delivery. A soft bounce (phone
 * off, memory full) is a failure of this message; a hard bounce says the
 * number itself is wrong.
 */
const OUTCOMES: Record<string, DeliveryOutcome> = {
  sent: 'sent',
  accepted: 'sent',
  delivered: 'delivered',
  soft_bounce: 'failed',
  softbounce: 'failed',
  rejected: 'failed',
  blocked: 'failed',
  skip: 'failed',
  error: 'failed',
  hard_bounce: 'bounced',
  hardbounce: 'bounced',
};

/**
 * The delivery report of a webhook call, or undefined for an event that is
 * not about delivery (reply, unsubscribe…). Throws WebhookPayloadError when
 * the payload has no message id or no event.
 */
export function parseBrevoSmsWebhook(payload: unknown): DeliveryReport | undefined {
  if (!payload || typeof payload !== 'object')
    throw new WebhookPayloadError('webhook payload is not an object');
  const body = payload as Record<string, unknown>;
  const messageId = body.messageId ?? body.message_id;
  if ((typeof messageId !== 'number' && typeof messageId !== 'string') || String(messageId) === '')
    throw new WebhookPayloadError('webhook payload has no messageId');
  const event = body.msg_status ?? body.event;
  if (typeof event !== 'string' || !event)
    throw new WebhookPayloadError('webhook payload has no msg_status nor event');

  const outcome = OUTCOMES[event.toLowerCase()];
  if (!outcome) return undefined;
  const report: DeliveryReport = { providerMessageId: String(messageId), outcome, providerEvent: event };
  const occurredAt = eventDate(body);
  if (occurredAt) report.occurredAt = occurredAt;
  return report;
}

/** ts_event is in seconds (UTC); `date` is local time of Paris without zone, so it is not used. */
function eventDate(body: Record<string, unknown>): Date | undefined {
  const seconds = typeof body.ts_event === 'number' ? body.ts_event : Number(body.ts_event);
  if (!Number.isFinite(seconds) || seconds <= 0) return undefined;
  return new Date(seconds * 1000);
}
