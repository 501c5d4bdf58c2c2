import type { Contract } from '../../core/index.ts';

/**
 * Turns what a person typed into an FTS5 query that can never be a syntax error: every word
 * (letters and digits, Norwegian letters included) becomes a quoted prefix term, all terms must
 * match. Operators, quotes, `*`, `NEAR(` and `-` are thereby searched as plain text.
 */
export function ftsQuery(text: string): string | null {
  const words = text.normalize('NFC').match(/[\p{L}\p{N}]+/gu) ?? [];
  if (words.length === 0) return null;
  return words
    .slice(0, 12)
    .map((w) => `"${w.toLowerCase()}"*`)
    .join(' ');
}

export interface FtsDocument {
  title: string;
  description: string;
  suppliers: string;
  refs: string;
  categories: string;
  restricted: string;
}

/** Public columns carry a field only when it isn't confidential; `restricted` carries the rest. */
export function ftsDocument(c: Contract): FtsDocument {
  const secret = c.confidential;
  const restricted: string[] = [];
  const pick = (value: string, confidential: boolean) => {
    if (!confidential) return value;
    restricted.push(value);
    return '';
  };
  const supplierText = c.suppliers.map((s) => `${s.name} ${s.orgnr}`).join(' ');
  const termsText = c.suppliers.map((s) => s.terms ?? '').join(' ');
  if (secret.supplierTerms || secret.suppliers) restricted.push(termsText);
  return {
    title: pick(c.title, Boolean(secret.title)),
    description: pick(c.description, Boolean(secret.description)),
    suppliers: pick(supplierText, Boolean(secret.suppliers)),
    refs: [c.referenceNumber, c.caseNumber ?? ''].join(' '),
    categories: c.cpvCodes.join(' '),
    restricted: restricted.join(' '),
  };
}
