import { type ContractStatus, norwegianSortKey, PUBLIC } from '../core/index.ts';
import {
  isPubliclyListed,
  type PublicAgreement,
  publicAgreement,
  publicText,
} from '../core/public-agreement.ts';
import type { ContractService } from '../register/contract-service.ts';
import type { ContractQuery, RegisterStore, SortField } from '../store/register.port.ts';
import { CPV_DIVISIONS, LANGS } from './i18n.ts';
import { Vocabulary, words } from './spelling.ts';

export const STATUS_FILTERS = ['current', 'active', 'expiring', 'expired'] as const;
export type StatusFilter = (typeof STATUS_FILTERS)[number];
export const PUBLIC_SORTS = ['relevance', 'title', 'endDate', 'startDate', 'reference'] as const;
export type PublicSort = (typeof PUBLIC_SORTS)[number];

export interface CatalogueQuery {
  readonly text: string;
  /** A CPV division ("45") or a code prefix of up to 8 digits. */
  readonly category: string | null;
  readonly supplier: string | null;
  readonly status: StatusFilter;
  readonly partners: boolean;
  readonly sort: PublicSort | null;
  readonly page: number;
  readonly pageSize: number;
}

export interface CatalogueResult {
  readonly items: readonly PublicAgreement[];
  readonly total: number;
  readonly page: number;
  readonly pageSize: number;
  readonly pages: number;
  /** When the query found nothing and a corrected one did: the text actually searched. */
  readonly correctedText: string | null;
  /** A suggested spelling when nothing was found even after correction attempts. */
  readonly suggestion: string | null;
}

export interface PublicDocument {
  readonly title: string;
  readonly documentType: string;
  readonly documentDate: string | null;
  readonly entryType: string;
}

/**
 * Lists the documents of a contract that the public may see. The implementation must go through
 * the archive's projection (`projectDocument` with the public viewer), which drops screened and
 * unfiled documents and documents of unpublished contracts.
 */
export type PublicDocumentSource = (contractId: string) => Promise<readonly PublicDocument[]>;

export interface Facet {
  readonly value: string;
  readonly label: string;
  readonly count: number;
}

interface Snapshot {
  readonly today: string;
  readonly agreements: readonly PublicAgreement[];
  readonly byReference: ReadonlyMap<string, PublicAgreement>;
  /** Per agreement: its public words as " w1 w2 … " (the public FTS columns, tokenised alike). */
  readonly searchText: ReadonlyMap<string, string>;
  readonly vocabulary: Vocabulary;
  /** Spelling corrections already worked out for this snapshot (bounded). */
  readonly corrections: Map<string, ReturnType<Vocabulary['correct']>>;
  readonly categories: readonly { division: string; count: number }[];
  readonly suppliers: readonly Facet[];
  readonly unitNames: ReadonlyMap<string, string>;
  /** Latest change among the published agreements (ISO date-time) — for OCDS and Last-Modified. */
  readonly lastModified: string;
}

export interface CatalogueDeps {
  readonly contracts: ContractService;
  readonly store: RegisterStore;
  readonly clock: () => Date;
  readonly expiringWindowDays: number;
  readonly documents?: PublicDocumentSource | undefined;
  readonly log?: (message: string, error: unknown) => void;
}

const STATUSES: Record<StatusFilter, ContractStatus[]> = {
  current: ['active', 'expiring'],
  active: ['active'],
  expiring: ['expiring'],
  expired: ['expired', 'terminated'],
};

const SORTS: Record<PublicSort, { sort: SortField; order: 'asc' | 'desc' }> = {
  relevance: { sort: 'relevance', order: 'asc' },
  title: { sort: 'title', order: 'asc' },
  endDate: { sort: 'endDate', order: 'asc' },
  startDate: { sort: 'startDate', order: 'desc' },
  reference: { sort: 'referenceNumber', order: 'asc' },
};

/** How often the catalogue asks the store whether anything changed (cheap: one audit read). */
const CHANGE_CHECK_MS = 2_000;
const PAGE = 1000;

/**
 * The public catalogue: searches through the register's store with the public scope (confidential
 * text never matches), turns every hit into a `PublicAgreement` (the core projection) and keeps a
 * snapshot of the public catalogue for facets, the spelling vocabulary and the open-data files.
 * The snapshot is rebuilt when the register changes (audit log marker) or the day turns.
 */
export class PublicCatalogue {
  private snap: Snapshot | null = null;
  private gen = 0;
  private building: Promise<Snapshot> | null = null;
  private marker = 0;
  private lastCheck = 0;
  private dirty = true;

  constructor(private readonly deps: CatalogueDeps) {
    deps.contracts.onChange(() => {
      this.dirty = true;
    });
  }

  private scope() {
    return this.deps.contracts.scopeFor(PUBLIC);
  }

  /**
   * Increases with every snapshot rebuild, i.e. whenever the register changed (or the day turned):
   * answers cached under one generation are exactly as fresh as the snapshot itself.
   */
  async generation(): Promise<number> {
    await this.snapshot();
    return this.gen;
  }

  /** Marks the snapshot stale (a change made outside the contract service). */
  invalidate(): void {
    this.dirty = true;
  }

  private async changedSinceMarker(): Promise<boolean> {
    let changed = false;
    for (;;) {
      const entries = await this.deps.store.audit.since(this.marker, PAGE);
      if (entries.length === 0) return changed;
      changed = true;
      this.marker = entries.at(-1)?.id ?? this.marker;
      if (entries.length < PAGE) return changed;
    }
  }

  async snapshot(): Promise<Snapshot> {
    const now = Date.now();
    const today = this.deps.contracts.today();
    if (this.snap && !this.dirty && this.snap.today === today) {
      if (now - this.lastCheck < CHANGE_CHECK_MS) return this.snap;
      this.lastCheck = now;
      if (!(await this.changedSinceMarker())) return this.snap;
      this.dirty = true;
    }
    if (!this.building) {
      this.building = this.build().finally(() => {
        this.building = null;
      });
    }
    return this.building;
  }

  private async build(): Promise<Snapshot> {
    this.dirty = false;
    this.lastCheck = Date.now();
    await this.changedSinceMarker();
    const scope = this.scope();
    const units = await this.deps.store.directory.listUnits();
    const unitNames = new Map(units.map((u) => [u.id, u.name]));
    const ctx = {
      today: scope.today,
      expiringWindowDays: this.deps.expiringWindowDays,
      unitNames,
    };
    const agreements: PublicAgreement[] = [];
    for (let offset = 0; ; offset += PAGE) {
      const page = await this.deps.store.contracts.search(
        {
          published: true,
          kind: 'framework',
          includeExpired: true,
          sort: 'referenceNumber',
          offset,
          limit: PAGE,
        },
        scope,
      );
      for (const c of page.items) {
        const a = publicAgreement(c, ctx);
        if (a) agreements.push(a);
      }
      if (page.items.length < PAGE) break;
    }
    const categoryCounts = new Map<string, number>();
    const supplierCounts = new Map<string, { name: string; count: number }>();
    const texts: string[] = [];
    let lastModified = '1970-01-01T00:00:00.000Z';
    for (const a of agreements) {
      const divisions = new Set(a.cpvCodes.map((c) => c.slice(0, 2)));
      for (const d of divisions) categoryCounts.set(d, (categoryCounts.get(d) ?? 0) + 1);
      for (const s of a.suppliers ?? []) {
        const entry = supplierCounts.get(s.orgnr) ?? { name: s.name, count: 0 };
        entry.count++;
        supplierCounts.set(s.orgnr, entry);
      }
      texts.push(publicText(a), a.reference);
      for (const d of divisions) {
        const names = CPV_DIVISIONS[d];
        if (names) for (const l of LANGS) texts.push(names[l]);
      }
      if (a.updatedAt > lastModified) lastModified = a.updatedAt;
    }
    const snap: Snapshot = {
      today: scope.today,
      agreements,
      byReference: new Map(agreements.map((a) => [a.reference, a])),
      searchText: new Map(
        agreements.map((a) => [a.reference, ` ${publicSearchWords(a).join(' ')} `]),
      ),
      vocabulary: new Vocabulary(texts),
      corrections: new Map(),
      categories: [...categoryCounts]
        .map(([division, count]) => ({ division, count }))
        .sort((a, b) => a.division.localeCompare(b.division)),
      suppliers: [...supplierCounts]
        .map(([orgnr, s]) => ({ value: orgnr, label: s.name, count: s.count }))
        .sort((a, b) => a.label.localeCompare(b.label, 'nb')),
      unitNames,
      lastModified,
    };
    this.snap = snap;
    this.gen++;
    return snap;
  }

  private storeQuery(q: CatalogueQuery, text: string): ContractQuery {
    const sort = SORTS[q.sort ?? (text ? 'relevance' : 'title')];
    return {
      published: true,
      kind: 'framework',
      text: text || undefined,
      category: q.category ?? undefined,
      supplierOrgnr: q.supplier ?? undefined,
      status: STATUSES[q.status],
      sort: sort.sort === 'relevance' && !text ? 'title' : sort.sort,
      order: sort.order,
    };
  }

  private async run(
    q: CatalogueQuery,
    text: string,
    snap: Snapshot,
  ): Promise<{ items: PublicAgreement[]; total: number }> {
    const scope = this.scope();
    const ctx = {
      today: scope.today,
      expiringWindowDays: this.deps.expiringWindowDays,
      unitNames: snap.unitNames,
    };
    const base = this.storeQuery(q, text);
    const offset = (q.page - 1) * q.pageSize;
    const project = (cs: readonly Parameters<typeof publicAgreement>[0][]) =>
      cs.flatMap((c) => {
        const a = isPubliclyListed(c) ? publicAgreement(c, ctx) : null;
        return a ? [a] : [];
      });
    if (!q.partners) {
      const r = await this.deps.store.contracts.search(
        { ...base, offset, limit: q.pageSize },
        scope,
      );
      return { items: project(r.items), total: r.total };
    }
    // The store's query has no partner filter: answer from the snapshot of public agreements
    // (the same public columns, prefix matching and filters), never from stored data.
    const all = filterSnapshot(snap, q, text);
    return { items: all.slice(offset, offset + q.pageSize), total: all.length };
  }

  private correct(snap: Snapshot, text: string) {
    const key = text.toLocaleLowerCase('nb');
    let c = snap.corrections.get(key);
    if (!c) {
      c = snap.vocabulary.correct(text);
      if (snap.corrections.size >= 2000) snap.corrections.clear();
      snap.corrections.set(key, c);
    }
    return c;
  }

  async search(q: CatalogueQuery): Promise<CatalogueResult> {
    const snap = await this.snapshot();
    let result = await this.run(q, q.text, snap);
    let correctedText: string | null = null;
    let suggestion: string | null = null;
    if (result.total === 0 && words(q.text).length > 0) {
      const correction = this.correct(snap, q.text);
      if (correction.changed) {
        const retry = await this.run(q, correction.text, snap);
        if (retry.total > 0) {
          result = retry;
          correctedText = correction.text;
        } else {
          suggestion = correction.text;
        }
      }
    }
    return {
      ...result,
      page: q.page,
      pageSize: q.pageSize,
      pages: Math.max(1, Math.ceil(result.total / q.pageSize)),
      correctedText,
      suggestion,
    };
  }

  /** Completions of the last word typed and a corrected spelling, from public words only. */
  async suggest(
    text: string,
    limit = 8,
  ): Promise<{ completions: string[]; correction: string | null }> {
    const snap = await this.snapshot();
    const ws = words(text).slice(0, 12);
    const last = ws.at(-1);
    if (!last) return { completions: [], correction: null };
    const head = ws.slice(0, -1).join(' ');
    const completions = snap.vocabulary
      .complete(last, limit)
      .map((w) => (head ? `${head} ${w}` : w));
    const correction = this.correct(snap, text);
    return { completions, correction: correction.changed ? correction.text : null };
  }

  async agreement(
    reference: string,
  ): Promise<{ agreement: PublicAgreement; documents: readonly PublicDocument[] | null } | null> {
    const snap = await this.snapshot();
    const raw = await this.deps.store.contracts.getByReference(reference);
    if (!raw || !isPubliclyListed(raw)) return null;
    const scope = this.scope();
    const agreement = publicAgreement(raw, {
      today: scope.today,
      expiringWindowDays: this.deps.expiringWindowDays,
      unitNames: snap.unitNames,
    });
    if (!agreement) return null;
    // null: the list cannot be shown (no archive configured, or it failed) — never "none"
    let documents: readonly PublicDocument[] | null = null;
    if (this.deps.documents) {
      try {
        documents = await this.deps.documents(raw.id);
      } catch (error) {
        this.deps.log?.('Offentlig dokumentliste feilet', error);
        documents = null;
      }
    }
    return { agreement, documents };
  }

  /** Every publicly listed agreement (for CSV, OCDS and the JSON list without paging). */
  async all(): Promise<{ agreements: readonly PublicAgreement[]; lastModified: string }> {
    const snap = await this.snapshot();
    return { agreements: snap.agreements, lastModified: snap.lastModified };
  }

  async facets(
    lang: (typeof LANGS)[number],
  ): Promise<{ categories: Facet[]; suppliers: readonly Facet[] }> {
    const snap = await this.snapshot();
    return {
      categories: snap.categories.map((c) => ({
        value: c.division,
        label: `${c.division} ${CPV_DIVISIONS[c.division]?.[lang] ?? ''}`.trim(),
        count: c.count,
      })),
      suppliers: snap.suppliers,
    };
  }
}

/** The words the store's public FTS columns hold for an agreement: title, description, suppliers, references, categories. */
function publicSearchWords(a: PublicAgreement): string[] {
  return words(
    [
      a.title ?? '',
      a.description ?? '',
      ...(a.suppliers ?? []).map((x) => `${x.name} ${x.orgnr}`),
      a.reference,
      a.caseNumber ?? '',
      a.cpvCodes.join(' '),
    ].join(' '),
  );
}

const SORT_KEYS: Record<Exclude<PublicSort, 'relevance'>, (a: PublicAgreement) => string | null> = {
  title: (a) => norwegianSortKey(a.title ?? ''),
  endDate: (a) => a.currentEndDate,
  startDate: (a) => a.startDate,
  reference: (a) => a.reference,
};

/** The catalogue query answered from the snapshot, with the store's semantics. */
function filterSnapshot(snap: Snapshot, q: CatalogueQuery, text: string): PublicAgreement[] {
  const terms = words(text).slice(0, 12);
  const statuses = STATUSES[q.status] as string[];
  const hits = snap.agreements.filter((a) => {
    if (q.partners && !a.openToPartners) return false;
    if (!statuses.includes(a.status)) return false;
    if (q.category && !a.cpvCodes.some((c) => c.startsWith(q.category as string))) return false;
    if (q.supplier && !(a.suppliers ?? []).some((x) => x.orgnr === q.supplier)) return false;
    if (terms.length > 0) {
      const haystack = snap.searchText.get(a.reference) ?? '';
      if (!terms.every((t) => haystack.includes(` ${t}`))) return false;
    }
    return true;
  });
  const sort = q.sort ?? (terms.length > 0 ? 'relevance' : 'title');
  const byReference = (x: PublicAgreement, y: PublicAgreement) =>
    x.reference < y.reference ? -1 : x.reference > y.reference ? 1 : 0;
  if (sort === 'relevance') {
    // more query words in the title first, then title order
    const score = (a: PublicAgreement) => {
      const title = ` ${words(a.title ?? '').join(' ')}`;
      return terms.filter((t) => title.includes(` ${t}`)).length;
    };
    const scored = hits.map((a) => ({ a, s: score(a), k: norwegianSortKey(a.title ?? '') }));
    scored.sort((x, y) => y.s - x.s || (x.k < y.k ? -1 : x.k > y.k ? 1 : byReference(x.a, y.a)));
    return scored.map((x) => x.a);
  }
  const key = SORT_KEYS[sort];
  const desc = SORTS[sort].order === 'desc';
  const keyed = hits.map((a) => ({ a, k: key(a) }));
  keyed.sort((x, y) => {
    if (x.k === null || y.k === null)
      return x.k === y.k ? byReference(x.a, y.a) : x.k === null ? 1 : -1;
    const c = x.k < y.k ? -1 : x.k > y.k ? 1 : byReference(x.a, y.a);
    return desc ? -c : c;
  });
  return keyed.map((x) => x.a);
}
