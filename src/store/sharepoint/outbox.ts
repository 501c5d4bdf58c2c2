// The notification outbox (OutboxStore of the follow-up engine) in a SharePoint list, for running
// several API instances: items are claimed with ETags (`etag-claims.ts`), so a notification is sent
// once whichever instance claims it. The idempotency key is a unique indexed column: enqueueing the
// same notification twice stores it once.
import type {
  NewNotification,
  Notification,
  OutboxState,
  OutboxStats,
  OutboxStore,
} from '../../followup/followup.port.ts';
import { EtagClaims } from './etag-claims.ts';
import { type Graph, subError } from './graph.ts';
import type { ListKey } from './schema.ts';

// A type (not an interface) so it fits the claim protocol's `Record<string, unknown>` fields.
type OutboxFields = {
  IdempotencyKey: string;
  State: OutboxState;
  NotBefore: string;
  ClaimedBy?: string | null;
  ClaimedUntil?: string | null;
  Attempts?: number;
  LastAttemptAt?: string | null;
  LastError?: string | null;
  Payload: string;
};

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

export class SharePointOutbox extends EtagClaims<OutboxItem> implements OutboxStore {
  constructor(
    graph: Graph,
    siteId: string,
    lists: Readonly<Record<ListKey, string>>,
    private readonly now: () => Date = () => new Date(),
  ) {
    super(
      graph,
      'outbox',
      `/sites/${encodeURIComponent(siteId)}/lists/${lists.outbox}/items`,
      false,
    );
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

  async claimDue(
    now: Date,
    limit: number,
    leaseMs: number,
    workerId: string,
  ): Promise<Notification[]> {
    return (await this.claimItems(now, limit, leaseMs, workerId)).map(toNotification);
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
