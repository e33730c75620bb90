import {
  addDays,
  BusinessDate,
  DEFAULT_PARAMETERS,
  Parameters,
  ParameterVersion,
  parameterVersionAt,
} from '@parcours/domain';

/**
 * The échéances (deadlines, DOMAIN.md §3) of a parcours and the four things
 * that happen to them: one opens, is met, is cancelled, or — for one that
 * ends by itself — is cut short. Which event does what is in echeance-rules.ts.
 */

export const ECHEANCE_KINDS = [
  'orientation_legal',
  'orientation_target',
  'first_appointment',
  'first_contract',
  'contract_end',
  'contact_gap',
  'balanced_review',
  'accompaniment_end',
  'suspension_end',
  /** A contract for a person already in the RSA on 1 January 2025 (décret n° 2024-1244). */
  'legacy_contract',
  /** The entretiens of one calendar month of an intensive accompaniment. */
  'intensive_contact',
  /** Examen de situation in the social parcours, 6 (or 12) months after the contract (L262-31). */
  'joint_review',
  /** A new orientation after an accompaniment interrupted without exit (a rupture otherwise, DOMAIN.md §5.2). */
  'orientation_after_interruption',
  /** Weeks of activity in a row below the contract's hours without a reason: the référent acts (loi 2023-1196). */
  'activity_shortfall',
  /** An invitation to a first appointment with no appointment set after it: the référent takes it up. */
  'invitation_answer',
] as const;
export type EcheanceKind = (typeof ECHEANCE_KINDS)[number];

/** A deadline of a parcours (DOMAIN.md §3): opened by one event, met by another. */
export interface Echeance {
  id: string;
  kind: EcheanceKind;
  /**
   * What opened it, within its kind and cycle: a contract id, a sanction id,
   * a month ('2025-03'), 'entry'... Later events find their échéance by it.
   */
  key: string;
  cycle: number;
  startsOn: BusinessDate;
  dueOn: BusinessDate;
  /** From this date on, an open échéance is "due soon". */
  warnFrom: BusinessDate;
  metOn?: BusinessDate;
  /** Closed without being met (exit, re-entry, réorientation...): no longer followed. */
  cancelledOn?: BusinessDate;
  /** Version of the parameters used when it opened. */
  parametersVersion: number;
  /** Met on its due date unless something cuts it short (the accompaniment after exit, S001). */
  endsByItself?: true;
}

export const ECHEANCE_STATUSES = [
  'upcoming',
  'due_soon',
  'overdue',
  'met_on_time',
  'met_late',
  'cancelled',
] as const;
export type EcheanceStatus = (typeof ECHEANCE_STATUSES)[number];

/** Status on a date: time passes without events, so it is computed, never stored. */
export function echeanceStatus(
  e: Pick<Echeance, 'dueOn' | 'warnFrom' | 'metOn' | 'cancelledOn'>,
  on: BusinessDate,
): EcheanceStatus {
  if (e.metOn && e.metOn <= on) return e.metOn <= e.dueOn ? 'met_on_time' : 'met_late';
  if (e.cancelledOn && e.cancelledOn <= on) return 'cancelled';
  if (on > e.dueOn) return 'overdue';
  return on >= e.warnFrom ? 'due_soon' : 'upcoming';
}

/** Parameters as the projection knows them: the versions seen so far in the log. */
export interface ParameterBook {
  versions: ParameterVersion[];
  /** The day each version was recorded (Paris), by index: what "as known at" a date may use. */
  recordedOn?: BusinessDate[];
}

/** The book as known at the end of a day: the versions recorded by then (all, for a book that did not record days). */
export function bookAsOf(book: ParameterBook, asOf: BusinessDate): ParameterBook {
  const on = book.recordedOn;
  if (!on || on.length !== book.versions.length) return book;
  const versions = book.versions.filter((_, i) => on[i] <= asOf);
  return { versions, recordedOn: on.slice(0, versions.length) };
}

export function parametersOn(book: ParameterBook, date: BusinessDate): { p: Parameters; version: number } {
  const v = parameterVersionAt(book.versions, date);
  return { p: v?.values ?? DEFAULT_PARAMETERS, version: v?.version ?? 0 };
}

/** What holds the échéances of one parcours (the parcours view). */
export interface EcheanceHolder {
  parcoursId: string;
  echeances: Echeance[];
}

/**
 * The id of an échéance: parcours, cycle, kind and key, stable across
 * rebuilds (deadline notifications are recorded once per id). The log may open
 * the same one twice (two équilibré reviews on one day, a réorientation
 * notified the day of the first orientation, or any repetition the schemas
 * admit): the later ones take a `#2`, `#3`... suffix, in log order, so ids
 * stay unique and a rebuild gives the same ones.
 */
function echeanceId(v: EcheanceHolder, cycle: number, kind: EcheanceKind, key: string): string {
  const base = `${v.parcoursId}:${cycle}:${kind}:${key}`;
  let id = base;
  for (let n = 2; v.echeances.some((e) => e.id === id); n++) id = `${base}#${n}`;
  return id;
}

export interface Opening {
  kind: EcheanceKind;
  key: string;
  cycle: number;
  startsOn: BusinessDate;
  /** The due date, from the parameters in force on the start date. */
  due: (p: Parameters) => BusinessDate;
  /** Days of "due soon" before the due date (the parameter dueSoonDays by default). */
  warnDays?: (p: Parameters) => number;
  endsByItself?: true;
}

export function openEcheance(v: EcheanceHolder, book: ParameterBook, o: Opening): Echeance {
  const { p, version } = parametersOn(book, o.startsOn);
  const dueOn = o.due(p);
  const e: Echeance = {
    id: echeanceId(v, o.cycle, o.kind, o.key),
    kind: o.kind,
    key: o.key,
    cycle: o.cycle,
    startsOn: o.startsOn,
    dueOn,
    warnFrom: addDays(dueOn, -(o.warnDays ? o.warnDays(p) : p.dueSoonDays)),
    parametersVersion: version,
    ...(o.endsByItself ? { endsByItself: true as const, metOn: dueOn } : {}),
  };
  v.echeances.push(e);
  return e;
}

/** The échéances of these kinds still awaited (neither met nor cancelled), optionally of one key. */
export function awaited(v: EcheanceHolder, kinds: readonly EcheanceKind[], key?: string): Echeance[] {
  return v.echeances.filter(
    (e) => kinds.includes(e.kind) && !e.metOn && !e.cancelledOn && (key === undefined || e.key === key),
  );
}

export function meet(
  v: EcheanceHolder,
  kinds: readonly EcheanceKind[],
  on: BusinessDate,
  key?: string,
): void {
  for (const e of awaited(v, kinds, key)) e.metOn = on;
}

export function cancel(
  v: EcheanceHolder,
  kinds: readonly EcheanceKind[],
  on: BusinessDate,
  which: (e: Echeance) => boolean = () => true,
): void {
  for (const e of awaited(v, kinds)) if (which(e)) e.cancelledOn = on;
}

/**
 * An échéance that ends by itself, still running on `on`, ends then instead:
 * met (its end recorded early) or cancelled (a re-entry came first).
 */
export function cutShort(v: EcheanceHolder, on: BusinessDate, outcome: 'met' | 'cancelled'): void {
  for (const e of v.echeances) {
    if (!e.endsByItself || e.cancelledOn || !e.metOn || e.metOn <= on) continue;
    if (outcome === 'met') e.metOn = on;
    else {
      delete e.metOn;
      e.cancelledOn = on;
    }
  }
}
