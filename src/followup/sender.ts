import type { DeliveryResult, Notification, OutboxStore } from './followup.port.ts';
import {
  type RateWindow,
  SlidingWindowLimiter,
  TEAMS_CONVERSATION_LIMITS,
} from './rate-limiter.ts';

/** Statuses the Bot Connector documents as transient: retried with backoff. */
export const RETRYABLE_STATUSES: ReadonlySet<number> = new Set([412, 429, 502, 504]);

/** What the sender needs of an outbox item. */
export interface OutboxItem {
  readonly id: number;
  readonly attempts: number;
}

/**
 * The leased part of an outbox: `OutboxStore` (reminders) and the channel outbox (announcements).
 * `recentAttempts` returns the rate-limit key (`conversationKey`) as `recipientUserId`.
 */
export type LeasedOutbox<N extends OutboxItem> = Pick<
  OutboxStore,
  'beginAttempt' | 'markSent' | 'markFailed' | 'markDead' | 'recentAttempts'
> & {
  claimDue(now: Date, limit: number, leaseMs: number, workerId: string): Promise<N[]>;
};

export interface SenderOptions<N extends OutboxItem = Notification> {
  readonly outbox: LeasedOutbox<N>;
  readonly deliver: (item: N) => Promise<DeliveryResult>;
  /** Identifies this process's leases (e.g. host + pid + start time). */
  readonly workerId: string;
  readonly clock?: () => Date;
  /** Which rate-limited conversation an item goes to (default: the recipient's personal chat). */
  readonly conversationKey?: (n: N) => string;
  readonly limits?: readonly RateWindow[];
  readonly limitMarginMs?: number;
  /** How long a claim is held; an item whose holder died is sent again after this. */
  readonly leaseMs?: number;
  readonly batchSize?: number;
  readonly pollMs?: number;
  readonly maxAttempts?: number;
  readonly baseBackoffMs?: number;
  readonly maxBackoffMs?: number;
  readonly random?: () => number;
  readonly onError?: (message: string, error: unknown) => void;
  /** Called after an attempt is recorded and just before `deliver` (tests use it to crash here). */
  readonly beforeDeliver?: (n: N) => void;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, Math.max(0, ms)));

/**
 * Sends the outbox: claims due items with a lease, keeps every conversation within its rate limits
 * (state restored from the outbox after a restart), and marks an item sent in the same synchronous
 * step as the successful answer. 429/412/502/504 and network errors are retried with exponential
 * backoff and full jitter (honouring Retry-After); other errors end the item as dead.
 */
export class OutboxSender<N extends OutboxItem = Notification> {
  private readonly limiter: SlidingWindowLimiter;
  private readonly clock: () => Date;
  private readonly key: (n: N) => string;
  private readonly leaseMs: number;
  private running = false;
  private loop: Promise<void> | null = null;
  private wake: (() => void) | null = null;
  private seeded = false;

  constructor(private readonly o: SenderOptions<N>) {
    this.limiter = new SlidingWindowLimiter(
      o.limits ?? TEAMS_CONVERSATION_LIMITS,
      o.limitMarginMs ?? 150,
    );
    this.clock = o.clock ?? (() => new Date());
    this.key =
      o.conversationKey ?? ((n) => String((n as { recipientUserId?: string }).recipientUserId));
    this.leaseMs = o.leaseMs ?? 120_000;
  }

  /** Restores the rate-limit windows from attempts recorded in the last hour (survives restarts). */
  private async seed(): Promise<void> {
    if (this.seeded) return;
    const longest = Math.max(
      ...(this.o.limits ?? TEAMS_CONVERSATION_LIMITS).map((w) => w.windowMs),
    );
    for (const a of await this.o.outbox.recentAttempts(
      new Date(this.clock().getTime() - longest),
    )) {
      this.limiter.record(a.recipientUserId, a.at);
    }
    this.seeded = true;
  }

  /** Sends everything due now; returns how many items were sent. */
  async runOnce(): Promise<number> {
    await this.seed();
    const claimed = await this.o.outbox.claimDue(
      this.clock(),
      this.o.batchSize ?? 100,
      this.leaseMs,
      this.o.workerId,
    );
    if (claimed.length === 0) return 0;
    const queues = new Map<string, N[]>();
    for (const n of claimed) {
      const k = this.key(n);
      const list = queues.get(k) ?? [];
      if (list.length === 0) queues.set(k, list);
      list.push(n);
    }
    // One request in flight at a time: a crash leaves at most one delivery in doubt. Conversations
    // interleave: always the one whose rate limit frees up first.
    let sent = 0;
    while (queues.size > 0) {
      const now = this.clock().getTime();
      let best: [string, number] | null = null;
      for (const k of queues.keys()) {
        const at = this.limiter.nextAllowed(k, now);
        if (!best || at < best[1]) best = [k, at];
      }
      const [key, at] = best as [string, number];
      const queue = queues.get(key) as N[];
      const n = queue.shift() as N;
      if (queue.length === 0) queues.delete(key);
      if (at - now > this.leaseMs / 2) {
        // Too long to hold the lease: hand it back for later (no attempt is counted).
        await this.o.outbox.markFailed(n.id, this.o.workerId, new Date(at), 'rate limited');
        continue;
      }
      if (at > now) await sleep(at - now);
      if (await this.sendOne(key, n)) sent++;
    }
    return sent;
  }

  private async sendOne(key: string, n: N): Promise<boolean> {
    const start = this.clock();
    if (!(await this.o.outbox.beginAttempt(n.id, this.o.workerId, start, this.leaseMs)))
      return false;
    this.limiter.record(key, start.getTime());
    this.o.beforeDeliver?.(n);
    let result: DeliveryResult;
    try {
      result = await this.o.deliver(n);
    } catch (error) {
      result = { status: 0 };
      this.o.onError?.('Levering feilet', error);
    }
    if (result.status >= 200 && result.status < 300) {
      return this.o.outbox.markSent(n.id, this.o.workerId, this.clock());
    }
    const attempts = n.attempts + 1;
    const retryable = result.status === 0 || RETRYABLE_STATUSES.has(result.status);
    if (!retryable || attempts >= (this.o.maxAttempts ?? 12)) {
      await this.o.outbox.markDead(
        n.id,
        this.o.workerId,
        `HTTP ${result.status} after ${attempts} attempts`,
      );
      return false;
    }
    const base = this.o.baseBackoffMs ?? 1_000;
    const cap = this.o.maxBackoffMs ?? 15 * 60_000;
    const backoff = Math.min(cap, base * 2 ** (attempts - 1));
    const jittered = backoff / 2 + (this.o.random ?? Math.random)() * (backoff / 2);
    const retryAt = this.clock().getTime() + Math.max(jittered, result.retryAfterMs ?? 0);
    if (result.status === 429) this.limiter.block(key, retryAt);
    await this.o.outbox.markFailed(
      n.id,
      this.o.workerId,
      new Date(retryAt),
      `HTTP ${result.status}`,
    );
    return false;
  }

  /** Starts the loop: sends what is due, then waits `pollMs` (or until `kick()`). */
  start(): void {
    if (this.running) return;
    this.running = true;
    this.loop = (async () => {
      while (this.running) {
        let sent = 0;
        try {
          sent = await this.runOnce();
        } catch (error) {
          this.o.onError?.('Utsendingen feilet', error);
        }
        if (sent === 0 && this.running) {
          await new Promise<void>((resolve) => {
            this.wake = resolve;
            setTimeout(resolve, this.o.pollMs ?? 5_000);
          });
          this.wake = null;
        }
      }
    })();
  }

  /** Wakes the loop at once (after the scheduler wrote new notifications). */
  kick(): void {
    this.wake?.();
  }

  async stop(): Promise<void> {
    this.running = false;
    this.wake?.();
    await this.loop;
  }
}
