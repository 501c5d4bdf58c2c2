import type { IsoDate } from '../dates.ts';
import { MICRO, minorDigits, mulDivRound, parseScaled } from './decimal.ts';

/** One exchange rate: NOK per one unit of `currency` on `date`, × 10^6. */
export interface RatePoint {
  readonly currency: string;
  readonly date: IsoDate;
  readonly nokPerUnitMicro: number;
  /** Where the rate came from: 'norges-bank', 'series-file', 'manual', 'shipped'. */
  readonly source: string;
}

/**
 * Parses a quoted rate ("11.6235") with the quote's unit multiplier (Norges Bank quotes SEK, DKK,
 * JPY and others per 100 units: UNIT_MULT 2) into NOK per one unit × 10^6, exactly.
 */
export function parseRate(value: string, unitMultiplier = 0): number | null {
  if (unitMultiplier < 0 || unitMultiplier > MICRO) return null;
  const scaled = parseScaled(value, MICRO - unitMultiplier);
  return scaled === null || scaled <= 0 ? null : scaled;
}

/** Rates are published on business days; a rate older than this is not used. */
export const MAX_RATE_AGE_DAYS = 10;

/**
 * Lookup of the rate in force on a date: the latest published on or before it (weekends and
 * holidays take the previous business day). Manual entries win over other sources on the same day.
 */
export class RateTable {
  private readonly byCurrency = new Map<string, { dates: string[]; points: RatePoint[] }>();

  constructor(points: Iterable<RatePoint>) {
    const grouped = new Map<string, Map<string, RatePoint>>();
    for (const p of points) {
      let m = grouped.get(p.currency);
      if (!m) {
        m = new Map();
        grouped.set(p.currency, m);
      }
      const existing = m.get(p.date);
      if (!existing || p.source === 'manual') m.set(p.date, p);
    }
    for (const [currency, m] of grouped) {
      const points = [...m.values()].sort((a, b) => (a.date < b.date ? -1 : 1));
      this.byCurrency.set(currency, { dates: points.map((p) => p.date), points });
    }
  }

  /** Every rate in the table (to hand to worker threads). */
  points(): RatePoint[] {
    return [...this.byCurrency.values()].flatMap((s) => s.points);
  }

  get currencies(): string[] {
    return [...this.byCurrency.keys()].sort();
  }

  rateOn(currency: string, date: IsoDate): RatePoint | null {
    if (currency === 'NOK')
      return { currency, date, nokPerUnitMicro: 1_000_000, source: 'identity' };
    const series = this.byCurrency.get(currency);
    if (!series) return null;
    let lo = 0;
    let hi = series.dates.length - 1;
    let found = -1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if ((series.dates[mid] as string) <= date) {
        found = mid;
        lo = mid + 1;
      } else hi = mid - 1;
    }
    if (found === -1) return null;
    const p = series.points[found] as RatePoint;
    const age = (Date.parse(date) - Date.parse(p.date)) / 86_400_000;
    return age <= MAX_RATE_AGE_DAYS ? p : null;
  }
}

/** Converts an amount in minor units of `currency` to NOK øre, rounded half away from zero. */
export function toNokOre(amountMinor: number, currency: string, nokPerUnitMicro: number): number {
  if (currency === 'NOK') return amountMinor;
  return mulDivRound(amountMinor, nokPerUnitMicro * 100, 10 ** minorDigits(currency) * 1_000_000);
}
