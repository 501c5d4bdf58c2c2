// The RegisterStore on SharePoint lists through Microsoft Graph. Reads are served from a cache kept
// current with the delta query (ListMirror); writes go to Graph with the item's ETag (If-Match), so a
// concurrent change by another user or instance is detected (412) instead of overwritten. Each write
// carries its own audit entry in the item (`LastChange…`), and the entry it replaces is moved into
// the `Endringslogg` list in the same $batch — so a change and its audit entry are one request and
// an import of n new contracts costs ⌈n / 20⌉ requests. A write a signed-in user makes (the actor
// is the request's caller) goes with that user's on-behalf-of token (`asUser`), so SharePoint's
// permissions apply and refuse it with 403 → DomainError('forbidden'); the caches and everything
// else are read and written with the app's token (`asApp`). With a seal key (seal.ts) every value of a
// field marked confidential is stored sealed (AES-256-GCM) in the item's JSON and in the audit
// entries, and opened again when the cache reads it; a contract whose envelopes do not open is left
// out of the cache (logged) and answers 500 when read. See docs/sharepoint.md.
import { randomUUID } from 'node:crypto';
import {
  type AuditEntry,
  type Contract,
  type ContractInput,
  currentEndDate,
  DomainError,
  decideOption,
  diffFields,
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
import { asApp, asUser } from './caller.ts';
import {
  type Graph,
  GraphHttpError,
  type SubRequest,
  type SubResponse,
  subError,
} from './graph.ts';
import { ListMirror, type MirroredItem } from './mirror.ts';
import { findLists } from './provision.ts';
import { filterOn, fromChunks, type ListKey, toChunks } from './schema.ts';
import {
  needsReseal,
  openAuditEntry,
  openContract,
  SealError,
  type Sealer,
  sealAuditEntry,
  sealContract,
} from './seal.ts';
import { type IndexedContract, indexContract, searchContracts } from './search.ts';

export interface SharePointRegisterOptions {
  readonly graph: Graph;
  /** The site's Graph id (hostname,siteCollectionId,webId). */
  readonly siteId: string;
  /** Items per page for delta and list reads (default 1000). */
  readonly pageSize?: number;
  /** How old the cache may be before a read refreshes it with delta (default 2000 ms). */
  readonly maxStalenessMs?: number;
  readonly now?: () => Date;
  /**
   * Seals confidential values at rest (SHAREPOINT_SEAL_KEY, see seal.ts); null or absent: they are
   * stored plain (and sealed ones cannot be read).
   */
  readonly seal?: Sealer | null;
  /** Where an unreadable contract is reported (default: console.error). */
  readonly log?: (message: string) => void;
}

type Fields = Record<string, unknown>;
const MAX_CONFLICT_RETRIES = 8;

let lastAuditId = 0;
/** Audit ids: chronological (milliseconds × 1000 + a random tail), unique in practice. */
function newAuditId(at: string): number {
  const candidate = Date.parse(at) * 1000 + Math.floor(Math.random() * 1000);
  lastAuditId = Math.max(candidate, lastAuditId + 1);
  return lastAuditId;
}

function parseJson<T>(text: string | null): T | null {
  return text === null ? null : (JSON.parse(text) as T);
}

const isDuplicate = (e: { status: number; message: string }, column: string) =>
  (e.status === 409 || e.status === 400) &&
  /duplicate values/i.test(e.message) &&
  e.message.includes(column);

const referenceConflict = (ref: string) =>
  new DomainError('conflict', `Avtalenummeret ${ref} finnes allerede`, [
    { field: 'referenceNumber', message: 'finnes allerede på en annen avtale' },
  ]);

class Retry extends Error {}

const REFUSED =
  'SharePoint avviste endringen: kontoen mangler skrivetilgang til kontraktsregisteret i ' +
  'SharePoint. Ingenting ble lagret. Kontakt Kontraktservice hvis du skal ha tilgang.';

/** SharePoint's refusal (403, e.g. `accessDenied` for a user's read-only token) as the API's 403. */
function refused(e: unknown): unknown {
  return e instanceof GraphHttpError && e.status === 403
    ? new DomainError('forbidden', REFUSED)
    : e;
}

/** The error of a failed write inside a batch. */
const writeError = (r: SubResponse) => refused(subError(r));

const isAuditPost = (ctx: Ctx, r: SubRequest) =>
  r.method === 'POST' && r.url === itemsPath(ctx, 'audit');

/** A request that needs no repeat: it succeeded, or it archived an entry that already was. */
function settled(ctx: Ctx, req: SubRequest, res: SubResponse): boolean {
  return (
    res.status < 300 ||
    (isAuditPost(ctx, req) && res.status < 500 && isDuplicate(subError(res), 'AuditId'))
  );
}

/**
 * Sends register writes made by `actorId` — with that user's token when they are the request's
 * caller (see caller.ts), else the app's. A request that failed only because a dependency
 * archived an audit entry that was already archived (409 after a retry or a race) is sent again
 * without it; SharePoint's 403 becomes DomainError('forbidden').
 */
function sendWrites(
  ctx: Ctx,
  actorId: string,
  requests: readonly SubRequest[],
): Promise<SubResponse[]> {
  return asUser(actorId, async () => {
    try {
      const responses = await ctx.graph.batch(requests);
      for (let round = 0; round < 3; round++) {
        const again = new Set<number>();
        requests.forEach((req, i) => {
          const deps = req.dependsOn ?? [];
          if ((responses[i] as SubResponse).status !== 424 || deps.length === 0) return;
          const ok = deps.every(
            (d) =>
              again.has(d) || settled(ctx, requests[d] as SubRequest, responses[d] as SubResponse),
          );
          if (ok) again.add(i);
        });
        if (again.size === 0) break;
        const order = [...again];
        const position = new Map(order.map((i, n) => [i, n]));
        const resent = await ctx.graph.batch(
          order.map((i) => {
            const req = requests[i] as SubRequest;
            const deps = (req.dependsOn ?? []).filter((d) => position.has(d));
            const { dependsOn: _d, ...rest } = req;
            return deps.length > 0
              ? { ...rest, dependsOn: deps.map((d) => position.get(d) as number) }
              : rest;
          }),
        );
        order.forEach((i, n) => {
          responses[i] = resent[n] as SubResponse;
        });
      }
      return responses;
    } catch (e) {
      throw refused(e);
    }
  });
}

interface Ctx {
  readonly graph: Graph;
  readonly site: string;
  readonly lists: Record<ListKey, string>;
  readonly now: () => Date;
  readonly seal: Sealer | null;
  readonly log: (message: string) => void;
}

const itemsPath = (ctx: Ctx, list: ListKey) =>
  `/sites/${encodeURIComponent(ctx.site)}/lists/${ctx.lists[list]}/items`;

function auditFields(entry: AuditEntry, seal: Sealer | null): Fields {
  return {
    Title: entry.action.slice(0, 255),
    AuditId: entry.id,
    EntityKey: `${entry.entity}:${entry.entityId}`.slice(0, 255),
    At: entry.at,
    ...toChunks('Entry', JSON.stringify(sealAuditEntry(seal, entry))),
  };
}

function archiveRequest(ctx: Ctx, entry: AuditEntry): SubRequest {
  return {
    method: 'POST',
    url: itemsPath(ctx, 'audit'),
    body: { fields: auditFields(entry, ctx.seal) },
  };
}

/** An audit entry as stored (JSON in `prefix…` chunk columns), opened. Throws SealError. */
function readEntry(seal: Sealer | null, prefix: string, fields: Fields): AuditEntry | null {
  const stored = parseJson<Record<string, unknown>>(fromChunks(prefix, fields));
  if (!stored) return null;
  try {
    return openAuditEntry(seal, stored);
  } catch (e) {
    if (!(e instanceof SealError)) throw e;
    throw new SealError(
      e.reason,
      `Endringsloggen kan ikke leses (oppføring ${String(stored.id)}): ${e.message}. Feilen er logget.`,
    );
  }
}

/** An audit write is idempotent: its AuditId is unique, so a repeated POST answers 409. */
function assertArchived(r: SubResponse): void {
  if (r.status < 300) return;
  const e = subError(r);
  if (isDuplicate(e, 'AuditId')) return;
  throw refused(e);
}

class SharePointAuditLog implements AuditLog {
  constructor(
    private readonly ctx: Ctx,
    private readonly contracts: SharePointContractStore,
  ) {}

  private async archived(filter: string): Promise<AuditEntry[]> {
    const items = await this.ctx.graph.all<{ fields: Fields }>(
      `${itemsPath(this.ctx, 'audit')}?$expand=fields&$filter=${encodeURIComponent(filter)}&$top=1000`,
    );
    return items
      .map((i) => readEntry(this.ctx.seal, 'Entry', i.fields))
      .filter((e): e is AuditEntry => e !== null);
  }

  /**
   * Entries still held by the contract items (the latest change of each), opened; always fresh.
   * An unreadable contract's entry is not among them (the contract is reported as unreadable).
   */
  private async pending(): Promise<AuditEntry[]> {
    await this.contracts.mirror.sync(true);
    return this.contracts.pendingEntries();
  }

  async list(entity: string, entityId: string): Promise<AuditEntry[]> {
    const key = `${entity}:${entityId}`;
    const archived = await this.archived(filterOn('audit', 'EntityKey', 'eq', key));
    const pending =
      entity === 'contract'
        ? (await this.pending()).filter((e) => e.entity === entity && e.entityId === entityId)
        : [];
    return merge(archived, pending);
  }

  async since(afterId: number, limit: number): Promise<AuditEntry[]> {
    const archived = await this.archived(filterOn('audit', 'AuditId', 'gt', afterId));
    const pending = (await this.pending()).filter((e) => e.id > afterId);
    return merge(archived, pending).slice(0, Math.max(0, limit));
  }

  async append(entry: Omit<AuditEntry, 'id' | 'at'>): Promise<AuditEntry> {
    const at = this.ctx.now().toISOString();
    const full: AuditEntry = { ...entry, id: newAuditId(at), at };
    const [r] = await sendWrites(this.ctx, entry.actorId, [archiveRequest(this.ctx, full)]);
    assertArchived(r as SubResponse);
    return full;
  }
}

function merge(a: readonly AuditEntry[], b: readonly AuditEntry[]): AuditEntry[] {
  const byId = new Map<number, AuditEntry>();
  for (const e of [...a, ...b]) byId.set(e.id, e);
  return [...byId.values()].sort((x, y) => x.id - y.id);
}

/**
 * The list item fields of a contract (exported for test set-up and migration checks): confidential
 * values sealed when `seal` is given; no flat column holds a confidential value (`Title` is the
 * reference number, `SupplierOrgnrs` is empty when the suppliers are confidential).
 */
export function contractFields(
  c: Contract,
  entry: AuditEntry | null,
  seal: Sealer | null = null,
): Fields {
  return {
    Title: c.referenceNumber.slice(0, 255),
    ContractId: c.id,
    ReferenceNumber: c.referenceNumber,
    Version: c.version,
    Kind: c.kind,
    OwningUnitId: c.owningUnitId,
    OwnerId: c.ownerId,
    ManagerId: c.managerId,
    StartDate: c.startDate,
    CurrentEndDate: currentEndDate(c),
    Draft: c.draft,
    Published: c.published,
    SupplierOrgnrs: c.confidential.suppliers ? null : c.suppliers.map((s) => s.orgnr).join(' '),
    UpdatedAt: c.updatedAt,
    ...toChunks('Data', JSON.stringify(sealContract(seal, c))),
    ...toChunks('LastChange', entry ? JSON.stringify(sealAuditEntry(seal, entry)) : null),
  };
}

/** A contract item whose sealed values did not open: left out of the cache, refused when read. */
export interface UnreadableContract {
  readonly itemId: string;
  readonly contractId: string;
  readonly referenceNumber: string;
  readonly error: SealError;
}

/** A contract item opened: the contract and the audit entry it holds. Throws SealError. */
function openItem(
  seal: Sealer | null,
  item: MirroredItem,
): { contract: Contract; entry: AuditEntry | null } | null {
  const stored = parseJson<Record<string, unknown>>(fromChunks('Data', item.fields));
  if (!stored) return null;
  return {
    contract: openContract(seal, stored),
    entry: readEntry(seal, 'LastChange', item.fields),
  };
}

class SharePointContractStore implements ContractStore {
  private readonly index = new Map<string, IndexedContract>();
  private readonly byId = new Map<string, string>();
  private readonly byRef = new Map<string, string>();
  /** The audit entry each item holds (`LastChange…`), opened. */
  private readonly entries = new Map<string, AuditEntry>();
  private readonly broken = new Map<string, UnreadableContract>();
  private readonly reported = new Set<string>();

  constructor(
    private readonly ctx: Ctx,
    readonly mirror: ListMirror,
  ) {
    mirror.onChange = (itemId, item, before) => {
      const old = before ? (this.index.get(itemId)?.contract ?? this.broken.get(itemId)) : null;
      if (old) {
        const oldId = 'contractId' in old ? old.contractId : old.id;
        if (this.byId.get(oldId) === itemId) this.byId.delete(oldId);
        const oldRef = old.referenceNumber.toLowerCase();
        if (this.byRef.get(oldRef) === itemId) this.byRef.delete(oldRef);
      }
      this.index.delete(itemId);
      this.entries.delete(itemId);
      this.broken.delete(itemId);
      if (item) this.add(itemId, item);
    };
  }

  private add(itemId: string, item: MirroredItem): void {
    let opened: ReturnType<typeof openItem>;
    try {
      opened = openItem(this.ctx.seal, item);
    } catch (e) {
      if (!(e instanceof SealError)) throw e;
      const bad: UnreadableContract = {
        itemId,
        contractId: String(item.fields.ContractId ?? ''),
        referenceNumber: String(item.fields.ReferenceNumber ?? ''),
        error: e,
      };
      this.broken.set(itemId, bad);
      if (bad.contractId) this.byId.set(bad.contractId, itemId);
      if (bad.referenceNumber) this.byRef.set(bad.referenceNumber.toLowerCase(), itemId);
      const key = `${itemId}@${item.etag}`;
      if (!this.reported.has(key)) {
        this.reported.add(key);
        this.ctx.log(
          `Avtale ${bad.referenceNumber} (${bad.contractId}, element ${itemId} i Kontrakter) kan ikke ` +
            `leses og er utelatt fra registeret: ${e.message} [${e.reason}]`,
        );
      }
      return;
    }
    if (!opened) return;
    const c = opened.contract;
    this.index.set(itemId, indexContract(c));
    if (opened.entry) this.entries.set(itemId, opened.entry);
    this.byId.set(c.id, itemId);
    this.byRef.set(c.referenceNumber.toLowerCase(), itemId);
  }

  /** The error a read of an unreadable contract answers (HTTP 500 with this message). */
  private unreadableError(itemId: string): SealError | null {
    const bad = this.broken.get(itemId);
    if (!bad) return null;
    return new SealError(
      bad.error.reason,
      `Avtale ${bad.referenceNumber} kan ikke leses fra SharePoint: ${bad.error.message}. ` +
        'Ingenting er endret. Feilen er logget; kontakt driftsansvarlig.',
    );
  }

  /** The opened contract of an item; an unreadable one throws (never served, never overwritten). */
  private contractAt(item: MirroredItem): Contract | null {
    const error = this.unreadableError(item.id);
    if (error) throw error;
    return this.index.get(item.id)?.contract ?? null;
  }

  /** Contracts whose sealed values did not open (left out of lists, search and counts). */
  unreadable(): UnreadableContract[] {
    return [...this.broken.values()];
  }

  /** The audit entries the contract items hold, opened. */
  pendingEntries(): AuditEntry[] {
    return [...this.entries.values()];
  }

  /** The opened contract and held entry of a cached item (for re-sealing). */
  openedAt(itemId: string): { contract: Contract; entry: AuditEntry | null } | null {
    const c = this.index.get(itemId)?.contract;
    return c ? { contract: c, entry: this.entries.get(itemId) ?? null } : null;
  }

  private itemOf(contractId: string): MirroredItem | null {
    const itemId = this.byId.get(contractId);
    return itemId ? (this.mirror.get(itemId) ?? null) : null;
  }

  private byItem(itemId: string | undefined): Contract | null {
    if (!itemId) return null;
    const error = this.unreadableError(itemId);
    if (error) throw error;
    return this.index.get(itemId)?.contract ?? null;
  }

  async get(id: string): Promise<Contract | null> {
    await this.mirror.sync();
    return this.byItem(this.byId.get(id));
  }

  async getByReference(referenceNumber: string): Promise<Contract | null> {
    await this.mirror.sync();
    return this.byItem(this.byRef.get(referenceNumber.toLowerCase()));
  }

  async search(query: ContractQuery, scope: SearchScope): Promise<SearchResult> {
    await this.mirror.sync();
    return searchContracts(this.index.values(), query, scope);
  }

  async *all(): AsyncIterable<Contract> {
    await this.mirror.sync();
    const sorted = [...this.index.values()]
      .map((d) => d.contract)
      .sort((a, b) => (a.referenceNumber < b.referenceNumber ? -1 : 1));
    yield* sorted;
  }

  async count(): Promise<number> {
    await this.mirror.sync();
    return this.index.size;
  }

  private entry(
    c: Pick<Contract, 'id'>,
    actorId: string,
    action: string,
    changes: AuditEntry['changes'],
    sensitive: string[],
    at: string,
  ): AuditEntry {
    return {
      id: newAuditId(at),
      at,
      actorId,
      entity: 'contract',
      entityId: c.id,
      action,
      changes,
      sensitive,
    };
  }

  private build(input: ContractInput, before: Contract | null, at: string): Contract {
    return {
      ...input,
      options: withOptionIds(input.options),
      id: before?.id ?? randomUUID(),
      version: (before?.version ?? 0) + 1,
      createdAt: before?.createdAt ?? at,
      updatedAt: at,
    };
  }

  private assertUniqueReference(c: Contract): void {
    const other = this.byRef.get(c.referenceNumber.toLowerCase());
    if (!other) return;
    const otherId = this.index.get(other)?.contract.id ?? this.broken.get(other)?.contractId;
    if (otherId !== undefined && otherId !== c.id) throw referenceConflict(c.referenceNumber);
  }

  /** Requests that create a contract item (with its audit entry inside). */
  private createRequest(c: Contract, entry: AuditEntry): SubRequest {
    return {
      method: 'POST',
      url: itemsPath(this.ctx, 'contracts'),
      body: { fields: contractFields(c, entry, this.ctx.seal) },
    };
  }

  /**
   * Archive the entry the item holds, then — only if that worked — replace the item's fields
   * (If-Match its ETag), so an entry is never overwritten before it is in the log. `base` is the
   * index the first request will have in the batch.
   */
  private updateRequests(
    item: MirroredItem,
    c: Contract,
    entry: AuditEntry,
    base = 0,
  ): SubRequest[] {
    const previous = this.entries.get(item.id) ?? null;
    return [
      ...(previous ? [archiveRequest(this.ctx, previous)] : []),
      {
        method: 'PATCH',
        url: `${itemsPath(this.ctx, 'contracts')}/${item.id}/fields`,
        body: contractFields(c, entry, this.ctx.seal),
        headers: { 'If-Match': item.etag },
        ...(previous ? { dependsOn: [base] } : {}),
      },
    ];
  }

  /** Re-reads one item after a 412 (someone else changed it). */
  private async refresh(itemId: string): Promise<MirroredItem | null> {
    try {
      // Into the shared cache: read as the app.
      const raw = await asApp(() =>
        this.ctx.graph.get<{ id: string; eTag: string; fields: Fields }>(
          `${itemsPath(this.ctx, 'contracts')}/${itemId}?$expand=fields`,
        ),
      );
      return this.mirror.put(raw);
    } catch (e) {
      if (e instanceof GraphHttpError && e.status === 404) {
        this.mirror.remove(itemId);
        return null;
      }
      throw e;
    }
  }

  /** Finds a contract item by its id with an indexed filter (after a create whose answer was lost). */
  private async fetchByContractId(id: string): Promise<MirroredItem | null> {
    const items = await asApp(() =>
      this.ctx.graph.all<{ id: string; eTag: string; fields: Fields }>(
        `${itemsPath(this.ctx, 'contracts')}?$expand=fields&$filter=${encodeURIComponent(filterOn('contracts', 'ContractId', 'eq', id))}`,
      ),
    );
    return items[0] ? this.mirror.put(items[0]) : null;
  }

  async create(input: ContractInput, actorId: string): Promise<Contract> {
    await this.mirror.sync();
    const at = this.ctx.now().toISOString();
    const c = this.build(input, null, at);
    this.assertUniqueReference(c);
    const entry = this.entry(
      c,
      actorId,
      'create',
      diffFields(null, c as unknown as Record<string, unknown>).filter((ch) => ch.field !== 'id'),
      sensitiveFields(null, c),
      at,
    );
    const [r] = await sendWrites(this.ctx, actorId, [this.createRequest(c, entry)]);
    await this.applyCreate(r as SubResponse, c);
    return c;
  }

  private async applyCreate(r: SubResponse, c: Contract): Promise<void> {
    if (r.status < 300) {
      this.mirror.put(r.body as { id: string; eTag: string; fields: Fields });
      return;
    }
    const e = subError(r);
    // A create that did happen but whose answer was lost (and so was sent again).
    if (isDuplicate(e, 'ContractId') && (await this.fetchByContractId(c.id))) return;
    if (isDuplicate(e, 'ReferenceNumber')) throw referenceConflict(c.referenceNumber);
    throw refused(e);
  }

  /**
   * Applies `change` to the current contract and writes it with the item's ETag. A 412 means the
   * cache was stale: the item is read again and, if the caller's expected version still holds,
   * the change is applied to the fresh copy; otherwise the caller gets precondition_failed.
   */
  private async mutate(
    id: string,
    expectedVersion: number | null,
    change: (before: Contract) => { input: ContractInput; action: string } | null,
    actorId: string,
  ): Promise<Contract> {
    await this.mirror.sync();
    let item = this.itemOf(id);
    for (let attempt = 0; ; attempt++) {
      const before = item ? this.contractAt(item) : null;
      if (!item || !before) throw notFound('Avtalen');
      if (expectedVersion !== null && before.version !== expectedVersion) throw staleVersion();
      const next = change(before);
      if (!next) return before;
      const at = this.ctx.now().toISOString();
      const c = this.build(next.input, before, at);
      this.assertUniqueReference(c);
      const changes = diffFields(
        before as unknown as Record<string, unknown>,
        c as unknown as Record<string, unknown>,
      );
      if (changes.length === 0) return before;
      const entry = this.entry(c, actorId, next.action, changes, sensitiveFields(before, c), at);
      try {
        await this.writeUpdate(item, c, entry, actorId);
        return c;
      } catch (e) {
        if (!(e instanceof Retry) || attempt >= MAX_CONFLICT_RETRIES) throw e;
        item = await this.refresh(item.id);
      }
    }
  }

  private async writeUpdate(
    item: MirroredItem,
    c: Contract,
    entry: AuditEntry,
    actorId: string,
  ): Promise<void> {
    const requests = this.updateRequests(item, c, entry);
    const responses = await sendWrites(this.ctx, actorId, requests);
    if (requests.length === 2) assertArchived(responses[0] as SubResponse);
    const r = responses.at(-1) as SubResponse;
    if (r.status === 412) throw new Retry();
    if (r.status >= 300) {
      const e = subError(r);
      if (isDuplicate(e, 'ReferenceNumber')) throw referenceConflict(c.referenceNumber);
      throw refused(e);
    }
    this.mirror.putFields(item.id, r.body as Fields);
  }

  async update(
    id: string,
    input: ContractInput,
    expectedVersion: number | null,
    actorId: string,
  ): Promise<Contract> {
    return this.mutate(id, expectedVersion, () => ({ input, action: 'update' }), actorId);
  }

  async decideOption(
    id: string,
    optionId: string,
    decision: OptionDecision,
    expectedVersion: number | null,
    actorId: string,
    today: string,
  ): Promise<Contract> {
    return this.mutate(
      id,
      expectedVersion,
      (before) => {
        const options = decideOption(before, optionId, decision, today, actorId);
        const { id: _i, version: _v, createdAt: _c, updatedAt: _u, ...input } = before;
        return { input: { ...input, options }, action: `option.${decision}` };
      },
      actorId,
    );
  }

  async remove(id: string, expectedVersion: number | null, actorId: string): Promise<void> {
    await this.mirror.sync();
    let item = this.itemOf(id);
    for (let attempt = 0; ; attempt++) {
      const before = item ? this.contractAt(item) : null;
      if (!item || !before) throw notFound('Avtalen');
      if (expectedVersion !== null && before.version !== expectedVersion) throw staleVersion();
      const at = this.ctx.now().toISOString();
      const entry = this.entry(
        before,
        actorId,
        'delete',
        [{ field: 'referenceNumber', from: before.referenceNumber, to: null }],
        sensitiveFields(null, before),
        at,
      );
      const previous = this.entries.get(item.id) ?? null;
      const requests: SubRequest[] = [
        ...(previous ? [archiveRequest(this.ctx, previous)] : []),
        {
          method: 'DELETE',
          url: `${itemsPath(this.ctx, 'contracts')}/${item.id}`,
          headers: { 'If-Match': item.etag },
          // The held entry must be in the log before the item (and the entry) goes.
          ...(previous ? { dependsOn: [0] } : {}),
        },
      ];
      const del = requests.length - 1;
      requests.push({ ...archiveRequest(this.ctx, entry), dependsOn: [del] });
      const responses = await sendWrites(this.ctx, actorId, requests);
      if (previous) assertArchived(responses[0] as SubResponse);
      const r = responses[del] as SubResponse;
      if (r.status === 412 && attempt < MAX_CONFLICT_RETRIES) {
        item = await this.refresh(item.id);
        continue;
      }
      if (r.status >= 300 && r.status !== 404) throw writeError(r);
      assertArchived(responses[del + 1] as SubResponse);
      this.mirror.remove(item.id);
      return;
    }
  }

  /**
   * All or nothing as far as Graph allows (it has no transactions): every input is checked first
   * (distinct references), then the writes go out in $batch groups of 20; if any write fails for
   * good, the ones that succeeded are undone (created items deleted, updated items restored).
   */
  async importMany(
    inputs: readonly ContractInput[],
    actorId: string,
  ): Promise<{ created: number; updated: number }> {
    assertDistinctReferences(inputs);
    await this.mirror.sync();
    const at = this.ctx.now().toISOString();
    type Plan = { c: Contract; before: MirroredItem | null; entry: AuditEntry };
    const plans: Plan[] = [];
    for (const input of inputs) {
      const itemId = this.byRef.get(input.referenceNumber.toLowerCase());
      const before = itemId ? (this.mirror.get(itemId) ?? null) : null;
      const old = before ? this.contractAt(before) : null;
      const c = this.build(input, old, at);
      const changes = diffFields(
        old as unknown as Record<string, unknown> | null,
        c as unknown as Record<string, unknown>,
      ).filter((ch) => old || ch.field !== 'id');
      if (old && changes.length === 0) continue;
      plans.push({
        c,
        before,
        entry: this.entry(c, actorId, 'import', changes, sensitiveFields(old, c), at),
      });
    }
    const requests: SubRequest[] = [];
    const slots: number[] = [];
    for (const p of plans) {
      const reqs = p.before
        ? this.updateRequests(p.before, p.c, p.entry, requests.length)
        : [this.createRequest(p.c, p.entry)];
      requests.push(...reqs);
      slots.push(requests.length - 1);
    }
    const responses = await sendWrites(this.ctx, actorId, requests);
    const done: Plan[] = [];
    let failure: unknown = null;
    for (const [i, p] of plans.entries()) {
      const r = responses[slots[i] as number] as SubResponse;
      try {
        if (p.before) {
          if (r.status === 412) throw staleVersion();
          if (r.status >= 300) {
            const e = subError(r);
            throw isDuplicate(e, 'ReferenceNumber')
              ? referenceConflict(p.c.referenceNumber)
              : refused(e);
          }
          this.mirror.putFields(p.before.id, r.body as Fields);
        } else {
          await this.applyCreate(r, p.c);
        }
        done.push(p);
      } catch (e) {
        failure ??= e;
      }
    }
    if (failure) {
      await this.undo(done, actorId);
      throw failure;
    }
    const created = plans.filter((p) => !p.before).length;
    return { created, updated: inputs.length - created };
  }

  /** Undoes an import's writes, as the same user who made them. */
  private async undo(
    done: readonly { c: Contract; before: MirroredItem | null }[],
    actorId: string,
  ): Promise<void> {
    const requests: SubRequest[] = [];
    for (const p of done) {
      const itemId = this.byId.get(p.c.id);
      const now = itemId ? this.mirror.get(itemId) : undefined;
      if (!now) continue;
      requests.push(
        p.before
          ? {
              method: 'PATCH',
              url: `${itemsPath(this.ctx, 'contracts')}/${now.id}/fields`,
              body: Object.fromEntries(
                Object.keys(contractFields(p.c, {} as AuditEntry)).map((k) => [
                  k,
                  p.before?.fields[k] ?? null,
                ]),
              ),
              headers: { 'If-Match': now.etag },
            }
          : {
              method: 'DELETE',
              url: `${itemsPath(this.ctx, 'contracts')}/${now.id}`,
              headers: { 'If-Match': now.etag },
            },
      );
    }
    await sendWrites(this.ctx, actorId, requests);
    await this.mirror.sync(true);
  }

  /** The contracts' suppliers: orgnr → name and the number of contracts `scope` may see them on. */
  suppliers(scope: SearchScope): Map<string, { name: string; visible: number }> {
    const out = new Map<string, { name: string; visible: number }>();
    for (const d of this.index.values()) {
      const c = d.contract;
      const visible =
        scope.seesAllConfidential ||
        !c.confidential.suppliers ||
        (scope.userId !== null && (c.ownerId === scope.userId || c.managerId === scope.userId));
      for (const s of c.suppliers) {
        const have = out.get(s.orgnr);
        out.set(s.orgnr, {
          name: have?.name ?? s.name,
          visible: (have?.visible ?? 0) + (visible ? 1 : 0),
        });
      }
    }
    return out;
  }
}

/** A batch that names one reference number twice is ambiguous: refuse it whole. */
function assertDistinctReferences(inputs: readonly ContractInput[]): void {
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

interface DirectoryKind<T> {
  readonly list: ListKey;
  readonly entity: string;
  readonly keyColumn: string;
  key(v: T): string;
  toFields(v: T): Fields;
  fromFields(f: Readonly<Fields>): T;
}

const UNIT: DirectoryKind<Unit> = {
  list: 'units',
  entity: 'unit',
  keyColumn: 'UnitId',
  key: (u) => u.id,
  toFields: (u) => ({ Title: u.name, UnitId: u.id, ParentId: u.parentId, Sector: u.sector }),
  fromFields: (f) => ({
    id: String(f.UnitId),
    name: String(f.Title ?? ''),
    parentId: (f.ParentId as string | undefined) ?? null,
    sector: (f.Sector as string | undefined) ?? null,
  }),
};

const USER: DirectoryKind<User> = {
  list: 'users',
  entity: 'user',
  keyColumn: 'UserId',
  key: (u) => u.id,
  toFields: (u) => ({
    Title: u.name,
    UserId: u.id,
    Email: u.email,
    Role: u.role,
    UnitId: u.unitId,
  }),
  fromFields: (f) => ({
    id: String(f.UserId),
    name: String(f.Title ?? ''),
    email: String(f.Email ?? ''),
    role: f.Role as User['role'],
    unitId: (f.UnitId as string | undefined) ?? null,
  }),
};

const SUPPLIER: DirectoryKind<Supplier> = {
  list: 'suppliers',
  entity: 'supplier',
  keyColumn: 'Orgnr',
  key: (s) => s.orgnr,
  toFields: (s) => ({ Title: s.name, Orgnr: s.orgnr }),
  fromFields: (f) => ({ orgnr: String(f.Orgnr), name: String(f.Title ?? '') }),
};

const nocase = (s: string) => s.replace(/[A-Z]/g, (ch) => ch.toLowerCase());

class SharePointDirectory implements DirectoryStore {
  constructor(
    private readonly ctx: Ctx,
    private readonly mirrors: Record<'units' | 'users' | 'suppliers', ListMirror>,
    private readonly contracts: SharePointContractStore,
  ) {}

  private async values<T>(kind: DirectoryKind<T>): Promise<T[]> {
    const mirror = this.mirrors[kind.list as 'units'];
    await mirror.sync();
    return [...mirror.values()].map((i) => kind.fromFields(i.fields));
  }

  private async find<T>(kind: DirectoryKind<T>, key: string): Promise<MirroredItem | null> {
    const mirror = this.mirrors[kind.list as 'units'];
    await mirror.sync();
    for (const i of mirror.values()) if (i.fields[kind.keyColumn] === key) return i;
    return null;
  }

  /** Upsert with ETag and its audit entry in the same $batch request. */
  private async save<T>(kind: DirectoryKind<T>, value: T, actorId: string): Promise<T> {
    const mirror = this.mirrors[kind.list as 'units'];
    for (let attempt = 0; ; attempt++) {
      const item = await this.find(kind, kind.key(value));
      const before = item ? (kind.fromFields(item.fields) as Record<string, unknown>) : null;
      const changes = diffFields(before, value as Record<string, unknown>);
      if (item && changes.length === 0) return value;
      const at = this.ctx.now().toISOString();
      const entry: AuditEntry = {
        id: newAuditId(at),
        at,
        actorId,
        entity: kind.entity,
        entityId: kind.key(value),
        action: before ? 'update' : 'create',
        changes,
        sensitive: [],
      };
      const path = itemsPath(this.ctx, kind.list);
      const write: SubRequest = item
        ? {
            method: 'PATCH',
            url: `${path}/${item.id}/fields`,
            body: kind.toFields(value),
            headers: { 'If-Match': item.etag },
          }
        : { method: 'POST', url: path, body: { fields: kind.toFields(value) } };
      const [r, a] = await sendWrites(this.ctx, actorId, [
        write,
        { ...archiveRequest(this.ctx, entry), dependsOn: [0] },
      ]);
      const res = r as SubResponse;
      const retryable =
        res.status === 412 || (res.status >= 400 && isDuplicate(subError(res), kind.keyColumn));
      if (retryable && attempt < MAX_CONFLICT_RETRIES) {
        await mirror.sync(true);
        continue;
      }
      if (res.status >= 300) throw writeError(res);
      assertArchived(a as SubResponse);
      if (item) mirror.putFields(item.id, res.body as Fields);
      else mirror.put(res.body as { id: string; eTag: string; fields: Fields });
      return value;
    }
  }

  async listUnits(): Promise<Unit[]> {
    return (await this.values(UNIT)).sort((a, b) => (a.name < b.name ? -1 : 1));
  }
  async getUnit(id: string): Promise<Unit | null> {
    const i = await this.find(UNIT, id);
    return i ? UNIT.fromFields(i.fields) : null;
  }
  saveUnit(unit: Unit, actorId: string): Promise<Unit> {
    return this.save(UNIT, unit, actorId);
  }
  async listUsers(): Promise<User[]> {
    return (await this.values(USER)).sort((a, b) => (a.name < b.name ? -1 : 1));
  }
  async getUser(id: string): Promise<User | null> {
    const i = await this.find(USER, id);
    return i ? USER.fromFields(i.fields) : null;
  }
  saveUser(user: User, actorId: string): Promise<User> {
    return this.save(USER, user, actorId);
  }

  async listSuppliers(
    scope: SearchScope,
    text?: string,
  ): Promise<(Supplier & { contractCount: number })[]> {
    await this.contracts.mirror.sync();
    const fromContracts = this.contracts.suppliers(scope);
    const all = new Map<string, Supplier & { contractCount: number }>();
    for (const [orgnr, s] of fromContracts) {
      // Known only from contracts this scope may not see the suppliers of: left out.
      if (s.visible > 0) all.set(orgnr, { orgnr, name: s.name, contractCount: s.visible });
    }
    for (const s of await this.values(SUPPLIER)) {
      const known = fromContracts.get(s.orgnr);
      if (known && known.visible === 0) continue;
      all.set(s.orgnr, { ...s, contractCount: known?.visible ?? 0 });
    }
    const needle = text?.trim() ? nocase(text.trim()) : null;
    return [...all.values()]
      .filter((s) => !needle || nocase(s.name).includes(needle) || s.orgnr.includes(needle))
      .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
      .slice(0, 500);
  }

  async getSupplier(orgnr: string, scope: SearchScope): Promise<Supplier | null> {
    const found = (await this.listSuppliers(scope, orgnr)).find((s) => s.orgnr === orgnr);
    return found ? { orgnr: found.orgnr, name: found.name } : null;
  }

  saveSupplier(supplier: Supplier, actorId: string): Promise<Supplier> {
    return this.save(SUPPLIER, supplier, actorId);
  }
}

export interface SharePointRegisterStore extends RegisterStore {
  readonly graph: Graph;
  /** Brings every cache up to date now (delta). */
  sync(): Promise<void>;
  /** Contracts whose sealed values did not open (as of the last sync); see seal.ts. */
  unreadable(): readonly UnreadableContract[];
  /**
   * Seals again, with the current key, every contract item and audit entry that holds a value sealed
   * with another key or a confidential value in clear (after a key rotation, or once sealing is
   * turned on for an existing site). Writes with If-Match and the app's token; changes no version.
   */
  reseal(): Promise<ResealReport>;
  /**
   * Migration: writes contracts as they are (ids, versions, timestamps kept) and audit entries with
   * their own ids, in $batch groups. Safe to re-run: what is already there is skipped.
   */
  restore(
    contracts: readonly Contract[],
    audit: readonly AuditEntry[],
  ): Promise<{
    contracts: number;
    audit: number;
  }>;
}

export interface ResealReport {
  /** Contract items and audit entries looked at. */
  readonly checked: { readonly contracts: number; readonly audit: number };
  /** … and written again, sealed with the current key. */
  readonly resealed: { readonly contracts: number; readonly audit: number };
  /** What could not be opened (reference numbers, `logg <AuditId>`): left as it is. */
  readonly unreadable: readonly string[];
}

export async function openSharePointRegister(
  options: SharePointRegisterOptions,
): Promise<SharePointRegisterStore> {
  const { graph, siteId } = options;
  const lists = await findLists(graph, siteId);
  const ctx: Ctx = {
    graph,
    site: siteId,
    lists,
    now: options.now ?? (() => new Date()),
    seal: options.seal ?? null,
    log: options.log ?? ((message) => console.error(`[error] ${message}`)),
  };
  const mirrorOptions = {
    pageSize: options.pageSize ?? 1000,
    maxStalenessMs: options.maxStalenessMs ?? 2000,
  };
  const mirror = (list: ListKey) => new ListMirror(graph, itemsPath(ctx, list), mirrorOptions);
  const contractMirror = mirror('contracts');
  const contracts = new SharePointContractStore(ctx, contractMirror);
  const dirMirrors = {
    units: mirror('units'),
    users: mirror('users'),
    suppliers: mirror('suppliers'),
  };
  const all = [contractMirror, ...Object.values(dirMirrors)];
  return {
    graph,
    contracts,
    directory: new SharePointDirectory(ctx, dirMirrors, contracts),
    audit: new SharePointAuditLog(ctx, contracts),
    async sync() {
      await Promise.all(all.map((m) => m.sync(true)));
    },
    unreadable: () => contracts.unreadable(),
    reseal: () => asApp(() => reseal()),
    async health(): Promise<StoreHealth> {
      try {
        await contractMirror.sync();
        const unreadable = contracts.unreadable();
        return {
          ok: true,
          kind: 'sharepoint',
          detail: {
            siteId,
            contracts: contractMirror.size - unreadable.length,
            sealKey: ctx.seal?.keyId ?? null,
            // Contracts whose sealed values did not open: how many (health is public; which ones
            // and why is in the log, see docs/sharepoint.md).
            unreadableContracts: unreadable.length,
            graph: { ...graph.counters },
          },
        };
      } catch (error) {
        return { ok: false, kind: 'sharepoint', detail: { siteId, error: String(error) } };
      }
    },
    restore: (items, entries) => asApp(() => restore(items, entries)),
    async close() {},
  };

  /** Migration is system work: always the app's token. */
  async function restore(
    items: readonly Contract[],
    entries: readonly AuditEntry[],
  ): Promise<{ contracts: number; audit: number }> {
    await contractMirror.sync(true);
    const present = new Set<string>();
    for (const i of contractMirror.values()) present.add(String(i.fields.ContractId));
    const fresh = items.filter((c) => !present.has(c.id));
    const responses = await graph.batch([
      ...fresh.map(
        (c): SubRequest => ({
          method: 'POST',
          url: itemsPath(ctx, 'contracts'),
          body: { fields: contractFields(c, null, ctx.seal) },
        }),
      ),
      ...entries.map((e) => archiveRequest(ctx, e)),
    ]);
    let audit = 0;
    responses.forEach((r, n) => {
      if (n < fresh.length) {
        if (r.status >= 300 && !isDuplicate(subError(r), 'ContractId')) throw subError(r);
      } else if (r.status < 300) audit++;
      else assertArchived(r);
    });
    await contractMirror.sync(true);
    return { contracts: fresh.length, audit };
  }
  /** See `SharePointRegisterStore.reseal`. Runs as the app (system work). */
  async function reseal(): Promise<ResealReport> {
    const seal = ctx.seal;
    if (!seal) {
      throw new Error('Kan ikke forsegle på nytt: SHAREPOINT_SEAL_KEY er ikke satt');
    }
    const unreadable: string[] = [];
    // Contracts: every cached item whose Data or LastChange is not sealed as the current key would.
    await contractMirror.sync(true);
    let checked = 0;
    let resealedContracts = 0;
    let todo = [...contractMirror.values()].map((i) => i.id);
    for (let round = 0; todo.length > 0 && round <= MAX_CONFLICT_RETRIES; round++) {
      const writes: { itemId: string; request: SubRequest }[] = [];
      for (const itemId of todo) {
        const item = contractMirror.get(itemId);
        if (!item) continue;
        if (round === 0) checked++;
        const opened = contracts.openedAt(itemId);
        if (!opened) {
          const bad = contracts.unreadable().find((u) => u.itemId === itemId);
          if (bad && !unreadable.includes(bad.referenceNumber))
            unreadable.push(bad.referenceNumber);
          continue;
        }
        const fields = contractFields(opened.contract, opened.entry, seal);
        const stale =
          needsReseal(
            seal,
            parseJson(fromChunks('Data', item.fields)),
            parseJson(fromChunks('Data', fields)),
          ) ||
          needsReseal(
            seal,
            parseJson(fromChunks('LastChange', item.fields)),
            parseJson(fromChunks('LastChange', fields)),
          );
        if (!stale) continue;
        const body = Object.fromEntries(
          Object.entries(fields).filter(([k]) => /^(Data|LastChange)\d+$/.test(k)),
        );
        writes.push({
          itemId,
          request: {
            method: 'PATCH',
            url: `${itemsPath(ctx, 'contracts')}/${itemId}/fields`,
            body,
            headers: { 'If-Match': item.etag },
          },
        });
      }
      const responses = await graph.batch(writes.map((w) => w.request));
      todo = [];
      for (const [n, w] of writes.entries()) {
        const r = responses[n] as SubResponse;
        if (r.status < 300) {
          contractMirror.putFields(w.itemId, r.body as Fields);
          resealedContracts++;
        } else if (r.status === 412)
          todo.push(w.itemId); // changed meanwhile: look again
        else if (r.status !== 404) throw subError(r);
      }
      if (todo.length > 0) await contractMirror.sync(true);
    }
    // The audit log: every archived entry.
    const entries = await graph.all<{ id: string; eTag?: string; fields: Fields }>(
      `${itemsPath(ctx, 'audit')}?$expand=fields&$top=1000`,
    );
    const writes: SubRequest[] = [];
    for (const item of entries) {
      const stored = parseJson<Record<string, unknown>>(fromChunks('Entry', item.fields));
      if (!stored) continue;
      let entry: AuditEntry;
      try {
        entry = openAuditEntry(seal, stored);
      } catch (e) {
        if (!(e instanceof SealError)) throw e;
        unreadable.push(`logg ${String(item.fields.AuditId)}`);
        ctx.log(`Loggoppføring ${String(item.fields.AuditId)} kan ikke leses: ${e.message}`);
        continue;
      }
      const expected = sealAuditEntry(seal, entry);
      if (!needsReseal(seal, stored, expected)) continue;
      writes.push({
        method: 'PATCH',
        url: `${itemsPath(ctx, 'audit')}/${item.id}/fields`,
        body: toChunks('Entry', JSON.stringify(expected)),
        ...(item.eTag ? { headers: { 'If-Match': item.eTag } } : {}),
      });
    }
    const responses = await graph.batch(writes);
    for (const r of responses) if (r.status >= 300) throw subError(r);
    return {
      checked: { contracts: checked, audit: entries.length },
      resealed: { contracts: resealedContracts, audit: writes.length },
      unreadable,
    };
  }
}
