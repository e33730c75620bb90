/**
 * A business rule refused a command. `code` is stable (clients and tests rely
 * on it), `message` is French for the référent, `field` names the input at fault.
 */
export class RuleViolation extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly field?: string,
  ) {
    super(message);
    this.name = 'RuleViolation';
  }
}

/** The command targets something that does not exist (an unknown parcours, appointment...). */
export class NotFound extends RuleViolation {}

export function rule(condition: unknown, code: string, message: string, field?: string): asserts condition {
  if (!condition) throw new RuleViolation(code, message, field);
}
