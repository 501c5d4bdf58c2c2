import { DateTimeFormatter, LocalDate } from '@js-joda/core';

/** Calendar dates are ISO strings (YYYY-MM-DD) meant in Europe/Oslo. */
export type IsoDate = string;

export const OSLO = 'Europe/Oslo';

const osloDate = new Intl.DateTimeFormat('en-CA', {
  timeZone: OSLO,
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
});

/** The calendar date in Oslo at the given instant (the caller supplies the clock). */
export function osloToday(now: Date): IsoDate {
  return osloDate.format(now);
}

export function isIsoDate(value: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(value)) return false;
  try {
    return LocalDate.parse(value).toString() === value;
  } catch {
    return false;
  }
}

export const parseDate = (d: IsoDate) => LocalDate.parse(d);

/** Month arithmetic clamps to the month's end: 31 January + 1 month = 28/29 February. */
export function addMonths(d: IsoDate, months: number): IsoDate {
  return LocalDate.parse(d).plusMonths(months).toString();
}

export function addDays(d: IsoDate, days: number): IsoDate {
  return LocalDate.parse(d).plusDays(days).toString();
}

export function daysBetween(from: IsoDate, to: IsoDate): number {
  return LocalDate.parse(to).toEpochDay() - LocalDate.parse(from).toEpochDay();
}

export const maxDate = (a: IsoDate, b: IsoDate): IsoDate => (a > b ? a : b);

export const formatIso = (d: LocalDate): IsoDate => d.format(DateTimeFormatter.ISO_LOCAL_DATE);
