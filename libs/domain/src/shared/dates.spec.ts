import { addDays, addMonths, daysBetween, isBusinessDate, parisDate } from './dates';

describe('business dates', () => {
  it('adds calendar months, falling back to the last day of a shorter month', () => {
    expect(addMonths('2025-01-31', 1)).toBe('2025-02-28');
    expect(addMonths('2024-01-31', 1)).toBe('2024-02-29');
    expect(addMonths('2025-03-15', 1)).toBe('2025-04-15');
    expect(addMonths('2025-11-30', 2)).toBe('2026-01-30');
    expect(addMonths('2025-08-31', 6)).toBe('2026-02-28');
  });

  it('counts days across month and year ends', () => {
    expect(daysBetween('2025-01-01', '2025-01-15')).toBe(14);
    expect(daysBetween('2024-12-25', '2025-01-08')).toBe(14);
    expect(daysBetween('2025-03-01', '2025-02-28')).toBe(-1);
    expect(addDays('2024-02-28', 1)).toBe('2024-02-29');
    // The change to summer time in Paris does not shift a date.
    expect(addDays('2025-03-29', 2)).toBe('2025-03-31');
  });

  it('validates dates', () => {
    expect(isBusinessDate('2025-02-29')).toBe(false);
    expect(isBusinessDate('2024-02-29')).toBe(true);
    expect(isBusinessDate('2025-13-01')).toBe(false);
    expect(isBusinessDate('25-01-01')).toBe(false);
    expect(isBusinessDate(20250101)).toBe(false);
  });

  it('takes the date in Europe/Paris', () => {
    expect(parisDate(new Date('2025-06-30T22:30:00Z'))).toBe('2025-07-01');
    expect(parisDate(new Date('2025-01-01T22:59:00Z'))).toBe('2025-01-01');
  });
});
