import { addMonths, BusinessDate } from '../../shared/dates';
import { NotFound, rule } from '../../shared/rule-violation';
import { ParcoursEvent } from '../events';
import { ParcoursState } from '../state';
import { CommandOf, DecisionContext } from './context';
import {
  notBefore,
  notFuture,
  one,
  pastDateInCycle,
  requireInRsa,
  requireOpen,
  requireOrientation,
  requireParcours,
} from './rules';

/** Entering the RSA (first time or again), facts of the CAF and France Travail, and the ways a cycle or a parcours ends. */

export function enter(s: ParcoursState, c: CommandOf<'Enter'>, ctx: DecisionContext): ParcoursEvent[] {
  rule(s.status === 'none', 'PARCOURS_ALREADY_EXISTS', 'Ce parcours existe déjà : utilisez la réentrée.');
  notFuture(ctx, c.enteredOn, 'enteredOn');
  checkEntryDates(c);
  rule(
    c.person.birthDate < c.enteredOn,
    'BIRTH_DATE_AFTER_ENTRY',
    "La date de naissance doit précéder l'entrée.",
    'person.birthDate',
  );
  // A transfer brings the steps of the other département, all before the arrival here.
  for (const [i, step] of (c.transferredFrom?.history ?? []).entries()) {
    rule(
      step.on <= c.enteredOn,
      'TRANSFER_HISTORY_AFTER_ARRIVAL',
      `Une étape de l'historique transmis (${step.on}) suit l'arrivée dans le département.`,
      `transferredFrom.history.${i}.on`,
    );
  }
  const { type: _, ...data } = c;
  return one({ type: 'ParcoursEntered', data: { parcoursId: ctx.parcoursId, cycle: 1, ...data } });
}

export function reenter(s: ParcoursState, c: CommandOf<'Reenter'>, ctx: DecisionContext): ParcoursEvent[] {
  requireParcours(s);
  rule(
    s.status === 'exited' || s.status === 'closed',
    'PARCOURS_STILL_IN_RSA',
    'La personne est toujours dans le RSA.',
  );
  notFuture(ctx, c.enteredOn, 'enteredOn');
  checkEntryDates(c);
  rule(
    c.demandOn > s.exitedOn!,
    'REENTRY_BEFORE_EXIT',
    `La nouvelle demande doit suivre la sortie du RSA (${s.exitedOn}).`,
    'demandOn',
  );
  return one({
    type: 'ParcoursEntered',
    data: {
      parcoursId: ctx.parcoursId,
      cycle: s.cycle + 1,
      person: s.person!,
      household: c.household ?? s.household!,
      territory: c.territory ?? s.territory!,
      demandOn: c.demandOn,
      rightOpenedOn: c.rightOpenedOn,
      enteredOn: c.enteredOn,
    },
  });
}

function checkEntryDates(c: {
  demandOn: BusinessDate;
  rightOpenedOn: BusinessDate;
  enteredOn: BusinessDate;
}): void {
  rule(
    c.demandOn <= c.rightOpenedOn,
    'ENTRY_DATES_OUT_OF_ORDER',
    "L'ouverture du droit ne peut précéder la demande.",
    'rightOpenedOn',
  );
  rule(
    c.rightOpenedOn <= c.enteredOn,
    'ENTRY_DATES_OUT_OF_ORDER',
    "La transmission CAF ne peut précéder l'ouverture du droit.",
    'enteredOn',
  );
}

export function changeHousehold(
  s: ParcoursState,
  c: CommandOf<'ChangeHousehold'>,
  ctx: DecisionContext,
): ParcoursEvent[] {
  requireOpen(s, ctx, c.changedOn);
  pastDateInCycle(s, ctx, c.changedOn, 'changedOn');
  // The single-parent increase is a fact of the CAF's: a change that does not state it keeps it (R262-68-6 cap).
  return one({
    type: 'HouseholdChanged',
    data: {
      household: {
        ...c.household,
        singleParentIncrease: c.household.singleParentIncrease ?? s.household?.singleParentIncrease,
      },
      changedOn: c.changedOn,
    },
  });
}

export function registerWithFranceTravail(
  s: ParcoursState,
  c: CommandOf<'RegisterWithFranceTravail'>,
  ctx: DecisionContext,
): ParcoursEvent[] {
  requireOpen(s, ctx, c.registeredOn);
  notFuture(ctx, c.registeredOn, 'registeredOn');
  // Registration is automatic at the demand (loi pour le plein emploi): it may precede the CAF transmission.
  notBefore(
    c.registeredOn,
    s.demandOn,
    'DATE_BEFORE_ENTRY',
    "L'inscription ne peut précéder la demande de RSA.",
    'registeredOn',
  );
  return one({
    type: 'FranceTravailRegistered',
    data: { registeredOn: c.registeredOn, franceTravailId: c.franceTravailId },
  });
}

export function interruptAccompaniment(
  s: ParcoursState,
  c: CommandOf<'InterruptAccompaniment'>,
  ctx: DecisionContext,
): ParcoursEvent[] {
  requireOpen(s, ctx, c.interruptedOn);
  // After an exit, the accompaniment ends (EndAccompaniment): an interruption keeps the person in the RSA.
  requireInRsa(s);
  requireOrientation(s);
  pastDateInCycle(s, ctx, c.interruptedOn, 'interruptedOn');
  notBefore(
    c.interruptedOn,
    s.orientation!.notifiedOn,
    'INTERRUPTION_BEFORE_ORIENTATION',
    "La fin d'accompagnement ne peut précéder l'orientation.",
    'interruptedOn',
  );
  return one({
    type: 'AccompanimentInterrupted',
    data: { interruptedOn: c.interruptedOn, reason: c.reason },
  });
}

export function exitRsa(s: ParcoursState, c: CommandOf<'ExitRsa'>, ctx: DecisionContext): ParcoursEvent[] {
  requireParcours(s);
  rule(s.status === 'in_rsa', 'RSA_ALREADY_EXITED', 'La sortie du RSA est déjà enregistrée pour ce cycle.');
  pastDateInCycle(s, ctx, c.exitedOn, 'exitedOn');
  return one({ type: 'RsaExited', data: { exitedOn: c.exitedOn, reason: c.reason } });
}

export function endAccompaniment(
  s: ParcoursState,
  c: CommandOf<'EndAccompaniment'>,
  ctx: DecisionContext,
): ParcoursEvent[] {
  requireParcours(s);
  rule(
    s.status === 'exited',
    'ACCOMPANIMENT_END_REQUIRES_EXIT',
    "La fin d'accompagnement suit la sortie du RSA.",
  );
  notFuture(ctx, c.endedOn, 'endedOn');
  notBefore(
    c.endedOn,
    s.exitedOn,
    'END_BEFORE_EXIT',
    "La fin d'accompagnement ne peut précéder la sortie du RSA.",
    'endedOn',
  );
  const limit = addMonths(s.exitedOn!, ctx.parametersOn(s.exitedOn!).accompanimentAfterExitMonths);
  rule(
    c.endedOn <= limit,
    'ACCOMPANIMENT_END_TOO_LATE',
    `L'accompagnement prend fin au plus tard le ${limit}.`,
    'endedOn',
  );
  return one({ type: 'AccompanimentEnded', data: { endedOn: c.endedOn } });
}

export function transfer(s: ParcoursState, c: CommandOf<'Transfer'>, ctx: DecisionContext): ParcoursEvent[] {
  requireOpen(s, ctx, c.transferredOn);
  pastDateInCycle(s, ctx, c.transferredOn, 'transferredOn');
  return one({
    type: 'TransferredToAnotherDepartement',
    data: { transferredOn: c.transferredOn, departementCode: c.departementCode },
  });
}

export function erasePerson(
  s: ParcoursState,
  c: CommandOf<'ErasePerson'>,
  ctx: DecisionContext,
): ParcoursEvent[] {
  // Any parcours may be erased, transferred or not; only once.
  if (s.status === 'none') throw new NotFound('PARCOURS_NOT_FOUND', "Ce parcours n'existe pas.");
  rule(!s.erased, 'PERSON_ERASED', 'Les données de cette personne sont déjà effacées.');
  return one({ type: 'PersonErased', data: { erasedOn: ctx.today, reason: c.reason } });
}
