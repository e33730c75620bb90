/**
 * One pattern for every identifier a client, a partner or an operator may
 * choose (territoire, organisme, référent, action, path ids): letters, digits
 * and `_ . : -`, starting with a letter or a digit, at most 100 characters.
 * Names JavaScript gives a meaning to (`__proto__`, `constructor`...) are
 * refused even though they match, so that no lookup can answer for them.
 */
const IDENTIFIER_SHAPE = '[A-Za-z0-9][A-Za-z0-9_.:-]{0,99}$';

/** Object.prototype's own names, lower-cased: `constructor`, `__proto__`, `toString`, `hasOwnProperty`... */
export const RESERVED_IDENTIFIERS: ReadonlySet<string> = new Set(
  [...Object.getOwnPropertyNames(Object.prototype), 'prototype', '__proto__'].map((n) => n.toLowerCase()),
);

const caseInsensitive = (name: string): string =>
  [...name]
    .map((c) =>
      c.toLowerCase() !== c.toUpperCase()
        ? `[${c.toLowerCase()}${c.toUpperCase()}]`
        : c.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'),
    )
    .join('');

/**
 * The pattern itself refuses the reserved names, in any case, so that the
 * published contract (OpenAPI, JSON Schemas) is exactly as strict as the server.
 */
export const IDENTIFIER_PATTERN = `^(?!(?:${[...RESERVED_IDENTIFIERS].map(caseInsensitive).join('|')})$)${IDENTIFIER_SHAPE}`;
const IDENTIFIER = new RegExp(IDENTIFIER_PATTERN);

export function isReservedIdentifier(value: string): boolean {
  return RESERVED_IDENTIFIERS.has(value.toLowerCase());
}

export function isIdentifier(value: unknown): value is string {
  return typeof value === 'string' && IDENTIFIER.test(value);
}

export const IDENTIFIER_RULE =
  'un identifiant : 1 à 100 lettres, chiffres ou _ . : -, commençant par une lettre ou un chiffre (noms réservés refusés)';

/**
 * The entry of a record under an id that came from outside, only if it is the
 * record's own: `constructor` or `__proto__` never answer from the prototype.
 */
export function lookup<T>(record: Record<string, T>, id: string): T | undefined {
  return Object.hasOwn(record, id) ? record[id] : undefined;
}

/** A person's name: letters, spaces, apostrophes, dots and hyphens (no digit, no formula, no control character). */
export const PERSON_NAME_PATTERN = "^[\\p{L}][\\p{L} '’.-]*$";

/** NIR: sex, year, month (or 20–99 for an unknown month), département (2A/2B for Corsica), commune, order, key. */
export const NIR_PATTERN = '^[12][0-9]{2}(0[1-9]|1[0-2]|[2-9][0-9])([0-9]{2}|2[AB])[0-9]{6}[0-9]{2}$';
