/**
 * Configuration of the channels from environment variables. Each channel is
 * optional: without its variables it is disabled. A malformed value is an
 * error naming the variable (never its value when it may hold a secret).
 */
import path from 'node:path';
import { HttpSmsConfig } from './sms/http-sms-sender';
import { SmtpConfig } from './email/smtp-email-sender';
import { LetterBatchConfig } from './letter/letter-batch';

export interface NotificationsConfig {
  email?: SmtpConfig;
  sms?: HttpSmsConfig;
  letter?: LetterBatchConfig;
}

export class NotificationsConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`invalid notifications configuration:\n  - ${problems.join('\n  - ')}`);
    this.name = 'NotificationsConfigError';
  }
}

export const DEFAULT_SMS_BASE_URL = 'https://api.brevo.com';

const EMAIL_ADDRESS = /^[^\s@<>]+@[^\s@<>]+\.[^\s@<>]+$/;

function isEmailFrom(value: string): boolean {
  const named = /^[^<>]*<([^<>]+)>$/.exec(value.trim());
  return EMAIL_ADDRESS.test(named ? named[1] : value.trim());
}

/** https, or http to this machine only (a test stub or a local relay). */
function isServiceUrl(value: string): boolean {
  try {
    const url = new URL(value);
    if (url.search || url.hash) return false;
    if (url.protocol === 'https:') return true;
    return url.protocol === 'http:' && ['localhost', '127.0.0.1', '[::1]'].includes(url.hostname);
  } catch {
    return false;
  }
}

function booleanVariable(env: NodeJS.ProcessEnv, name: string, problems: string[]): boolean | undefined {
  const value = env[name];
  if (value === undefined || value === '') return undefined;
  if (value !== 'true' && value !== 'false') {
    problems.push(`${name} must be true or false`);
    return undefined;
  }
  return value === 'true';
}

function loadEmail(env: NodeJS.ProcessEnv, problems: string[]): SmtpConfig | undefined {
  const url = env.NOTIFY_SMTP_URL || undefined;
  const from = env.NOTIFY_EMAIL_FROM || undefined;
  const requireTls = booleanVariable(env, 'NOTIFY_SMTP_REQUIRE_TLS', problems);
  if (!url) {
    if (from) problems.push('NOTIFY_EMAIL_FROM is set but NOTIFY_SMTP_URL is not (e-mail stays disabled)');
    return undefined;
  }
  let parsed: URL | undefined;
  try {
    parsed = new URL(url);
  } catch {
    parsed = undefined;
  }
  // The URL may hold a password: it is never quoted in the message.
  if (!parsed || !['smtp:', 'smtps:'].includes(parsed.protocol) || !parsed.hostname)
    problems.push('NOTIFY_SMTP_URL must be smtp://user:password@host:port or smtps://…');
  else if (parsed.port && (Number(parsed.port) < 1 || Number(parsed.port) > 65535))
    problems.push('NOTIFY_SMTP_URL has an invalid port');
  if (!from) problems.push('NOTIFY_EMAIL_FROM is required with NOTIFY_SMTP_URL');
  else if (!isEmailFrom(from))
    problems.push(`NOTIFY_EMAIL_FROM must be an address or "Name <address>", got "${from}"`);
  return { url, from: from ?? '', ...(requireTls !== undefined ? { requireTls } : {}) };
}

function loadSms(env: NodeJS.ProcessEnv, problems: string[]): HttpSmsConfig | undefined {
  const apiKey = env.NOTIFY_SMS_API_KEY || undefined;
  const baseUrl = env.NOTIFY_SMS_BASE_URL || undefined;
  const sender = env.NOTIFY_SMS_SENDER || undefined;
  const webhookUrl = env.NOTIFY_SMS_WEBHOOK_URL || undefined;
  if (!apiKey) {
    for (const [name, value] of [
      ['NOTIFY_SMS_BASE_URL', baseUrl],
      ['NOTIFY_SMS_SENDER', sender],
      ['NOTIFY_SMS_WEBHOOK_URL', webhookUrl],
    ] as const) {
      if (value) problems.push(`${name} is set but NOTIFY_SMS_API_KEY is not (SMS stays disabled)`);
    }
    return undefined;
  }
  if (/\s/.test(apiKey)) problems.push('NOTIFY_SMS_API_KEY must not contain spaces');
  if (baseUrl && !isServiceUrl(baseUrl))
    problems.push(`NOTIFY_SMS_BASE_URL must be an https URL (http only to localhost), got "${baseUrl}"`);
  if (!sender) problems.push('NOTIFY_SMS_SENDER is required with NOTIFY_SMS_API_KEY');
  // Operators accept 3 to 11 letters or digits, with at least one letter (all digits would look like a number to call).
  else if (!/^(?=.*[A-Za-z])[A-Za-z0-9]{3,11}$/.test(sender))
    problems.push(`NOTIFY_SMS_SENDER must be 3 to 11 letters or digits with a letter, got "${sender}"`);
  if (webhookUrl && !isServiceUrl(webhookUrl)) problems.push('NOTIFY_SMS_WEBHOOK_URL must be an https URL');
  return {
    baseUrl: baseUrl ?? DEFAULT_SMS_BASE_URL,
    apiKey,
    sender: sender ?? '',
    ...(webhookUrl ? { webhookUrl } : {}),
  };
}

function loadLetter(env: NodeJS.ProcessEnv, problems: string[]): LetterBatchConfig | undefined {
  const directory = env.NOTIFY_LETTER_DIR || undefined;
  if (!directory) return undefined;
  if (!path.isAbsolute(directory))
    problems.push(`NOTIFY_LETTER_DIR must be an absolute path, got "${directory}"`);
  return { directory };
}

/** Reads NOTIFY_* variables; throws NotificationsConfigError naming every faulty variable at once. */
export function loadNotificationsConfig(env: NodeJS.ProcessEnv = process.env): NotificationsConfig {
  const problems: string[] = [];
  const config: NotificationsConfig = {};
  const email = loadEmail(env, problems);
  const sms = loadSms(env, problems);
  const letter = loadLetter(env, problems);
  if (problems.length) throw new NotificationsConfigError(problems);
  if (email) config.email = email;
  if (sms) config.sms = sms;
  if (letter) config.letter = letter;
  return config;
}
