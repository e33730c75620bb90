import { randomBytes } from 'node:crypto';
import type { Identity } from '@parcours/auth';

/** A signed-in agent: the tokens stay here, on the server; the browser only holds the session's random id. */
export interface ConsoleSession {
  identity: Identity;
  accessToken: string;
  refreshToken?: string;
  /** When the access token stops being accepted (ms since epoch). */
  accessExpiresAt: number;
  /** The session ends at this time whatever happens (ms since epoch). */
  endsAt: number;
  lastSeenAt: number;
}

/** A sign-in under way: what the callback needs to finish it (PKCE verifier, state, nonce). */
export interface PendingLogin {
  codeVerifier: string;
  state: string;
  nonce: string;
  returnTo: string;
  startedAt: number;
}

/** The longest a session lives, and the longest it may stay unused. */
export const SESSION_MAX_MS = 10 * 3600_000;
export const SESSION_IDLE_MS = 30 * 60_000;
const LOGIN_MAX_MS = 10 * 60_000;
/** Bounds memory: sign-ins are started without any credential. */
const MAX_PENDING = 10_000;
const MAX_SESSIONS = 50_000;

export const newId = (): string => randomBytes(32).toString('base64url');

/**
 * Sessions in the process's memory: one API instance serves the console (a
 * restart signs agents out; several instances need a shared store, not done).
 */
export class ConsoleSessions {
  private readonly sessions = new Map<string, ConsoleSession>();
  private readonly pending = new Map<string, PendingLogin>();

  constructor(private readonly now: () => number = Date.now) {}

  startLogin(login: Omit<PendingLogin, 'startedAt'>): string {
    this.sweep();
    if (this.pending.size >= MAX_PENDING) this.pending.delete(this.pending.keys().next().value!);
    const id = newId();
    this.pending.set(id, { ...login, startedAt: this.now() });
    return id;
  }

  /** The sign-in once: a replayed callback finds nothing. */
  takeLogin(id: string | undefined): PendingLogin | undefined {
    if (!id) return undefined;
    const login = this.pending.get(id);
    this.pending.delete(id);
    return login && this.now() - login.startedAt < LOGIN_MAX_MS ? login : undefined;
  }

  open(session: Omit<ConsoleSession, 'endsAt' | 'lastSeenAt'>): string {
    this.sweep();
    if (this.sessions.size >= MAX_SESSIONS) this.sessions.delete(this.sessions.keys().next().value!);
    const id = newId();
    const now = this.now();
    this.sessions.set(id, { ...session, endsAt: now + SESSION_MAX_MS, lastSeenAt: now });
    return id;
  }

  get(id: string | undefined): ConsoleSession | undefined {
    if (!id) return undefined;
    const session = this.sessions.get(id);
    if (!session) return undefined;
    const now = this.now();
    if (now >= session.endsAt || now - session.lastSeenAt > SESSION_IDLE_MS) {
      this.sessions.delete(id);
      return undefined;
    }
    session.lastSeenAt = now;
    return session;
  }

  close(id: string | undefined): void {
    if (id) this.sessions.delete(id);
  }

  private sweep(): void {
    const now = this.now();
    for (const [id, login] of this.pending)
      if (now - login.startedAt >= LOGIN_MAX_MS) this.pending.delete(id);
    for (const [id, s] of this.sessions)
      if (now >= s.endsAt || now - s.lastSeenAt > SESSION_IDLE_MS) this.sessions.delete(id);
  }
}
