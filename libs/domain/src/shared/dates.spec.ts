import { addDays, addMonths, daysBetween, isBusinessDate, parisDate } from './dates';

describe('business dates', () => {
  it.each([
    { name: 'a 31st into a shorter February', from: '2025-01-31', months: 1, expected: '2025-02-28' },
    { name: 'a 31st into a leap February', from: '2024-01-31', months: 1, expected: '2024-02-29' },
    { name: 'a mid-month day, kept as it is', from: '2025-03-15', months: 1, expected: '2025-04-15' },
    { name: 'across a year end', from: '2025-11-30', months: 2, expected: '2026-01-30' },
    { name: 'six months from a 31st into February', from: '2025-08-31', months: 6, expected: '2026-02-28' },
  ])(
    'adds calendar months, falling back to the last day of a shorter month: $name',
    ({ from, months, expected }) => {
      expect(addMonths(from, months)).toBe(expected);
    },
  );

  it('counts days across month and year ends', () => {
    expect(daysBetween('2025-01-01', '2025-01-15')).toBe(14);
    expect(daysBetween('2024-12-25', '2025-01-08')).toBe(14);
    expect(daysBetween('2025-03-01', '2025-02-28')).toBe(-1);
    expect(addDays('2024-02-28', 1)).toBe('2024-02-29');
    // The change to summer time in Paris does not shift a date.
    expect(addDays('2025-03-29', 2)).toBe('2025-03-31');
  });

  it.each([
    { name: '29 February of a common year', value: '2025-02-29', valid: false },
    { name: '29 February of a leap year', value: '2024-02-29', valid: true },
    { name: 'a 13th month', value: '2025-13-01', valid: false },
    { name: 'a two-digit year', value: '25-01-01', valid: false },
    { name: 'a number', value: 20250101, valid: false },
  ])('validates dates: $name', ({ value, valid }) => {
    expect(isBusinessDate(value)).toBe(valid);
  });

  it('takes the date in Europe/Paris', () => {
    expect(parisDate(new Date('2025-06-30T22:30:00Z'))).toBe('2025-07-01');
    expect(parisDate(new Date('2025-01-01T22:59:00Z'))).toBe('2025-01-01');
  });
});
