import { PARCOURS_STREAM_PREFIX } from './stored-events';

/**
 * Which fields of a parcours event identify the person (DOMAIN.md §7): they
 * are kept encrypted with a key of the person, destroyed at erasure
 * ("crypto-shredding"). Everything the indicators need stays in clear: dates,
 * codes, tracks, organismes, sex, household type and size, and the month of
 * birth (ages are counted from it, so that a figure is the same before and
 * after an erasure).
 *
 * The store knows no domain: it asks these rules what to seal (split) and how
 * to put an event back together (join), with the secret part or, once the
 * key is destroyed, without it.
 */
export interface PersonalDataRules {
  /** The person a stream belongs to (one person, one parcours), or undefined for a stream without personal data. */
  subjectOf(streamId: string): string | undefined;
  /** The event's data without its personal fields, and those fields apart; undefined when it has none. */
  split(
    type: string,
    data: Record<string, unknown>,
  ): { kept: Record<string, unknown>; secret: Record<string, unknown> } | undefined;
  /** The event's data with its personal fields back, or marked erased when `secret` is null (the key is gone). */
  join(
    type: string,
    kept: Record<string, unknown>,
    secret: Record<string, unknown> | null,
  ): Record<string, unknown>;
}

/** What a screen shows instead of an erased name. */
export const ERASED_NAME = '[effacé]';

type Data = Record<string, unknown>;
const obj = (v: unknown): Data => (v && typeof v === 'object' && !Array.isArray(v) ? (v as Data) : {});
const defined = (d: Data): Data => Object.fromEntries(Object.entries(d).filter(([, v]) => v !== undefined));

function splitHousehold(household: unknown): { kept: Data; cafNumber: unknown } {
  const { cafNumber, ...kept } = obj(household);
  return { kept, cafNumber };
}

export const PARCOURS_PERSONAL_DATA: PersonalDataRules = {
  subjectOf: (streamId) =>
    streamId.startsWith(PARCOURS_STREAM_PREFIX) ? streamId.slice(PARCOURS_STREAM_PREFIX.length) : undefined,

  split(type, data) {
    switch (type) {
      case 'ParcoursEntered': {
        const { lastName, firstName, birthDate, nir, ...person } = obj(data.person);
        const household = splitHousehold(data.household);
        const birthMonth = typeof birthDate === 'string' ? birthDate.slice(0, 7) : undefined;
        return {
          kept: { ...data, person: defined({ ...person, birthMonth }), household: household.kept },
          secret: defined({ lastName, firstName, birthDate, nir, cafNumber: household.cafNumber }),
        };
      }
      case 'HouseholdChanged': {
        const household = splitHousehold(data.household);
        return household.cafNumber === undefined
          ? undefined
          : { kept: { ...data, household: household.kept }, secret: { cafNumber: household.cafNumber } };
      }
      case 'FranceTravailRegistered': {
        const { franceTravailId, ...kept } = data;
        return franceTravailId === undefined ? undefined : { kept, secret: { franceTravailId } };
      }
      case 'ContactDetailsRecorded': {
        // Which channels are known stays in clear (the outbox and the counts need no more).
        const { recordedOn, channels, ...secret } = data;
        return { kept: { recordedOn, channels }, secret };
      }
      default:
        return undefined;
    }
  },

  join(type, kept, secret) {
    switch (type) {
      case 'ParcoursEntered': {
        const { birthMonth, ...person } = obj(kept.person);
        const restored = secret
          ? defined({
              ...person,
              lastName: secret.lastName,
              firstName: secret.firstName,
              birthDate: secret.birthDate,
              nir: secret.nir,
            })
          : {
              ...person,
              lastName: ERASED_NAME,
              firstName: ERASED_NAME,
              birthDate: `${String(birthMonth)}-01`,
              erased: true,
            };
        return {
          ...kept,
          person: restored,
          household: defined({ ...obj(kept.household), cafNumber: secret?.cafNumber }),
        };
      }
      case 'HouseholdChanged':
        return { ...kept, household: defined({ ...obj(kept.household), cafNumber: secret?.cafNumber }) };
      case 'FranceTravailRegistered':
        return defined({ ...kept, franceTravailId: secret?.franceTravailId });
      case 'ContactDetailsRecorded':
        return secret ? { ...kept, ...secret } : { ...kept, erased: true };
      default:
        return kept;
    }
  },
};
