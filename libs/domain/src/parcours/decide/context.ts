import { BusinessDate } from '../../shared/dates';
import { Parameters } from '../../shared/parameters';
import { ParcoursCommand, ParcoursCommandType } from '../commands';
import { OrganisationKind } from '../vocabulary';

/** What decide needs besides the state: the date, the rules in force, reference data looked up by the handler. */
export interface DecisionContext {
  parcoursId: string;
  /** Today in Europe/Paris. */
  today: BusinessDate;
  /** The parameters in force on a business date. */
  parametersOn(date: BusinessDate): Parameters;
  /** A new identifier for what the command creates. */
  newId(): string;
  organisation?: { organisationId: string; kind: OrganisationKind; active: boolean };
  referent?: { referentId: string; organisationId: string; active: boolean };
  action?: { actionId: string; dispositifCode: string };
}

/** The command of one type, e.g. CommandOf<'Orient'>: what each decider receives. */
export type CommandOf<T extends ParcoursCommandType> = Extract<ParcoursCommand, { type: T }>;
