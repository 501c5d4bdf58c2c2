/** Norwegian number, money and date formats (Intl nb-NO / nn-NO / en-GB), by UI language. */
import { isCurrencyCode, minorDigits } from '../core/spend/decimal.ts';

const localeOf = (lng: string): string =>
  lng === 'en' ? 'en-GB' : lng === 'nn' ? 'nn-NO' : 'nb-NO';

const cache = new Map<string, Intl.NumberFormat | Intl.DateTimeFormat>();
function fmt<T extends Intl.NumberFormat | Intl.DateTimeFormat>(key: string, make: () => T): T {
  let f = cache.get(key);
  if (!f) {
    f = make();
    cache.set(key, f);
  }
  return f as T;
}

/** Money is integer øre in the API; shown as kroner. */
export function formatMoney(ore: number | null | undefined, lng: string): string {
  if (ore === null || ore === undefined) return '–';
  const f = fmt(`money:${lng}`, () =>
    Intl.NumberFormat(localeOf(lng), {
      style: 'currency',
      currency: 'NOK',
      maximumFractionDigits: 0,
    }),
  );
  return f.format(ore / 100);
}

/**
 * An amount in another currency, from its minor units (the currency's own decimals: JPY none,
 * KWD three), with the currency code: −2 800,00 EUR.
 */
export function formatCurrencyMinor(minor: number, currency: string, lng: string): string {
  return formatCurrency(minor / 10 ** minorDigits(currency), currency, lng);
}

/** An amount in a currency's major unit (48 515 436,50 NOK; 5 900,00 EUR). */
export function formatCurrency(amount: number, currency: string, lng: string): string {
  const digits = minorDigits(currency);
  // Intl throws on a code that is not three letters; show such a one beside the number.
  if (!isCurrencyCode(currency)) return `${formatFixed(amount, lng, digits)} ${currency}`;
  return fmt(`cur:${lng}:${currency}`, () =>
    Intl.NumberFormat(localeOf(lng), {
      style: 'currency',
      currency,
      currencyDisplay: 'code',
      minimumFractionDigits: digits,
      maximumFractionDigits: digits,
    }),
  ).format(amount);
}

export function formatNumber(n: number | null | undefined, lng: string, digits = 0): string {
  if (n === null || n === undefined) return '–';
  return fmt(`num:${lng}:${digits}`, () =>
    Intl.NumberFormat(localeOf(lng), { maximumFractionDigits: digits }),
  ).format(n);
}

/** A number with exactly `digits` decimals (an index value: 133,0). */
export function formatFixed(n: number, lng: string, digits: number): string {
  return fmt(`fixed:${lng}:${digits}`, () =>
    Intl.NumberFormat(localeOf(lng), {
      minimumFractionDigits: digits,
      maximumFractionDigits: digits,
    }),
  ).format(n);
}

/** The calendar date in Oslo `daysBefore` days ago, as ISO `YYYY-MM-DD` (date fields' defaults). */
export function osloIsoDate(daysBefore = 0, now = new Date()): string {
  return fmt('iso:oslo', () =>
    Intl.DateTimeFormat('en-CA', {
      timeZone: 'Europe/Oslo',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
    }),
  ).format(new Date(now.getTime() - daysBefore * 86_400_000));
}

export function formatPercent(ratio: number, lng: string): string {
  return fmt(`pct:${lng}`, () =>
    Intl.NumberFormat(localeOf(lng), { style: 'percent', maximumFractionDigits: 0 }),
  ).format(ratio);
}

/** ISO calendar date (YYYY-MM-DD) as a Norwegian date, e.g. 31.12.2027. No time zone shift. */
export function formatDate(iso: string | null | undefined, lng: string): string {
  if (!iso) return '–';
  const m = /^(\d{4})-(\d{2})-(\d{2})/.exec(iso);
  if (!m) return iso;
  const d = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
  return fmt(`date:${lng}`, () =>
    Intl.DateTimeFormat(localeOf(lng), {
      timeZone: 'UTC',
      day: '2-digit',
      month: '2-digit',
      year: 'numeric',
    }),
  ).format(d);
}

/** A timestamp (ISO instant) in Oslo time. */
export function formatDateTime(iso: string | null | undefined, lng: string): string {
  if (!iso) return '–';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  return fmt(`dt:${lng}`, () =>
    Intl.DateTimeFormat(localeOf(lng), {
      timeZone: 'Europe/Oslo',
      dateStyle: 'short',
      timeStyle: 'short',
    }),
  ).format(d);
}

/** "2026-03" as "mars 2026". */
export function formatMonth(yearMonth: string, lng: string): string {
  const m = /^(\d{4})-(\d{2})$/.exec(yearMonth);
  if (!m) return yearMonth;
  const d = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, 1));
  return fmt(`month:${lng}`, () =>
    Intl.DateTimeFormat(localeOf(lng), { timeZone: 'UTC', month: 'short', year: 'numeric' }),
  ).format(d);
}

/** Kroner typed by a person ("1 250 000,50") to øre; null when empty, NaN when not a number. */
export function parseKroner(text: string): number | null {
  const t = text.replace(/[\s\u00a0]/g, '').replace(/kr|nok/gi, '');
  if (!t) return null;
  const normalised = t.replace(/\.(?=\d{3}(\D|$))/g, '').replace(',', '.');
  const n = Number(normalised);
  return Number.isFinite(n) ? Math.round(n * 100) : Number.NaN;
}

export const oreToKronerText = (ore: number | null): string =>
  ore === null ? '' : String(ore / 100).replace('.', ',');
