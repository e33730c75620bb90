import { ValidationError, ValidationPipe } from '@nestjs/common';
import { Problem } from './problem';

function flatten(errors: ValidationError[], prefix = ''): { field: string; messages: string[] }[] {
  return errors.flatMap((e) => {
    const field = prefix ? `${prefix}.${e.property}` : e.property;
    const own = e.constraints ? [{ field, messages: Object.values(e.constraints) }] : [];
    return [...own, ...flatten(e.children ?? [], field)];
  });
}

/** DTOs are validated strictly: unknown properties are refused, not silently dropped. */
export const validationPipe = new ValidationPipe({
  whitelist: true,
  forbidNonWhitelisted: true,
  transform: true,
  stopAtFirstError: false,
  exceptionFactory: (errors) =>
    new Problem({ statusCode: 400, code: 'VALIDATION_FAILED', message: 'Requête invalide : voir les champs en erreur.', fields: flatten(errors) }),
});
