import { addDays, addMonths, BusinessDate } from '../../shared/dates';
import { NotFound, rule } from '../../shared/rule-violation';
import { ParcoursEvent } from '../events';
import { ParcoursState } from '../state';
import { DecisionContext } from './context';

/** Guards shared by the deciders of several stages. Each throws a RuleViolation (NotFound for an unknown target). */

export const one = <E extends ParcoursEvent>(e: E): ParcoursEvent[] => [e];

export function notFuture(ctx: DecisionContext, date: BusinessDate, field: string): void {
  rule(date <= ctx.today, 'DATE_IN_FUTURE', `La date ${date} est dans le futur.`, field);
}

/** A planned date may lie ahead, but not beyond the horizon the Département set (a typing error otherwise). */
export function notTooFarAhead(ctx: DecisionContext, date: BusinessDate, field: string): void {
  const horizon = addDays(ctx.today, ctx.parametersOn(ctx.today).maxDaysAhead);
  rule(
    date <= horizon,
    'DATE_TOO_FAR_AHEAD',
    `La date ${date} est trop lointaine (au plus tard ${horizon}).`,
    field,
  );
}

export function notBeforeEntry(s: ParcoursState, date: BusinessDate, field: string): void {
  rule(
    s.enteredOn !== undefined && date >= s.enteredOn,
    'DATE_BEFORE_ENTRY',
    `La date ${date} précède l'entrée dans le RSA (${s.enteredOn}).`,
    field,
  );
}

/** A past business date of this cycle. */
export function pastDateInCycle(
  s: ParcoursState,
  ctx: DecisionContext,
  date: BusinessDate,
  field: string,
): void {
  notFuture(ctx, date, field);
  notBeforeEntry(s, date, field);
}

export function notBefore(
  date: BusinessDate,
  earliest: BusinessDate | undefined,
  code: string,
  message: string,
  field: string,
): void {
  rule(earliest === undefined || date >= earliest, code, message, field);
}

export function requireParcours(s: ParcoursState): void {
  if (s.status === 'none') throw new NotFound('PARCOURS_NOT_FOUND', "Ce parcours n'existe pas.");
  rule(
    !s.erased,
    'PERSON_ERASED',
    'Les données de cette personne ont été effacées : son parcours ne peut plus évoluer.',
  );
  rule(
    s.status !== 'transferred',
    'PARCOURS_TRANSFERRED',
    'Ce parcours a été transféré vers un autre département.',
  );
}

/**
 * The parcours accepts work dated `date`: in the RSA, or exited less than the
 * post-exit window ago (the accompaniment may go on 6 months after the end of payment).
 */
export function requireOpen(s: ParcoursState, ctx: DecisionContext, date: BusinessDate): void {
  requireParcours(s);
  rule(
    s.status !== 'closed',
    'PARCOURS_CLOSED',
    "L'accompagnement de ce cycle est terminé : seule une nouvelle entrée est possible.",
  );
  if (s.status === 'exited') {
    const limit = addMonths(s.exitedOn!, ctx.parametersOn(s.exitedOn!).accompanimentAfterExitMonths);
    rule(
      date <= limit && ctx.today <= limit,
      'ACCOMPANIMENT_WINDOW_CLOSED',
      `Le délai d'accompagnement après la sortie du RSA est dépassé (${limit}) : seule la fin d'accompagnement peut être enregistrée.`,
    );
  }
}

export function requireOrientation(s: ParcoursState): void {
  rule(s.orientation, 'ORIENTATION_REQUIRED', "Le parcours doit d'abord être orienté.");
}

export function requireReferent(s: ParcoursState): void {
  requireOrientation(s);
  rule(s.referentId, 'REFERENT_REQUIRED', "Un référent unique doit d'abord être désigné.");
}

export function requireInRsa(s: ParcoursState): void {
  rule(s.status === 'in_rsa', 'RSA_EXITED', 'La personne est sortie du RSA.');
}

export function found<T>(value: T | undefined, code: string, message: string): T {
  if (value === undefined) throw new NotFound(code, message);
  return value;
}
