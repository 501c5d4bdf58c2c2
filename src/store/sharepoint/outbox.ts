// The notification outbox (OutboxStore of the follow-up engine) in a SharePoint list, for running
// several API instances: an item is claimed by writing ClaimedBy/ClaimedUntil with its ETag
// (If-Match), so when two instances race for the same item exactly one claim succeeds (the other
// gets 412 and skips it). Every later step (begin attempt, sent, failed, dead) is again a write
// with the ETag by the lease holder only, so a notification is sent once. The idempotency key is a
// unique indexed column: enqueueing the same notification twice stores it once.
import type {
  NewNotification,
  Notification,
  OutboxState,
  OutboxStats,
  OutboxStore,
} from '../../followup/followup.port.ts';
import { type Graph, GraphHttpError, type SubRequest, subError } from './graph.ts';
import { filterOn, type ListKey } from './schema.ts';

interface OutboxFields {
  IdempotencyKey: string;
  State: OutboxState;
  NotBefore: string;
  ClaimedBy?: string | null;
  ClaimedUntil?: string | null;
  Attempts?: number;
  LastAttemptAt?: string | null;
  LastError?: string | null;
  Payload: string;
}

interface OutboxItem {
  id: string;
  eTag: string;
  fields: OutboxFields;
}

interface Payload {
  recipientUserId: string;
  taskId: string;
  kind: Notification['kind'];
  dueDate: string;
  leadDays: number;
  createdAt: string;
}

function toNotification(item: OutboxItem): Notification {
  const p = JSON.parse(item.fields.Payload) as Payload;
  return {
    id: Number(item.id),
    idempotencyKey: item.fields.IdempotencyKey,
    recipientUserId: p.recipientUserId,
    taskId: p.taskId,
    kind: p.kind,
    dueDate: p.dueDate,
    leadDays: p.leadDays,
    notBefore: item.fields.NotBefore,
    attempts: Number(item.fields.Attempts ?? 0),
    createdAt: p.createdAt,
  };
}

export class SharePointOutbox implements OutboxStore {
  private readonly path: string;
  constructor(
    private readonly graph: Graph,
    siteId: string,
    lists: Readonly<Record<ListKey, string>>,
    private readonly now: () => Date = () => new Date(),
  ) {
    this.path = `/sites/${encodeURIComponent(siteId)}/lists/${lists.outbox}/items`;
  }

  async enqueue(items: readonly NewNotification[]): Promise<number> {
    const createdAt = this.now().toISOString();
    const responses = await this.graph.batch(
      items.map((i) => ({
        method: 'POST' as const,
        url: this.path,
        body: {
          fields: {
            Title: i.kind,
            IdempotencyKey: i.idempotencyKey,
            State: 'pending',
            NotBefore: new Date(i.notBefore).toISOString(),
            Attempts: 0,
            Payload: JSON.stringify({
              recipientUserId: i.recipientUserId,
              taskId: i.taskId,
              kind: i.kind,
              dueDate: i.dueDate,
              leadDays: i.leadDays,
              createdAt,
            } satisfies Payload),
          },
        },
      })),
    );
    let n = 0;
    for (const r of responses) {
      if (r.status < 300) n++;
      else if (r.status !== 409) throw subError(r);
    }
    return n;
  }

  private async pending(): Promise<OutboxItem[]> {
    return this.graph.all<OutboxItem>(
      `${this.path}?$expand=fields&$top=500&$filter=${encodeURIComponent(filterOn('outbox', 'State', 'eq', 'pending'))}`,
    );
  }

  async claimDue(
    now: Date,
    limit: number,
    leaseMs: number,
    workerId: string,
  ): Promise<Notification[]> {
    const t = now.getTime();
    const due = (await this.pending())
      .filter(
        (i) =>
          Date.parse(i.fields.NotBefore) <= t &&
          (!i.fields.ClaimedUntil || Date.parse(i.fields.ClaimedUntil) <= t),
      )
      .sort((a, b) => Date.parse(a.fields.NotBefore) - Date.parse(b.fields.NotBefore))
      .slice(0, Math.max(0, limit));
    if (due.length === 0) return [];
    const until = new Date(t + leaseMs).toISOString();
    const responses = await this.graph.batch(
      due.map(
        (i): SubRequest => ({
          method: 'PATCH',
          url: `${this.path}/${i.id}/fields`,
          body: { ClaimedBy: workerId, ClaimedUntil: until },
          headers: { 'If-Match': i.eTag },
        }),
      ),
    );
    const claimed: Notification[] = [];
    responses.forEach((r, n) => {
      const item = due[n] as OutboxItem;
      if (r.status < 300) claimed.push(toNotification(item));
      else if (r.status !== 412 && r.status !== 404) throw subError(r);
    });
    return claimed;
  }

  private async item(id: number): Promise<OutboxItem | null> {
    try {
      return await this.graph.get<OutboxItem>(`${this.path}/${id}?$expand=fields`);
    } catch (e) {
      if (e instanceof GraphHttpError && e.status === 404) return null;
      throw e;
    }
  }

  /**
   * Writes `change` if `workerId` holds the pending item (and, when `at` is given, its lease is still
   * live at `at`), with the item's ETag; false otherwise.
   */
  private async asHolder(
    id: number,
    workerId: string,
    at: Date | null,
    change: (f: OutboxFields) => Partial<OutboxFields>,
  ): Promise<boolean> {
    for (let attempt = 0; attempt < 5; attempt++) {
      const item = await this.item(id);
      if (!item) return false;
      if (item.fields.State !== 'pending' || item.fields.ClaimedBy !== workerId) return false;
      const until = item.fields.ClaimedUntil ? Date.parse(item.fields.ClaimedUntil) : 0;
      if (at && until <= at.getTime()) return false;
      try {
        await this.graph.request('PATCH', `${this.path}/${id}/fields`, change(item.fields), {
          'If-Match': item.eTag,
        });
        return true;
      } catch (e) {
        if (!(e instanceof GraphHttpError && e.status === 412)) throw e;
      }
    }
    return false;
  }

  beginAttempt(id: number, workerId: string, at: Date, leaseMs: number): Promise<boolean> {
    return this.asHolder(id, workerId, at, (f) => ({
      Attempts: Number(f.Attempts ?? 0) + 1,
      LastAttemptAt: at.toISOString(),
      ClaimedUntil: new Date(at.getTime() + leaseMs).toISOString(),
    }));
  }

  markSent(id: number, workerId: string, _at: Date): Promise<boolean> {
    return this.asHolder(id, workerId, null, () => ({
      State: 'sent',
      ClaimedBy: null,
      ClaimedUntil: null,
    }));
  }

  markFailed(id: number, workerId: string, retryAt: Date, error: string): Promise<boolean> {
    return this.asHolder(id, workerId, null, () => ({
      NotBefore: retryAt.toISOString(),
      ClaimedBy: null,
      ClaimedUntil: null,
      LastError: error.slice(0, 2000),
    }));
  }

  markDead(id: number, workerId: string, error: string): Promise<boolean> {
    return this.asHolder(id, workerId, null, () => ({
      State: 'dead',
      ClaimedBy: null,
      ClaimedUntil: null,
      LastError: error.slice(0, 2000),
    }));
  }

  private async everything(): Promise<OutboxItem[]> {
    return this.graph.all<OutboxItem>(`${this.path}?$expand=fields&$top=1000`);
  }

  async recentAttempts(since: Date): Promise<{ recipientUserId: string; at: number }[]> {
    const t = since.getTime();
    return (await this.everything())
      .filter((i) => i.fields.LastAttemptAt && Date.parse(i.fields.LastAttemptAt) >= t)
      .map((i) => ({
        recipientUserId: (JSON.parse(i.fields.Payload) as Payload).recipientUserId,
        at: Date.parse(i.fields.LastAttemptAt as string),
      }))
      .sort((a, b) => a.at - b.at);
  }

  async get(
    id: number,
  ): Promise<(Notification & { state: OutboxState; lastError: string | null }) | null> {
    const item = await this.item(id);
    if (!item) return null;
    return {
      ...toNotification(item),
      state: item.fields.State,
      lastError: item.fields.LastError ?? null,
    };
  }

  async stats(): Promise<OutboxStats> {
    const out = { pending: 0, sent: 0, dead: 0 };
    for (const i of await this.everything()) out[i.fields.State]++;
    return out;
  }
}
