// Ordered spend analyses ("Bestill innkjøpsanalyse") in a SharePoint list (STORE=sharepoint), so
// every API instance sees the same orders. One item per order: the order as JSON (`Data0…`), its
// analysis once done (`Result0…`), and flat columns for views. Lists are served from a delta mirror;
// a versioned write reads the item fresh by its indexed key and writes it with the item's ETag
// (If-Match), so two instances running or cancelling the same order at once: one wins, the other
// gets `false` (→ 409 in the order service), exactly as the SQLite `version` check.

import type { AnalysisResult } from '../../spend/analysis.ts';
import type {
  OrderRecord,
  OrderRecordQuery,
  OrderRecordStore,
  StoredOrder,
} from '../../spend/orders.ts';
import { KeyedList } from './followup-store.ts';
import type { Graph } from './graph.ts';
import type { MirroredItem } from './mirror.ts';
import { fromChunks, type ListKey, SMALL_CHUNKS, toChunks } from './schema.ts';

export interface SharePointOrderOptions {
  readonly graph: Graph;
  readonly siteId: string;
  readonly lists: Readonly<Record<ListKey, string>>;
  readonly pageSize?: number;
  readonly maxStalenessMs?: number;
}

function orderOf(item: MirroredItem): StoredOrder | null {
  const text = fromChunks('Data', item.fields, SMALL_CHUNKS);
  return text ? (JSON.parse(text) as StoredOrder) : null;
}

function fieldsOf(order: StoredOrder, result?: AnalysisResult): Record<string, unknown> {
  return {
    Title: order.question.slice(0, 255),
    OrderId: order.id,
    State: order.state,
    UnitId: order.unitId.slice(0, 255),
    RequestedBy: order.requestedBy.id.slice(0, 255),
    CreatedAt: order.createdAt,
    Version: order.version,
    ...toChunks('Data', JSON.stringify(order), SMALL_CHUNKS),
    ...(result ? toChunks('Result', JSON.stringify(result)) : {}),
  };
}

export class SharePointOrderRecords implements OrderRecordStore {
  private readonly items: KeyedList;

  constructor(o: SharePointOrderOptions) {
    this.items = new KeyedList(o.graph, o.siteId, o.lists.spendOrders, 'spendOrders', 'OrderId', {
      pageSize: o.pageSize ?? 1000,
      maxStalenessMs: o.maxStalenessMs ?? 2000,
    });
  }

  async get(id: string): Promise<OrderRecord | null> {
    const item = await this.items.fetch(id);
    const order = item ? orderOf(item) : null;
    if (!item || !order) return null;
    const result = fromChunks('Result', item.fields);
    return { order, result: result ? (JSON.parse(result) as AnalysisResult) : null };
  }

  async insert(order: StoredOrder): Promise<void> {
    const [status] = await this.items.write([this.items.create(fieldsOf(order))]);
    // 409: the same order id exists — a create sent again after its answer was lost.
    if (status === 409 && (await this.get(order.id))?.order.createdAt !== order.createdAt) {
      throw new Error(`Bestillingen ${order.id} finnes allerede`);
    }
  }

  async update(order: StoredOrder, expected: number, result?: AnalysisResult): Promise<boolean> {
    const item = await this.items.fetch(order.id);
    if (!item || Number(item.fields.Version) !== expected) return false;
    const [status] = await this.items.write([this.items.update(item, fieldsOf(order, result))]);
    return status !== undefined && status < 300;
  }

  async list(q: OrderRecordQuery): Promise<{ orders: StoredOrder[]; total: number }> {
    await this.items.mirror.sync();
    const states = q.states && q.states.length > 0 ? new Set<string>(q.states) : null;
    const matched: StoredOrder[] = [];
    for (const item of this.items.mirror.values()) {
      const o = orderOf(item);
      if (!o) continue;
      if (states && !states.has(o.state)) continue;
      if (q.requestedBy !== undefined && o.requestedBy.id !== q.requestedBy) continue;
      if (
        q.visibleTo &&
        o.requestedBy.id !== q.visibleTo.userId &&
        !(q.visibleTo.unitId !== null && o.unitId === q.visibleTo.unitId)
      )
        continue;
      matched.push(o);
    }
    // The SQLite order: created_at DESC, then id ascending.
    matched.sort((a, b) =>
      a.createdAt === b.createdAt
        ? a.id < b.id
          ? -1
          : a.id > b.id
            ? 1
            : 0
        : a.createdAt < b.createdAt
          ? 1
          : -1,
    );
    const limit = Math.min(500, Math.max(1, Math.floor(q.limit)));
    return { orders: matched.slice(0, limit), total: matched.length };
  }
}
