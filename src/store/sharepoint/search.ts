// Search over the mirrored contracts, in memory, with the same rules as the SQLite adapter: words
// match as prefixes of words in the text (Norwegian letters kept, case ignored), all words must
// match, confidential text only for those who may see it, status derived as of `today`, expired and
// terminated hidden unless asked for, Norwegian sort order, the same paging limits.
import {
  addDays,
  type Contract,
  contractStatus,
  currentEndDate,
  norwegianSortKey,
} from '../../core/index.ts';
import type { ContractQuery, SearchResult, SearchScope } from '../register.port.ts';

const WORD = /[\p{L}\p{N}]+/gu;

/** The words of a query, as the SQLite adapter takes them (at most 12, lower case). */
export function queryWords(text: string): string[] {
  return (text.normalize('NFC').match(WORD) ?? []).slice(0, 12).map((w) => w.toLowerCase());
}

const tokens = (text: string) =>
  (text.normalize('NFC').match(WORD) ?? []).map((w) => w.toLowerCase());

/** Searchable words of a contract: per public field, and the confidential rest. */
export interface IndexedContract {
  readonly contract: Contract;
  /** Public field → its tokens; weights follow the SQLite ranking. */
  readonly fields: readonly { readonly weight: number; readonly tokens: readonly string[] }[];
  readonly restricted: readonly string[];
  readonly titleKey: string;
  readonly currentEnd: string | null;
}

export function indexContract(c: Contract): IndexedContract {
  const secret = c.confidential;
  const restricted: string[] = [];
  const field = (weight: number, text: string, confidential: boolean) => {
    const t = tokens(text);
    if (confidential) {
      restricted.push(...t);
      return { weight, tokens: [] };
    }
    return { weight, tokens: t };
  };
  const supplierText = c.suppliers.map((s) => `${s.name} ${s.orgnr}`).join(' ');
  if (secret.supplierTerms || secret.suppliers) {
    restricted.push(...tokens(c.suppliers.map((s) => s.terms ?? '').join(' ')));
  }
  return {
    contract: c,
    fields: [
      field(10, c.title, Boolean(secret.title)),
      field(2, c.description, Boolean(secret.description)),
      field(5, supplierText, Boolean(secret.suppliers)),
      field(8, [c.referenceNumber, c.caseNumber ?? ''].join(' '), false),
      field(3, c.cpvCodes.join(' '), false),
    ],
    restricted,
    titleKey: norwegianSortKey(secret.title ? '' : c.title),
    currentEnd: currentEndDate(c),
  };
}

/** Relevance of the public fields (0 when a word is missing), or null if no match. */
function score(words: readonly string[], doc: IndexedContract, withRestricted: boolean): number {
  let total = 0;
  for (const w of words) {
    let hit = 0;
    for (const f of doc.fields) for (const t of f.tokens) if (t.startsWith(w)) hit += f.weight;
    if (withRestricted && hit === 0 && doc.restricted.some((t) => t.startsWith(w))) hit = 0.001;
    if (hit === 0) return 0;
    total += hit;
  }
  return total;
}

const isOwner = (c: Contract, uid: string | null) =>
  uid !== null && (c.ownerId === uid || c.managerId === uid);

/** SQLite's NOCASE: ASCII letters folded, everything else by code point. */
const nocase = (s: string) => s.replace(/[A-Z]/g, (ch) => ch.toLowerCase());

function cmp(a: string | number | null, b: string | number | null): number {
  if (a === b) return 0;
  if (a === null) return 1;
  if (b === null) return -1;
  return a < b ? -1 : 1;
}

export function searchContracts(
  docs: Iterable<IndexedContract>,
  query: ContractQuery,
  scope: SearchScope,
): SearchResult {
  const words = query.text ? queryWords(query.text) : [];
  const hasText = words.length > 0;
  const today = scope.today;
  const expEnd =
    query.expiringWithinDays !== undefined ? addDays(today, query.expiringWithinDays) : null;
  const category = query.category?.replace(/[%_]/g, '');
  const hits: { doc: IndexedContract; rank: number }[] = [];
  for (const doc of docs) {
    const c = doc.contract;
    let rank = 0;
    if (hasText) {
      const all = scope.seesAllConfidential || isOwner(c, scope.userId);
      rank = score(words, doc, all);
      if (rank === 0) continue;
    }
    const status = contractStatus(c, today, scope.expiringWindowDays);
    if (query.status && query.status.length > 0) {
      if (!query.status.includes(status)) continue;
    } else if (!query.includeExpired && (status === 'expired' || status === 'terminated')) {
      continue;
    }
    if (expEnd !== null) {
      if (c.draft || (c.terminatedOn && c.terminatedOn <= today)) continue;
      if (!doc.currentEnd || doc.currentEnd < today || doc.currentEnd > expEnd) continue;
    }
    if (category !== undefined && category !== '') {
      const lower = category.toLowerCase();
      if (!c.cpvCodes.some((code) => code.slice(0, 8).toLowerCase().startsWith(lower))) continue;
    }
    if (query.unitId && c.owningUnitId !== query.unitId) continue;
    if (query.supplierOrgnr) {
      if (!c.suppliers.some((s) => s.orgnr === query.supplierOrgnr)) continue;
      const mayMatch =
        scope.seesAllConfidential || !c.confidential.suppliers || isOwner(c, scope.userId);
      if (!mayMatch) continue;
    }
    if (query.ownerId && c.ownerId !== query.ownerId && c.managerId !== query.ownerId) continue;
    if (query.kind && c.kind !== query.kind) continue;
    if (query.published !== undefined && c.published !== query.published) continue;
    hits.push({ doc, rank });
  }

  const sort = query.sort ?? (hasText ? 'relevance' : 'title');
  const dir = query.order === 'desc' ? -1 : 1;
  const byRef = (a: IndexedContract, b: IndexedContract) =>
    cmp(nocase(a.contract.referenceNumber), nocase(b.contract.referenceNumber));
  if (sort === 'relevance' && hasText) {
    hits.sort((a, b) => dir * (b.rank - a.rank) || byRef(a.doc, b.doc));
  } else {
    const key = (d: IndexedContract): string | number | null => {
      const c = d.contract;
      switch (sort) {
        case 'referenceNumber':
          return nocase(c.referenceNumber);
        case 'startDate':
          return c.startDate;
        case 'endDate':
          return d.currentEnd;
        case 'maxValue':
          return c.confidential.maxValueOre ? null : c.maxValueOre;
        case 'updatedAt':
          return c.updatedAt;
        default:
          return d.titleKey;
      }
    };
    hits.sort((a, b) => {
      const ka = key(a.doc);
      const kb = key(b.doc);
      if (ka === null || kb === null) {
        if (ka !== kb) return ka === null ? 1 : -1;
      } else {
        const c = cmp(ka, kb);
        if (c !== 0) return dir * c;
      }
      return dir * byRef(a.doc, b.doc);
    });
  }
  const limit = Math.min(Math.max(query.limit ?? 50, 1), 1000);
  const offset = Math.max(query.offset ?? 0, 0);
  return {
    items: hits.slice(offset, offset + limit).map((h) => h.doc.contract),
    total: hits.length,
  };
}
