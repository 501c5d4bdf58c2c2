/**
 * Exact decimal handling for spend: amounts, prices and quantities arrive as decimal text
 * (xs:decimal in UBL, text in CSV) and are held as integers scaled by a power of ten. Money is
 * integer minor units (øre, cent); unit prices and quantities carry six decimals ("micro"). No
 * floating-point arithmetic ever touches a money value.
 */

/** Scale used for unit prices and quantities: value × 10^6. */
export const MICRO = 6;
export const MICRO_FACTOR = 1_000_000;

const POW10 = [1, 10, 100, 1_000, 10_000, 100_000, 1_000_000, 10_000_000, 100_000_000];

/**
 * Parses decimal text ("1436.5", "-3.96", "+12", " 7 ") into an integer scaled by 10^scale.
 * Returns null when the text is not a decimal, has more non-zero fraction digits than `scale`,
 * or does not fit a safe integer.
 */
export function parseScaled(text: string, scale: number): number | null {
  let i = 0;
  let end = text.length;
  while (i < end && isSpace(text.charCodeAt(i))) i++;
  while (end > i && isSpace(text.charCodeAt(end - 1))) end--;
  if (i === end) return null;
  let negative = false;
  const sign = text.charCodeAt(i);
  if (sign === 45 /* - */ || sign === 43 /* + */) {
    negative = sign === 45;
    i++;
  }
  let intPart = 0;
  let digits = 0;
  while (i < end) {
    const c = text.charCodeAt(i);
    if (c < 48 || c > 57) break;
    intPart = intPart * 10 + (c - 48);
    digits++;
    i++;
  }
  let frac = 0;
  let fracDigits = 0;
  if (i < end && text.charCodeAt(i) === 46 /* . */) {
    i++;
    while (i < end) {
      const c = text.charCodeAt(i);
      if (c < 48 || c > 57) break;
      if (fracDigits < scale) {
        frac = frac * 10 + (c - 48);
      } else if (c !== 48) {
        return null; // precision beyond the scale would be lost
      }
      fracDigits++;
      digits++;
      i++;
    }
  }
  if (i !== end || digits === 0) return null;
  const used = Math.min(fracDigits, scale);
  const value = intPart * (POW10[scale] as number) + frac * (POW10[scale - used] as number);
  if (!Number.isSafeInteger(value) || intPart > Number.MAX_SAFE_INTEGER / (POW10[scale] as number))
    return null;
  return negative ? -value : value;
}

function isSpace(c: number): boolean {
  return c === 32 || c === 9 || c === 10 || c === 13;
}

/** Formats an integer scaled by 10^scale as decimal text with exactly `scale` decimals. */
export function formatScaled(value: number, scale: number): string {
  const negative = value < 0;
  const abs = Math.abs(value);
  const f = POW10[scale] as number;
  const int = Math.floor(abs / f);
  const frac = abs - int * f;
  const text = scale === 0 ? String(int) : `${int}.${String(frac).padStart(scale, '0')}`;
  return negative && abs !== 0 ? `-${text}` : text;
}

/**
 * Minor-unit digits per ISO 4217 currency. Most have two; the exceptions that occur in trade
 * are listed. Unknown codes default to two.
 */
const MINOR_DIGITS: Readonly<Record<string, number>> = {
  JPY: 0,
  KRW: 0,
  ISK: 0,
  CLP: 0,
  VND: 0,
  HUF: 2,
  BHD: 3,
  KWD: 3,
  OMR: 3,
  JOD: 3,
  TND: 3,
};

export function minorDigits(currency: string): number {
  return MINOR_DIGITS[currency] ?? 2;
}

export function isCurrencyCode(value: string): boolean {
  return /^[A-Z]{3}$/.test(value);
}

/**
 * Rounds `numerator / denominator` (bigints, denominator > 0) to the nearest integer, halves away
 * from zero (the usual commercial rounding of øre).
 */
export function divRound(numerator: bigint, denominator: bigint): bigint {
  const negative = numerator < 0n;
  const n = negative ? -numerator : numerator;
  const q = n / denominator;
  const r = n - q * denominator;
  const rounded = r * 2n >= denominator ? q + 1n : q;
  return negative ? -rounded : rounded;
}

/** `a × b / d` rounded half away from zero, exact for any safe-integer inputs. */
export function mulDivRound(a: number, b: number, d: number): number {
  const p = a * b;
  if (Number.isSafeInteger(p)) {
    const q = p / d;
    if (Number.isInteger(q)) return q;
  }
  return Number(divRound(BigInt(a) * BigInt(b), BigInt(d)));
}
