import { DEFAULT_SMS_BASE_URL, loadNotificationsConfig, NotificationsConfigError } from './config';

describe('loadNotificationsConfig', () => {
  it('disables every channel without variables', () => {
    expect(loadNotificationsConfig({})).toEqual({});
  });

  it('reads the three channels', () => {
    const config = loadNotificationsConfig({
      NOTIFY_SMTP_URL: 'smtp://parcours:secret@smtp.departement.test:587',
      NOTIFY_EMAIL_FROM: 'Département <rsa@departement.test>',
      NOTIFY_SMTP_REQUIRE_TLS: 'true',
      NOTIFY_SMS_API_KEY: 'xkeysib-123',
      NOTIFY_SMS_SENDER: 'CD62',
      NOTIFY_LETTER_DIR: '/var/lib/parcours/letters',
    });
    expect(config).toEqual({
      email: {
        url: 'smtp://parcours:secret@smtp.departement.test:587',
        from: 'Département <rsa@departement.test>',
        requireTls: true,
      },
      sms: { baseUrl: DEFAULT_SMS_BASE_URL, apiKey: 'xkeysib-123', sender: 'CD62' },
      letter: { directory: '/var/lib/parcours/letters' },
    });
    expect(
      loadNotificationsConfig({
        NOTIFY_SMS_API_KEY: 'k',
        NOTIFY_SMS_SENDER: 'CD62',
        NOTIFY_SMS_BASE_URL: 'http://127.0.0.1:2650',
      }).sms?.baseUrl,
    ).toBe('http://127.0.0.1:2650');
  });

  it('names every faulty variable at once, without quoting the SMTP URL and its password', () => {
    let error: unknown;
    try {
      loadNotificationsConfig({
        NOTIFY_SMTP_URL: 'http://user:hunter2@smtp.test',
        NOTIFY_EMAIL_FROM: 'not an address',
        NOTIFY_SMTP_REQUIRE_TLS: 'yes',
        NOTIFY_SMS_API_KEY: 'k',
        NOTIFY_SMS_SENDER: 'Conseil départemental',
        NOTIFY_SMS_BASE_URL: 'http://api.brevo.com',
        NOTIFY_LETTER_DIR: 'letters',
      });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(NotificationsConfigError);
    const problems = (error as NotificationsConfigError).problems;
    for (const name of [
      'NOTIFY_SMTP_URL',
      'NOTIFY_EMAIL_FROM',
      'NOTIFY_SMTP_REQUIRE_TLS',
      'NOTIFY_SMS_SENDER',
      'NOTIFY_SMS_BASE_URL',
      'NOTIFY_LETTER_DIR',
    ]) {
      expect(problems.some((p) => p.startsWith(name))).toBe(true);
    }
    expect(problems).toHaveLength(6);
    expect((error as Error).message).not.toContain('hunter2');
  });

  it('asks for the variables that go with the ones set', () => {
    expect(() => loadNotificationsConfig({ NOTIFY_SMTP_URL: 'smtp://h:25' })).toThrow(
      /NOTIFY_EMAIL_FROM is required/,
    );
    expect(() => loadNotificationsConfig({ NOTIFY_EMAIL_FROM: 'rsa@departement.test' })).toThrow(
      /NOTIFY_SMTP_URL/,
    );
    expect(() => loadNotificationsConfig({ NOTIFY_SMS_API_KEY: 'k' })).toThrow(
      /NOTIFY_SMS_SENDER is required/,
    );
    expect(() => loadNotificationsConfig({ NOTIFY_SMS_SENDER: 'CD62' })).toThrow(/NOTIFY_SMS_API_KEY/);
  });
});
