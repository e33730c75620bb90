/**
 * E-mail through SMTP (nodemailer). A recipient the server refuses (RCPT TO
 * answered 5xx) is a 'failed' outcome; a server that cannot be reached, that
 * refuses our credentials or fails for a while throws ProviderUnavailableError,
 * so that the outbox retries later.
 */
import nodemailer, { Transporter } from 'nodemailer';
import {
  EmailNotification,
  NotificationSender,
  ProviderUnavailableError,
  SendOutcome,
} from '../notification';

export interface SmtpConfig {
  /** smtp://user:pass@host:port, or smtps:// for TLS from the first byte (port 465). */
  url: string;
  /** The From address, e.g. "Département du Pas-de-Calais <rsa@pasdecalais.fr>". */
  from: string;
  /** Refuse to send unless STARTTLS succeeds (smtp:// only). */
  requireTls?: boolean;
  /** Accept a server certificate no authority vouches for: only for a test relay. */
  allowUnverifiedCertificate?: boolean;
  /** Milliseconds to wait for a connection, the greeting and each answer. */
  timeoutMs?: number;
}

interface SmtpError extends Error {
  code?: string;
  responseCode?: number;
  command?: string;
}

export class SmtpEmailSender implements NotificationSender<'email'> {
  readonly channel = 'email' as const;
  private readonly transporter: Transporter;

  constructor(private readonly config: SmtpConfig) {
    const url = new URL(config.url);
    const timeout = config.timeoutMs ?? 15_000;
    this.transporter = nodemailer.createTransport({
      host: url.hostname,
      port: url.port ? Number(url.port) : url.protocol === 'smtps:' ? 465 : 587,
      secure: url.protocol === 'smtps:',
      requireTLS: config.requireTls ?? false,
      auth: url.username
        ? { user: decodeURIComponent(url.username), pass: decodeURIComponent(url.password) }
        : undefined,
      tls: { rejectUnauthorized: !config.allowUnverifiedCertificate },
      connectionTimeout: timeout,
      greetingTimeout: timeout,
      socketTimeout: timeout,
      // nodemailer's own logger prints envelopes and, in debug, the message: never on.
      logger: false,
      debug: false,
    });
  }

  async send(notification: EmailNotification): Promise<SendOutcome> {
    try {
      const info = await this.transporter.sendMail({
        from: this.config.from,
        // One address, never read as a list ("a@x.fr, b@y.fr") nor as a display name.
        to: { name: '', address: notification.recipient.email },
        subject: notification.subject,
        text: notification.body,
        headers: {
          'X-Parcours-Notification-Id': notification.id,
          'X-Parcours-Template': `${notification.template.code}/${notification.template.version}`,
          // No automatic replies (holidays) to a no-reply sender.
          'Auto-Submitted': 'auto-generated',
        },
      });
      if (info.rejected?.length) return { status: 'failed', errorCode: 'recipient_refused' };
      return { status: 'sent', providerMessageId: info.messageId };
    } catch (error) {
      const e = error as SmtpError;
      // EENVELOPE: the server refused the recipient (or the address is malformed); sending again will not help.
      if (e.code === 'EENVELOPE' && (e.responseCode === undefined || e.responseCode >= 500))
        return { status: 'failed', errorCode: 'recipient_refused' };
      // Only the codes: nodemailer's messages may quote the recipient's address.
      const detail = [e.code ?? 'error', e.command, e.responseCode].filter(Boolean).join(' ');
      throw new ProviderUnavailableError('email', `SMTP server unavailable (${detail})`);
    }
  }

  /** Closes pooled connections (none by default). */
  close(): void {
    this.transporter.close();
  }
}
