import { ConsoleSessions, SESSION_IDLE_MS, SESSION_MAX_MS } from './sessions';

describe('console sessions', () => {
  const identity = { sub: 'agent-1', role: 'slai' as const, territory: 'ARRAGEOIS' };
  const session = { identity, accessToken: 'token', accessExpiresAt: 0 };

  it('hands a sign-in under way out once, and not after ten minutes', () => {
    let now = 0;
    const sessions = new ConsoleSessions(() => now);
    const login = { codeVerifier: 'v', state: 's', nonce: 'n', returnTo: '/console/' };
    const id = sessions.startLogin(login);
    expect(sessions.takeLogin(id)).toMatchObject(login);
    expect(sessions.takeLogin(id)).toBeUndefined();
    const late = sessions.startLogin(login);
    now += 10 * 60_000;
    expect(sessions.takeLogin(late)).toBeUndefined();
    expect(sessions.takeLogin(undefined)).toBeUndefined();
  });

  it('ends a session left idle, one too old, and one closed', () => {
    let now = 0;
    const sessions = new ConsoleSessions(() => now);
    const idle = sessions.open(session);
    now += SESSION_IDLE_MS + 1;
    expect(sessions.get(idle)).toBeUndefined();
    // Used every quarter of an hour, it still ends at its longest life.
    const used = sessions.open(session);
    const opened = now;
    while (now + SESSION_IDLE_MS / 2 < opened + SESSION_MAX_MS) {
      now += SESSION_IDLE_MS / 2;
      expect(sessions.get(used)).toBeDefined();
    }
    now = opened + SESSION_MAX_MS;
    expect(sessions.get(used)).toBeUndefined();
    const closed = sessions.open(session);
    expect(sessions.get(closed)?.identity).toEqual(identity);
    sessions.close(closed);
    expect(sessions.get(closed)).toBeUndefined();
    expect(sessions.get('unknown')).toBeUndefined();
  });
});
