// A read cache of one SharePoint list, kept current with the list-item delta query: the first sync
// enumerates the list in pages of `pageSize` (⌈n / pageSize⌉ requests), later syncs fetch only what
// changed since the last deltaLink (usually one request). The adapter's own writes are applied at
// once, so an instance always reads its own writes; other instances' writes arrive with the next
// delta, at most `maxStalenessMs` later. A 410 (token expired) starts a fresh enumeration.
// The cache is shared by every user of the instance, so it is always read with the app's token
// (`asApp`), also when a user's request triggers the refresh: a user's narrower SharePoint
// permissions never shrink what everyone reads (reads are governed by the app's projection).
import { asApp } from './caller.ts';
import { type Graph, GraphHttpError } from './graph.ts';

export interface MirroredItem {
  readonly id: string;
  readonly etag: string;
  readonly fields: Readonly<Record<string, unknown>>;
}

interface GraphItem {
  id: string;
  eTag?: string;
  '@odata.etag'?: string;
  deleted?: { state?: string };
  fields?: Record<string, unknown>;
}

export interface MirrorOptions {
  readonly pageSize: number;
  /** Reads trigger a delta sync when the last one is older than this (0: every read). */
  readonly maxStalenessMs: number;
}

export class ListMirror {
  private readonly items = new Map<string, MirroredItem>();
  private deltaLink: string | null = null;
  private lastSync = 0;
  private running: Promise<void> | null = null;
  /** Called for every item added, changed or removed (removed: `item` null). */
  onChange: ((id: string, item: MirroredItem | null, before: MirroredItem | null) => void) | null =
    null;

  constructor(
    private readonly graph: Graph,
    private readonly itemsPath: string,
    private readonly options: MirrorOptions,
  ) {}

  get size(): number {
    return this.items.size;
  }

  values(): IterableIterator<MirroredItem> {
    return this.items.values();
  }

  get(id: string): MirroredItem | undefined {
    return this.items.get(id);
  }

  /** Brings the cache up to date if it is older than maxStalenessMs (or when forced). */
  async sync(force = false): Promise<void> {
    if (!force && this.deltaLink && Date.now() - this.lastSync < this.options.maxStalenessMs)
      return;
    // One sync at a time; callers that arrive meanwhile share it.
    if (this.running) return this.running;
    this.running = asApp(() => this.runSync()).finally(() => {
      this.running = null;
    });
    return this.running;
  }

  private async runSync(): Promise<void> {
    const started = Date.now();
    const initial = this.deltaLink === null;
    let next =
      this.deltaLink ?? `${this.itemsPath}/delta?$expand=fields&$top=${this.options.pageSize}`;
    const seen = initial ? new Set<string>() : null;
    for (;;) {
      let page: { value: GraphItem[]; '@odata.nextLink'?: string; '@odata.deltaLink'?: string };
      try {
        page = await this.graph.get(next);
      } catch (e) {
        if (e instanceof GraphHttpError && e.status === 410) {
          this.deltaLink = null;
          return this.runSync();
        }
        throw e;
      }
      for (const raw of page.value) {
        if (raw.deleted) this.remove(raw.id);
        else {
          this.put(raw);
          seen?.add(raw.id);
        }
      }
      if (page['@odata.nextLink']) {
        next = this.graph.relative(page['@odata.nextLink']);
        continue;
      }
      if (!page['@odata.deltaLink']) throw new Error('Delta-svaret mangler @odata.deltaLink');
      this.deltaLink = this.graph.relative(page['@odata.deltaLink']);
      break;
    }
    // After a full enumeration, anything not seen is gone.
    if (seen) for (const id of [...this.items.keys()]) if (!seen.has(id)) this.remove(id);
    this.lastSync = started;
  }

  /** Applies an item from a Graph response (create/update/get) to the cache. */
  put(raw: GraphItem | MirroredItem): MirroredItem {
    const etag = 'etag' in raw ? raw.etag : (raw.eTag ?? raw['@odata.etag'] ?? '');
    const fields = raw.fields ?? {};
    const item: MirroredItem = { id: String(raw.id), etag, fields };
    const before = this.items.get(item.id) ?? null;
    this.items.set(item.id, item);
    this.onChange?.(item.id, item, before);
    return item;
  }

  /** Applies a PATCH …/fields response (a fieldValueSet with its @odata.etag). */
  putFields(id: string, fields: Record<string, unknown>): MirroredItem {
    const etag = String(fields['@odata.etag'] ?? '');
    return this.put({ id, etag, fields });
  }

  remove(id: string): void {
    const before = this.items.get(id) ?? null;
    if (!before) return;
    this.items.delete(id);
    this.onChange?.(id, null, before);
  }
}
