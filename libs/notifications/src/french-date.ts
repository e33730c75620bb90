/** Dates as French letters and messages write them, from calendar dates (no time zone involved). */
const WEEKDAYS = ['dimanche', 'lundi', 'mardi', 'mercredi', 'jeudi', 'vendredi', 'samedi'];
const MONTHS = [
  'janvier',
  'février',
  'mars',
  'avril',
  'mai',
  'juin',
  'juillet',
  'août',
  'septembre',
  'octobre',
  'novembre',
  'décembre',
];

export interface CalendarDate {
  year: number;
  month: number;
  day: number;
}

/** Parses YYYY-MM-DD, or undefined when it is no real date (2026-02-30). */
export function parseCalendarDate(value: string): CalendarDate | undefined {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
  if (!match) return undefined;
  const [year, month, day] = [+match[1], +match[2], +match[3]];
  const date = new Date(Date.UTC(year, month - 1, day));
  if (date.getUTCMonth() !== month - 1 || date.getUTCDate() !== day) return undefined;
  return { year, month, day };
}

function weekday(d: CalendarDate): string {
  return WEEKDAYS[new Date(Date.UTC(d.year, d.month - 1, d.day)).getUTCDay()];
}

const pad = (n: number) => String(n).padStart(2, '0');

/** "3 décembre 2026" */
export function longDate(d: CalendarDate): string {
  return `${d.day} ${MONTHS[d.month - 1]} ${d.year}`;
}

/** "jeudi 3 décembre 2026" */
export function longDateWithWeekday(d: CalendarDate): string {
  return `${weekday(d)} ${longDate(d)}`;
}

/** "jeudi 03/12/2026" */
export function shortDateWithWeekday(d: CalendarDate): string {
  return `${weekday(d)} ${pad(d.day)}/${pad(d.month)}/${d.year}`;
}

/** The calendar day of an instant in a time zone, as YYYY-MM-DD. */
export function dayIn(instant: Date, timeZone: string): string {
  // en-CA writes dates as YYYY-MM-DD.
  return new Intl.DateTimeFormat('en-CA', {
    timeZone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
  }).format(instant);
}
