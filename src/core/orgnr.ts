/**
 * Norwegian organisation number (organisasjonsnummer): nine digits, the last a MOD11 check digit
 * with weights 3,2,7,6,5,4,3,2 over the first eight. Remainder 1 makes the number invalid.
 */
const WEIGHTS = [3, 2, 7, 6, 5, 4, 3, 2] as const;

export function orgnrCheckDigit(firstEight: string): number | null {
  if (!/^\d{8}$/.test(firstEight)) return null;
  let sum = 0;
  for (let i = 0; i < 8; i++) sum += Number(firstEight[i]) * (WEIGHTS[i] as number);
  const remainder = sum % 11;
  if (remainder === 0) return 0;
  if (remainder === 1) return null;
  return 11 - remainder;
}

export function isValidOrgnr(value: string): boolean {
  if (!/^\d{9}$/.test(value)) return false;
  return orgnrCheckDigit(value.slice(0, 8)) === Number(value[8]);
}

/** Accepts "123 456 785" as typed by people; returns the nine digits. */
export function normaliseOrgnr(value: string): string {
  return value.replace(/[\s.]/g, '');
}
