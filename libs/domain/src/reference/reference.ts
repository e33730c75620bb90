import { BusinessDate } from '../shared/dates';
import {
  DEFAULT_PARAMETERS,
  Parameters,
  ParameterVersion,
  parametersAt,
  validateParameters,
} from '../shared/parameters';
import { NotFound, rule, RuleViolation } from '../shared/rule-violation';
import { lookup } from '../shared/identifiers';
import { OrganisationKind } from '../parcours/vocabulary';

/**
 * Reference data of the Département — territoires, organismes référents,
 * référents, the insertion offer — and the versioned parameters. Small and
 * rarely written, so one stream holds it all and its state is the whole catalogue.
 */
export const REFERENCE_STREAM = 'reference-data';

export interface Territory {
  territoryId: string;
  name: string;
}

export interface Organisation {
  organisationId: string;
  name: string;
  kind: OrganisationKind;
  territories: string[];
  active: boolean;
  /** The phone the person calls about their messages (invitations, convocations): required to send any. */
  phone?: string;
  /** Its online booking page, given in invitations. */
  bookingUrl?: string;
  /** Its postal address, the sender block of its letters. */
  addressLines?: string[];
}

export interface Referent {
  referentId: string;
  organisationId: string;
  territory: string;
  /** Work name shown to colleagues (staff, not beneficiaries). */
  displayName: string;
  active: boolean;
}

/** An action of the insertion offer (e.g. dispositif 3.3 of the programme). */
export interface InsertionAction {
  actionId: string;
  dispositifCode: string;
  theme: string;
  provider: string;
  places: number;
  startsOn: BusinessDate;
  endsOn: BusinessDate;
}

export type ReferenceEvent =
  | { type: 'TerritoryDefined'; data: Territory }
  | { type: 'OrganisationRegistered'; data: Organisation }
  | {
      type: 'OrganisationUpdated';
      data: Pick<Organisation, 'organisationId'> & Partial<Omit<Organisation, 'organisationId'>>;
    }
  | { type: 'ReferentRegistered'; data: Referent }
  | { type: 'ReferentUpdated'; data: Pick<Referent, 'referentId'> & Partial<Omit<Referent, 'referentId'>> }
  | { type: 'InsertionActionRegistered'; data: InsertionAction }
  | { type: 'ParametersVersionSet'; data: ParameterVersion };

export type ReferenceCommand =
  | ({ type: 'DefineTerritory' } & Territory)
  | ({ type: 'RegisterOrganisation' } & Omit<Organisation, 'active'>)
  | ({ type: 'UpdateOrganisation' } & Pick<Organisation, 'organisationId'> &
      Partial<Omit<Organisation, 'organisationId'>>)
  | ({ type: 'RegisterReferent' } & Omit<Referent, 'active'>)
  | ({ type: 'UpdateReferent' } & Pick<Referent, 'referentId'> & Partial<Omit<Referent, 'referentId'>>)
  | ({ type: 'RegisterInsertionAction' } & InsertionAction)
  | { type: 'SetParameters'; effectiveFrom: BusinessDate; values: Partial<Parameters> };

export interface ReferenceState {
  revision: number;
  territories: Record<string, Territory>;
  organisations: Record<string, Organisation>;
  referents: Record<string, Referent>;
  actions: Record<string, InsertionAction>;
  parameterVersions: ParameterVersion[];
}

export const initialReferenceState = (): ReferenceState => ({
  revision: -1,
  territories: Object.create(null),
  organisations: Object.create(null),
  referents: Object.create(null),
  actions: Object.create(null),
  parameterVersions: [],
});

/** A copy of a catalogue with one entry set, without a prototype. */
function withEntry<T>(record: Record<string, T>, id: string, value: T): Record<string, T> {
  const copy: Record<string, T> = Object.assign(Object.create(null), record);
  Object.defineProperty(copy, id, { value, enumerable: true, writable: true, configurable: true });
  return copy;
}

export function evolveReference(state: ReferenceState, event: ReferenceEvent): ReferenceState {
  const s = { ...state, revision: state.revision + 1 };
  switch (event.type) {
    case 'TerritoryDefined':
      return { ...s, territories: withEntry(s.territories, event.data.territoryId, event.data) };
    case 'OrganisationRegistered':
      return { ...s, organisations: withEntry(s.organisations, event.data.organisationId, event.data) };
    case 'OrganisationUpdated': {
      const o = lookup(s.organisations, event.data.organisationId);
      return o
        ? { ...s, organisations: withEntry(s.organisations, o.organisationId, { ...o, ...event.data }) }
        : s;
    }
    case 'ReferentRegistered':
      return { ...s, referents: withEntry(s.referents, event.data.referentId, event.data) };
    case 'ReferentUpdated': {
      const r = lookup(s.referents, event.data.referentId);
      return r ? { ...s, referents: withEntry(s.referents, r.referentId, { ...r, ...event.data }) } : s;
    }
    case 'InsertionActionRegistered':
      return { ...s, actions: withEntry(s.actions, event.data.actionId, event.data) };
    case 'ParametersVersionSet':
      return { ...s, parameterVersions: [...s.parameterVersions, event.data] };
  }
}

function requireTerritory(s: ReferenceState, territoryId: string, field: string): void {
  rule(
    lookup(s.territories, territoryId),
    'TERRITORY_UNKNOWN',
    `Le territoire ${territoryId} n'existe pas.`,
    field,
  );
}

/** An update names at least one field to change: an empty one would record nothing but noise. */
function requireChange(data: object, idField: string): void {
  const changed = Object.entries(data).filter(([k, v]) => k !== idField && v !== undefined);
  rule(changed.length > 0, 'NOTHING_TO_UPDATE', 'Indiquez au moins une valeur à modifier.');
}

export function decideReference(s: ReferenceState, c: ReferenceCommand): ReferenceEvent[] {
  switch (c.type) {
    case 'DefineTerritory': {
      const { type: _, ...data } = c;
      rule(
        !lookup(s.territories, c.territoryId),
        'TERRITORY_EXISTS',
        'Ce territoire existe déjà.',
        'territoryId',
      );
      return [{ type: 'TerritoryDefined', data }];
    }
    case 'RegisterOrganisation': {
      const { type: _, ...data } = c;
      rule(
        !lookup(s.organisations, c.organisationId),
        'ORGANISATION_EXISTS',
        'Cet organisme existe déjà.',
        'organisationId',
      );
      for (const t of c.territories) requireTerritory(s, t, 'territories');
      return [{ type: 'OrganisationRegistered', data: { ...data, active: true } }];
    }
    case 'UpdateOrganisation': {
      const { type: _, ...data } = c;
      requireChange(data, 'organisationId');
      if (!lookup(s.organisations, c.organisationId))
        throw new NotFound('ORGANISATION_UNKNOWN', "Cet organisme n'existe pas.");
      for (const t of c.territories ?? []) requireTerritory(s, t, 'territories');
      return [{ type: 'OrganisationUpdated', data }];
    }
    case 'RegisterReferent': {
      const { type: _, ...data } = c;
      rule(!lookup(s.referents, c.referentId), 'REFERENT_EXISTS', 'Ce référent existe déjà.', 'referentId');
      rule(
        lookup(s.organisations, c.organisationId),
        'ORGANISATION_UNKNOWN',
        "Cet organisme n'existe pas.",
        'organisationId',
      );
      requireTerritory(s, c.territory, 'territory');
      return [{ type: 'ReferentRegistered', data: { ...data, active: true } }];
    }
    case 'UpdateReferent': {
      const { type: _, ...data } = c;
      requireChange(data, 'referentId');
      if (!lookup(s.referents, c.referentId))
        throw new NotFound('REFERENT_UNKNOWN', "Ce référent n'existe pas.");
      if (c.organisationId)
        rule(
          lookup(s.organisations, c.organisationId),
          'ORGANISATION_UNKNOWN',
          "Cet organisme n'existe pas.",
          'organisationId',
        );
      if (c.territory) requireTerritory(s, c.territory, 'territory');
      return [{ type: 'ReferentUpdated', data }];
    }
    case 'RegisterInsertionAction': {
      const { type: _, ...data } = c;
      rule(!lookup(s.actions, c.actionId), 'ACTION_EXISTS', 'Cette action existe déjà.', 'actionId');
      rule(
        c.endsOn >= c.startsOn,
        'ACTION_END_BEFORE_START',
        "La fin de l'action précède son début.",
        'endsOn',
      );
      return [{ type: 'InsertionActionRegistered', data }];
    }
    case 'SetParameters': {
      const problems = validateParameters(c.values);
      const [field] = Object.keys(problems);
      if (field)
        throw new RuleViolation(
          'PARAMETER_INVALID',
          `Paramètre ${field} : ${problems[field]}.`,
          `values.${field}`,
        );
      // A new version starts from the one in force at its date, so that unchanged values carry over.
      const base = parametersAt(s.parameterVersions, c.effectiveFrom);
      const version = s.parameterVersions.length + 1;
      return [
        {
          type: 'ParametersVersionSet',
          data: {
            version,
            effectiveFrom: c.effectiveFrom,
            values: { ...DEFAULT_PARAMETERS, ...base, ...c.values },
          },
        },
      ];
    }
  }
}
