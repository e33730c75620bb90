import { ArgumentMetadata, ValidationError, ValidationPipe } from '@nestjs/common';
import { IDENTIFIER_RULE, isIdentifier, isReservedIdentifier } from '@parcours/domain';
import { Problem } from '@parcours/application';

/**
 * The checks the pipe itself adds (unknown property, nested value) take no
 * message option: their English defaults are replaced here, by constraint name.
 */
const PIPE_MESSAGES: Record<string, (field: string) => string> = {
  whitelistValidation: (field) => `${field} : propriété inconnue, non admise`,
  nestedValidation: (field) => `${field} doit être un objet ou une liste`,
};

function flatten(errors: ValidationError[], prefix = ''): { field: string; messages: string[] }[] {
  return errors.flatMap((e) => {
    const field = prefix ? `${prefix}.${e.property}` : e.property;
    const messages = Object.entries(e.constraints ?? {}).map(
      ([name, message]) => PIPE_MESSAGES[name]?.(field) ?? message,
    );
    const own = e.constraints ? [{ field, messages }] : [];
    return [...own, ...flatten(e.children ?? [], field)];
  });
}

const invalid = (field: string, message: string) =>
  new Problem({
    statusCode: 400,
    code: 'VALIDATION_FAILED',
    message: 'Requête invalide : voir les champs en erreur.',
    fields: [{ field, messages: [message] }],
  });

/**
 * The path of the first property named like a member of Object.prototype
 * (`constructor`, `__proto__`...): class-transformer drops such keys
 * silently, so they would be accepted and lost instead of refused.
 */
function reservedKeyIn(body: object): string | undefined {
  const stack: [unknown, string][] = [[body, '']];
  while (stack.length) {
    const [value, path] = stack.pop()!;
    if (typeof value !== 'object' || value === null) continue;
    for (const key of Object.keys(value)) {
      const at = path ? `${path}.${key}` : key;
      if (!Array.isArray(value) && isReservedIdentifier(key)) return at;
      stack.push([(value as Record<string, unknown>)[key], at]);
    }
  }
  return undefined;
}

/**
 * Every input is validated here, so that a new route is safe by construction:
 * - path parameters are identifiers (one pattern, reserved names refused);
 * - a body is a JSON object, validated strictly against its DTO (unknown
 *   properties refused, not dropped); query strings likewise.
 */
class StrictValidationPipe extends ValidationPipe {
  override async transform(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
    if (metadata.type === 'param') {
      if (!isIdentifier(value))
        throw invalid(metadata.data ?? 'id', `${metadata.data ?? 'id'} doit être ${IDENTIFIER_RULE}`);
      return value;
    }
    if (metadata.type === 'body' && (typeof value !== 'object' || value === null || Array.isArray(value))) {
      throw invalid('body', 'le corps de la requête doit être un objet JSON');
    }
    if ((metadata.type === 'body' || metadata.type === 'query') && value && typeof value === 'object') {
      const reserved = reservedKeyIn(value);
      if (reserved) throw invalid(reserved, `${reserved} : nom de propriété réservé`);
    }
    return super.transform(value, metadata);
  }
}

export const validationPipe = new StrictValidationPipe({
  whitelist: true,
  forbidNonWhitelisted: true,
  transform: true,
  stopAtFirstError: false,
  exceptionFactory: (errors) =>
    new Problem({
      statusCode: 400,
      code: 'VALIDATION_FAILED',
      message: 'Requête invalide : voir les champs en erreur.',
      fields: flatten(errors),
    }),
});
