import { isIsoDate } from '../core/index.ts';

/**
 * Reading and writing single cell values the way Norwegian users type them: amounts in NOK with
 * space thousands and a decimal comma, dates as 31.12.2027 or 2027-12-31, yes/no as ja/nei.
 * Parsers return `{ ok: false, reason }` with a Norwegian reason instead of throwing.
 */
export type Parsed<T> = { ok: true; value: T } | { ok: false; reason: string };
const ok = <T>(value: T): Parsed<T> => ({ ok: true, value });
const bad = <T>(reason: string): Parsed<T> => ({ ok: false, reason });

/**
 * "1 250 000,50" → 125000050 øre, exactly (string arithmetic, never floats). Accepts space, no-break
 * space and dot as thousands separators, a decimal comma (or a lone decimal point with one or two
 * digits), an optional "kr"/"NOK", and a leading minus (the schema then refuses negatives by name).
 */
export function parseNokToOre(text: string): Parsed<number> {
  let s = text
    .trim()
    .replace(/^(kr\.?|nok)\s*/i, '')
    .replace(/\s*(kr\.?|nok|,-)$/i, '')
    .replace(/[\s\u00a0\u202f]/g, '');
  let negative = false;
  if (s.startsWith('-') || s.startsWith('\u2212')) {
    negative = true;
    s = s.slice(1);
  }
  let whole: string;
  let fraction = '';
  if (s.includes(',')) {
    const parts = s.split(',');
    if (parts.length !== 2) return bad(`«${text}» er ikke et beløp`);
    [whole, fraction] = parts as [string, string];
    if (whole.includes('.')) {
      if (!/^\d{1,3}(\.\d{3})+$/.test(whole)) return bad(`«${text}» er ikke et beløp`);
      whole = whole.replace(/\./g, '');
    }
  } else if (/^\d+\.\d{1,2}$/.test(s)) {
    [whole, fraction] = s.split('.') as [string, string];
  } else if (/^\d{1,3}(\.\d{3})+$/.test(s)) {
    whole = s.replace(/\./g, '');
  } else {
    whole = s;
  }
  if (!/^\d+$/.test(whole) || !/^\d*$/.test(fraction)) return bad(`«${text}» er ikke et beløp`);
  if (fraction.length > 2) return bad(`«${text}» har flere enn to desimaler (øre)`);
  const ore = BigInt(whole) * 100n + BigInt(fraction.padEnd(2, '0') || '0');
  if (ore > BigInt(Number.MAX_SAFE_INTEGER)) return bad(`«${text}» er for stort`);
  return ok(negative ? -Number(ore) : Number(ore));
}

/** A number from a spreadsheet cell (NOK) → øre; refuses more than two decimals. */
export function nokNumberToOre(n: number): Parsed<number> {
  if (!Number.isFinite(n)) return bad('er ikke et tall');
  const ore = Math.round(n * 100);
  if (Math.abs(ore - n * 100) > 1e-6 * Math.max(1, Math.abs(n))) {
    return bad(`${n} har flere enn to desimaler (øre)`);
  }
  if (!Number.isSafeInteger(ore)) return bad(`${n} er for stort`);
  return ok(ore);
}

/** 125000050 → "1 250 000,50" (for CSV and text); the xlsx export writes numbers instead. */
export function formatOreAsNok(ore: number): string {
  const negative = ore < 0;
  const abs = BigInt(Math.abs(ore));
  const whole = (abs / 100n).toString().replace(/\B(?=(\d{3})+(?!\d))/g, ' ');
  const fraction = (abs % 100n).toString().padStart(2, '0');
  return `${negative ? '-' : ''}${whole},${fraction}`;
}

/** "31.12.2027", "31.12.27" is refused (ambiguous century); "2027-12-31" is accepted as is. */
export function parseDateText(text: string): Parsed<string> {
  const s = text.trim();
  let iso = s;
  const m = /^(\d{1,2})\.(\d{1,2})\.(\d{4})$/.exec(s);
  if (m) iso = `${m[3]}-${(m[2] as string).padStart(2, '0')}-${(m[1] as string).padStart(2, '0')}`;
  if (!isIsoDate(iso)) return bad(`«${text}» er ikke en gyldig dato (DD.MM.ÅÅÅÅ eller ÅÅÅÅ-MM-DD)`);
  return ok(iso);
}

/** A spreadsheet date (exceljs gives UTC midnight) → ISO calendar date. */
export function excelDateToIso(d: Date): Parsed<string> {
  if (Number.isNaN(d.getTime())) return bad('er ikke en gyldig dato');
  return ok(d.toISOString().slice(0, 10));
}

export const isoToNorwegian = (iso: string): string =>
  `${iso.slice(8, 10)}.${iso.slice(5, 7)}.${iso.slice(0, 4)}`;

/** ISO date → a Date at UTC midnight, which Excel shows as that calendar date. */
export const isoToExcelDate = (iso: string): Date =>
  new Date(
    Date.UTC(Number(iso.slice(0, 4)), Number(iso.slice(5, 7)) - 1, Number(iso.slice(8, 10))),
  );

const YES = new Set(['ja', 'j', 'x', 'yes', 'y', 'true', 'sann', '1']);
const NO = new Set(['nei', 'n', 'no', 'false', 'usann', '0']);

export function parseYesNo(text: string): Parsed<boolean> {
  const s = text.trim().toLowerCase();
  if (YES.has(s)) return ok(true);
  if (NO.has(s)) return ok(false);
  return bad(`«${text}» må være ja eller nei`);
}

export function parseInteger(text: string, min: number, max: number): Parsed<number> {
  const s = text.trim().replace(/[\s\u00a0]/g, '');
  if (!/^-?\d+$/.test(s)) return bad(`«${text}» er ikke et heltall`);
  const n = Number(s);
  if (n < min || n > max) return bad(`${n} må være mellom ${min} og ${max}`);
  return ok(n);
}

/** "80", "80 %", "80,5" → 80.5 (percent). */
export function parsePercent(text: string): Parsed<number> {
  const s = text.trim().replace(/\s*%$/, '').replace(',', '.');
  if (!/^\d+(\.\d+)?$/.test(s)) return bad(`«${text}» er ikke en prosentsats`);
  return ok(Number(s));
}

export const MONTHS = [
  'januar',
  'februar',
  'mars',
  'april',
  'mai',
  'juni',
  'juli',
  'august',
  'september',
  'oktober',
  'november',
  'desember',
] as const;

export function parseMonth(text: string): Parsed<number> {
  const s = text.trim().toLowerCase();
  const byName = MONTHS.indexOf(s as (typeof MONTHS)[number]);
  if (byName >= 0) return ok(byName + 1);
  return parseInteger(s, 1, 12);
}

/** Splits a list cell: items separated by semicolons (codes, ids, dates). */
export const splitCodes = (text: string): string[] =>
  text
    .split(';')
    .map((s) => s.trim())
    .filter(Boolean);

/**
 * Splits a free-text list cell (names, terms, partner organisations, legal bases): one item per
 * line, so a semicolon inside a name stays. A cell without line breaks falls back to semicolons
 * when `expected` items are wanted and the semicolons give exactly that many.
 */
export function splitLines(text: string, expected?: number): string[] {
  const normalised = text.replace(/\r\n?/g, '\n');
  if (normalised.includes('\n') || expected === undefined || expected <= 1) {
    return normalised.split('\n').map((s) => s.trim());
  }
  const bySemicolon = normalised.split(';').map((s) => s.trim());
  return bySemicolon.length === expected ? bySemicolon : [normalised.trim()];
}

/** Characters that make a spreadsheet treat a text cell as a formula (OWASP CSV injection). */
const FORMULA_START = /^[=+\-@\t\r]/;

/** Export: a text that would start a formula gets a leading apostrophe, so it stays text. */
export const escapeFormula = (text: string): string =>
  FORMULA_START.test(text) ? `'${text}` : text;

/** Import: the apostrophe the export added is removed again, so a round trip keeps the text. */
export const unescapeFormula = (text: string): string =>
  text.startsWith("'") && FORMULA_START.test(text.slice(1)) ? text.slice(1) : text;
