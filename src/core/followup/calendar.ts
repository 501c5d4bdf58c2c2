/**
 * Integer calendar arithmetic on ISO dates (`YYYY-MM-DD`) for the planner's hot loops: the same
 * results as `addMonths`/`addDays` in `src/core/dates.ts` (js-joda: month ends clamp, leap years
 * per the proleptic Gregorian calendar), without parsing into objects. Tests compare every result
 * with js-joda over many dates.
 */
import type { IsoDate } from '../dates.ts';

const pad2 = (n: number) => (n < 10 ? `0${n}` : String(n));
const pad4 = (n: number) => (n >= 1000 ? String(n) : String(n).padStart(4, '0'));

export const isLeapYear = (y: number): boolean => (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
export const daysInMonth = (y: number, m: number): number =>
  m === 2 && isLeapYear(y) ? 29 : (DAYS_IN_MONTH[m - 1] as number);

/** Year, month (1–12) and day of an ISO date (years 0000–9999; the caller passes valid dates). */
export function ymd(d: IsoDate): [number, number, number] {
  return [
    (d.charCodeAt(0) - 48) * 1000 +
      (d.charCodeAt(1) - 48) * 100 +
      (d.charCodeAt(2) - 48) * 10 +
      (d.charCodeAt(3) - 48),
    (d.charCodeAt(5) - 48) * 10 + (d.charCodeAt(6) - 48),
    (d.charCodeAt(8) - 48) * 10 + (d.charCodeAt(9) - 48),
  ];
}

export const isoOf = (y: number, m: number, d: number): IsoDate =>
  `${pad4(y)}-${pad2(m)}-${pad2(d)}`;

/** Days since 1970-01-01 (Howard Hinnant's days_from_civil). */
export function epochDay(y: number, m: number, d: number): number {
  const yy = m <= 2 ? y - 1 : y;
  const era = Math.floor(yy / 400);
  const yoe = yy - era * 400;
  const doy = Math.floor((153 * (m + (m > 2 ? -3 : 9)) + 2) / 5) + d - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}

/** The ISO date of an epoch day (civil_from_days). */
export function fromEpochDay(z0: number): IsoDate {
  const z = z0 + 719468;
  const era = Math.floor(z / 146097);
  const doe = z - era * 146097;
  const yoe = Math.floor(
    (doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365,
  );
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const d = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const m = mp < 10 ? mp + 3 : mp - 9;
  return isoOf(yoe + era * 400 + (m <= 2 ? 1 : 0), m, d);
}

/** `date` plus `months` (negative allowed); the day clamps to the target month's last day. */
export function plusMonths(date: IsoDate, months: number): IsoDate {
  if (months === 0) return date;
  const [y, m, d] = ymd(date);
  const total = y * 12 + (m - 1) + months;
  const ny = Math.floor(total / 12);
  const nm = total - ny * 12 + 1;
  return isoOf(ny, nm, Math.min(d, daysInMonth(ny, nm)));
}

/** `date` plus `days` (negative allowed). */
export function plusDays(date: IsoDate, days: number): IsoDate {
  if (days === 0) return date;
  const [y, m, d] = ymd(date);
  // Within the same month: no epoch conversion.
  const nd = d + days;
  if (nd >= 1 && nd <= 28) return isoOf(y, m, nd);
  return fromEpochDay(epochDay(y, m, d) + days);
}

/** Whole days from `from` to `to` (negative when `to` is earlier). */
export function daysFrom(from: IsoDate, to: IsoDate): number {
  const [y1, m1, d1] = ymd(from);
  const [y2, m2, d2] = ymd(to);
  return epochDay(y2, m2, d2) - epochDay(y1, m1, d1);
}
