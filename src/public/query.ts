import { isValidOrgnr } from '../core/orgnr.ts';
import {
  type CatalogueQuery,
  PUBLIC_SORTS,
  type PublicSort,
  STATUS_FILTERS,
  type StatusFilter,
} from './catalogue.ts';
import { DEFAULT_LANG, isLang, type Lang } from './i18n.ts';

export const MAX_QUERY_TEXT = 200;
export const MAX_PAGE = 10_000;

export interface ParsedQuery {
  readonly query: CatalogueQuery;
  readonly lang: Lang;
  /** Parameters that were not understood (the JSON API answers 400; pages ignore them). */
  readonly issues: readonly { field: string; message: string }[];
}

/** The first string of a query parameter (repeated parameters and nested objects are ignored). */
export function first(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (Array.isArray(value) && typeof value[0] === 'string') return value[0];
  return undefined;
}

/** Removes control and format characters (bidi overrides, NUL) and caps the length. */
export function cleanText(value: string, max = MAX_QUERY_TEXT): string {
  return value
    .normalize('NFC')
    .replace(/[\p{Cc}\p{Cf}]/gu, ' ')
    .replace(/\s+/g, ' ')
    .trim()
    .slice(0, max);
}

/**
 * Reads the public search parameters: q, category, supplier, status, partners, sort, page,
 * pageSize and lang. Everything hostile is refused or defused here: over-long text is cut, lists
 * and objects are ignored, numbers are bounded, codes must match their patterns.
 */
export function parsePublicQuery(
  raw: Record<string, unknown>,
  defaults: { pageSize: number; maxPageSize?: number },
): ParsedQuery {
  const issues: { field: string; message: string }[] = [];
  const get = (name: string): string | undefined => {
    const v = raw[name];
    if (v !== undefined && typeof v !== 'string') {
      issues.push({ field: name, message: 'kan bare oppgis én gang' });
    }
    const s = first(v);
    return s === undefined || s.trim() === '' ? undefined : s.trim();
  };
  const langRaw = get('lang');
  const lang: Lang = isLang(langRaw) ? langRaw : DEFAULT_LANG;
  if (langRaw !== undefined && !isLang(langRaw)) {
    issues.push({ field: 'lang', message: 'må være nb, nn eller en' });
  }

  const textRaw = first(raw.q) ?? '';
  if (textRaw.length > MAX_QUERY_TEXT) {
    issues.push({ field: 'q', message: `kan ha høyst ${MAX_QUERY_TEXT} tegn` });
  }
  const text = cleanText(textRaw);

  let category: string | null = null;
  const cat = get('category');
  if (cat !== undefined) {
    const digits = cat.replace(/-\d$/, '');
    if (/^\d{2,8}$/.test(digits)) category = digits;
    else
      issues.push({ field: 'category', message: 'må være en CPV-kode eller de to første sifrene' });
  }

  let supplier: string | null = null;
  const sup = get('supplier');
  if (sup !== undefined) {
    const orgnr = sup.replace(/\s/g, '');
    if (isValidOrgnr(orgnr)) supplier = orgnr;
    else issues.push({ field: 'supplier', message: 'er ikke et gyldig organisasjonsnummer' });
  }

  let status: StatusFilter = 'current';
  const st = get('status');
  if (st !== undefined) {
    if ((STATUS_FILTERS as readonly string[]).includes(st)) status = st as StatusFilter;
    else issues.push({ field: 'status', message: `må være en av ${STATUS_FILTERS.join(', ')}` });
  }

  const partnersRaw = get('partners');
  const partners = partnersRaw === '1' || partnersRaw === 'true' || partnersRaw === 'on';
  if (partnersRaw !== undefined && !partners && partnersRaw !== '0' && partnersRaw !== 'false') {
    issues.push({ field: 'partners', message: 'må være 1 eller 0' });
  }

  let sort: PublicSort | null = null;
  const so = get('sort');
  if (so !== undefined) {
    if ((PUBLIC_SORTS as readonly string[]).includes(so)) sort = so as PublicSort;
    else issues.push({ field: 'sort', message: `må være en av ${PUBLIC_SORTS.join(', ')}` });
  }

  const int = (name: string, fallback: number, min: number, max: number) => {
    const v = get(name);
    if (v === undefined) return fallback;
    if (!/^\d{1,9}$/.test(v) || Number(v) < min || Number(v) > max) {
      issues.push({ field: name, message: `må være et heltall fra ${min} til ${max}` });
      return fallback;
    }
    return Number(v);
  };
  const page = int('page', 1, 1, MAX_PAGE);
  const pageSize = int('pageSize', defaults.pageSize, 1, defaults.maxPageSize ?? defaults.pageSize);

  return {
    query: { text, category, supplier, status, partners, sort, page, pageSize },
    lang,
    issues,
  };
}

/** The query string of a search (only non-default values), for links that keep the search. */
export function searchParams(q: CatalogueQuery, lang: Lang, pageSize?: number): URLSearchParams {
  const p = new URLSearchParams();
  if (q.text) p.set('q', q.text);
  if (q.category) p.set('category', q.category);
  if (q.supplier) p.set('supplier', q.supplier);
  if (q.status !== 'current') p.set('status', q.status);
  if (q.partners) p.set('partners', '1');
  if (q.sort) p.set('sort', q.sort);
  if (q.page > 1) p.set('page', String(q.page));
  if (pageSize !== undefined && pageSize !== q.pageSize) p.set('pageSize', String(q.pageSize));
  if (lang !== DEFAULT_LANG) p.set('lang', lang);
  return p;
}
