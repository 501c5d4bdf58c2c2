// The claim protocol of an outbox list (reminders in *Utboks*, channel posts in *Kanalutboks*): a
// due item is claimed by writing ClaimedBy/ClaimedUntil with its ETag (If-Match), so when two
// instances race for it exactly one claim succeeds (the other gets 412 and skips it); every later
// step — begin an attempt, sent, failed, dead — is again an ETag write by the claim holder only.
import {
  etagOf,
  type Graph,
  GraphHttpError,
  type ListItem,
  type SubRequest,
  subError,
} from './graph.ts';
import { filterOn, type ListKey } from './schema.ts';

type Fields = Record<string, unknown>;
const time = (v: unknown) => Date.parse(String(v));

export class EtagClaims<I extends ListItem> {
  constructor(
    protected readonly graph: Graph,
    private readonly list: Extract<ListKey, 'outbox' | 'channelOutbox'>,
    /** …/lists/{id}/items */
    protected readonly path: string,
    /** The list has a SentAt column (written when an item is sent). */
    private readonly sentAtColumn: boolean,
  ) {}

  /**
   * Claims up to `limit` pending items that are due at `now` and not under a live claim, oldest
   * first; returns those this worker won.
   */
  protected async claimItems(
    now: Date,
    limit: number,
    leaseMs: number,
    workerId: string,
  ): Promise<I[]> {
    const t = now.getTime();
    const pending = await this.graph.all<I>(
      `${this.path}?$expand=fields&$top=500&$filter=${encodeURIComponent(filterOn(this.list, 'State', 'eq', 'pending'))}`,
    );
    const due = pending
      .filter(
        (i) =>
          time(i.fields.NotBefore) <= t &&
          (!i.fields.ClaimedUntil || time(i.fields.ClaimedUntil) <= t),
      )
      .sort(
        (a, b) =>
          time(a.fields.NotBefore) - time(b.fields.NotBefore) || Number(a.id) - Number(b.id),
      )
      .slice(0, Math.max(0, limit));
    if (due.length === 0) return [];
    const until = new Date(t + leaseMs).toISOString();
    const responses = await this.graph.batch(
      due.map(
        (i): SubRequest => ({
          method: 'PATCH',
          url: `${this.path}/${i.id}/fields`,
          body: { ClaimedBy: workerId, ClaimedUntil: until },
          headers: { 'If-Match': etagOf(i) },
        }),
      ),
    );
    const won: I[] = [];
    responses.forEach((r, n) => {
      if (r.status < 300) won.push(due[n] as I);
      else if (r.status !== 412 && r.status !== 404) throw subError(r); // 412/404: another won
    });
    return won;
  }

  beginAttempt(id: number, workerId: string, at: Date, leaseMs: number): Promise<boolean> {
    return this.asHolder(id, workerId, at, (f) => ({
      Attempts: Number(f.Attempts ?? 0) + 1,
      LastAttemptAt: at.toISOString(),
      ClaimedUntil: new Date(at.getTime() + leaseMs).toISOString(),
    }));
  }

  markSent(id: number, workerId: string, at: Date): Promise<boolean> {
    return this.asHolder(id, workerId, null, () => ({
      State: 'sent',
      ...(this.sentAtColumn ? { SentAt: at.toISOString() } : {}),
      ClaimedBy: null,
      ClaimedUntil: null,
      LastError: null,
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

  async item(id: number): Promise<I | null> {
    try {
      return await this.graph.get<I>(`${this.path}/${id}?$expand=fields`);
    } catch (e) {
      if (e instanceof GraphHttpError && e.status === 404) return null;
      throw e;
    }
  }

  /**
   * Writes `change` if `workerId` holds the pending item (and, when `at` is given, its lease is
   * still live at `at`), with the item's ETag; false otherwise.
   */
  private async asHolder(
    id: number,
    workerId: string,
    at: Date | null,
    change: (f: Fields) => Fields,
  ): Promise<boolean> {
    for (let attempt = 0; attempt < 5; attempt++) {
      const item = await this.item(id);
      if (!item) return false;
      if (item.fields.State !== 'pending' || item.fields.ClaimedBy !== workerId) return false;
      const until = item.fields.ClaimedUntil ? time(item.fields.ClaimedUntil) : 0;
      if (at && until <= at.getTime()) return false;
      try {
        await this.graph.request('PATCH', `${this.path}/${id}/fields`, change(item.fields), {
          'If-Match': etagOf(item),
        });
        return true;
      } catch (e) {
        if (!(e instanceof GraphHttpError && e.status === 412)) throw e;
      }
    }
    return false;
  }
}
