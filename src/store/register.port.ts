import type {
  AuditEntry,
  Contract,
  ContractInput,
  ContractStatus,
  OptionDecision,
  Supplier,
  Unit,
  User,
} from '../core/index.ts';

export const SORT_FIELDS = [
  'relevance',
  'title',
  'referenceNumber',
  'startDate',
  'endDate',
  'maxValue',
  'updatedAt',
] as const;
export type SortField = (typeof SORT_FIELDS)[number];

export interface ContractQuery {
  /** Free text: words are matched as prefixes, all must match; FTS syntax is treated as text. */
  readonly text?: string | undefined;
  readonly status?: readonly ContractStatus[] | undefined;
  /** CPV code or prefix ("45" matches every building and construction code). */
  readonly category?: string | undefined;
  readonly unitId?: string | undefined;
  readonly supplierOrgnr?: string | undefined;
  /** Contracts where this user is owner or manager. */
  readonly ownerId?: string | undefined;
  readonly kind?: 'framework' | 'single' | undefined;
  readonly published?: boolean | undefined;
  /** Active contracts whose current end date is within this many days from today. */
  readonly expiringWithinDays?: number | undefined;
  /** Expired and terminated contracts are hidden unless asked for (or a status filter names them). */
  readonly includeExpired?: boolean | undefined;
  readonly sort?: SortField | undefined;
  readonly order?: 'asc' | 'desc' | undefined;
  readonly offset?: number | undefined;
  readonly limit?: number | undefined;
}

/** Whose eyes the search runs for: confidential text only matches for those who may see it. */
export interface SearchScope {
  readonly today: string;
  readonly expiringWindowDays: number;
  /** Sees all confidential text (Kontraktservice). */
  readonly seesAllConfidential: boolean;
  /** Sees confidential text on contracts this user owns or manages. */
  readonly userId: string | null;
}

export interface SearchResult {
  readonly items: Contract[];
  readonly total: number;
}

export interface ContractStore {
  get(id: string): Promise<Contract | null>;
  getByReference(referenceNumber: string): Promise<Contract | null>;
  search(query: ContractQuery, scope: SearchScope): Promise<SearchResult>;
  /** Every contract, in reference order (for plans, scans and exports); streams in pages. */
  all(): AsyncIterable<Contract>;
  count(): Promise<number>;
  create(input: ContractInput, actorId: string): Promise<Contract>;
  /** Replaces the contract; `expectedVersion` null skips the check (server-side jobs only). */
  update(
    id: string,
    input: ContractInput,
    expectedVersion: number | null,
    actorId: string,
  ): Promise<Contract>;
  remove(id: string, expectedVersion: number | null, actorId: string): Promise<void>;
  decideOption(
    id: string,
    optionId: string,
    decision: OptionDecision,
    expectedVersion: number | null,
    actorId: string,
    today: string,
  ): Promise<Contract>;
  /** All or nothing: either every contract is created (or updated by reference) or none is. */
  importMany(
    inputs: readonly ContractInput[],
    actorId: string,
  ): Promise<{ created: number; updated: number }>;
}

export interface DirectoryStore {
  listUnits(): Promise<Unit[]>;
  getUnit(id: string): Promise<Unit | null>;
  saveUnit(unit: Unit, actorId: string): Promise<Unit>;
  listUsers(): Promise<User[]>;
  getUser(id: string): Promise<User | null>;
  saveUser(user: User, actorId: string): Promise<User>;
  /**
   * Suppliers with the number of contracts the scope may see them on. A supplier known only from
   * contracts whose supplier list is confidential is left out for those who may not see it.
   */
  listSuppliers(
    scope: SearchScope,
    text?: string,
  ): Promise<(Supplier & { contractCount: number })[]>;
  getSupplier(orgnr: string, scope: SearchScope): Promise<Supplier | null>;
  saveSupplier(supplier: Supplier, actorId: string): Promise<Supplier>;
}

export interface AuditLog {
  list(entity: string, entityId: string): Promise<AuditEntry[]>;
  /** Entries after `afterId`, oldest first (for feeds and migration). */
  since(afterId: number, limit: number): Promise<AuditEntry[]>;
  append(entry: Omit<AuditEntry, 'id' | 'at'>): Promise<AuditEntry>;
}

export interface StoreHealth {
  readonly ok: boolean;
  readonly kind: string;
  readonly detail: Record<string, unknown>;
}

/** The register's storage: one object per adapter (SQLite by default, SharePoint in production). */
export interface RegisterStore {
  readonly contracts: ContractStore;
  readonly directory: DirectoryStore;
  readonly audit: AuditLog;
  health(): Promise<StoreHealth>;
  close(): Promise<void>;
}
