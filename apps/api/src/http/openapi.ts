import { applyDecorators } from '@nestjs/common';
import { ApiExtension, ApiOperation, ApiTags, type OpenAPIObject } from '@nestjs/swagger';
import type { Role } from '@parcours/auth';
import { BARRIERS, IDENTIFIER_PATTERN } from '@parcours/domain';
import { IDEMPOTENCY_KEY_PATTERN, IF_MATCH_PATTERN } from './request-context';

/**
 * Completes the generated OpenAPI document so that it is the contract client
 * apps are generated from: every path parameter with the pattern the server
 * checks, every status a route answers with its schema. Done once over the
 * whole document rather than route by route, so a new route cannot forget it.
 */
type Schema = Record<string, unknown>;
type Operation = {
  summary?: string;
  description?: string;
  tags?: string[];
  'x-roles'?: Role[];
  'x-public'?: boolean;
  parameters?: { in: string; name: string; schema?: Schema }[];
  responses: Record<string, { description: string; content?: unknown; headers?: Record<string, unknown> }>;
  security?: unknown[];
  requestBody?: unknown;
};

const json = (schema: Schema) => ({ 'application/json': { schema } });
const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });

const PROBLEM: Schema = {
  type: 'object',
  description: 'RFC 9457 (application/problem+json), avec le code stable du produit',
  required: ['type', 'title', 'status', 'detail', 'statusCode', 'code', 'message'],
  properties: {
    type: { type: 'string', format: 'uri', description: 'Type du problème (un par code)' },
    title: { type: 'string', description: 'Intitulé du statut' },
    status: { type: 'integer' },
    detail: { type: 'string', description: 'Explication en français' },
    instance: { type: 'string', description: 'Chemin demandé' },
    statusCode: { type: 'integer', description: 'Comme status (clients antérieurs)' },
    code: { type: 'string', description: 'Code stable de la règle ou de l’erreur' },
    message: { type: 'string', description: 'Message en français' },
    field: { type: 'string', description: 'Champ en cause' },
    fields: {
      type: 'array',
      items: {
        type: 'object',
        required: ['field', 'messages'],
        properties: { field: { type: 'string' }, messages: { type: 'array', items: { type: 'string' } } },
      },
    },
  },
};

const COMMAND_RESULT: Schema = {
  type: 'object',
  required: ['id', 'revision', 'events'],
  description:
    'Le parcours, sa nouvelle révision, les événements enregistrés et les identifiants créés (appointmentId, contractId…)',
  properties: {
    id: { type: 'string' },
    revision: { type: 'integer' },
    events: { type: 'array', items: { type: 'string' } },
  },
  additionalProperties: { type: 'string' },
};

const REVISION: Schema = {
  type: 'object',
  required: ['revision'],
  properties: { revision: { type: 'integer' } },
};

/** Answers whose shape is a report or a record with many fields: an object, documented in the README. */
const OBJECT: Schema = { type: 'object', additionalProperties: true };
const LIST: Schema = { type: 'array', items: OBJECT };

const RETRY_AFTER = {
  description: 'Secondes à attendre avant de réessayer',
  schema: { type: 'integer', minimum: 1 },
};

const ERRORS: Record<string, string> = {
  '400': 'Requête invalide (champ, paramètre ou corps) ; rien n’est enregistré',
  '401': 'Jeton manquant, invalide ou expiré',
  '403': 'Rôle ou périmètre insuffisant',
  '404': 'Ressource inconnue',
  '409': 'Conflit de révision (If-Match) ou d’écriture concurrente',
  '413': 'Corps trop volumineux',
  '415': 'Le corps doit être du JSON',
  '422': 'Règle métier refusée (code de la règle)',
  '429': 'Trop de requêtes pour ce jeton ou cette adresse (RATE_LIMITED) : réessayer après Retry-After',
  '503': 'Stockage indisponible ou tableaux en construction : réessayer (Retry-After)',
};

function errorsOf(method: string, isPublic: boolean): string[] {
  const write = method !== 'get';
  // Reads answer 422 too when two well-formed values break a rule (a period that ends before it starts).
  // 429: the rate limits (per address, and per identity on authenticated routes) apply to every route when enabled.
  const statuses = ['400', '404', '422', '429', '503'];
  if (!isPublic) statuses.push('401', '403');
  if (write) statuses.push('409', '413', '415');
  return statuses;
}

function successSchema(method: string, path: string): Schema {
  if (method === 'post' && path.startsWith('/api/parcours')) return ref('CommandResult');
  if (
    (method === 'post' || method === 'patch') &&
    /^\/api\/(territories|organisations|referents|actions|parameters)/.test(path)
  )
    return REVISION;
  if (
    method === 'get' &&
    /^\/api\/(territories|organisations|referents|actions|indicators\/definitions|projections)$/.test(path)
  )
    return LIST;
  if (method === 'get' && path === '/api/parcours/{id}/history') return LIST;
  return OBJECT;
}

/**
 * What a client developer reads of one operation: its capability (the tag),
 * a short French sentence, and the rules it applies with the codes it may
 * refuse with. Who may call it is added from the route's own roles
 * (DocumentRoles), so that the text cannot drift from what the guard checks.
 */
export const Doc = (tag: string, summary: string, description: string, roles?: readonly Role[]) =>
  applyDecorators(
    ApiTags(tag),
    ApiOperation({ summary, description }),
    ...(roles ? [ApiExtension('x-roles', [...roles])] : []),
  );

/** The metadata keys of auth.guard.ts (@AllowRoles, @Public): read here to publish them, never to decide. */
const ROLES_KEY = 'parcours:roles';
const PUBLIC_KEY = 'parcours:public';
const EXTENSION_KEY = 'swagger/apiExtension';

/**
 * Class decorator, placed above @AllowRoles/@Public (decorators apply bottom
 * up): gives each route an `x-roles` (its @AllowRoles, the method's over the
 * class's) or `x-public`, unless @Doc named narrower roles already.
 */
export const DocumentRoles = (): ClassDecorator => (target) => {
  const classRoles = Reflect.getMetadata(ROLES_KEY, target) as Role[] | undefined;
  const classPublic = Reflect.getMetadata(PUBLIC_KEY, target) as boolean | undefined;
  for (const name of Object.getOwnPropertyNames(target.prototype)) {
    const handler = (target.prototype as Record<string, unknown>)[name];
    if (name === 'constructor' || typeof handler !== 'function' || !Reflect.hasMetadata('path', handler))
      continue;
    const extensions = (Reflect.getMetadata(EXTENSION_KEY, handler) ?? {}) as Record<string, unknown>;
    const roles = (Reflect.getMetadata(ROLES_KEY, handler) as Role[] | undefined) ?? classRoles;
    const isPublic = (Reflect.getMetadata(PUBLIC_KEY, handler) as boolean | undefined) ?? classPublic;
    const added = isPublic
      ? { 'x-public': true }
      : roles && !extensions['x-roles']
        ? { 'x-roles': [...roles] }
        : {};
    Reflect.defineMetadata(EXTENSION_KEY, { ...extensions, ...added }, handler);
  }
};

const ROLE_NAMES: Record<Role, string> = {
  referent: 'référent (les parcours qu’il suit)',
  slai: 'SLAI (son territoire)',
  departement: 'Département',
  system: 'système (flux partenaires CAF, France Travail)',
  etat: 'État',
  dpo: 'DPO',
};

function accessOf(op: Operation): string | undefined {
  if (op['x-public']) return 'Accès : public, sans jeton.';
  const roles = op['x-roles'];
  return roles?.length ? `Rôles autorisés : ${roles.map((r) => ROLE_NAMES[r] ?? r).join(', ')}.` : undefined;
}

const ETAG = {
  description: 'Révision du parcours, entre guillemets ("7") : à renvoyer dans If-Match',
  schema: { type: 'string', pattern: '^"[0-9]+"$' },
};

/** The answers whose ETag is the parcours revision: the parcours itself and every command's answer. */
function carriesRevision(method: string, path: string, status: string): boolean {
  if (method === 'get' && path === '/api/parcours/{id}') return status === '200';
  return (
    method === 'post' &&
    (path.startsWith('/api/parcours') || path === '/api/persons/{id}/erasure') &&
    status === '201'
  );
}

export function completeDocument(document: OpenAPIObject): OpenAPIObject {
  document.components ??= {};
  // Request bodies are validated with unknown properties refused: the published schemas say so.
  for (const schema of Object.values(document.components.schemas ?? {}) as Schema[]) {
    if (schema.type === 'object' && schema.additionalProperties === undefined)
      schema.additionalProperties = false;
  }
  document.components.schemas = {
    ...document.components.schemas,
    Problem: PROBLEM,
    CommandResult: COMMAND_RESULT,
  };
  for (const [path, item] of Object.entries(document.paths)) {
    for (const [method, op] of Object.entries(item as Record<string, Operation>)) {
      // The command headers are declared on the parcours controller: they mean nothing to a read.
      if (method === 'get')
        op.parameters = op.parameters?.filter(
          (p) => !(p.in === 'header' && (p.name === 'If-Match' || p.name === 'Idempotency-Key')),
        );
      for (const p of op.parameters ?? []) {
        if (p.in === 'header' && p.name === 'If-Match')
          p.schema = { type: 'string', pattern: IF_MATCH_PATTERN };
        if (p.in === 'header' && p.name === 'Idempotency-Key')
          p.schema = { type: 'string', pattern: IDEMPOTENCY_KEY_PATTERN };
        if (p.in !== 'path') continue;
        p.schema =
          p.name === 'code' && path.includes('/barriers/')
            ? { type: 'string', enum: [...BARRIERS] }
            : { type: 'string', pattern: IDENTIFIER_PATTERN, minLength: 1, maxLength: 100 };
      }
      // Capability tags are set per route (@Doc): the controller-name tag Nest adds to an untagged controller is dropped.
      if (op.tags && op.tags.length > 1) op.tags = op.tags.filter((tag) => tag === tag.toLowerCase());
      const access = accessOf(op);
      if (access && !op.description?.includes(access))
        op.description = op.description ? `${op.description}\n\n${access}` : access;
      const isPublic = path === '/health' || path === '/ready';
      // /health answers anyone; /ready answers anyone too, with details for a Département token.
      if (path === '/health') op.security = [];
      if (path === '/ready') op.security = [{}, { bearer: [] }];
      for (const [status, response] of Object.entries(op.responses)) {
        if (Number(status) >= 300 || response.content) continue;
        // The exports answer a CSV file, or JSON (one file, or several as an array of {name, content}).
        response.content = /^\/api\/indicators\/(export|extract)$/.test(path)
          ? { 'text/csv': { schema: { type: 'string' } }, ...json({}) }
          : json(successSchema(method, path));
      }
      for (const [status, response] of Object.entries(op.responses)) {
        if (carriesRevision(method, path, status)) response.headers = { ...response.headers, ETag: ETAG };
      }
      // Every error answers application/problem+json (RFC 9457), whatever a route declared itself.
      for (const [status, response] of Object.entries(op.responses)) {
        const declared = (response.content as Record<string, unknown> | undefined)?.['application/json'];
        if (Number(status) >= 400 && declared) response.content = { 'application/problem+json': declared };
      }
      for (const status of errorsOf(method, isPublic)) {
        op.responses[status] ??= {
          description: ERRORS[status],
          content: { 'application/problem+json': { schema: ref('Problem') } },
          ...(status === '429' ? { headers: { 'Retry-After': RETRY_AFTER } } : {}),
        };
      }
    }
  }
  return document;
}
