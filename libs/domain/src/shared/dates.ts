/**
 * Business dates: calendar dates in Europe/Paris without time, as "YYYY-MM-DD".
 * The same arithmetic everywhere (DOMAIN.md §3):
 * - "within N days": end − start ≤ N;
 * - "within N months": end ≤ start + N calendar months, where a day number
 *   that does not exist becomes the last day of that month (31 Jan + 1 month = 28/29 Feb).
 */
export type BusinessDate = string;

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
/** Business dates lie within these years: anything outside is a typing error, not a parcours. */
export const MIN_YEAR = 1900;
export const MAX_YEAR = 2100;
/** The same range as a pattern, for the published contract (OpenAPI, JSON Schemas); day validity is `format: date`. */
export const BUSINESS_DATE_PATTERN =
  '^(19[0-9]{2}|20[0-9]{2}|2100)-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])$';
const DAY_MS = 86_400_000;

export function isBusinessDate(value: unknown): value is BusinessDate {
  if (typeof value !== 'string') return false;
  const m = DATE.exec(value);
  if (!m) return false;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  return mo >= 1 && mo <= 12 && d >= 1 && d <= daysInMonth(y, mo) && y >= MIN_YEAR && y <= MAX_YEAR;
}

function parts(date: BusinessDate): [number, number, number] {
  const m = DATE.exec(date);
  if (!m) throw new Error(`not a business date: ${date}`);
  return [Number(m[1]), Number(m[2]), Number(m[3])];
}

function format(y: number, m: number, d: number): BusinessDate {
  return `${String(y).padStart(4, '0')}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`;
}

function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

/**
 * Results kept for the dates met most: an indicator report shifts the same
 * few thousand dates by the same few delays tens of thousands of times.
 * Bounded: emptied when full, the values being pure functions of their keys.
 */
function memo<T>(limit: number) {
  const cache = new Map<string, T>();
  return (key: string, compute: () => T): T => {
    let value = cache.get(key);
    if (value === undefined) {
      value = compute();
      if (cache.size >= limit) cache.clear();
      cache.set(key, value);
    }
    return value;
  };
}
const utcOf = memo<number>(100_000);
const shifted = memo<BusinessDate>(200_000);

function toUtc(date: BusinessDate): number {
  return utcOf(date, () => {
    const [y, m, d] = parts(date);
    return Date.UTC(y, m - 1, d);
  });
}

export function addDays(date: BusinessDate, days: number): BusinessDate {
  return shifted(`${date}d${days}`, () => {
    const t = new Date(toUtc(date) + days * DAY_MS);
    return format(t.getUTCFullYear(), t.getUTCMonth() + 1, t.getUTCDate());
  });
}

export function addMonths(date: BusinessDate, months: number): BusinessDate {
  return shifted(`${date}m${months}`, () => monthsLater(date, months));
}

function monthsLater(date: BusinessDate, months: number): BusinessDate {
  const [y, m, d] = parts(date);
  const index = y * 12 + (m - 1) + months;
  const year = Math.floor(index / 12);
  const month = (index % 12) + 1;
  return format(year, month, Math.min(d, daysInMonth(year, month)));
}

/** Whole days from `from` to `to` (negative when `to` is earlier). */
export function daysBetween(from: BusinessDate, to: BusinessDate): number {
  return Math.round((toUtc(to) - toUtc(from)) / DAY_MS);
}

export const minDate = (a: BusinessDate, b: BusinessDate): BusinessDate => (a <= b ? a : b);
export const maxDate = (a: BusinessDate, b: BusinessDate): BusinessDate => (a >= b ? a : b);

/** Today's business date in Europe/Paris for an instant. */
export function parisDate(instant: Date): BusinessDate {
  return new Intl.DateTimeFormat('en-CA', {
    timeZone: 'Europe/Paris',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
  }).format(instant);
}
