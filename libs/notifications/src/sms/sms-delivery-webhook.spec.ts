import { parseBrevoSmsWebhook, WebhookPayloadError } from './sms-delivery-webhook';

/** A call of Brevo's transactional SMS webhook, as documented (the number is the recipient's). */
const call = (fields: Record<string, unknown>) => ({
  id: 26570,
  to: '33612345678',
  sms_count: 1,
  credits_used: 1.5,
  messageId: 1511882900176220,
  remaining_credit: 11488.845,
  date: '2026-12-03 09:15:02',
  type: 'transactional',
  reference: 'ab1cde2fgh3i4jklmno',
  ...fields,
});

describe('parseBrevoSmsWebhook', () => {
  it.each([
    ['sent', 'sent'],
    ['accepted', 'sent'],
    ['delivered', 'delivered'],
    ['soft_bounce', 'failed'],
    ['rejected', 'failed'],
    ['hard_bounce', 'bounced'],
    ['hardBounce', 'bounced'],
  ])('reads msg_status %s as %s', (status, outcome) => {
    expect(parseBrevoSmsWebhook(call({ msg_status: status }))).toEqual({
      providerMessageId: '1511882900176220',
      outcome,
      providerEvent: status,
    });
  });

  it('reads the event field too, and the time of the event', () => {
    expect(parseBrevoSmsWebhook(call({ event: 'delivered', messageId: '42', ts_event: 1796289302 }))).toEqual(
      {
        providerMessageId: '42',
        outcome: 'delivered',
        providerEvent: 'delivered',
        occurredAt: new Date(1796289302 * 1000),
      },
    );
  });

  it('keeps nothing of the recipient', () => {
    expect(JSON.stringify(parseBrevoSmsWebhook(call({ msg_status: 'delivered' })))).not.toContain(
      '612345678',
    );
  });

  it('ignores events that are not about delivery', () => {
    expect(parseBrevoSmsWebhook(call({ msg_status: 'unsubscribe' }))).toBeUndefined();
    expect(parseBrevoSmsWebhook(call({ event: 'replied' }))).toBeUndefined();
  });

  it('refuses a payload without message id or event', () => {
    expect(() => parseBrevoSmsWebhook(call({ messageId: undefined, msg_status: 'sent' }))).toThrow(
      WebhookPayloadError,
    );
    expect(() => parseBrevoSmsWebhook(call({}))).toThrow(/msg_status/);
    expect(() => parseBrevoSmsWebhook('delivered')).toThrow(WebhookPayloadError);
  });
});
