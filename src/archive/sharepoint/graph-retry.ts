import type { Context, Middleware } from '@microsoft/microsoft-graph-client';

/** Statuses Graph answers when it wants the caller to wait and try again. */
export const RETRY_STATUSES = new Set([429, 503, 504]);

export interface RetryPolicy {
  /** Attempts after the first; default 5. */
  readonly maxRetries: number;
  /** Cap for one wait in milliseconds; default 60 s. */
  readonly maxDelayMs: number;
  /** Waits (injectable so tests need not sleep; defaults to a real timer). */
  readonly sleep: (ms: number) => Promise<void>;
}

export const defaultSleep = (ms: number): Promise<void> =>
  new Promise((resolve) => setTimeout(resolve, ms));

/**
 * The wait Graph asks for: `Retry-After` in seconds or as an HTTP date; without it an exponential
 * back-off (1, 2, 4 … s).
 */
export function retryDelayMs(
  retryAfter: string | null,
  attempt: number,
  maxDelayMs: number,
): number {
  let ms: number;
  if (retryAfter !== null && /^\d+$/.test(retryAfter.trim())) ms = Number(retryAfter) * 1000;
  else if (retryAfter !== null && !Number.isNaN(Date.parse(retryAfter))) {
    ms = Math.max(0, Date.parse(retryAfter) - Date.now());
  } else ms = 1000 * 2 ** attempt;
  return Math.min(ms, maxDelayMs);
}

/** Runs a request again on 429/503/504, honouring Retry-After. For bodies that can be re-sent. */
export async function withRetry(
  policy: RetryPolicy,
  send: () => Promise<Response>,
): Promise<Response> {
  for (let attempt = 0; ; attempt++) {
    const response = await send();
    if (!RETRY_STATUSES.has(response.status) || attempt >= policy.maxRetries) return response;
    await response.arrayBuffer().catch(() => undefined);
    await policy.sleep(
      retryDelayMs(response.headers.get('retry-after'), attempt, policy.maxDelayMs),
    );
  }
}

/**
 * Graph client middleware: bearer token on every Graph request, then retries as above. (The SDK's
 * own handlers add the token only for https Graph hosts and skip octet-stream bodies on retry;
 * every body this adapter sends is a buffer, so it can always be sent again.)
 */
export class AuthAndRetryMiddleware implements Middleware {
  private next: Middleware | undefined;

  constructor(
    private readonly getToken: () => Promise<string>,
    private readonly policy: RetryPolicy,
  ) {}

  setNext(next: Middleware): void {
    this.next = next;
  }

  async execute(context: Context): Promise<void> {
    const next = this.next;
    if (!next) throw new Error('Graph-mellomvaren mangler neste ledd');
    const token = await this.getToken();
    const options = context.options ?? {};
    const headers = new Headers(options.headers as ConstructorParameters<typeof Headers>[0]);
    headers.set('Authorization', `Bearer ${token}`);
    context.options = { ...options, headers: Object.fromEntries(headers.entries()) };
    for (let attempt = 0; ; attempt++) {
      await next.execute(context);
      const response = context.response;
      if (!response || !RETRY_STATUSES.has(response.status) || attempt >= this.policy.maxRetries) {
        return;
      }
      await response.arrayBuffer().catch(() => undefined);
      await this.policy.sleep(
        retryDelayMs(response.headers.get('retry-after'), attempt, this.policy.maxDelayMs),
      );
    }
  }
}
