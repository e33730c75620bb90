import { UsageError } from './usage-error';

/**
 * The CLI's way to a running server: its HTTP API with a Département token.
 * On the embedded store this is the only way while the server runs, since the
 * server holds the data directory.
 */
export interface ApiTarget {
  base: URL;
  token: string;
}

/** `--api` / PARCOURS_API_URL with `--token` / PARCOURS_API_TOKEN; undefined when no server is named. */
export function apiTarget(options: Record<string, string>, env: NodeJS.ProcessEnv): ApiTarget | undefined {
  const url = options.api ?? env.PARCOURS_API_URL;
  if (url === undefined || url === '') return undefined;
  let base: URL;
  try {
    base = new URL(url.endsWith('/') ? url : `${url}/`);
  } catch {
    throw new UsageError(`--api must be the server's URL, such as http://127.0.0.1:3000 (got "${url}")`);
  }
  if (base.protocol !== 'http:' && base.protocol !== 'https:')
    throw new UsageError('--api must be an http:// or https:// URL');
  const token = options.token ?? env.PARCOURS_API_TOKEN;
  if (!token || token === 'true') {
    throw new UsageError(
      '--api needs a Département bearer token: --token or PARCOURS_API_TOKEN (npm run -s cli -- token --role departement)',
    );
  }
  return { base, token };
}

/** The server refused the request or could not be reached; carries its status and problem code when it answered. */
export class ApiError extends Error {
  constructor(
    message: string,
    readonly status?: number,
    readonly code?: string,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

export async function apiRequest(
  target: ApiTarget,
  method: 'GET' | 'POST',
  path: string,
  query: Record<string, string | undefined> = {},
): Promise<Response> {
  const url = new URL(path, target.base);
  for (const [k, v] of Object.entries(query)) if (v !== undefined) url.searchParams.set(k, v);
  let res: Response;
  try {
    res = await fetch(url, {
      method,
      headers: { Authorization: `Bearer ${target.token}`, Accept: 'application/json, text/csv' },
    });
  } catch (error) {
    const cause = (error as { cause?: { code?: string; message?: string } }).cause;
    if (cause?.code === 'UND_ERR_HEADERS_TIMEOUT') {
      throw new ApiError(
        `the server at ${target.base.origin} did not answer within 5 minutes; the work may still go on there (see projections status)`,
      );
    }
    throw new ApiError(
      `cannot reach the server at ${target.base.origin}: ${cause?.code ?? cause?.message ?? (error as Error).message}`,
    );
  }
  if (!res.ok) {
    const text = await res.text();
    let problem: { code?: string; message?: string } = {};
    try {
      problem = JSON.parse(text);
    } catch {
      // not a problem document
    }
    const what = [problem.code, problem.message].filter(Boolean).join(': ') || text.slice(0, 200);
    throw new ApiError(
      `the server answered ${res.status} to ${method} /${path}${what ? ` (${what})` : ''}`,
      res.status,
      problem.code,
    );
  }
  return res;
}

export async function apiJson<T>(
  target: ApiTarget,
  method: 'GET' | 'POST',
  path: string,
  query: Record<string, string | undefined> = {},
): Promise<{ status: number; body: T }> {
  const res = await apiRequest(target, method, path, query);
  const text = await res.text();
  return { status: res.status, body: (text ? JSON.parse(text) : undefined) as T };
}

/** A file name the server sent, kept only if it cannot escape the output directory. */
export function safeFileName(name: unknown): string {
  if (typeof name !== 'string' || !/^[A-Za-z0-9_-][A-Za-z0-9._-]{0,200}$/.test(name))
    throw new ApiError(`the server sent an unexpected file name: ${JSON.stringify(name)}`);
  return name;
}

/**
 * The files of an export route: one file as an attachment (its name in
 * Content-Disposition), or several as a JSON list of `{ name, content }`.
 */
export async function apiFiles(
  target: ApiTarget,
  path: string,
  query: Record<string, string | undefined>,
): Promise<{ name: string; content: string }[]> {
  const res = await apiRequest(target, 'GET', path, query);
  const disposition = res.headers.get('content-disposition');
  const text = await res.text();
  if (disposition) {
    const match = /filename="([^"]*)"/.exec(disposition);
    return [{ name: safeFileName(match?.[1]), content: text }];
  }
  const files = JSON.parse(text) as { name: unknown; content: unknown }[];
  if (!Array.isArray(files)) throw new ApiError('the server sent no files');
  return files.map((f) => ({ name: safeFileName(f.name), content: String(f.content) }));
}
