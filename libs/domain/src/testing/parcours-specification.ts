import { DEFAULT_PARAMETERS, Parameters } from '../shared/parameters';
import { RuleViolation } from '../shared/rule-violation';
import { ParcoursCommand } from '../parcours/commands';
import { decide, DecisionContext } from '../parcours/decide';
import { ParcoursEvent } from '../parcours/events';
import { initialParcoursState, rebuild } from '../parcours/state';

export const TODAY = '2025-06-30';

export function testContext(
  overrides: Partial<DecisionContext> & { parameters?: Partial<Parameters> } = {},
): DecisionContext {
  let n = 0;
  const { parameters, ...rest } = overrides;
  return {
    parcoursId: 'p-1',
    today: TODAY,
    parametersOn: () => ({ ...DEFAULT_PARAMETERS, ...parameters }),
    newId: () => `id-${++n}`,
    organisation: { organisationId: 'org-ccas', kind: 'ccas_cias', active: true },
    referent: { referentId: 'ref-1', organisationId: 'org-ccas', active: true },
    action: { actionId: 'act-1', dispositifCode: '3.3' },
    ...rest,
  };
}

/**
 * Given events, when a command, then events or a rule violation — the shape
 * of every domain test, so that each reads as the rule it checks.
 */
export function given(history: ParcoursEvent[]) {
  return {
    when(command: ParcoursCommand, ctx: DecisionContext = testContext()) {
      const run = () => decide(rebuild(history, initialParcoursState()), command, ctx);
      return {
        then(expected: ParcoursEvent[]) {
          expect(run()).toEqual(expected);
        },
        thenViolation(code: string, field?: string) {
          let error: unknown;
          try {
            run();
          } catch (e) {
            error = e;
          }
          expect(error).toBeInstanceOf(RuleViolation);
          expect((error as RuleViolation).code).toBe(code);
          if (field) expect((error as RuleViolation).field).toBe(field);
          expect((error as RuleViolation).message).toMatch(/[a-zà-ü]/);
        },
        events: run,
      };
    },
  };
}

/** Building blocks of histories. */
export const history = {
  entered: (
    enteredOn = '2025-01-06',
    extra: Partial<Extract<ParcoursEvent, { type: 'ParcoursEntered' }>['data']> = {},
  ): ParcoursEvent => ({
    type: 'ParcoursEntered',
    data: {
      parcoursId: 'p-1',
      cycle: 1,
      person: { lastName: 'Martin', firstName: 'Léa', birthDate: '1990-04-12', sex: 'female' },
      household: { type: 'single', size: 1 },
      territory: 'ARRAGEOIS',
      demandOn: '2025-01-02',
      rightOpenedOn: '2025-01-03',
      enteredOn,
      ...extra,
    },
  }),
  oriented: (notifiedOn = '2025-01-20', organisationId = 'org-ccas'): ParcoursEvent => ({
    type: 'Oriented',
    data: {
      orientationId: 'o-1',
      track: 'social',
      organisationId,
      organisationKind: 'ccas_cias',
      decidedOn: notifiedOn,
      notifiedOn,
    },
  }),
  referent: (referentId = 'ref-1', assignedOn = '2025-01-22'): ParcoursEvent => ({
    type: 'ReferentAssigned',
    data: { referentId, organisationId: 'org-ccas', assignedOn },
  }),
  appointment: (appointmentId = 'a-1', scheduledFor = '2025-02-01'): ParcoursEvent => ({
    type: 'AppointmentScheduled',
    data: {
      appointmentId,
      scheduledFor,
      scheduledOn: '2025-01-23',
      kind: 'individual',
      channel: 'in_person',
      referentId: 'ref-1',
    },
  }),
  contract: (
    contractId = 'c-1',
    startsOn = '2025-02-01',
    endsOn = '2025-07-31',
    renewal = false,
  ): ParcoursEvent => ({
    type: 'ContractSigned',
    data: {
      contractId,
      kind: 'contrat_engagement',
      signedOn: startsOn,
      startsOn,
      endsOn,
      weeklyHours: 15,
      objectives: ['mobility'],
      renewal,
    },
  }),
  breach: (breachId = 'b-1', reportedOn = '2025-03-01'): ParcoursEvent => ({
    type: 'BreachReported',
    data: {
      breachId,
      kind: 'unexcused_missed_appointment',
      obligation: 'appointments',
      occurredOn: reportedOn,
      reportedOn,
    },
  }),
  exited: (exitedOn = '2025-04-30'): ParcoursEvent => ({
    type: 'RsaExited',
    data: { exitedOn, reason: 'employment' },
  }),
};

/** A parcours oriented with a référent: the usual starting point. */
export const followed = (): ParcoursEvent[] => [history.entered(), history.oriented(), history.referent()];

/** One refusal, as a row of a table: given the history, the command breaks the rule `code` (on `field`). */
export interface Refusal {
  name: string;
  history: ParcoursEvent[];
  command: ParcoursCommand;
  ctx?: DecisionContext;
  code: string;
  field?: string;
}

export const refuses = ({ history, command, ctx, code, field }: Refusal): void =>
  given(history).when(command, ctx).thenViolation(code, field);
