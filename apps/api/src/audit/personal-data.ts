import { applyDecorators, SetMetadata } from '@nestjs/common';
import { ApiExtension, ApiHeader } from '@nestjs/swagger';
import { IDENTIFIER_PATTERN, IDENTIFIER_RULE, isIdentifier } from '@parcours/domain';
import { Problem } from '@parcours/application';

export const PERSONAL_DATA = 'parcours:personal-data';

/** The mark of an audited route in the OpenAPI document. */
export const PERSONAL_DATA_EXTENSION = 'x-personal-data';

/** Why the caller reads: a short code chosen by the client app (`suivi`, `controle-ep`...). */
export const PURPOSE_HEADER = 'X-Purpose';

/** The parcours a route's answer is about, from the answer and the request (its path parameters). */
export type ParcoursIdsOf = (
  result: unknown,
  request: { params: Record<string, string | undefined> },
) => unknown[];

/**
 * Marks a route that returns personal data: every successful answer is
 * recorded in the audit of reads (who, which parcours, when, which route,
 * why) before it leaves, and the route is marked `x-personal-data: true` in
 * the OpenAPI document with its optional X-Purpose header. The tests walk
 * the document: a route under a personal prefix without this mark fails them.
 */
export const PersonalData = (parcoursIdsOf: ParcoursIdsOf) =>
  applyDecorators(
    SetMetadata(PERSONAL_DATA, parcoursIdsOf),
    ApiExtension(PERSONAL_DATA_EXTENSION, true),
    ApiHeader({
      name: PURPOSE_HEADER,
      required: false,
      description: 'Finalité de la consultation, enregistrée au journal des accès (un code)',
      schema: { type: 'string', pattern: IDENTIFIER_PATTERN, minLength: 1, maxLength: 100 },
    }),
  );

/** The parcours named by a path parameter (`/api/parcours/:id`, its history). */
export const parcoursInPath =
  (name = 'id'): ParcoursIdsOf =>
  (_result, request) => [request.params[name]];

/** The parcours of a list's lines (`items[].parcoursId`: portfolios, échéances). */
export const parcoursOfItems: ParcoursIdsOf = (result) => {
  const items = (result as { items?: unknown } | undefined)?.items;
  if (!Array.isArray(items))
    throw new Error('a personal-data list without items: its reads cannot be audited');
  return items.map((item) => (item as { parcoursId?: unknown } | null)?.parcoursId);
};

/** The X-Purpose of a request: absent, or a code (400 otherwise). */
export function purposeOf(headers: Record<string, string | string[] | undefined>): string | undefined {
  const value = headers[PURPOSE_HEADER.toLowerCase()];
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || !isIdentifier(value)) {
    throw new Problem({
      statusCode: 400,
      code: 'VALIDATION_FAILED',
      message: `${PURPOSE_HEADER} doit être ${IDENTIFIER_RULE}.`,
      field: PURPOSE_HEADER,
    });
  }
  return value;
}

/**
 * The distinct parcours ids of an answer, checked: a route whose extractor
 * finds something else than ids is a bug, and its answer is refused (500)
 * rather than served unaudited.
 */
export function distinctParcoursIds(ids: unknown[]): string[] {
  for (const id of ids) {
    if (typeof id !== 'string' || id.length === 0)
      throw new Error(
        `a personal-data answer names a parcours without id (${typeof id}): its reads cannot be audited`,
      );
  }
  return [...new Set(ids as string[])];
}
