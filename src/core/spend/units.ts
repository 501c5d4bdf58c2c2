/**
 * UN/ECE Recommendation 20 unit codes, normalised so that prices in different but commensurable
 * units can be compared: one unit of `code` equals `num / den` units of `base`.
 * Codes outside the table normalise to themselves (factor 1), so they only compare with the same code.
 */
export interface UnitNorm {
  readonly base: string;
  readonly num: number;
  readonly den: number;
}

const TABLE: Readonly<Record<string, UnitNorm>> = {
  // pieces: "one", "piece", "each", "number of articles"
  C62: { base: 'C62', num: 1, den: 1 },
  H87: { base: 'C62', num: 1, den: 1 },
  EA: { base: 'C62', num: 1, den: 1 },
  NAR: { base: 'C62', num: 1, den: 1 },
  NMP: { base: 'C62', num: 1, den: 1 },
  DZN: { base: 'C62', num: 12, den: 1 },
  // mass
  KGM: { base: 'KGM', num: 1, den: 1 },
  GRM: { base: 'KGM', num: 1, den: 1000 },
  MGM: { base: 'KGM', num: 1, den: 1_000_000 },
  TNE: { base: 'KGM', num: 1000, den: 1 },
  // length
  MTR: { base: 'MTR', num: 1, den: 1 },
  CMT: { base: 'MTR', num: 1, den: 100 },
  MMT: { base: 'MTR', num: 1, den: 1000 },
  KMT: { base: 'MTR', num: 1000, den: 1 },
  // area and volume
  MTK: { base: 'MTK', num: 1, den: 1 },
  MTQ: { base: 'LTR', num: 1000, den: 1 },
  LTR: { base: 'LTR', num: 1, den: 1 },
  DLT: { base: 'LTR', num: 1, den: 10 },
  CLT: { base: 'LTR', num: 1, den: 100 },
  MLT: { base: 'LTR', num: 1, den: 1000 },
  // time
  HUR: { base: 'HUR', num: 1, den: 1 },
  MIN: { base: 'HUR', num: 1, den: 60 },
  SEC: { base: 'HUR', num: 1, den: 3600 },
  DAY: { base: 'DAY', num: 1, den: 1 },
  WEE: { base: 'DAY', num: 7, den: 1 },
  MON: { base: 'MON', num: 1, den: 1 },
  ANN: { base: 'MON', num: 12, den: 1 },
  // energy
  KWH: { base: 'KWH', num: 1, den: 1 },
  MWH: { base: 'KWH', num: 1000, den: 1 },
};

export function normaliseUnit(code: string | null | undefined): UnitNorm {
  const c = (code ?? 'C62').trim().toUpperCase() || 'C62';
  return TABLE[c] ?? { base: c, num: 1, den: 1 };
}

export function isKnownUnit(code: string): boolean {
  return code.trim().toUpperCase() in TABLE;
}
