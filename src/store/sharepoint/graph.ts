// The Graph transport of the SharePoint adapter: @microsoft/microsoft-graph-client with a bearer
// token from a TokenProvider (MSAL; in the services a selector that gives a signed-in user's
// on-behalf-of token inside that user's own register writes and the app's token otherwise — see
// caller.ts), plus the behaviours every call needs — retries of 429/503/504
// honouring Retry-After (also for requests inside a $batch), paging through @odata.nextLink,
// $batch in groups of at most 20 with per-request results, and one error type with the HTTP status.
import { Client, HTTPMessageHandler, ResponseType } from '@microsoft/microsoft-graph-client';
import type { TokenProvider } from './tokens.ts';

export const MAX_BATCH = 20;
const RETRY_STATUSES = new Set([429, 503, 504]);

/** A Graph error response: HTTP status, Graph error code and message. */
export class GraphHttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly retryAfterSeconds: number | null = null,
  ) {
    super(`Graph ${status} ${code}: ${message}`);
    this.name = 'GraphHttpError';
  }
}

export interface GraphOptions {
  /** e.g. https://graph.microsoft.com/v1.0 */
  readonly baseUrl: string;
  readonly tokens: TokenProvider;
  /** Retries of one request after 429/503/504 before giving up (default 10). */
  readonly maxRetries?: number;
  /** Length of one Retry-After second in ms (1000; tests shrink time consistently). */
  readonly secondMs?: number;
  /** Extra headers on every request (tests use it to tell two instances apart). */
  readonly headers?: Readonly<Record<string, string>>;
}

export interface SubRequest {
  readonly method: 'GET' | 'POST' | 'PATCH' | 'DELETE';
  /** Path relative to the version, e.g. /sites/{id}/lists/{id}/items */
  readonly url: string;
  readonly body?: unknown;
  readonly headers?: Readonly<Record<string, string>>;
  /** Indexes (in the same `batch` call) of requests that must succeed before this one runs. */
  readonly dependsOn?: readonly number[];
}

/** A list item as Graph returns it with `$expand=fields` (its ETag in `eTag` or `@odata.etag`). */
export interface ListItem {
  readonly id: string;
  readonly eTag?: string;
  readonly '@odata.etag'?: string;
  readonly fields: Record<string, unknown>;
}

export const etagOf = (i: ListItem): string => i.eTag ?? i['@odata.etag'] ?? '';

export interface SubResponse {
  readonly status: number;
  readonly body: unknown;
  readonly headers: Readonly<Record<string, string>>;
}

interface GraphErrorBody {
  error?: { code?: string; message?: string };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function retryAfter(value: string | null | undefined, attempt: number): number {
  const n = value == null ? Number.NaN : Number(value);
  if (Number.isFinite(n) && n >= 0) return n;
  if (value) {
    const at = Date.parse(value);
    if (!Number.isNaN(at)) return Math.max(0, (at - Date.now()) / 1000);
  }
  return Math.min(2 ** attempt, 32);
}

export class Graph {
  private readonly client: Client;
  private readonly base: URL;
  private readonly maxRetries: number;
  private readonly secondMs: number;
  /** Counts what this instance sent (for health and benchmarks). */
  readonly counters = { requests: 0, retries: 0, batchRequests: 0 };

  constructor(private readonly options: GraphOptions) {
    this.base = new URL(options.baseUrl.replace(/\/$/, ''));
    this.maxRetries = options.maxRetries ?? 10;
    this.secondMs = options.secondMs ?? 1000;
    this.client = Client.initWithMiddleware({
      middleware: new HTTPMessageHandler(),
      baseUrl: this.base.origin,
      defaultVersion: this.base.pathname.replace(/^\//, ''),
    });
  }

  /** A path relative to the version for an absolute link Graph returned (nextLink/deltaLink). */
  relative(link: string): string {
    const prefix = this.base.href.replace(/\/$/, '');
    if (!link.startsWith(`${prefix}/`))
      throw new Error(`Unexpected link outside ${prefix}: ${link}`);
    return link.slice(prefix.length);
  }

  /** One request with retries; throws GraphHttpError for any non-2xx answer. */
  async request<T>(
    method: SubRequest['method'],
    path: string,
    body?: unknown,
    headers: Record<string, string> = {},
  ): Promise<{ body: T; status: number; etag: string | null }> {
    for (let attempt = 0; ; attempt++) {
      this.counters.requests++;
      // The bearer token is chosen here, per attempt (MSAL serves it from its cache), rather than
      // in a graph-client middleware: the client wraps anything a middleware throws into its own
      // GraphError, and the token selector's refusals (consent missing → 403, expired sign-in →
      // 401) must reach the API as they are. The graph-client's AuthenticationHandler would also
      // only add the token for https hosts it knows; this serves any configured base URL (a
      // sovereign cloud, the local test server).
      const token = await this.options.tokens.getToken();
      const req = this.client
        .api(path)
        .responseType(ResponseType.RAW)
        .headers({ ...this.options.headers, ...headers, Authorization: `Bearer ${token}` });
      const res: Response =
        method === 'GET'
          ? await req.get()
          : method === 'POST'
            ? await req.post(body ?? {})
            : method === 'PATCH'
              ? await req.patch(body ?? {})
              : await req.delete();
      const text = await res.text();
      const parsed: unknown = text ? JSON.parse(text) : undefined;
      if (res.ok) return { body: parsed as T, status: res.status, etag: res.headers.get('etag') };
      const wait = retryAfter(res.headers.get('retry-after'), attempt);
      if (RETRY_STATUSES.has(res.status) && attempt < this.maxRetries) {
        this.counters.retries++;
        await sleep(wait * this.secondMs);
        continue;
      }
      const err = (parsed as GraphErrorBody | undefined)?.error;
      throw new GraphHttpError(
        res.status,
        err?.code ?? 'unknown',
        err?.message ?? res.statusText,
        RETRY_STATUSES.has(res.status) ? wait : null,
      );
    }
  }

  async get<T>(path: string, headers?: Record<string, string>): Promise<T> {
    return (await this.request<T>('GET', path, undefined, headers)).body;
  }

  /** Every page of a collection, following @odata.nextLink. */
  async *pages<T>(path: string): AsyncIterable<T[]> {
    let next: string | null = path;
    while (next) {
      const page: { value: T[]; '@odata.nextLink'?: string } = await this.get(next);
      yield page.value;
      next = page['@odata.nextLink'] ? this.relative(page['@odata.nextLink']) : null;
    }
  }

  async all<T>(path: string): Promise<T[]> {
    const out: T[] = [];
    for await (const page of this.pages<T>(path)) out.push(...page);
    return out;
  }

  /**
   * Sends requests through /$batch, at most 20 per batch, and returns one response per request in
   * input order. A request answered 429/503/504 inside a batch is sent again (after the longest
   * Retry-After of that batch) with the others that failed the same way; the rest are final.
   */
  async batch(requests: readonly SubRequest[]): Promise<SubResponse[]> {
    const results: (SubResponse | undefined)[] = new Array(requests.length);
    for (let start = 0; start < requests.length; start += MAX_BATCH) {
      let pending = requests
        .slice(start, start + MAX_BATCH)
        .map((request, i) => ({ index: start + i, request }));
      for (let attempt = 0; pending.length > 0; attempt++) {
        // A dependency answered earlier (previous group, or before a retry): drop it if it
        // succeeded; if it failed, the dependent request fails too, as Graph does (424).
        const sendable: typeof pending = [];
        for (const p of pending) {
          const failed = (p.request.dependsOn ?? []).some((d) => (results[d]?.status ?? 0) >= 400);
          if (failed) {
            results[p.index] = {
              status: 424,
              headers: {},
              body: { error: { code: 'FailedDependency', message: 'A dependency failed' } },
            };
          } else sendable.push(p);
        }
        pending = sendable;
        if (pending.length === 0) break;
        const inBatch = new Set(pending.map((p) => p.index));
        this.counters.batchRequests++;
        const body = {
          requests: pending.map(({ index, request }) => {
            const deps = (request.dependsOn ?? []).filter((d) => inBatch.has(d)).map(String);
            const headers = {
              ...request.headers,
              ...(request.body === undefined ? {} : { 'Content-Type': 'application/json' }),
            };
            return {
              id: String(index),
              method: request.method,
              url: request.url,
              ...(request.body === undefined ? {} : { body: request.body }),
              ...(Object.keys(headers).length > 0 ? { headers } : {}),
              ...(deps.length > 0 ? { dependsOn: deps } : {}),
            };
          }),
        };
        const { body: answer } = await this.request<{
          responses: (SubResponse & { id: string })[];
        }>('POST', '/$batch', body);
        const retry: typeof pending = [];
        let wait = 0;
        const answered = answer.responses.map((r) => {
          const item = pending.find((p) => p.index === Number(r.id));
          if (!item) throw new Error(`Unexpected batch response id ${r.id}`);
          const headers = Object.fromEntries(
            Object.entries(r.headers ?? {}).map(([k, v]) => [k.toLowerCase(), String(v)]),
          );
          return { item, status: r.status, body: r.body, headers };
        });
        const retrying = new Set<number>();
        for (const a of answered) {
          if (RETRY_STATUSES.has(a.status) && attempt < this.maxRetries) {
            retrying.add(a.item.index);
            wait = Math.max(wait, retryAfter(a.headers['retry-after'], attempt));
          }
        }
        for (const a of answered) {
          // A request that failed only because a throttled dependency did is sent again too.
          const blocked =
            a.status === 424 && (a.item.request.dependsOn ?? []).some((d) => retrying.has(d));
          if (retrying.has(a.item.index) || blocked) retry.push(a.item);
          else results[a.item.index] = { status: a.status, body: a.body, headers: a.headers };
        }
        retry.sort((x, y) => x.index - y.index);
        if (retry.length > 0) {
          this.counters.retries++;
          await sleep(wait * this.secondMs);
        }
        pending = retry;
      }
    }
    return results.map((r, i) => {
      if (!r) throw new Error(`No response for batch request ${i}`);
      return r;
    });
  }
}

/** The error inside a batch response body, as a GraphHttpError. */
export function subError(r: SubResponse): GraphHttpError {
  const err = (r.body as GraphErrorBody | undefined)?.error;
  return new GraphHttpError(r.status, err?.code ?? 'unknown', err?.message ?? `status ${r.status}`);
}
