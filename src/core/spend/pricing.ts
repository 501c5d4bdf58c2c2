import type { PriceAdjustment } from '../contract.ts';
import type { IsoDate } from '../dates.ts';
import { divRound, MICRO_FACTOR } from './decimal.ts';
import { normaliseUnit } from './units.ts';

/** One row of an agreement's price list. */
export interface PriceListEntry {
  readonly agreementId: string;
  readonly itemNumber: string | null;
  readonly gtin: string | null;
  readonly description: string;
  /** UN/ECE rec. 20 unit the price is per. */
  readonly unit: string;
  /** Agreed price per unit × 10^6 (NOK unless `currency` says otherwise). */
  readonly priceMicro: number;
  readonly currency: string;
  readonly validFrom: IsoDate;
}

/** A monthly index (KPI or another), values × 10 (one decimal, as SSB publishes). */
export interface IndexSeries {
  readonly name: string;
  /** 'YYYY-MM' → value × 10. */
  readonly values: ReadonlyMap<string, number>;
}

/** One period in which an allowed price holds, per normalised base unit. */
export interface AllowedPrice {
  readonly agreementId: string;
  readonly itemNumber: string | null;
  readonly gtin: string | null;
  readonly baseUnit: string;
  readonly currency: string;
  readonly validFrom: IsoDate;
  /** Exclusive; null = open. */
  readonly validTo: IsoDate | null;
  readonly allowedMicro: number;
  /** The index ratio applied, for drill-down ("KPI 2023-12 / 2022-12"). */
  readonly basis: string;
}

const monthBefore = (year: number, month: number): string =>
  month === 1 ? `${year - 1}-12` : `${year}-${String(month - 1).padStart(2, '0')}`;

/** Price per normalised base unit × 10^6, from a price per `unit` × 10^6 (rounded). */
export function perBaseUnit(priceMicro: number, unit: string): { micro: number; base: string } {
  const n = normaliseUnit(unit);
  return {
    micro: Number(divRound(BigInt(priceMicro) * BigInt(n.den), BigInt(n.num))),
    base: n.base,
  };
}

/**
 * The prices a price-list entry allows over time. Without a price adjustment the agreed price
 * holds from `validFrom` on. With one, the price is adjusted on the first day of the adjustment
 * month each year after the base period: price × (1 + share × (I_ref / I_base − 1)), where I_base
 * is the index of the base period and I_ref the index of the month before the adjustment.
 * Adjusted prices are rounded to whole øre (as invoiced prices are). An adjustment whose index is
 * not yet known keeps the previous price.
 */
export function allowedPrices(
  entry: PriceListEntry,
  adjustment: PriceAdjustment | null,
  index: IndexSeries | null,
  untilYear: number,
): AllowedPrice[] {
  const { micro, base } = perBaseUnit(entry.priceMicro, entry.unit);
  const row = (from: IsoDate, allowed: number, basis: string): AllowedPrice => ({
    agreementId: entry.agreementId,
    itemNumber: entry.itemNumber,
    gtin: entry.gtin,
    baseUnit: base,
    currency: entry.currency,
    validFrom: from,
    validTo: null,
    allowedMicro: allowed,
    basis,
  });
  const out: AllowedPrice[] = [row(entry.validFrom, micro, 'avtalt pris')];
  if (!adjustment || !index) return out;
  const baseValue = index.values.get(adjustment.basePeriod);
  if (!baseValue) return out;
  const shareBp = BigInt(Math.round(adjustment.sharePercent * 100));
  const [by, bm] = adjustment.basePeriod.split('-').map(Number) as [number, number];
  const firstYear = adjustment.adjustmentMonth > bm ? by : by + 1;
  for (let y = firstYear; y <= untilYear; y++) {
    const from = `${y}-${String(adjustment.adjustmentMonth).padStart(2, '0')}-01`;
    if (from <= entry.validFrom) continue;
    const refPeriod = monthBefore(y, adjustment.adjustmentMonth);
    const ref = index.values.get(refPeriod);
    if (!ref) break;
    const ib = BigInt(baseValue);
    const factorNum = 10_000n * ib + shareBp * (BigInt(ref) - ib);
    const adjusted = divRound(BigInt(micro) * factorNum, 10_000n * ib);
    // round to whole øre (10^4 micro)
    const allowed = Number(divRound(adjusted, 10_000n) * 10_000n);
    (out[out.length - 1] as { validTo: IsoDate | null }).validTo = from;
    out.push(
      row(
        from,
        allowed,
        `${index.name} ${refPeriod} / ${adjustment.basePeriod} × ${adjustment.sharePercent} %`,
      ),
    );
  }
  return out;
}

/** Invoiced price per normalised base unit × 10^6: PriceAmount ÷ BaseQuantity, unit-normalised. */
export function invoicedUnitPrice(
  priceMicro: number,
  baseQuantityMicro: number,
  unit: string,
): { micro: number; base: string } {
  const n = normaliseUnit(unit);
  if (n.num === 1 && n.den === 1 && baseQuantityMicro === MICRO_FACTOR) {
    return { micro: priceMicro, base: n.base };
  }
  const micro = divRound(
    BigInt(priceMicro) * BigInt(MICRO_FACTOR) * BigInt(n.den),
    BigInt(baseQuantityMicro) * BigInt(n.num),
  );
  return { micro: Number(micro), base: n.base };
}

/** Quantity in normalised base units × 10^6. */
export function baseQuantity(quantityMicro: number, unit: string): number {
  const n = normaliseUnit(unit);
  if (n.num === 1 && n.den === 1) return quantityMicro;
  return Number(divRound(BigInt(quantityMicro) * BigInt(n.num), BigInt(n.den)));
}

/**
 * Over-payment of one line in øre: (invoiced − allowed) × quantity, when the invoiced unit price
 * exceeds the allowed one by more than the tolerance (basis points); otherwise 0.
 */
export function overpaymentOre(
  invoicedMicro: number,
  allowedMicro: number,
  baseQuantityMicro: number,
  toleranceBp: number,
): number {
  if (baseQuantityMicro <= 0) return 0;
  if (BigInt(invoicedMicro) * 10_000n <= BigInt(allowedMicro) * BigInt(10_000 + toleranceBp))
    return 0;
  return Number(
    divRound(BigInt(invoicedMicro - allowedMicro) * BigInt(baseQuantityMicro), 10_000_000_000n),
  );
}
