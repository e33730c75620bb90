/**
 * The port of the sending side: a notification already rendered from a
 * versioned template, the sender of one channel, and the outcomes.
 *
 * A notification carries no more personal data than the message needs
 * (civilité and nom at most in the text, the address it goes to) and never
 * the NIR. Adapters never log recipients or message text.
 */

export type Channel = 'email' | 'sms' | 'letter';

export const CHANNELS: readonly Channel[] = ['email', 'sms', 'letter'];

export type TemplateCode = 'invitation' | 'invitation-reminder' | 'convocation' | 'convocation-reminder';

/** Which template, at which version, produced the text: kept so that a message sent can be shown again as it was. */
export interface TemplateRef {
  code: TemplateCode;
  version: number;
}

export interface EmailRecipient {
  email: string;
}

export interface SmsRecipient {
  /** A French mobile number in any usual form (06…, +33 6…, 336…); the SMS adapter normalises it. */
  phone: string;
}

/**
 * A postal address in the order of the AFNOR NF Z10-011 norm: `lines` are
 * the lines above the postcode (the first one usually the civilité and nom),
 * at most 6 lines of 38 characters with the postcode line.
 */
export interface PostalAddress {
  lines: string[];
  postcode: string;
  city: string;
}

/** The organisme that sends a letter: its block at the top left of the page, and the signature. */
export interface LetterSenderBlock {
  organismeName: string;
  addressLines: string[];
  phone?: string;
  /** e.g. "Le référent de parcours" or "Pour le Président du Conseil départemental". */
  signature: string;
}

interface NotificationBase {
  /** A uuid, stable across retries: adapters use it as an idempotency key where they can. */
  id: string;
  template: TemplateRef;
  /** The rendered text. */
  body: string;
}

export interface EmailNotification extends NotificationBase {
  channel: 'email';
  recipient: EmailRecipient;
  subject: string;
}

export interface SmsNotification extends NotificationBase {
  channel: 'sms';
  recipient: SmsRecipient;
}

export interface LetterNotification extends NotificationBase {
  channel: 'letter';
  recipient: PostalAddress;
  /** The "Objet" line of the letter. */
  subject: string;
  sender: LetterSenderBlock;
}

export type Notification = EmailNotification | SmsNotification | LetterNotification;

export type NotificationOf<C extends Channel> = Extract<Notification, { channel: C }>;

/**
 * What a sender answers. A recipient refused by the provider (unknown mailbox,
 * not a French mobile, incomplete address) is a value with status 'failed':
 * sending again will not help. An unreachable or failing provider is an
 * exception, so that an outbox retries later.
 */
export interface SendOutcome {
  status: 'sent' | 'failed';
  /** The provider's identifier of the message, to match its delivery reports later. */
  providerMessageId?: string;
  /** A short code, never the recipient nor the text (e.g. 'recipient_refused', 'invalid_phone'). */
  errorCode?: string;
}

export interface NotificationSender<C extends Channel = Channel> {
  readonly channel: C;
  /** Resolves with the outcome; rejects only when the provider cannot be reached or fails (retry later). */
  send(notification: NotificationOf<C>): Promise<SendOutcome>;
}

/** What a provider reports later about a message it accepted. */
export type DeliveryOutcome = 'sent' | 'delivered' | 'failed' | 'bounced';

export interface DeliveryReport {
  providerMessageId: string;
  outcome: DeliveryOutcome;
  /** The provider's own event name, kept for diagnosis (never personal data). */
  providerEvent: string;
  occurredAt?: Date;
}

/** Thrown by a sender when the provider cannot be reached or answers with an error of its own: retry later. */
export class ProviderUnavailableError extends Error {
  constructor(
    readonly channel: Channel,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'ProviderUnavailableError';
  }
}
