import Ajv, { ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';

/**
 * The OpenAPI document as the fuzz suites read it: its operations, its
 * dangling references, and an ajv validator that says whether a request is
 * admitted or refused by the document (the contract client apps are generated from).
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Schema = { [keyword: string]: any };

export interface Parameter {
  name: string;
  in: 'path' | 'query' | 'header' | 'cookie';
  required?: boolean;
  schema?: Schema;
}

export interface OpenApiDocument {
  openapi: string;
  paths: Record<string, Record<string, Schema>>;
  components?: { schemas?: Record<string, Schema>; [section: string]: unknown };
  security?: Record<string, string[]>[];
}

export interface Operation {
  /** "POST /api/parcours/{id}/exit" */
  key: string;
  method: string;
  /** The path template, e.g. /api/parcours/{id}/exit */
  path: string;
  pathParams: Parameter[];
  queryParams: Parameter[];
  headerParams: Parameter[];
  body?: { schema: Schema; required: boolean; mediaTypes: string[] };
  responses: Record<string, Schema>;
  secured: boolean;
}

const METHODS = ['get', 'put', 'post', 'delete', 'patch', 'head', 'options', 'trace'];
const own = (o: object, k: string) => Object.prototype.hasOwnProperty.call(o, k);

/** The node a local `$ref` points to, or undefined when it does not resolve. */
export function resolvePointer(doc: unknown, ref: string): unknown {
  if (!ref.startsWith('#/')) return undefined;
  let node = doc;
  for (const raw of ref.slice(2).split('/')) {
    const key = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    if (key === '' || node === null || typeof node !== 'object' || !own(node, key)) return undefined;
    node = (node as Record<string, unknown>)[key];
  }
  return node;
}

/** Every `$ref` of the document with the JSON pointer where it appears. */
export function references(doc: unknown): { at: string; ref: string }[] {
  const out: { at: string; ref: string }[] = [];
  const walk = (node: unknown, at: string) => {
    if (node === null || typeof node !== 'object') return;
    if (Array.isArray(node)) return node.forEach((n, i) => walk(n, `${at}/${i}`));
    for (const [k, v] of Object.entries(node)) {
      if (k === '$ref' && typeof v === 'string') out.push({ at, ref: v });
      else walk(v, `${at}/${k.replace(/~/g, '~0').replace(/\//g, '~1')}`);
    }
  };
  walk(doc, '#');
  return out;
}

export const danglingReferences = (doc: unknown) =>
  references(doc).filter((r) => resolvePointer(doc, r.ref) === undefined);

function deref<T>(doc: OpenApiDocument, node: T | { $ref: string }): T {
  let n: unknown = node;
  for (
    let i = 0;
    i < 20 && n && typeof n === 'object' && typeof (n as { $ref?: unknown }).$ref === 'string';
    i++
  ) {
    n = resolvePointer(doc, (n as { $ref: string }).$ref) ?? {};
  }
  return n as T;
}

export function operations(doc: OpenApiDocument): Operation[] {
  const out: Operation[] = [];
  for (const [path, item] of Object.entries(doc.paths ?? {})) {
    const shared = ((item.parameters as Parameter[]) ?? []).map((p) => deref<Parameter>(doc, p));
    for (const method of METHODS) {
      const op = item[method];
      if (!op) continue;
      const params = [
        ...shared,
        ...((op.parameters as Parameter[]) ?? []).map((p) => deref<Parameter>(doc, p)),
      ];
      const requestBody = op.requestBody ? deref<Schema>(doc, op.requestBody) : undefined;
      const content = (requestBody?.content ?? {}) as Record<string, Schema>;
      const mediaTypes = Object.keys(content);
      const security = (op.security ?? doc.security ?? []) as Record<string, string[]>[];
      out.push({
        key: `${method.toUpperCase()} ${path}`,
        method: method.toUpperCase(),
        path,
        pathParams: params.filter((p) => p.in === 'path'),
        queryParams: params.filter((p) => p.in === 'query'),
        headerParams: params.filter((p) => p.in === 'header'),
        body: requestBody
          ? {
              schema: (content['application/json'] ?? content[mediaTypes[0]])?.schema ?? {},
              required: requestBody.required !== false,
              mediaTypes,
            }
          : undefined,
        responses: Object.fromEntries(
          Object.entries((op.responses ?? {}) as Record<string, Schema>).map(([s, r]) => [
            s,
            deref<Schema>(doc, r),
          ]),
        ),
        // `{}` among the alternatives makes the token optional
        secured: security.length > 0 && security.every((s) => Object.keys(s).length > 0),
      });
    }
  }
  return out;
}

/**
 * A schema with its `$ref` and `allOf` folded into one object, for generation
 * (dangling references fold to "anything", as a client generator would read them).
 */
export function flatten(doc: OpenApiDocument, schema: Schema | undefined, depth = 0): Schema {
  if (!schema || typeof schema !== 'object' || depth > 30) return {};
  let s: Schema = schema;
  if (typeof s.$ref === 'string') {
    const { $ref, ...siblings } = s;
    s = { ...flatten(doc, (resolvePointer(doc, $ref) as Schema) ?? {}, depth + 1), ...siblings };
  }
  if (Array.isArray(s.allOf)) {
    const { allOf, ...rest } = s;
    s = [...(allOf as Schema[]).map((x) => flatten(doc, x, depth + 1)), rest].reduce(mergeSchemas, {});
  }
  return s;
}

function mergeSchemas(a: Schema, b: Schema): Schema {
  const out: Schema = { ...a };
  for (const [k, v] of Object.entries(b)) {
    if (k === 'properties') out.properties = { ...(a.properties ?? {}), ...v };
    else if (k === 'required') out.required = [...new Set([...(a.required ?? []), ...v])];
    else if ((k === 'minimum' || k === 'minLength' || k === 'minItems') && typeof a[k] === 'number')
      out[k] = Math.max(a[k], v);
    else if ((k === 'maximum' || k === 'maxLength' || k === 'maxItems') && typeof a[k] === 'number')
      out[k] = Math.min(a[k], v);
    else out[k] = v;
  }
  return out;
}

/** The simple type a parameter's string value is read as. */
export function parameterType(doc: OpenApiDocument, p: Parameter): string | undefined {
  const s = flatten(doc, p.schema);
  if (typeof s.type === 'string') return s.type;
  if (Array.isArray(s.enum) && s.enum.every((e: unknown) => typeof e === 'string')) return 'string';
  return undefined;
}

const NUMBER = /^-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?$/;

/** A parameter's raw string read as its declared type (OpenAPI "simple"/"form" style); unreadable text stays a string. */
export function coerceParameter(type: string | undefined, raw: string): unknown {
  if ((type === 'integer' || type === 'number') && NUMBER.test(raw)) return Number(raw);
  if (type === 'boolean' && (raw === 'true' || raw === 'false')) return raw === 'true';
  return raw;
}

const ROOT = 'openapi.json';

/** A copy where dangling references are replaced by `{}` and local ones point into ROOT, for ajv. */
function forAjv(doc: OpenApiDocument, node: unknown): unknown {
  if (node === null || typeof node !== 'object') return node;
  if (Array.isArray(node)) return node.map((n) => forAjv(doc, n));
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(node)) {
    if (k === '$ref' && typeof v === 'string') {
      if (resolvePointer(doc, v) === undefined) continue; // dangling: "anything"
      out[k] = v.startsWith('#') ? `${ROOT}${v}` : v;
    } else out[k] = forAjv(doc, v);
  }
  return out;
}

/** What the document says of one request: admitted, refused (with the reasons), or silent (undecided). */
export type Verdict =
  | { verdict: 'admitted' }
  | { verdict: 'refused'; reasons: string[] }
  | { verdict: 'undecided'; reasons: string[] };

export interface RequestParts {
  pathParams: Record<string, string>;
  /** Raw query string, without "?". */
  query: string;
  headers: Record<string, string>;
  body?: string | Buffer;
}

export class DocumentValidator {
  private readonly ajv: Ajv;
  private readonly compiled = new WeakMap<object, ValidateFunction>();

  constructor(readonly doc: OpenApiDocument) {
    this.ajv = new Ajv({ strict: false, allErrors: true, validateFormats: true });
    addFormats(this.ajv);
    this.ajv.addSchema({ $id: ROOT, components: forAjv(doc, doc.components ?? {}) });
  }

  /** ajv's errors for a value against a schema of the document (empty: valid). */
  errors(schema: Schema | undefined, value: unknown): string[] {
    if (!schema) return [];
    let validate = this.compiled.get(schema);
    if (!validate) {
      validate = this.ajv.compile(forAjv(this.doc, schema) as object);
      this.compiled.set(schema, validate);
    }
    if (validate(value)) return [];
    return (validate.errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message}`);
  }

  valid = (schema: Schema | undefined, value: unknown) => this.errors(schema, value).length === 0;

  /** The document's verdict on a request to one operation. */
  verdict(op: Operation, req: RequestParts): Verdict {
    const refused: string[] = [];
    const silent: string[] = [];
    for (const p of op.pathParams) {
      const raw = req.pathParams[p.name];
      let value: string;
      try {
        value = decodeURIComponent(raw);
      } catch {
        silent.push(`path ${p.name} is not percent-decodable`);
        continue;
      }
      if (value === '' || value === '.' || value === '..')
        silent.push(`path ${p.name} is a dot or empty segment`);
      else
        refused.push(
          ...this.errors(p.schema, coerceParameter(parameterType(this.doc, p), value)).map(
            (e) => `path ${p.name}: ${e}`,
          ),
        );
    }
    const query = new URLSearchParams(req.query);
    const declared = new Set(op.queryParams.map((p) => p.name));
    for (const key of new Set(query.keys()))
      if (!declared.has(key)) silent.push(`query ${key} is not declared`);
    for (const p of op.queryParams) {
      const values = query.getAll(p.name);
      const type = parameterType(this.doc, p);
      if (values.length === 0) {
        if (p.required) refused.push(`query ${p.name} is required`);
      } else if (values.length > 1 && type !== 'array') silent.push(`query ${p.name} repeated`);
      else
        refused.push(
          ...this.errors(p.schema, type === 'array' ? values : coerceParameter(type, values[0])).map(
            (e) => `query ${p.name}: ${e}`,
          ),
        );
    }
    const headers = Object.fromEntries(Object.entries(req.headers).map(([k, v]) => [k.toLowerCase(), v]));
    for (const p of op.headerParams) {
      const value = headers[p.name.toLowerCase()];
      if (value === undefined) {
        if (p.required) refused.push(`header ${p.name} is required`);
      } else
        refused.push(
          ...this.errors(p.schema, coerceParameter(parameterType(this.doc, p), value)).map(
            (e) => `header ${p.name}: ${e}`,
          ),
        );
    }
    const hasBody = req.body !== undefined && req.body.length > 0;
    if (!op.body) {
      if (hasBody) silent.push('a body where none is declared');
    } else if (!hasBody) {
      if (op.body.required) refused.push('body is required');
    } else {
      const contentType = headers['content-type'];
      const [mediaType, ...params] = (contentType ?? '').split(';').map((s) => s.trim().toLowerCase());
      const charset = params
        .find((x) => x.startsWith('charset='))
        ?.slice('charset='.length)
        .replace(/"/g, '');
      if (!op.body.mediaTypes.includes(mediaType))
        refused.push(`content type ${contentType ?? '(none)'} is not declared`);
      else if (charset && charset !== 'utf-8') silent.push(`charset ${charset}`);
      else if (mediaType === 'application/json' || mediaType.endsWith('+json')) {
        const text = Buffer.isBuffer(req.body) ? req.body.toString('utf8') : (req.body as string);
        if (Buffer.isBuffer(req.body) && !Buffer.from(text, 'utf8').equals(req.body))
          refused.push('body is not UTF-8');
        else if (text.startsWith('\ufeff')) silent.push('byte order mark (RFC 8259: a parser may ignore it)');
        else {
          let value: unknown;
          try {
            value = JSON.parse(text);
            refused.push(...this.errors(op.body.schema, value).map((e) => `body${e}`));
          } catch {
            refused.push('body is not JSON');
          }
        }
      }
    }
    if (refused.length) return { verdict: 'refused', reasons: refused };
    if (silent.length) return { verdict: 'undecided', reasons: silent };
    return { verdict: 'admitted' };
  }
}
