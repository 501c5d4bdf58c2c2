// The follow-up engine's stores on SharePoint (STORE=sharepoint), shared by every API instance:
// tasks with their history, routines and settings, plan fingerprints, and the bot's conversation
// references. Each list is read through a delta-synced mirror (like the register), so the engine's
// synchronous reads are served from memory; writes go in `$batch` requests (≤ 20 per request), an
// update with the item's ETag (If-Match). Keys are unique indexed columns: two instances creating
// the same task store it once.
import { createHash } from 'node:crypto';
import {
  DEFAULT_SETTINGS,
  type FollowUpSettings,
  type Routine,
  type RoutineData,
  type ScanTask,
  settingsSchema,
  type Task,
  type TaskEvent,
} from '../../core/followup/index.ts';
import type { ConversationRef, ConversationRefStore } from '../../followup/followup.port.ts';
import type {
  FollowUpStore,
  PlanState,
  SaveRoutineResult,
  TaskQuery,
} from '../../followup/followup-store.port.ts';
import { type Graph, GraphHttpError, type SubRequest, subError } from './graph.ts';
import { ListMirror, type MirroredItem } from './mirror.ts';
import { filterOn, fromChunks, type ListKey, SMALL_CHUNKS, toChunks } from './schema.ts';

type Fields = Record<string, unknown>;

/** One list mirrored in memory and indexed by its unique key column. */
export class KeyedList {
  readonly mirror: ListMirror;
  private readonly byKey = new Map<string, string>();
  readonly path: string;

  constructor(
    private readonly graph: Graph,
    siteId: string,
    listId: string,
    readonly list: ListKey,
    readonly keyColumn: string,
    options: { pageSize: number; maxStalenessMs: number },
    onChange?: (item: MirroredItem | null, before: MirroredItem | null) => void,
  ) {
    this.path = `/sites/${encodeURIComponent(siteId)}/lists/${listId}/items`;
    this.mirror = new ListMirror(graph, this.path, options);
    this.mirror.onChange = (_id, item, before) => {
      if (before) this.byKey.delete(String(before.fields[keyColumn]));
      if (item) this.byKey.set(String(item.fields[keyColumn]), item.id);
      onChange?.(item, before);
    };
  }

  get(key: string): MirroredItem | undefined {
    const id = this.byKey.get(key);
    return id === undefined ? undefined : this.mirror.get(id);
  }

  /** Reads one item by key from SharePoint (indexed filter) into the mirror. */
  async fetch(key: string): Promise<MirroredItem | undefined> {
    const found = await this.graph.all<{ id: string; eTag?: string; fields: Fields }>(
      `${this.path}?$expand=fields&$filter=${encodeURIComponent(filterOn(this.list, this.keyColumn, 'eq', key))}`,
    );
    const raw = found[0];
    return raw ? this.mirror.put(raw) : undefined;
  }

  create(fields: Fields): SubRequest {
    return { method: 'POST', url: this.path, body: { fields } };
  }

  update(item: MirroredItem, fields: Fields, guarded = true): SubRequest {
    return {
      method: 'PATCH',
      url: `${this.path}/${item.id}/fields`,
      body: fields,
      ...(guarded ? { headers: { 'If-Match': item.etag } } : {}),
    };
  }

  /** Applies a write's answer to the mirror (the instance reads its own writes at once). */
  apply(request: SubRequest, status: number, body: unknown): void {
    if (status >= 300) return;
    if (request.method === 'POST') this.mirror.put(body as { id: string; fields: Fields });
    else if (request.method === 'PATCH') {
      const id = request.url.split('/').at(-2) as string;
      const before = this.mirror.get(id);
      this.mirror.putFields(id, { ...(before?.fields ?? {}), ...(body as Fields) });
    } else if (request.method === 'DELETE')
      this.mirror.remove(request.url.split('/').at(-1) as string);
  }

  /** Sends writes in `$batch` requests; returns each status (412/409/404 are for the caller). */
  async write(requests: readonly SubRequest[]): Promise<number[]> {
    if (requests.length === 0) return [];
    const responses = await this.graph.batch(requests);
    return responses.map((r, n) => {
      const req = requests[n] as SubRequest;
      if (r.status >= 300 && ![404, 409, 412].includes(r.status)) throw subError(r);
      this.apply(req, r.status, r.body);
      return r.status;
    });
  }
}

const json = (item: MirroredItem) => fromChunks('Data', item.fields, SMALL_CHUNKS);

export interface SharePointFollowUpOptions {
  readonly graph: Graph;
  readonly siteId: string;
  readonly lists: Readonly<Record<ListKey, string>>;
  /** Delta page size (default 1,000). */
  readonly pageSize?: number;
  /** Reads refresh when the mirror is older than this (default 2 s). */
  readonly maxStalenessMs?: number;
}

/**
 * `FollowUpStore` on SharePoint lists. A task item holds the whole task with its history as JSON
 * (`Data0…`), and the values an administrator may want in a view as flat columns. Appending to the
 * history is an ETag-guarded write of the task, so history stays append-only per task version.
 */
export class SharePointFollowUpStore implements FollowUpStore {
  private readonly tasks: KeyedList;
  private readonly config: KeyedList;
  private readonly plans: KeyedList;
  private readonly parsed = new Map<string, Task>();
  private readonly byContract = new Map<string, Set<string>>();

  constructor(o: SharePointFollowUpOptions) {
    const opts = { pageSize: o.pageSize ?? 1000, maxStalenessMs: o.maxStalenessMs ?? 2000 };
    this.tasks = new KeyedList(
      o.graph,
      o.siteId,
      o.lists.followupTasks,
      'followupTasks',
      'TaskId',
      opts,
      (item, before) => {
        if (before) {
          const id = String(before.fields.TaskId);
          this.parsed.delete(id);
          this.byContract.get(String(before.fields.ContractId))?.delete(id);
        }
        if (item) {
          const id = String(item.fields.TaskId);
          this.parsed.delete(id);
          const c = String(item.fields.ContractId);
          let set = this.byContract.get(c);
          if (!set) {
            set = new Set();
            this.byContract.set(c, set);
          }
          set.add(id);
        }
      },
    );
    this.config = new KeyedList(
      o.graph,
      o.siteId,
      o.lists.followupConfig,
      'followupConfig',
      'ConfigKey',
      opts,
    );
    this.plans = new KeyedList(
      o.graph,
      o.siteId,
      o.lists.followupPlans,
      'followupPlans',
      'ContractId',
      opts,
    );
  }

  async refresh(force = false): Promise<void> {
    await Promise.all([
      this.tasks.mirror.sync(force),
      this.config.mirror.sync(force),
      this.plans.mirror.sync(force),
    ]);
  }

  // --- plan fingerprints -------------------------------------------------------------------

  planStates(): Map<string, PlanState> {
    const out = new Map<string, PlanState>();
    for (const i of this.plans.mirror.values()) {
      const contractId = String(i.fields.ContractId);
      out.set(contractId, {
        contractId,
        fingerprint: String(i.fields.Fingerprint ?? ''),
        reviewOn:
          typeof i.fields.ReviewOn === 'string' && i.fields.ReviewOn ? i.fields.ReviewOn : null,
      });
    }
    return out;
  }

  async clearPlanStates(contractIds?: readonly string[]): Promise<void> {
    const items = contractIds
      ? contractIds.flatMap((id) => this.plans.get(id) ?? [])
      : [...this.plans.mirror.values()];
    await this.plans.write(
      items.map((i) => ({ method: 'DELETE', url: `${this.plans.path}/${i.id}` })),
    );
  }

  private planWrites(states: readonly PlanState[]): SubRequest[] {
    return states.map((p) => {
      const fields = { Fingerprint: p.fingerprint, ReviewOn: p.reviewOn };
      const have = this.plans.get(p.contractId);
      return have
        ? this.plans.update(have, fields, false)
        : this.plans.create({ Title: p.contractId, ContractId: p.contractId, ...fields });
    });
  }

  private async writePlans(states: readonly PlanState[]): Promise<void> {
    const statuses = await this.plans.write(this.planWrites(states));
    // 409: another instance stored the same contract's fingerprint first; overwrite it.
    const again = states.filter((_, n) => statuses[n] === 409);
    for (const p of again) await this.plans.fetch(p.contractId);
    if (again.length > 0) await this.plans.write(this.planWrites(again));
  }

  // --- settings and routines ---------------------------------------------------------------

  getSettings(): FollowUpSettings {
    const item = this.config.get('settings');
    const text = item ? json(item) : null;
    return text ? settingsSchema.parse(JSON.parse(text)) : DEFAULT_SETTINGS;
  }

  async saveSettings(settings: FollowUpSettings, actorId: string, at: string): Promise<void> {
    const fields = {
      Version: Number(this.config.get('settings')?.fields.Version ?? 0) + 1,
      UpdatedAt: at,
      UpdatedBy: actorId,
      ...toChunks('Data', JSON.stringify(settings), SMALL_CHUNKS),
    };
    for (let attempt = 0; attempt < 5; attempt++) {
      const have = this.config.get('settings');
      const [status] = await this.config.write([
        have
          ? this.config.update(have, fields, false)
          : this.config.create({ Title: 'settings', ConfigKey: 'settings', ...fields }),
      ]);
      if (status !== undefined && status < 300) return;
      await this.config.fetch('settings');
    }
    throw new Error('Kunne ikke lagre innstillingene i SharePoint');
  }

  private routineItems(): MirroredItem[] {
    return [...this.config.mirror.values()].filter((i) =>
      String(i.fields.ConfigKey).startsWith('routine:'),
    );
  }

  private toRoutine(i: MirroredItem): Routine {
    return {
      ...(JSON.parse(json(i) ?? '{}') as RoutineData),
      version: Number(i.fields.Version ?? 1),
      updatedAt: String(i.fields.UpdatedAt ?? ''),
      updatedBy: String(i.fields.UpdatedBy ?? ''),
    };
  }

  routineCount(): number {
    return this.routineItems().length;
  }

  listRoutines(): Routine[] {
    return this.routineItems()
      .map((i) => this.toRoutine(i))
      .sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  }

  getRoutine(id: string): Routine | null {
    const i = this.config.get(`routine:${id}`);
    return i ? this.toRoutine(i) : null;
  }

  async saveRoutine(
    routine: RoutineData,
    expectedVersion: number | null | 'create',
    actorId: string,
    at: string,
  ): Promise<SaveRoutineResult> {
    const key = `routine:${routine.id}`;
    for (let attempt = 0; attempt < 5; attempt++) {
      const current = this.config.get(key);
      const currentVersion = current ? Number(current.fields.Version ?? 1) : null;
      if (expectedVersion === 'create' && current) return 'exists';
      if (typeof expectedVersion === 'number') {
        if (!current) return 'missing';
        if (currentVersion !== expectedVersion) return 'stale';
      }
      const version = (currentVersion ?? 0) + 1;
      const fields = {
        Version: version,
        UpdatedAt: at,
        UpdatedBy: actorId,
        ...toChunks('Data', JSON.stringify(routine), SMALL_CHUNKS),
      };
      const [status] = await this.config.write([
        current
          ? this.config.update(current, fields)
          : this.config.create({ Title: routine.id, ConfigKey: key, ...fields }),
      ]);
      if (status !== undefined && status < 300)
        return { ...routine, version, updatedAt: at, updatedBy: actorId };
      // 412/409: another instance wrote it meanwhile; look again with its version.
      await this.config.fetch(key);
    }
    return 'stale';
  }

  async removeRoutine(id: string): Promise<boolean> {
    const item = this.config.get(`routine:${id}`);
    if (!item) return false;
    const [status] = await this.config.write([
      { method: 'DELETE', url: `${this.config.path}/${item.id}` },
    ]);
    return status !== undefined && status < 300;
  }

  // --- tasks -------------------------------------------------------------------------------

  private task(id: string): Task | null {
    const cached = this.parsed.get(id);
    if (cached) return cached;
    const item = this.tasks.get(id);
    const text = item ? json(item) : null;
    if (!item || !text) return null;
    const t = { ...(JSON.parse(text) as Task), version: Number(item.fields.Version ?? 1) };
    this.parsed.set(id, t);
    return t;
  }

  private *allTasks(): IterableIterator<Task> {
    for (const i of this.tasks.mirror.values()) {
      const t = this.task(String(i.fields.TaskId));
      if (t) yield t;
    }
  }

  getTask(id: string): Task | null {
    return this.task(id);
  }

  tasksOfContracts(contractIds: readonly string[], opts: { history?: boolean } = {}): Task[] {
    const out: Task[] = [];
    for (const c of contractIds) {
      for (const id of this.byContract.get(c) ?? []) {
        const t = this.task(id);
        if (t) out.push(opts.history === false ? { ...t, history: [] } : t);
      }
    }
    return out;
  }

  query(q: TaskQuery): Task[] {
    if (q.contractIds && q.contractIds.length === 0) return [];
    const states = new Set(q.states ?? ['open', 'snoozed']);
    const source = q.contractIds ? this.tasksOfContracts(q.contractIds) : this.allTasks();
    const out: Task[] = [];
    for (const t of source) {
      if (q.assigneeId !== undefined || q.team) {
        const mine = q.assigneeId !== undefined && t.assigneeId === q.assigneeId;
        const team =
          Boolean(q.team) && t.assigneeId === null && t.responsibleRole === 'kontraktservice';
        if (!mine && !team) continue;
      }
      if (q.unitId !== undefined && t.unitId !== q.unitId) continue;
      if (!states.has(t.state)) continue;
      if (q.dueOnOrBefore && t.dueDate > q.dueOnOrBefore) continue;
      if (q.dueOnOrAfter && t.dueDate < q.dueOnOrAfter) continue;
      out.push(t);
    }
    out.sort((a, b) =>
      a.dueDate === b.dueDate
        ? a.id < b.id
          ? -1
          : a.id > b.id
            ? 1
            : 0
        : a.dueDate < b.dueDate
          ? -1
          : 1,
    );
    return out.slice(0, Math.min(Math.max(q.limit ?? 500, 1), 5000));
  }

  *scan(from: string, to: string): IterableIterator<ScanTask> {
    for (const t of this.allTasks()) {
      if ((t.state === 'open' || t.state === 'snoozed') && t.dueDate >= from && t.dueDate <= to) {
        yield {
          id: t.id,
          assigneeId: t.assigneeId,
          dueDate: t.dueDate,
          state: t.state,
          snoozedUntil: t.snoozedUntil,
          leadTimesDays: t.leadTimesDays,
        };
      }
    }
  }

  private taskFields(t: Task): Fields {
    return {
      ContractId: t.contractId,
      State: t.state,
      DueDate: t.dueDate,
      AssigneeId: t.assigneeId,
      Version: t.version,
      ...toChunks('Data', JSON.stringify(t), SMALL_CHUNKS),
    };
  }

  /**
   * New tasks are created (409: another instance created the same key first — kept as it is);
   * changed tasks are written with the ETag they were read with (412: another instance changed
   * the task meanwhile — a person's action wins over a regeneration from stale data; the next
   * regeneration reconciles again). Then the plan fingerprints.
   */
  async saveTasks(
    created: readonly Task[],
    changed: readonly { task: Task; events: readonly TaskEvent[] }[],
    planStates: readonly PlanState[] = [],
  ): Promise<void> {
    const requests: SubRequest[] = created.map((t) =>
      this.tasks.create({ Title: t.id.slice(0, 255), TaskId: t.id, ...this.taskFields(t) }),
    );
    const skipped = new Set<string>();
    for (const { task } of changed) {
      const item = this.tasks.get(task.id);
      if (item) requests.push(this.tasks.update(item, this.taskFields(task)));
      else skipped.add(task.contractId);
    }
    const statuses = await this.tasks.write(requests);
    // A contract whose write lost a race is planned again next time: forget its fingerprint.
    statuses.forEach((s, n) => {
      if (s === 412 || s === 404) {
        const t = n < created.length ? created[n] : changed[n - created.length]?.task;
        if (t) skipped.add(t.contractId);
      }
      if (s === 409 && n < created.length)
        void this.tasks.fetch((created[n] as Task).id).catch(() => undefined);
    });
    await this.writePlans(planStates.filter((p) => !skipped.has(p.contractId)));
    if (skipped.size > 0) await this.clearPlanStates([...skipped]);
  }

  async updateTask(
    task: Task,
    expectedVersion: number,
    _events: readonly TaskEvent[],
  ): Promise<boolean> {
    for (let attempt = 0; attempt < 3; attempt++) {
      const item = this.tasks.get(task.id);
      if (!item || Number(item.fields.Version ?? 1) !== expectedVersion) return false;
      const [status] = await this.tasks.write([this.tasks.update(item, this.taskFields(task))]);
      if (status !== undefined && status < 300) return true;
      if (status === 404) return false;
      // 412: the cache was stale; read the task again and compare versions.
      await this.tasks.fetch(task.id);
    }
    return false;
  }
}

/** The bot's conversation references in a SharePoint list (one item per user and conversation). */
export class SharePointConversationRefs implements ConversationRefStore {
  private readonly refs: KeyedList;

  constructor(
    o: SharePointFollowUpOptions,
    private readonly now: () => Date = () => new Date(),
  ) {
    this.refs = new KeyedList(o.graph, o.siteId, o.lists.conversations, 'conversations', 'RefKey', {
      pageSize: o.pageSize ?? 1000,
      maxStalenessMs: o.maxStalenessMs ?? 2000,
    });
  }

  private static key(userId: string, conversationId: string): string {
    // The key column holds at most 255 characters; conversation ids can be long, so hash the pair.
    return createHash('sha256').update(`${userId}\u0000${conversationId}`).digest('base64url');
  }

  async save(ref: Omit<ConversationRef, 'updatedAt'>): Promise<void> {
    await this.refs.mirror.sync();
    const key = SharePointConversationRefs.key(ref.userId, ref.conversationId);
    const fields = {
      UserId: ref.userId,
      ConversationId: ref.conversationId,
      Kind: ref.kind,
      UpdatedAt: this.now().toISOString(),
      Reference: ref.referenceJson,
    };
    for (let attempt = 0; attempt < 3; attempt++) {
      const have = this.refs.get(key);
      const [status] = await this.refs.write([
        have
          ? this.refs.update(have, fields, false)
          : this.refs.create({ Title: ref.userId.slice(0, 255), RefKey: key, ...fields }),
      ]);
      if (status !== undefined && status < 300) return;
      await this.refs.fetch(key);
    }
    throw new GraphHttpError(409, 'conflict', 'Kunne ikke lagre samtalereferansen');
  }

  async get(
    userId: string,
    kind: 'personal' | 'channel' = 'personal',
  ): Promise<ConversationRef | null> {
    await this.refs.mirror.sync();
    let best: ConversationRef | null = null;
    for (const i of this.refs.mirror.values()) {
      if (i.fields.UserId !== userId || i.fields.Kind !== kind) continue;
      const r: ConversationRef = {
        userId,
        conversationId: String(i.fields.ConversationId),
        kind,
        referenceJson: String(i.fields.Reference ?? ''),
        updatedAt: String(i.fields.UpdatedAt ?? ''),
      };
      if (!best || r.updatedAt > best.updatedAt) best = r;
    }
    return best;
  }

  async remove(userId: string, conversationId: string): Promise<void> {
    await this.refs.mirror.sync();
    const item = this.refs.get(SharePointConversationRefs.key(userId, conversationId));
    if (item) await this.refs.write([{ method: 'DELETE', url: `${this.refs.path}/${item.id}` }]);
  }
}
