import { addDays, addMonths, BusinessDate, daysBetween } from '@parcours/domain';
import type { CycleFacts } from '../parcours-view/view';

/** Questions asked of a cycle's facts by several indicators. */

export interface Period {
  from: BusinessDate;
  to: BusinessDate;
}

export const inPeriod = (date: BusinessDate | undefined, p: Period): date is BusinessDate =>
  date !== undefined && date >= p.from && date <= p.to;

export const firstOrientation = (c: CycleFacts) => c.orientations[0];

/** The orientation in force on a date. */
export function orientationOn(c: CycleFacts, date: BusinessDate) {
  for (let i = c.orientations.length - 1; i >= 0; i--)
    if (c.orientations[i].notifiedOn <= date) return c.orientations[i];
  return undefined;
}

/** Whether the cycle's n-th orientation (1-based) was interrupted on or before a date: no organisme référent since. */
function interruptedAfter(c: CycleFacts, orientations: number, date: BusinessDate): boolean {
  return (c.interruptions ?? []).some((i) => i.afterOrientations === orientations && i.on <= date);
}

/** The orientation binding on a date: the last notified, unless the accompaniment was interrupted since. */
export function orientationInForceOn(c: CycleFacts, date: BusinessDate) {
  const n = c.orientations.filter((o) => o.notifiedOn <= date).length;
  return n > 0 && !interruptedAfter(c, n, date) ? c.orientations[n - 1] : undefined;
}

/** The first appointment after the first orientation: the earliest set on or after it, held or not. */
export function firstAppointment(c: CycleFacts) {
  const o = firstOrientation(c);
  if (!o) return undefined;
  return c.appointments
    .filter((a) => a.scheduledFor >= o.notifiedOn)
    .sort((a, b) => (a.scheduledFor < b.scheduledFor ? -1 : 1))[0];
}

export const firstContract = (c: CycleFacts) => c.contracts.find((k) => !k.renewal);

/** Soumis aux droits et devoirs on a date: in the RSA (entered, not exited, not transferred). */
export function subjectOn(c: CycleFacts, date: BusinessDate): boolean {
  return (
    c.enteredOn <= date &&
    !(c.exitedOn && c.exitedOn <= date) &&
    !(c.transferredOn && c.transferredOn <= date)
  );
}

/**
 * In accompaniment on a date: oriented, and in the RSA or within the months
 * after exit with the accompaniment not ended.
 */
export function accompaniedOn(c: CycleFacts, date: BusinessDate, monthsAfterExit: number): boolean {
  if (c.enteredOn > date || !orientationInForceOn(c, date)) return false;
  if (c.transferredOn && c.transferredOn <= date) return false;
  if (!c.exitedOn || c.exitedOn > date) return true;
  return (
    date <= addMonths(c.exitedOn, monthsAfterExit) &&
    !(c.accompanimentEndedOn && c.accompanimentEndedOn <= date)
  );
}

/** Accompanied at some point of the period. */
export function accompaniedDuring(c: CycleFacts, p: Period, monthsAfterExit: number): boolean {
  const o = firstOrientation(c);
  if (!o || o.notifiedOn > p.to || c.enteredOn > p.to) return false;
  if (c.transferredOn && c.transferredOn < p.from) return false;
  // Interrupted before the period and not oriented again by its end.
  if (interruptedAfter(c, c.orientations.filter((x) => x.notifiedOn <= p.to).length, addDays(p.from, -1)))
    return false;
  if (!c.exitedOn || c.exitedOn >= p.from) return true;
  const end =
    c.accompanimentEndedOn && c.accompanimentEndedOn < addMonths(c.exitedOn, monthsAfterExit)
      ? c.accompanimentEndedOn
      : addMonths(c.exitedOn, monthsAfterExit);
  return end >= p.from;
}

/** The last day a contract is in force: its review when earlier than its end. */
export const contractEnd = (k: CycleFacts['contracts'][number]): BusinessDate =>
  k.reviewedOn && k.reviewedOn < k.endsOn ? k.reviewedOn : k.endsOn;

export function contractInForceOn(c: CycleFacts, date: BusinessDate) {
  return c.contracts.find((k) => k.startsOn <= date && date <= contractEnd(k));
}

const POSITIVE_OUTCOMES = [
  'durable_employment',
  'transition_employment',
  'training',
  'iae',
  'immersion',
  'business_creation',
];

/**
 * Whether an action entered led to a positive outcome: one of its own, or an
 * employment started or a barrier lifted during it or within 6 months after.
 */
export function actionPositive(c: CycleFacts, x: CycleFacts['prescriptions'][number]): boolean {
  const until = x.exitedOn ? addMonths(x.exitedOn, 6) : '9999-12-31';
  return (
    POSITIVE_OUTCOMES.includes(x.outcome ?? '') ||
    c.employmentStarts.some((d) => d >= x.enteredOn! && d <= until) ||
    c.barriers.some((b) => b.liftedOn !== undefined && b.liftedOn >= x.enteredOn! && b.liftedOn <= until)
  );
}

export function ageOn(birthDate: BusinessDate, date: BusinessDate): number {
  // Month and day compare as text ("MM-DD"): not yet the birthday this year, one year less.
  return (
    Number(date.slice(0, 4)) - Number(birthDate.slice(0, 4)) - (date.slice(5) < birthDate.slice(5) ? 1 : 0)
  );
}

export function ageBand(age: number): string {
  if (age < 25) return '<25';
  if (age < 35) return '25-34';
  if (age < 45) return '35-44';
  if (age < 55) return '45-54';
  if (age < 65) return '55-64';
  return '65+';
}

/** RSA seniority bands of the DREES survey. */
export function seniorityBand(enteredOn: BusinessDate, date: BusinessDate): string {
  if (date < addMonths(enteredOn, 6)) return '<6m';
  if (date < addMonths(enteredOn, 12)) return '6-12m';
  if (date < addMonths(enteredOn, 24)) return '1-2y';
  if (date < addMonths(enteredOn, 60)) return '2-5y';
  return '>5y';
}

/** DREES groups organismes as France Travail, the Département's services, and other bodies. */
export const dreesOrganisationGroup = (kind: string): string =>
  kind === 'france_travail' ? 'france_travail' : kind === 'departement' ? 'departement' : 'other';

export const days = daysBetween;

export function mean(values: number[]): number | null {
  return values.length ? values.reduce((a, b) => a + b, 0) / values.length : null;
}

export function median(values: number[]): number | null {
  if (!values.length) return null;
  const s = [...values].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}
