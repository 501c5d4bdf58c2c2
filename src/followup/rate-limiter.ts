/** One sliding window: at most `limit` sends per `windowMs`. */
export interface RateWindow {
  readonly limit: number;
  readonly windowMs: number;
}

/** Teams' limits for proactive messages per conversation (thread). */
export const TEAMS_CONVERSATION_LIMITS: readonly RateWindow[] = [
  { limit: 7, windowMs: 1_000 },
  { limit: 60, windowMs: 30_000 },
  { limit: 1_800, windowMs: 3_600_000 },
];

/**
 * Sliding-window limiter per key. `marginMs` widens every window a little so that network jitter
 * (a send that leaves on time but arrives early relative to an earlier, slower one) never makes the
 * receiver count more than the limit within its window.
 */
export class SlidingWindowLimiter {
  private readonly sends = new Map<string, number[]>();
  private readonly blocked = new Map<string, number>();
  private readonly longest: number;

  constructor(
    private readonly windows: readonly RateWindow[] = TEAMS_CONVERSATION_LIMITS,
    private readonly marginMs = 150,
  ) {
    this.longest = Math.max(...windows.map((w) => w.windowMs)) + marginMs;
  }

  /** Earliest time (epoch ms) a send on `key` is allowed, at or after `now`. */
  nextAllowed(key: string, now: number): number {
    let at = Math.max(now, this.blocked.get(key) ?? 0);
    const list = this.sends.get(key);
    if (!list) return at;
    for (const w of this.windows) {
      if (list.length < w.limit) continue;
      // The send `limit` places back must have left the window (plus margin).
      const oldest = list[list.length - w.limit] as number;
      at = Math.max(at, oldest + w.windowMs + this.marginMs);
    }
    return at;
  }

  record(key: string, at: number): void {
    let list = this.sends.get(key);
    if (!list) {
      list = [];
      this.sends.set(key, list);
    }
    list.push(at);
    if (list.length > 1 && (list[list.length - 2] as number) > at) list.sort((a, b) => a - b);
    const cutoff = at - this.longest;
    let drop = 0;
    while (drop < list.length && (list[drop] as number) < cutoff) drop++;
    if (drop > 0) list.splice(0, drop);
  }

  /** After a 429: nothing on `key` before `until`. */
  block(key: string, until: number): void {
    this.blocked.set(key, Math.max(this.blocked.get(key) ?? 0, until));
  }
}
