import { Controller, Get, Inject, Logger, Post, Req, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { IdentityProviderUnavailableError, InvalidTokenError } from '@parcours/auth';
import type { AppConfig } from '@parcours/config';
import { CLOCK, CONFIG } from '@parcours/runtime';
import type { Request, Response } from 'express';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Public } from '../http/auth.guard';
import { correlationIdOfRequest } from '../http/logging';
import { tokenVerifierOf } from '../http/token-verifier';
import { consoleUiDir } from './console-assets';
import { FORWARD_HEADER, forwardMarker } from './forward-marker';
import { IdentityProviderClient, Tokens } from './identity-provider-client';
import { ConsoleSession, ConsoleSessions } from './sessions';

const SESSION_COOKIE = 'parcours_console';
const LOGIN_COOKIE = 'parcours_console_login';
/** The pages of the console: one HTML shell, the module draws the page named by the path. */
const PAGE = /^\/console(\/(|referents|indicateurs|parcours\/[\w-]{1,100}))?$/;
/** The API routes the console reads; nothing else is forwarded (it writes nothing). */
const FORWARDED = new RegExp(
  '^(echeances|supervision|indicators|indicators/definitions|indicators/series|parcours/[\\w-]{1,100}|parcours/[\\w-]{1,100}/history|' +
    'audit|territories|organisations|referents|parameters)$',
);
/** Roles without a console: the État reads national figures only, the system role is the partners' flows. */
const NO_CONSOLE = new Set(['etat', 'system']);

/**
 * The supervision console (/console), a back end for the browser front end:
 * the agent signs in through the Département's provider (code + PKCE), the
 * tokens stay in a server-side session named by an HttpOnly, SameSite=Strict
 * cookie, and the page's script reads the API through /console/api/…, which
 * forwards with the session's access token: the console sees exactly what
 * the API lets the agent see. Outside the OpenAPI document (no client app calls it).
 */
@Public()
@ApiExcludeController()
@Controller('console')
export class ConsoleController {
  private readonly logger = new Logger('console');
  private readonly sessions: ConsoleSessions;
  private readonly provider?: IdentityProviderClient;
  private shell?: string;

  constructor(
    @Inject(CONFIG) private readonly config: AppConfig,
    @Inject(CLOCK) private readonly clock: () => Date,
  ) {
    // Real time, not the business clock: cookies and token lifetimes are wall-clock matters.
    this.sessions = new ConsoleSessions();
    if (config.console && config.oidc)
      this.provider = new IdentityProviderClient(config.oidc, config.console);
  }

  @Get()
  root(@Req() req: Request, @Res() res: Response): void {
    this.page(req, res);
  }

  @Get(['referents', 'indicateurs', 'parcours/:id'])
  pages(@Req() req: Request, @Res() res: Response): void {
    this.page(req, res);
  }

  private page(req: Request, res: Response): void {
    if (!this.provider) return notConfigured(res);
    const path = req.path === '/console' ? '/console/' : req.path;
    if (!PAGE.test(path))
      return void res.status(404).type('html').send(message('Page introuvable', 'Cette page n’existe pas.'));
    if (!this.sessionOf(req)) return res.redirect(302, `/console/login?returnTo=${encodeURIComponent(path)}`);
    this.shell ??= readFileSync(join(consoleUiDir(), 'index.html'), 'utf8');
    res.status(200).type('html').setHeader('Cache-Control', 'no-store');
    res.send(this.shell);
  }

  @Get('login')
  async login(@Req() req: Request, @Res() res: Response): Promise<void> {
    if (!this.provider) return notConfigured(res);
    const returnTo = safeReturn(req.query.returnTo);
    if (this.sessionOf(req)) return res.redirect(302, returnTo);
    let request;
    try {
      request = await this.provider.authorizationRequest();
    } catch (error) {
      this.logger.warn(`identity provider unreachable: ${errorName(error)}`);
      return void res
        .status(503)
        .type('html')
        .send(
          message(
            'Connexion impossible',
            'Le fournisseur d’identité du Département est injoignable : réessayez dans un instant.',
          ),
        );
    }
    const loginId = this.sessions.startLogin({ ...request, returnTo });
    // Lax, not Strict: the provider sends the browser back from another site, and this cookie must come with it.
    res.setHeader(
      'Set-Cookie',
      cookie(LOGIN_COOKIE, loginId, this.secure, { path: '/console/callback', sameSite: 'Lax', maxAge: 600 }),
    );
    res.redirect(302, request.url);
  }

  @Get('callback')
  async callback(@Req() req: Request, @Res() res: Response): Promise<void> {
    if (!this.provider || !this.config.console) return notConfigured(res);
    const clearLogin = cookie(LOGIN_COOKIE, '', this.secure, {
      path: '/console/callback',
      sameSite: 'Lax',
      maxAge: 0,
    });
    const login = this.sessions.takeLogin(cookiesOf(req)[LOGIN_COOKIE]);
    const failed = (status: number, text: string) => {
      res.setHeader('Set-Cookie', clearLogin);
      res
        .status(status)
        .type('html')
        .send(message('Connexion impossible', text, true));
    };
    if (!login) return failed(400, 'Cette connexion a expiré ou a déjà servi.');
    const callbackUrl = new URL(this.config.console.redirectUri);
    callbackUrl.search = new URL(req.originalUrl, 'http://x').search;
    let tokens: Tokens;
    try {
      tokens = await this.provider.exchange(callbackUrl, login);
    } catch (error) {
      // The reason only (state, nonce, code refused…): no token, no claim in the logs.
      this.logger.warn(`console sign-in refused: ${errorName(error)}`);
      return failed(400, 'Le fournisseur d’identité n’a pas confirmé la connexion.');
    }
    let identity;
    try {
      identity = await tokenVerifierOf(this.config, this.clock).verify(tokens.accessToken);
    } catch (error) {
      if (error instanceof IdentityProviderUnavailableError)
        return failed(
          503,
          'Le fournisseur d’identité du Département est injoignable : réessayez dans un instant.',
        );
      if (error instanceof InvalidTokenError) {
        // The claim at fault, never its value.
        this.logger.warn(`console sign-in: access token refused (${error.message})`);
        return failed(403, 'Votre compte n’a pas de rôle reconnu par Parcours.');
      }
      throw error;
    }
    if (NO_CONSOLE.has(identity.role)) {
      res.setHeader('Set-Cookie', clearLogin);
      return void res
        .status(403)
        .type('html')
        .send(
          message(
            'Accès refusé',
            'La console de supervision est réservée aux agents du Département, des SLAI et aux référents.',
          ),
        );
    }
    const sessionId = this.sessions.open({
      identity,
      accessToken: tokens.accessToken,
      refreshToken: tokens.refreshToken,
      accessExpiresAt: Date.now() + (tokens.expiresIn ?? 300) * 1000,
    });
    res.setHeader('Set-Cookie', [
      clearLogin,
      cookie(SESSION_COOKIE, sessionId, this.secure, { path: '/console', sameSite: 'Strict' }),
    ]);
    // A page, not a redirect: a Strict cookie is not sent on a redirect chain that began on the provider's site.
    res.status(200).type('html').setHeader('Cache-Control', 'no-store');
    res.send(
      `<!doctype html><html lang="fr"><head><meta charset="utf-8"><title>Connexion – Parcours</title>` +
        `<meta http-equiv="refresh" content="0;url=${escapeHtml(login.returnTo)}"></head>` +
        `<body><main><p>Connexion réussie. <a href="${escapeHtml(login.returnTo)}">Ouvrir la console</a></p></main></body></html>`,
    );
  }

  @Post('logout')
  logout(@Req() req: Request, @Res() res: Response): void {
    // SameSite=Strict already keeps other sites' forms out; the Origin check covers older browsers.
    const origin = req.headers.origin;
    if (origin && this.config.console && origin !== new URL(this.config.console.redirectUri).origin)
      return void res.status(403).type('html').send(message('Accès refusé', 'Requête d’une autre origine.'));
    this.sessions.close(cookiesOf(req)[SESSION_COOKIE]);
    res.setHeader(
      'Set-Cookie',
      cookie(SESSION_COOKIE, '', this.secure, { path: '/console', sameSite: 'Strict', maxAge: 0 }),
    );
    res
      .status(200)
      .type('html')
      .send(message('Déconnexion', 'Vous êtes déconnecté de la console.', true));
  }

  @Get('api/session')
  session(@Req() req: Request, @Res() res: Response): void {
    const session = this.sessionOf(req);
    if (!session) return void res.status(401).json(unauthenticated());
    const { role, territory, organisationId, referentId } = session.identity;
    res.setHeader('Cache-Control', 'no-store');
    res.json({ role, territory, organisationId, referentId });
  }

  @Get('api/*path')
  async forward(@Req() req: Request, @Res() res: Response): Promise<void> {
    // From the path itself, not a route parameter: the global pipe would judge it as an identifier.
    const route = req.path.replace(/^\/console\/api\//, '');
    if (!FORWARDED.test(route))
      return void res
        .status(404)
        .json({ status: 404, code: 'NOT_FOUND', message: 'Cette ressource n’existe pas.' });
    const session = await this.freshSession(req);
    if (!session) return void res.status(401).json(unauthenticated());
    const query = new URL(req.originalUrl, 'http://x').search;
    // To this very server, on the address and port the request came in by: through the guard, scopes and audit of the API.
    const local = (req.socket.localAddress ?? '127.0.0.1').replace(/^::ffff:/, '');
    const host = local.includes(':') ? `[${local}]` : local;
    const answer = await fetch(`http://${host}:${req.socket.localPort}/api/${route}${query}`, {
      headers: {
        authorization: `Bearer ${session.accessToken}`,
        accept: 'application/json',
        'x-correlation-id': correlationIdOfRequest(req),
        [FORWARD_HEADER]: forwardMarker(),
      },
    });
    if (answer.status === 401) this.sessions.close(cookiesOf(req)[SESSION_COOKIE]);
    res.status(answer.status);
    res.setHeader('Cache-Control', 'no-store');
    res.type(answer.headers.get('content-type') ?? 'application/json');
    res.send(Buffer.from(await answer.arrayBuffer()));
  }

  private get secure(): boolean {
    return this.config.console?.secureCookie ?? true;
  }

  private sessionOf(req: Request): ConsoleSession | undefined {
    return this.sessions.get(cookiesOf(req)[SESSION_COOKIE]);
  }

  /** The session with an access token still valid for 30 s: refreshed when the provider gave a refresh token. */
  private async freshSession(req: Request): Promise<ConsoleSession | undefined> {
    const id = cookiesOf(req)[SESSION_COOKIE];
    const session = this.sessions.get(id);
    if (!session || session.accessExpiresAt - 30_000 > Date.now()) return session;
    if (session.refreshToken && this.provider) {
      try {
        const tokens = await this.provider.refresh(session.refreshToken);
        session.accessToken = tokens.accessToken;
        session.refreshToken = tokens.refreshToken;
        session.accessExpiresAt = Date.now() + (tokens.expiresIn ?? 300) * 1000;
        return session;
      } catch (error) {
        this.logger.warn(`console session not refreshed: ${errorName(error)}`);
      }
    }
    this.sessions.close(id);
    return undefined;
  }
}

const unauthenticated = () => ({
  status: 401,
  code: 'SESSION_EXPIRED',
  message: 'Votre session a expiré : reconnectez-vous.',
});

function errorName(error: unknown): string {
  if (error && typeof error === 'object' && 'code' in error) return String((error as { code: unknown }).code);
  return error instanceof Error ? error.name : 'unknown';
}

function safeReturn(value: unknown): string {
  return typeof value === 'string' && PAGE.test(value)
    ? value === '/console'
      ? '/console/'
      : value
    : '/console/';
}

function cookiesOf(req: Request): Record<string, string> {
  const out: Record<string, string> = {};
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const at = part.indexOf('=');
    if (at > 0) out[part.slice(0, at).trim()] = decodeURIComponent(part.slice(at + 1).trim());
  }
  return out;
}

function cookie(
  name: string,
  value: string,
  secure: boolean,
  options: { path: string; sameSite: 'Strict' | 'Lax'; maxAge?: number },
): string {
  return [
    `${name}=${value}`,
    `Path=${options.path}`,
    'HttpOnly',
    `SameSite=${options.sameSite}`,
    ...(secure ? ['Secure'] : []),
    ...(options.maxAge !== undefined ? [`Max-Age=${options.maxAge}`] : []),
  ].join('; ');
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function notConfigured(res: Response): void {
  res
    .status(503)
    .type('html')
    .send(
      message(
        'Console non configurée',
        'La console de supervision n’est pas configurée sur ce serveur : l’exploitant doit renseigner PARCOURS_OIDC_ISSUER, ' +
          'PARCOURS_CONSOLE_CLIENT_ID et PARCOURS_CONSOLE_REDIRECT_URI (voir le README, « The console »).',
      ),
    );
}

/** A page of its own (errors, sign-out), in the Design System's look. */
function message(title: string, text: string, signIn = false): string {
  return `<!doctype html>
<html lang="fr" data-fr-scheme="light">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)} – Console Parcours</title>
<link rel="stylesheet" href="/console/dsfr/dsfr.min.css">
</head>
<body>
<main id="contenu" class="fr-container fr-py-6w">
<h1>${escapeHtml(title)}</h1>
<p>${escapeHtml(text)}</p>
${signIn ? '<p><a class="fr-btn" href="/console/login">Se connecter</a></p>' : ''}
</main>
</body>
</html>`;
}
