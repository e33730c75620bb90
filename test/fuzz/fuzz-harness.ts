import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { mintToken, signJwt } from '@parcours/auth';
import type { SqlClient } from '@parcours/event-store';
import { ProjectionRunner } from '@parcours/projections';
import { SQL } from '@parcours/runtime';
import {
  bearer,
  followedParcours,
  NOW,
  seedReferenceData,
  startApi,
  StoreUnderTest,
  TEST_SECRET,
  TestApi,
  tokens,
} from '../support/api';
import { AuthLabel, buildPath, FuzzRequest, KnownIds } from './openapi-arbitraries';
import { OpenApiDocument } from './openapi-document';

/**
 * The API under fuzzing: listening on a real socket (so a crash or a hang
 * shows), seeded with reference data and parcours whose ids the requests use.
 */
export interface FuzzApi {
  api: TestApi;
  doc: OpenApiDocument;
  known: KnownIds;
  send(req: FuzzRequest): Promise<FuzzResponse>;
  eventCount(): Promise<number>;
  close(): Promise<void>;
}

export interface FuzzResponse {
  status: number;
  contentType?: string;
  text: string;
  /** The body parsed as JSON, when it is JSON. */
  json?: unknown;
  /** The socket failed or the server did not answer. */
  error?: string;
  ms: number;
}

const NOW_S = Math.floor(NOW.getTime() / 1000);

function authorization(label: AuthLabel): string | undefined {
  const sign = (claims: Record<string, unknown>, secret = TEST_SECRET) => `Bearer ${signJwt(claims, secret)}`;
  switch (label) {
    case 'departement':
      return `Bearer ${tokens.departement()}`;
    case 'slai':
      return `Bearer ${tokens.slai('ARRAGEOIS')}`;
    case 'slai-other':
      return `Bearer ${tokens.slai('CALAISIS')}`;
    case 'referent':
      return `Bearer ${tokens.referent('ref-ccas-1', 'org-ccas')}`;
    case 'referent-other':
      return `Bearer ${tokens.referent('ref-ft-1', 'org-ft')}`;
    case 'system':
      return `Bearer ${tokens.system()}`;
    case 'etat':
      return `Bearer ${tokens.etat()}`;
    case 'none':
      return undefined;
    case 'empty-bearer':
      return 'Bearer ';
    case 'basic':
      return 'Basic ZGVwOnNlY3JldA==';
    case 'garbage':
      return 'Bearer a.b.c';
    case 'lowercase-scheme':
      return `bearer ${tokens.departement()}`;
    case 'two-tokens':
      return `Bearer ${tokens.departement()} ${tokens.departement()}`;
    case 'expired':
      return `Bearer ${mintToken({ sub: 'dep-1', role: 'departement' }, TEST_SECRET, 60, new Date(NOW.getTime() - 3_600_000))}`;
    case 'wrong-secret':
      return `Bearer ${mintToken({ sub: 'dep-1', role: 'departement' }, 'another-secret-of-at-least-32-characters', 3600, NOW)}`;
    case 'alg-none': {
      const header = Buffer.from('{"alg":"none","typ":"JWT"}').toString('base64url');
      const payload = Buffer.from(
        JSON.stringify({ sub: 'dep-1', role: 'departement', exp: NOW_S + 3600 }),
      ).toString('base64url');
      return `Bearer ${header}.${payload}.`;
    }
    case 'exp-as-string':
      return sign({ sub: 'dep-1', role: 'departement', iat: NOW_S, exp: String(NOW_S + 3600) });
    case 'no-exp':
      return sign({ sub: 'dep-1', role: 'departement', iat: NOW_S });
    case 'very-long-lived':
      return sign({ sub: 'dep-1', role: 'departement', iat: NOW_S, exp: NOW_S + 10 * 365 * 86400 });
    case 'unknown-role':
      return sign({ sub: 'dep-1', role: 'king', iat: NOW_S, exp: NOW_S + 3600 });
    case 'role-proto':
      return sign({ sub: '__proto__', role: '__proto__', iat: NOW_S, exp: NOW_S + 3600 });
    case 'slai-territory-constructor':
      return sign({ sub: 'slai-x', role: 'slai', territory: 'constructor', iat: NOW_S, exp: NOW_S + 3600 });
    case 'referent-proto':
      return sign({
        sub: 'ref-x',
        role: 'referent',
        referentId: '__proto__',
        organisationId: 'toString',
        iat: NOW_S,
        exp: NOW_S + 3600,
      });
    case 'huge-token':
      return sign({ sub: 'x'.repeat(6000), role: 'departement', iat: NOW_S, exp: NOW_S + 3600 });
  }
}

/** Parcours, appointment, contract, prescription, réorientation request, manquement and sanction that exist. */
async function seedFixtures(api: TestApi): Promise<KnownIds> {
  await seedReferenceData(api);
  const parcours: string[] = [];
  for (let i = 0; i < 6; i++) parcours.push(await followedParcours(api));
  const referent = bearer(tokens.referent());
  const slai = bearer(tokens.slai());
  const p = `/api/parcours/${parcours[0]}`;
  const post = async (
    path: string,
    auth: Record<string, string>,
    body: object,
  ): Promise<Record<string, string>> => {
    const res = await api.http.post(path).set(auth).send(body);
    if (res.status !== 201) throw new Error(`seeding ${path}: ${res.status} ${JSON.stringify(res.body)}`);
    return res.body;
  };
  const contract = await post(`${p}/contracts`, referent, {
    kind: 'contrat_engagement',
    signedOn: '2025-02-03',
    startsOn: '2025-02-03',
    endsOn: '2025-08-02',
    weeklyHours: 15,
    objectives: ['permis_b'],
  });
  const prescription = await post(`${p}/prescriptions`, referent, {
    actionId: 'act-mobilite',
    prescribedOn: '2025-02-10',
  });
  const request = await post(`${p}/reorientation-requests`, referent, {
    requestedOn: '2025-03-03',
    motive: 'situation_changed',
    requestedTrack: 'employment',
  });
  const breach = await post(`${p}/breaches`, referent, {
    kind: 'contract_not_honoured',
    obligation: 'appointments',
    occurredOn: '2025-03-12',
    reportedOn: '2025-03-13',
  });
  const b = `${p}/breaches/${breach.breachId}`;
  await post(`${b}/information`, slai, { informedOn: '2025-03-14' });
  await post(`${b}/observations`, slai, { receivedOn: '2025-03-20' });
  await post(`${b}/ep-opinion`, slai, { givenOn: '2025-03-25', opinion: 'sanction' });
  const decided = await post(`${b}/decision`, slai, {
    decidedOn: '2025-03-26',
    decision: 'suspension',
    sharePercent: 50,
    months: 1,
  });
  const openBreach = await post(`${p}/breaches`, referent, {
    kind: 'contract_not_honoured',
    obligation: 'appointments',
    occurredOn: '2025-06-02',
    reportedOn: '2025-06-03',
  });
  const appointment = await post(`${p}/appointments`, referent, {
    scheduledFor: '2025-07-10',
    scheduledOn: '2025-06-30',
    kind: 'individual',
    channel: 'in_person',
  });
  return {
    parcours,
    appointments: [appointment.appointmentId],
    contracts: [contract.contractId],
    prescriptions: [prescription.prescriptionId],
    'reorientation-requests': [request.requestId],
    breaches: [breach.breachId, openBreach.breachId],
    sanctions: [decided.sanctionId],
    barriers: ['mobility', 'childcare'],
    organisations: ['org-ccas', 'org-ft'],
    referents: ['ref-ccas-1', 'ref-ccas-2', 'ref-ft-1'],
    territories: ['ARRAGEOIS', 'CALAISIS'],
    actions: ['act-mobilite'],
    projections: api.app.get(ProjectionRunner).projections.map((p) => p.name),
  };
}

export async function startFuzzApi(store: StoreUnderTest): Promise<FuzzApi> {
  const api = await startApi(store, () => NOW, {
    PARCOURS_PSEUDONYMISATION_KEY: 'fuzz-pseudonymisation-key-of-32-characters',
  });
  await api.app.listen(0, '127.0.0.1');
  const { port } = api.app.getHttpServer().address() as AddressInfo;
  // A connection per request: a server that closes a connection (after a 413) must not fail the next request.
  const agent = new http.Agent({ keepAlive: false });
  const docRes = await api.http.get('/api/docs/json');
  if (docRes.status !== 200) throw new Error(`GET /api/docs/json answered ${docRes.status}`);
  const known = await seedFixtures(api);
  const sql = api.app.get<SqlClient>(SQL);

  function send(req: FuzzRequest, timeoutMs = 20_000): Promise<FuzzResponse> {
    const started = Date.now();
    const path = buildPath(req.op, req.pathParams) + (req.query ? `?${req.query}` : '');
    const headers: Record<string, string> = { ...req.headers };
    const auth = authorization(req.auth);
    if (auth) headers.Authorization = auth;
    // Node frames a GET body without a length otherwise, and the server would read it as a second request.
    if (req.body !== undefined) headers['Content-Length'] = String(Buffer.byteLength(req.body));
    return new Promise((resolve) => {
      const done = (r: Omit<FuzzResponse, 'ms'>) => resolve({ ...r, ms: Date.now() - started });
      let request: http.ClientRequest;
      try {
        request = http.request(
          { host: '127.0.0.1', port, method: req.method, path, headers, agent, timeout: timeoutMs },
          (res) => {
            const chunks: Buffer[] = [];
            res.on('data', (c: Buffer) => chunks.push(c));
            res.on('error', (e) => done({ status: 0, text: '', error: `response: ${e.message}` }));
            res.on('end', () => {
              const text = Buffer.concat(chunks).toString('utf8');
              const contentType = res.headers['content-type'];
              let json: unknown;
              if (contentType?.includes('json')) {
                try {
                  json = JSON.parse(text);
                } catch {
                  json = undefined;
                }
              }
              done({ status: res.statusCode ?? 0, contentType, text, json });
            });
          },
        );
      } catch (e) {
        // Node refuses to send it (a header with a control character): not a request the server can see.
        done({ status: -1, text: '', error: `unsendable: ${(e as Error).message}` });
        return;
      }
      request.on('timeout', () => request.destroy(new Error(`no answer within ${timeoutMs} ms`)));
      request.on('error', (e) => done({ status: 0, text: '', error: e.message }));
      request.end(req.body);
    });
  }

  return {
    api,
    doc: docRes.body as OpenApiDocument,
    known,
    send,
    async eventCount() {
      const [row] = await sql.query<{ n: number }>('select count(*)::int as n from events');
      return row.n;
    },
    async close() {
      agent.destroy();
      await api.close();
    },
  };
}

/** The problem shape every 4xx carries: `{ statusCode, code, message }`, statusCode equal to the status. */
export function problemShapeError(res: FuzzResponse): string | undefined {
  const body = res.json as Record<string, unknown> | undefined;
  if (!body || typeof body !== 'object' || Array.isArray(body))
    return `not a JSON problem: ${res.contentType ?? 'no content type'} ${res.text.slice(0, 80)}`;
  if (body.statusCode !== res.status) return `statusCode ${String(body.statusCode)} ≠ ${res.status}`;
  if (typeof body.code !== 'string' || !/^[A-Z][A-Z0-9_]*$/.test(body.code))
    return `code ${JSON.stringify(body.code)}`;
  if (typeof body.message !== 'string' || body.message.length === 0) return 'no message';
  return undefined;
}

/** Waits until every projection listed by GET /api/projections is running with lag 0; throws on a failed one. */
export async function projectionsSettled(
  fuzz: FuzzApi,
  timeoutMs = 60_000,
): Promise<{ name: string; status: string; eventsBehind: number; error: string | null }[]> {
  const started = Date.now();
  for (;;) {
    const res = await fuzz.api.http.get('/api/projections').set(bearer(tokens.departement()));
    if (res.status !== 200)
      throw new Error(`GET /api/projections answered ${res.status} ${JSON.stringify(res.body)}`);
    const all = res.body as { name: string; status: string; eventsBehind: number; error: string | null }[];
    const failed = all.filter((p) => p.status === 'failed');
    if (failed.length) throw new Error(`projection stopped: ${JSON.stringify(failed)}`);
    if (all.length > 0 && all.every((p) => p.eventsBehind === 0 && p.status === 'running')) return all;
    if (Date.now() - started > timeoutMs)
      throw new Error(`projections did not reach lag 0 with status running: ${JSON.stringify(all)}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Every row of a projection's tables, ordered by primary key (by every column when it has none). */
export async function projectionRows(sql: SqlClient, tables: string[]): Promise<Record<string, unknown[]>> {
  const out: Record<string, unknown[]> = {};
  for (const table of tables) {
    const keys = await sql.query<{ column: string }>(
      `select a.attname as column from pg_index i join pg_attribute a on a.attrelid = i.indrelid and a.attnum = any(i.indkey)
        where i.indrelid = to_regclass($1) and i.indisprimary order by array_position(i.indkey::int2[], a.attnum)`,
      [table],
    );
    const order = keys.length ? keys.map((k) => `"${k.column}"`).join(', ') : 'to_jsonb(t)::text';
    out[table] = (
      await sql.query<{ row: unknown }>(`select to_jsonb(t) as row from "${table}" t order by ${order}`)
    ).map((r) => r.row);
  }
  return out;
}

/** Each projection's live rows, then a rebuild from the log and its rows: they must be equal. */
export async function liveAndRebuilt(
  fuzz: FuzzApi,
): Promise<{ name: string; live: Record<string, unknown[]>; rebuilt: Record<string, unknown[]> }[]> {
  const runner = fuzz.api.app.get(ProjectionRunner);
  const sql = fuzz.api.app.get<SqlClient>(SQL);
  const out = [];
  for (const projection of runner.projections) {
    const live = await projectionRows(sql, projection.tables);
    await runner.rebuild(projection.name);
    out.push({ name: projection.name, live, rebuilt: await projectionRows(sql, projection.tables) });
  }
  return out;
}

/** A request in a line: method, path, query, the headers that matter, body excerpt. */
export function describeRequest(req: FuzzRequest, max = 300): string {
  const path = buildPath(req.op, req.pathParams) + (req.query ? `?${req.query}` : '');
  const headers = Object.entries(req.headers)
    .map(([k, v]) => `${k}: ${v.length > 40 ? `${v.slice(0, 40)}…(${v.length})` : v}`)
    .join('; ');
  const body =
    req.body === undefined
      ? ''
      : Buffer.isBuffer(req.body)
        ? `<bytes ${req.body.toString('hex').slice(0, 40)}>`
        : req.body;
  const shown = body.length > max ? `${body.slice(0, max)}…(${body.length} chars)` : body;
  const shownPath = path.length > 200 ? `${path.slice(0, 200)}…` : path;
  return `${req.method} ${shownPath} [${req.auth}]${headers ? ` {${headers}}` : ''}${shown ? ` ${JSON.stringify(shown)}` : ''}`;
}

/** Failures grouped by class and answer, with the routes where they occur and the shortest request of each group. */
export class FailureLog {
  private readonly groups = new Map<
    string,
    { count: number; ops: Set<string>; example: string; size: number }
  >();

  add(op: string, kind: string, answer: string, req: FuzzRequest): void {
    const key = `${kind} | ${answer}`;
    const example = describeRequest(req);
    const size =
      (req.body?.length ?? 0) +
      req.query.length +
      JSON.stringify(req.pathParams).length +
      JSON.stringify(req.headers).length;
    const g = this.groups.get(key);
    if (!g) this.groups.set(key, { count: 1, ops: new Set([op]), example, size });
    else {
      g.count++;
      g.ops.add(op);
      if (size < g.size) Object.assign(g, { example, size });
    }
  }

  get size(): number {
    return this.groups.size;
  }

  report(header: string, limit = 60): string {
    const lines = [...this.groups.entries()].sort(([a], [b]) => a.localeCompare(b)).slice(0, limit);
    return [
      header,
      ...lines.map(([key, g]) => {
        const ops = [...g.ops].sort();
        const more = ops.length > 6 ? ', …' : '';
        return `- ${key} ×${g.count} on ${ops.length} route(s): ${ops.slice(0, 6).join(', ')}${more}\n    e.g. ${g.example}`;
      }),
      this.groups.size > limit ? `… and ${this.groups.size - limit} more groups` : '',
    ].join('\n');
  }
}

/** The fixed seed of the suites; PARCOURS_FUZZ_SEED explores others. */
export const fuzzSeed = (fallback: number) =>
  process.env.PARCOURS_FUZZ_SEED ? Number(process.env.PARCOURS_FUZZ_SEED) : fallback;
