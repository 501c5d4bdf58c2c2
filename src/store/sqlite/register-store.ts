import { randomUUID } from 'node:crypto';
import type { Statement } from 'better-sqlite3';
import {
  type AuditEntry,
  addDays,
  type Contract,
  type ContractInput,
  type ContractStatus,
  currentEndDate,
  DomainError,
  decideOption,
  diffFields,
  norwegianSortKey,
  notFound,
  type OptionDecision,
  type Supplier,
  sensitiveFields,
  staleVersion,
  type Unit,
  type User,
  withOptionIds,
} from '../../core/index.ts';
import type {
  AuditLog,
  ContractQuery,
  ContractStore,
  DirectoryStore,
  RegisterStore,
  SearchResult,
  SearchScope,
  StoreHealth,
} from '../register.port.ts';
import { type Db, openDatabase } from './db.ts';
import { ftsDocument, ftsQuery } from './fts.ts';
import { SearchCache } from './search-cache.ts';

const PUBLIC_COLUMNS = '{title description suppliers refs categories}';
/** bm25 weights per FTS column; `restricted` gets 0 so confidential text never shapes the order. */
const RANK = 'bm25(contracts_fts, 10.0, 2.0, 5.0, 8.0, 3.0, 0.0)';

const SORT_SQL: Record<string, string> = {
  title: 'c.title_key',
  referenceNumber: 'c.reference_number',
  startDate: 'c.start_date',
  endDate: 'c.current_end_date',
  maxValue: 'c.max_value_ore',
  updatedAt: 'c.updated_at',
};

/**
 * Status as predicates on the narrow row (the same rule as `contractStatus` in core, written so
 * SQLite can use the indexes on the dates).
 */
const IN_FORCE = '(c.terminated_on IS NULL OR c.terminated_on > @today)';
const STATUS_WHERE: Record<ContractStatus, string> = {
  draft: 'c.draft = 1',
  terminated: 'c.draft = 0 AND c.terminated_on <= @today',
  expired: `c.draft = 0 AND ${IN_FORCE} AND c.current_end_date < @today`,
  expiring: `c.draft = 0 AND ${IN_FORCE} AND c.current_end_date >= @today AND c.current_end_date <= @windowEnd`,
  active: `c.draft = 0 AND ${IN_FORCE} AND (c.current_end_date IS NULL OR c.current_end_date > @windowEnd)`,
};
const NOT_ENDED = `(c.draft = 1 OR (${IN_FORCE} AND (c.current_end_date IS NULL OR c.current_end_date >= @today)))`;

/** The upper bound of a prefix range: '45' → '46', so `code >= '45' AND code < '46'` uses the index. */
const prefixEnd = (prefix: string) =>
  prefix.slice(0, -1) + String.fromCharCode(prefix.charCodeAt(prefix.length - 1) + 1);

/** Contracts on which the scope may see who the suppliers are. */
const VISIBLE_SUPPLIERS = `(@all = 1 OR c.suppliers_confidential = 0 OR c.owner_id = @uid OR c.manager_id = @uid)`;
const scopeParams = (scope: SearchScope) => ({
  all: scope.seesAllConfidential ? 1 : 0,
  uid: scope.userId ?? '',
});

interface ContractRow {
  data: string;
}

const toContract = (row: ContractRow): Contract => JSON.parse(row.data) as Contract;

const SELECT_RECORD = 'SELECT r.data FROM contracts c JOIN contract_records r ON r.seq = c.seq';

/** Prepared statements, prepared once per SQL text. */
function statementCache(db: Db) {
  const cache = new Map<string, Statement<unknown[]>>();
  return (sql: string): Statement<unknown[]> => {
    let stmt = cache.get(sql);
    if (!stmt) {
      stmt = db.prepare(sql);
      cache.set(sql, stmt);
    }
    return stmt;
  };
}

class SqliteContractStore implements ContractStore {
  private readonly sql: ReturnType<typeof statementCache>;
  /** Results are frozen-by-convention: callers project them into new objects, never mutate. */
  private readonly cache: SearchCache<SearchResult>;

  constructor(
    private readonly db: Db,
    private readonly audit: SqliteAuditLog,
    private readonly now: () => Date,
  ) {
    this.sql = statementCache(db);
    this.cache = new SearchCache(db);
  }

  async get(id: string): Promise<Contract | null> {
    const row = this.sql(`${SELECT_RECORD} WHERE c.id = ?`).get(id) as ContractRow | undefined;
    return row ? toContract(row) : null;
  }

  async getByReference(referenceNumber: string): Promise<Contract | null> {
    const row = this.sql(`${SELECT_RECORD} WHERE c.reference_number = ?`).get(referenceNumber) as
      | ContractRow
      | undefined;
    return row ? toContract(row) : null;
  }

  async count(): Promise<number> {
    return this.sql('SELECT count(*) FROM contracts').pluck().get() as number;
  }

  async *all(): AsyncIterable<Contract> {
    const page = this.sql(
      `SELECT c.reference_number AS ref, r.data FROM contracts c JOIN contract_records r ON r.seq = c.seq
       WHERE c.reference_number > ? ORDER BY c.reference_number LIMIT 500`,
    );
    let after = '';
    for (;;) {
      const rows = page.all(after) as (ContractRow & { ref: string })[];
      if (rows.length === 0) return;
      for (const row of rows) yield toContract(row);
      after = (rows.at(-1) as { ref: string }).ref;
    }
  }

  async search(query: ContractQuery, scope: SearchScope): Promise<SearchResult> {
    return this.cache.get(JSON.stringify([query, scope]), () => this.searchNow(query, scope));
  }

  private searchNow(query: ContractQuery, scope: SearchScope): SearchResult {
    const where: string[] = [];
    const params: Record<string, unknown> = {
      today: scope.today,
      windowEnd: addDays(scope.today, scope.expiringWindowDays),
    };
    const text = query.text ? ftsQuery(query.text) : null;
    if (text) {
      params.qall = text;
      params.qpub = `${PUBLIC_COLUMNS} : (${text})`;
      if (scope.seesAllConfidential) {
        where.push('c.seq IN (SELECT rowid FROM contracts_fts WHERE contracts_fts MATCH @qall)');
      } else {
        params.uid = scope.userId ?? '';
        where.push(`(c.seq IN (SELECT rowid FROM contracts_fts WHERE contracts_fts MATCH @qpub)
          OR ((c.owner_id = @uid OR c.manager_id = @uid)
              AND c.seq IN (SELECT rowid FROM contracts_fts WHERE contracts_fts MATCH @qall)))`);
      }
    }
    if (query.status && query.status.length > 0) {
      where.push(
        `(${[...new Set(query.status)].map((st) => `(${STATUS_WHERE[st]})`).join(' OR ')})`,
      );
    } else if (!query.includeExpired) {
      where.push(NOT_ENDED);
    }
    if (query.expiringWithinDays !== undefined) {
      params.expEnd = addDays(scope.today, query.expiringWithinDays);
      where.push(`c.draft = 0 AND (c.terminated_on IS NULL OR c.terminated_on > @today)
        AND c.current_end_date >= @today AND c.current_end_date <= @expEnd`);
    }
    if (query.category) {
      params.catFrom = query.category;
      params.catTo = prefixEnd(query.category);
      where.push(
        'c.seq IN (SELECT contract_seq FROM contract_categories WHERE code >= @catFrom AND code < @catTo)',
      );
    }
    if (query.unitId) {
      params.unit = query.unitId;
      where.push('c.owning_unit_id = @unit');
    }
    if (query.supplierOrgnr) {
      params.orgnr = query.supplierOrgnr;
      params.uid2 = scope.userId ?? '';
      const mayMatch = scope.seesAllConfidential
        ? ''
        : ' AND (c.suppliers_confidential = 0 OR c.owner_id = @uid2 OR c.manager_id = @uid2)';
      where.push(
        `c.seq IN (SELECT contract_seq FROM contract_suppliers WHERE orgnr = @orgnr)${mayMatch}`,
      );
    }
    if (query.ownerId) {
      params.owner = query.ownerId;
      where.push('(c.owner_id = @owner OR c.manager_id = @owner)');
    }
    if (query.kind) {
      params.kind = query.kind;
      where.push('c.kind = @kind');
    }
    if (query.published !== undefined) {
      params.published = query.published ? 1 : 0;
      where.push('c.published = @published');
    }
    const whereSql = where.length > 0 ? `WHERE ${where.join(' AND ')}` : '';
    const total = (
      this.sql(`SELECT count(*) AS n FROM contracts c ${whereSql}`).get(params) as { n: number }
    ).n;

    const order = query.order === 'desc' ? 'DESC' : 'ASC';
    let from = 'contracts c';
    let orderSql: string;
    const sort = query.sort ?? (text ? 'relevance' : 'title');
    if (sort === 'relevance' && text) {
      from = `contracts c JOIN (SELECT rowid AS seq, ${RANK} AS rank FROM contracts_fts
        WHERE contracts_fts MATCH @qall) r ON r.seq = c.seq`;
      orderSql = `r.rank ${order}, c.reference_number`;
    } else if (sort === 'title' || sort === 'relevance') {
      orderSql = `c.title_key ${order}, c.reference_number ${order}`; // never null: index order
    } else {
      const column = SORT_SQL[sort] as string;
      orderSql = `${column} IS NULL, ${column} ${order}, c.reference_number ${order}`;
    }
    params.limit = Math.min(Math.max(query.limit ?? 50, 1), 1000);
    params.offset = Math.max(query.offset ?? 0, 0);
    // Page over the narrow rows first; read the records of that page only.
    const page = this.sql(
      `SELECT c.seq FROM ${from} ${whereSql} ORDER BY ${orderSql} LIMIT @limit OFFSET @offset`,
    )
      .pluck()
      .all(params) as number[];
    return { items: this.records(page), total };
  }

  /** The contracts with these row numbers, in the given order. */
  private records(seqs: readonly number[]): Contract[] {
    if (seqs.length === 0) return [];
    const rows = this.sql(
      `SELECT seq, data FROM contract_records WHERE seq IN (SELECT value FROM json_each(?))`,
    ).all(JSON.stringify(seqs)) as { seq: number; data: string }[];
    const bySeq = new Map(rows.map((r) => [r.seq, r.data]));
    return seqs.map((seq) => JSON.parse(bySeq.get(seq) as string) as Contract);
  }

  async create(input: ContractInput, actorId: string): Promise<Contract> {
    return this.db.transaction(() => this.insert(input, actorId, 'create'))();
  }

  async update(
    id: string,
    input: ContractInput,
    expectedVersion: number | null,
    actorId: string,
  ): Promise<Contract> {
    return this.db.transaction(() => {
      const before = this.requireVersion(id, expectedVersion);
      return this.replace(before, input, actorId, 'update');
    })();
  }

  async remove(id: string, expectedVersion: number | null, actorId: string): Promise<void> {
    this.db.transaction(() => {
      const before = this.requireVersion(id, expectedVersion);
      const seq = this.seqOf(id);
      this.cache.invalidate();
      this.sql('DELETE FROM contracts_fts WHERE rowid = ?').run(seq);
      this.sql('DELETE FROM contracts WHERE seq = ?').run(seq); // records and child rows cascade
      this.audit.appendSync({
        actorId,
        entity: 'contract',
        entityId: id,
        action: 'delete',
        changes: [{ field: 'referenceNumber', from: before.referenceNumber, to: null }],
        sensitive: sensitiveFields(null, before),
      });
    })();
  }

  async decideOption(
    id: string,
    optionId: string,
    decision: OptionDecision,
    expectedVersion: number | null,
    actorId: string,
    today: string,
  ): Promise<Contract> {
    return this.db.transaction(() => {
      const before = this.requireVersion(id, expectedVersion);
      const options = decideOption(before, optionId, decision, today, actorId);
      const { id: _id, version: _v, createdAt: _c, updatedAt: _u, ...input } = before;
      return this.replace(before, { ...input, options }, actorId, `option.${decision}`);
    })();
  }

  async importMany(
    inputs: readonly ContractInput[],
    actorId: string,
  ): Promise<{ created: number; updated: number }> {
    assertDistinctReferences(inputs);
    return this.db.transaction(() => {
      let created = 0;
      let updated = 0;
      for (const input of inputs) {
        const existing = this.sql(`${SELECT_RECORD} WHERE c.reference_number = ?`).get(
          input.referenceNumber,
        ) as ContractRow | undefined;
        if (existing) {
          this.replace(toContract(existing), input, actorId, 'import');
          updated++;
        } else {
          this.insert(input, actorId, 'import');
          created++;
        }
      }
      return { created, updated };
    })();
  }

  /**
   * Lossless restore (migration): writes the contracts exactly as given (ids, versions, timestamps,
   * option ids) with their search index and child rows, and appends the audit entries with their
   * own ids, times and actors — all in one transaction. A register that already holds contracts or
   * audit entries is refused unless `replace` is set; then its contracts are replaced, and since the
   * audit log is append-only, entries already present must be identical (they are kept once).
   */
  restoreSync(
    contracts: readonly Contract[],
    entries: readonly AuditEntry[],
    replace: boolean,
  ): { contracts: number; audit: number } {
    assertDistinctReferences(contracts);
    const ids = new Set<string>();
    for (const c of contracts) {
      if (typeof c.id !== 'string' || c.id.length === 0 || c.id.length > 200)
        throw restoreInvalid(`Avtalen ${c.referenceNumber} mangler gyldig id`);
      if (ids.has(c.id)) throw restoreInvalid(`Avtale-id ${c.id} står to ganger`);
      ids.add(c.id);
      if (!Number.isSafeInteger(c.version) || c.version < 1)
        throw restoreInvalid(`Avtalen ${c.referenceNumber} har ugyldig versjon`);
      if (!isTimestamp(c.createdAt) || !isTimestamp(c.updatedAt))
        throw restoreInvalid(`Avtalen ${c.referenceNumber} har ugyldige tidsstempler`);
    }
    const auditIds = new Set<number>();
    for (const e of entries) {
      if (!Number.isSafeInteger(e.id) || e.id < 1 || auditIds.has(e.id))
        throw restoreInvalid(`Loggoppføring ${String(e.id)} har ugyldig eller dobbel id`);
      auditIds.add(e.id);
      if (!isTimestamp(e.at)) throw restoreInvalid(`Loggoppføring ${e.id} har ugyldig tidspunkt`);
    }
    return this.db.transaction(() => {
      const hasContracts = this.sql('SELECT 1 FROM contracts LIMIT 1').get() !== undefined;
      const hasAudit = this.sql('SELECT 1 FROM audit LIMIT 1').get() !== undefined;
      if ((hasContracts || hasAudit) && !replace) {
        throw new DomainError(
          'precondition_failed',
          'Registeret er ikke tomt; bruk erstatt (--replace) for å skrive over avtalene',
        );
      }
      this.cache.invalidate();
      if (hasContracts) {
        this.sql('DELETE FROM contracts_fts').run();
        this.sql('DELETE FROM contract_suppliers').run();
        this.sql('DELETE FROM contract_categories').run();
        this.sql('DELETE FROM contract_records').run();
        this.sql('DELETE FROM contracts').run();
      }
      const insert = this.sql(
        `INSERT INTO contracts (id, reference_number, title, title_key, kind, owning_unit_id, owner_id,
          manager_id, start_date, end_date, current_end_date, max_value_ore, draft, terminated_on,
          published, suppliers_confidential, version, created_at, updated_at)
         VALUES (@id, @referenceNumber, @title, @titleKey, @kind, @owningUnitId, @ownerId, @managerId,
          @startDate, @endDate, @currentEnd, @maxValue, @draft, @terminatedOn, @published,
          @suppliersConfidential, @version, @createdAt, @updatedAt)`,
      );
      for (const c of contracts) {
        const { lastInsertRowid } = insert.run(rowParams(c));
        this.writeRecord(Number(lastInsertRowid), c);
      }
      const audit = this.audit.restoreSync(entries);
      return { contracts: contracts.length, audit };
    })();
  }

  private requireVersion(id: string, expectedVersion: number | null): Contract {
    const row = this.sql(`${SELECT_RECORD} WHERE c.id = ?`).get(id) as ContractRow | undefined;
    if (!row) throw notFound('Avtalen');
    const contract = toContract(row);
    if (expectedVersion !== null && contract.version !== expectedVersion) throw staleVersion();
    return contract;
  }

  private seqOf(id: string): number {
    return this.sql('SELECT seq FROM contracts WHERE id = ?').pluck().get(id) as number;
  }

  private insert(input: ContractInput, actorId: string, action: string): Contract {
    this.cache.invalidate();
    const at = this.now().toISOString();
    const contract: Contract = {
      ...input,
      options: withOptionIds(input.options),
      id: randomUUID(),
      version: 1,
      createdAt: at,
      updatedAt: at,
    };
    this.assertUniqueReference(contract);
    const { lastInsertRowid } = this.sql(
      `INSERT INTO contracts (id, reference_number, title, title_key, kind, owning_unit_id, owner_id,
        manager_id, start_date, end_date, current_end_date, max_value_ore, draft, terminated_on,
        published, suppliers_confidential, version, created_at, updated_at)
       VALUES (@id, @referenceNumber, @title, @titleKey, @kind, @owningUnitId, @ownerId, @managerId,
        @startDate, @endDate, @currentEnd, @maxValue, @draft, @terminatedOn, @published,
        @suppliersConfidential, @version, @createdAt, @updatedAt)`,
    ).run(rowParams(contract));
    this.writeRecord(Number(lastInsertRowid), contract);
    this.audit.appendSync({
      actorId,
      entity: 'contract',
      entityId: contract.id,
      action,
      changes: diffFields(null, contract as unknown as Record<string, unknown>).filter(
        (ch) => ch.field !== 'id',
      ),
      sensitive: sensitiveFields(null, contract),
    });
    return contract;
  }

  private replace(
    before: Contract,
    input: ContractInput,
    actorId: string,
    action: string,
  ): Contract {
    const contract: Contract = {
      ...input,
      options: withOptionIds(input.options),
      id: before.id,
      version: before.version + 1,
      createdAt: before.createdAt,
      updatedAt: this.now().toISOString(),
    };
    this.assertUniqueReference(contract);
    const changes = diffFields(
      before as unknown as Record<string, unknown>,
      contract as unknown as Record<string, unknown>,
    );
    if (changes.length === 0) return before;
    this.cache.invalidate();
    this.sql(
      `UPDATE contracts SET reference_number = @referenceNumber, title = @title, title_key = @titleKey,
        kind = @kind, owning_unit_id = @owningUnitId, owner_id = @ownerId, manager_id = @managerId,
        start_date = @startDate, end_date = @endDate, current_end_date = @currentEnd,
        max_value_ore = @maxValue, draft = @draft, terminated_on = @terminatedOn,
        published = @published, suppliers_confidential = @suppliersConfidential,
        version = @version, updated_at = @updatedAt
       WHERE id = @id`,
    ).run(rowParams(contract));
    this.writeRecord(this.seqOf(contract.id), contract);
    this.audit.appendSync({
      actorId,
      entity: 'contract',
      entityId: contract.id,
      action,
      changes,
      sensitive: sensitiveFields(before, contract),
    });
    return contract;
  }

  private assertUniqueReference(c: Contract): void {
    const other = this.sql('SELECT 1 FROM contracts WHERE reference_number = ? AND id <> ?').get(
      c.referenceNumber,
      c.id,
    );
    if (other) {
      throw new DomainError('conflict', `Avtalenummeret ${c.referenceNumber} finnes allerede`, [
        { field: 'referenceNumber', message: 'finnes allerede på en annen avtale' },
      ]);
    }
  }

  /** The JSON record, the child rows for filters, the supplier register and the search index. */
  private writeRecord(seq: number, c: Contract): void {
    this.sql(
      'INSERT INTO contract_records (seq, data) VALUES (?, ?) ON CONFLICT(seq) DO UPDATE SET data = excluded.data',
    ).run(seq, JSON.stringify(c));
    this.sql('DELETE FROM contract_suppliers WHERE contract_seq = ?').run(seq);
    this.sql('DELETE FROM contract_categories WHERE contract_seq = ?').run(seq);
    this.sql('DELETE FROM contracts_fts WHERE rowid = ?').run(seq);
    const supplier = this.sql(
      'INSERT INTO contract_suppliers (contract_seq, orgnr, position) VALUES (?, ?, ?)',
    );
    const register = this.sql(
      'INSERT INTO suppliers (orgnr, name) VALUES (?, ?) ON CONFLICT(orgnr) DO UPDATE SET name = excluded.name',
    );
    c.suppliers.forEach((s, i) => {
      supplier.run(seq, s.orgnr, i);
      register.run(s.orgnr, s.name);
    });
    const category = this.sql(
      'INSERT OR IGNORE INTO contract_categories (contract_seq, code) VALUES (?, ?)',
    );
    for (const code of c.cpvCodes) category.run(seq, code.slice(0, 8));
    this.sql(
      `INSERT INTO contracts_fts (rowid, title, description, suppliers, refs, categories, restricted)
       VALUES (@seq, @title, @description, @suppliers, @refs, @categories, @restricted)`,
    ).run({ seq, ...ftsDocument(c) });
  }
}

const restoreInvalid = (message: string) => new DomainError('validation', message);

/** An ISO 8601 instant as the stores write them (`2026-01-31T12:00:00.000Z`). */
const isTimestamp = (v: unknown): v is string =>
  typeof v === 'string' &&
  /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?(Z|[+-]\d{2}:\d{2})$/.test(v) &&
  !Number.isNaN(Date.parse(v));

/** The narrow row's columns: what filters, sorts and counts read. */
function rowParams(c: Contract) {
  return {
    id: c.id,
    referenceNumber: c.referenceNumber,
    title: c.title,
    titleKey: norwegianSortKey(c.confidential.title ? '' : c.title),
    kind: c.kind,
    owningUnitId: c.owningUnitId,
    ownerId: c.ownerId,
    managerId: c.managerId,
    startDate: c.startDate,
    endDate: c.endDate,
    currentEnd: currentEndDate(c),
    // A confidential value must not leak through sort order either.
    maxValue: c.confidential.maxValueOre ? null : c.maxValueOre,
    draft: c.draft ? 1 : 0,
    terminatedOn: c.terminatedOn,
    published: c.published ? 1 : 0,
    suppliersConfidential: c.confidential.suppliers ? 1 : 0,
    version: c.version,
    createdAt: c.createdAt,
    updatedAt: c.updatedAt,
  };
}

/** A batch that names one reference number twice is ambiguous: refuse it whole. */
export function assertDistinctReferences(inputs: readonly ContractInput[]): void {
  const seen = new Map<string, number>();
  inputs.forEach((input, i) => {
    const key = input.referenceNumber.toLowerCase();
    const first = seen.get(key);
    if (first !== undefined) {
      throw new DomainError(
        'validation',
        `Avtalenummeret ${input.referenceNumber} står to ganger`,
        [{ field: `${i}.referenceNumber`, message: `står også i rad ${first + 1}` }],
      );
    }
    seen.set(key, i);
  });
}

interface AuditRow {
  id: number;
  at: string;
  actor_id: string;
  entity: string;
  entity_id: string;
  action: string;
  changes: string;
  sensitive: string;
}

const toAudit = (r: AuditRow): AuditEntry => ({
  id: r.id,
  at: r.at,
  actorId: r.actor_id,
  entity: r.entity,
  entityId: r.entity_id,
  action: r.action,
  changes: JSON.parse(r.changes),
  sensitive: JSON.parse(r.sensitive),
});

const auditRow = (e: AuditEntry): AuditRow => ({
  id: e.id,
  at: e.at,
  actor_id: e.actorId,
  entity: e.entity,
  entity_id: e.entityId,
  action: e.action,
  changes: JSON.stringify(e.changes),
  sensitive: JSON.stringify(e.sensitive),
});

class SqliteAuditLog implements AuditLog {
  constructor(
    private readonly db: Db,
    private readonly now: () => Date,
  ) {}

  async list(entity: string, entityId: string): Promise<AuditEntry[]> {
    return (
      this.db
        .prepare('SELECT * FROM audit WHERE entity = ? AND entity_id = ? ORDER BY id')
        .all(entity, entityId) as AuditRow[]
    ).map(toAudit);
  }

  async since(afterId: number, limit: number): Promise<AuditEntry[]> {
    return (
      this.db
        .prepare('SELECT * FROM audit WHERE id > ? ORDER BY id LIMIT ?')
        .all(afterId, limit) as AuditRow[]
    ).map(toAudit);
  }

  async append(entry: Omit<AuditEntry, 'id' | 'at'>): Promise<AuditEntry> {
    return this.appendSync(entry);
  }

  /**
   * Appends entries with their own ids, times and actors (migration). An id already present is
   * skipped when the stored entry is identical and refused otherwise: the log is append-only.
   * Returns how many entries were written. Call inside a transaction.
   */
  restoreSync(entries: readonly AuditEntry[]): number {
    const existing = this.db.prepare('SELECT * FROM audit WHERE id = ?');
    const insert = this.db.prepare(
      `INSERT INTO audit (id, at, actor_id, entity, entity_id, action, changes, sensitive)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    let written = 0;
    for (const e of entries) {
      const row = existing.get(e.id) as AuditRow | undefined;
      if (row) {
        if (JSON.stringify(toAudit(row)) !== JSON.stringify(toAudit(auditRow(e)))) {
          throw new DomainError(
            'conflict',
            `Loggoppføring ${e.id} finnes allerede med annet innhold; endringsloggen kan ikke skrives over`,
          );
        }
        continue;
      }
      const r = auditRow(e);
      insert.run(r.id, r.at, r.actor_id, r.entity, r.entity_id, r.action, r.changes, r.sensitive);
      written++;
    }
    return written;
  }

  appendSync(entry: Omit<AuditEntry, 'id' | 'at'>): AuditEntry {
    const at = this.now().toISOString();
    const { lastInsertRowid } = this.db
      .prepare(
        `INSERT INTO audit (at, actor_id, entity, entity_id, action, changes, sensitive)
         VALUES (?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(
        at,
        entry.actorId,
        entry.entity,
        entry.entityId,
        entry.action,
        JSON.stringify(entry.changes),
        JSON.stringify(entry.sensitive),
      );
    return { ...entry, id: Number(lastInsertRowid), at };
  }
}

class SqliteDirectory implements DirectoryStore {
  private readonly sql: ReturnType<typeof statementCache>;

  constructor(
    private readonly db: Db,
    private readonly audit: SqliteAuditLog,
  ) {
    this.sql = statementCache(db);
  }

  async listUnits(): Promise<Unit[]> {
    return this.sql(
      'SELECT id, name, parent_id AS parentId, sector FROM units ORDER BY name',
    ).all() as Unit[];
  }

  async getUnit(id: string): Promise<Unit | null> {
    return (
      (this.sql('SELECT id, name, parent_id AS parentId, sector FROM units WHERE id = ?').get(id) as
        | Unit
        | undefined) ?? null
    );
  }

  async saveUnit(unit: Unit, actorId: string): Promise<Unit> {
    return this.db.transaction(() => {
      const before = (this.sql(
        'SELECT id, name, parent_id AS parentId, sector FROM units WHERE id = ?',
      ).get(unit.id) ?? null) as Record<string, unknown> | null;
      this.sql(
        `INSERT INTO units (id, name, parent_id, sector) VALUES (@id, @name, @parentId, @sector)
           ON CONFLICT(id) DO UPDATE SET name = excluded.name, parent_id = excluded.parent_id,
             sector = excluded.sector`,
      ).run(unit);
      this.record('unit', unit.id, before, unit as unknown as Record<string, unknown>, actorId);
      return unit;
    })();
  }

  async listUsers(): Promise<User[]> {
    return this.sql(
      'SELECT id, name, email, role, unit_id AS unitId FROM users ORDER BY name',
    ).all() as User[];
  }

  async getUser(id: string): Promise<User | null> {
    return (
      (this.sql('SELECT id, name, email, role, unit_id AS unitId FROM users WHERE id = ?').get(
        id,
      ) as User | undefined) ?? null
    );
  }

  async saveUser(user: User, actorId: string): Promise<User> {
    return this.db.transaction(() => {
      const before = (this.sql(
        'SELECT id, name, email, role, unit_id AS unitId FROM users WHERE id = ?',
      ).get(user.id) ?? null) as Record<string, unknown> | null;
      this.sql(
        `INSERT INTO users (id, name, email, role, unit_id) VALUES (@id, @name, @email, @role, @unitId)
           ON CONFLICT(id) DO UPDATE SET name = excluded.name, email = excluded.email,
             role = excluded.role, unit_id = excluded.unit_id`,
      ).run(user);
      this.record('user', user.id, before, user as unknown as Record<string, unknown>, actorId);
      return user;
    })();
  }

  async listSuppliers(
    scope: SearchScope,
    text?: string,
  ): Promise<(Supplier & { contractCount: number })[]> {
    const filter = text?.trim() ? `%${text.trim().replace(/[%_]/g, '')}%` : null;
    return this.sql(
      `SELECT s.orgnr, s.name, count(c.seq) AS contractCount
         FROM suppliers s
         LEFT JOIN contract_suppliers cs ON cs.orgnr = s.orgnr
         LEFT JOIN contracts c ON c.seq = cs.contract_seq AND ${VISIBLE_SUPPLIERS}
         WHERE (@filter IS NULL OR s.name LIKE @filter OR s.orgnr LIKE @filter)
         GROUP BY s.orgnr
         HAVING count(c.seq) > 0 OR count(cs.contract_seq) = 0
         ORDER BY s.name LIMIT 500`,
    ).all({ filter, ...scopeParams(scope) }) as (Supplier & { contractCount: number })[];
  }

  async getSupplier(orgnr: string, scope: SearchScope): Promise<Supplier | null> {
    const found = (await this.listSuppliers(scope, orgnr)).find((s) => s.orgnr === orgnr);
    return found ? { orgnr: found.orgnr, name: found.name } : null;
  }

  async saveSupplier(supplier: Supplier, actorId: string): Promise<Supplier> {
    return this.db.transaction(() => {
      const before = (this.sql('SELECT orgnr, name FROM suppliers WHERE orgnr = ?').get(
        supplier.orgnr,
      ) ?? null) as Record<string, unknown> | null;
      this.sql(
        'INSERT INTO suppliers (orgnr, name) VALUES (@orgnr, @name) ON CONFLICT(orgnr) DO UPDATE SET name = excluded.name',
      ).run(supplier);
      this.record(
        'supplier',
        supplier.orgnr,
        before,
        supplier as unknown as Record<string, unknown>,
        actorId,
      );
      return supplier;
    })();
  }

  private record(
    entity: string,
    entityId: string,
    before: Record<string, unknown> | null,
    after: Record<string, unknown>,
    actorId: string,
  ): void {
    const changes = diffFields(before, after);
    if (changes.length === 0) return;
    this.audit.appendSync({
      actorId,
      entity,
      entityId,
      action: before ? 'update' : 'create',
      changes,
      sensitive: [],
    });
  }
}

export interface SqliteRegisterStore extends RegisterStore {
  /** The open database, for the other SQLite-backed stores of the same data folder. */
  readonly db: Db;
  /**
   * Lossless restore for migration, all or nothing: contracts as given (ids, versions, timestamps,
   * option ids) and the audit entries with their ids. Refuses a non-empty register unless `replace`.
   */
  restore(
    contracts: readonly Contract[],
    audit: readonly AuditEntry[],
    options?: { readonly replace?: boolean },
  ): Promise<{ contracts: number; audit: number }>;
}

export function openSqliteRegister(
  file: string,
  now: () => Date = () => new Date(),
): SqliteRegisterStore {
  const db = openDatabase(file);
  const audit = new SqliteAuditLog(db, now);
  const contracts = new SqliteContractStore(db, audit, now);
  return {
    db,
    contracts,
    async restore(items, entries, options) {
      return contracts.restoreSync(items, entries, options?.replace === true);
    },
    directory: new SqliteDirectory(db, audit),
    audit,
    async health(): Promise<StoreHealth> {
      try {
        const contracts = (db.prepare('SELECT count(*) AS n FROM contracts').get() as { n: number })
          .n;
        const schemaVersion = db.pragma('user_version', { simple: true });
        return {
          ok: true,
          kind: 'sqlite',
          detail: {
            file,
            contracts,
            schemaVersion,
            journalMode: db.pragma('journal_mode', { simple: true }),
          },
        };
      } catch (error) {
        return { ok: false, kind: 'sqlite', detail: { file, error: String(error) } };
      }
    },
    async close() {
      if (db.open) db.close();
    },
  };
}
