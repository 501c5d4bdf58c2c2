// A local HTTP server that follows the documented Microsoft Graph contract for the SharePoint list
// endpoints the adapter uses, strictly, so the adapter is tested at the HTTP boundary:
//   sites/{site}/lists (list, create, get), lists/{list}/columns (list, create, update `indexed`),
//   lists/{list}/items with $expand=fields($select=…), $select, $filter on fields/…, $top,
//   @odata.nextLink paging, items/{id} (get, PATCH …/fields, DELETE) with ETags (If-Match → 412),
//   items/delta (nextLink/deltaLink, `deleted` facet, 410 for an expired token), and /$batch
//   (at most 20 requests, per-request responses, dependsOn). Enforced like SharePoint Online: a
//   filter on a non-indexed column needs `Prefer: HonorNonIndexedQueriesWarningMayFailRandomly`
//   and, with more than 5,000 items in the list, fails with the list-view-threshold error;
//   unique columns refuse duplicates; single-line text is at most 255 characters.
// Throttling can be injected (429 with Retry-After, also inside $batch) and every request is counted.
// Tokens can carry SharePoint permissions of their own (`tokenAccess`: a user's read-only token
// gets 403 `accessDenied` on a write, also inside $batch), and every call can be recorded with the
// token it came with (`recordCalls`), to check whose identity reached Graph.
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { evaluate, FilterSyntaxError, filterFields, parseFilter } from './odata-filter.ts';

export const LIST_VIEW_THRESHOLD = 5000;
export const MAX_BATCH = 20;
const MAX_TOP = 5000;
const DEFAULT_TOP = 200;
const MAX_MULTILINE = 63_999;

export interface ColumnDefinition {
  id: string;
  name: string;
  displayName: string;
  indexed: boolean;
  enforceUniqueValues: boolean;
  required: boolean;
  readOnly?: boolean;
  text?: { allowMultipleLines?: boolean; maxLength?: number };
  number?: Record<string, unknown>;
  boolean?: Record<string, unknown>;
  dateTime?: { format?: string };
}

interface Item {
  id: string;
  guid: string;
  version: number;
  fields: Record<string, unknown>;
  created: string;
  modified: string;
  changeSeq: number;
  deleted: boolean;
}

interface List {
  id: string;
  name: string;
  displayName: string;
  created: string;
  columns: ColumnDefinition[];
  items: Map<string, Item>;
  nextId: number;
}

export interface GraphStats {
  /** HTTP requests received (a $batch counts once). */
  requests: number;
  /** HTTP requests that wrote (POST/PATCH/DELETE, or a $batch holding at least one write). */
  writeRequests: number;
  /** Requests inside $batch bodies. */
  subRequests: number;
  /** Responses with status 429 (top level and inside batches). */
  throttled: number;
  /** Requests that came back before the Retry-After of their previous 429 had passed. */
  earlyRetries: number;
  /** Count per "METHOD route" (route with ids replaced), sub-requests included. */
  byRoute: Record<string, number>;
}

export interface ThrottleOptions {
  /** Share of requests (and of sub-requests in a batch) answered 429. */
  readonly rate: number;
  /** Seconds in Retry-After. */
  readonly retryAfterSeconds: number;
  /** Also throttle GET requests (default true). */
  readonly reads?: boolean;
}

/**
 * What a token may do on the site: SharePoint's permissions for the identity behind it — one
 * level for the whole site, or per list (by display name; `*` for the lists not named, else
 * `write`).
 */
export type TokenAccess =
  | 'write'
  | 'read'
  | 'none'
  | { readonly [listDisplayName: string]: 'write' | 'read' | 'none' };

/** One request as the server saw it (`recordCalls`). */
export interface GraphCall {
  /** The bearer token it came with. */
  readonly token: string;
  readonly method: string;
  /** Path after /v1.0, with the query string. */
  readonly path: string;
  /** The list's display name, when the path names a list. */
  readonly list: string | null;
  /** A request inside a $batch body. */
  readonly inBatch: boolean;
  readonly status: number;
}

export interface GraphServerOptions {
  /** Length of one Retry-After second in milliseconds (1000 is real time; tests shrink it). */
  readonly secondMs?: number;
  /** Seed of the pseudo-random throttling. */
  readonly seed?: number;
  /** Required bearer token; any non-empty token when undefined. */
  readonly token?: string;
  /** Delta tokens older than this many changes are refused with 410 (resync). */
  readonly deltaRetention?: number;
  /**
   * Tokens accepted besides `token`, each with its permissions (`token` itself, or any token when
   * `token` is undefined, may write unless named here). A function decides for tokens issued on
   * the fly (undefined: not accepted, 401).
   */
  readonly tokenAccess?:
    | Readonly<Record<string, TokenAccess>>
    | ((token: string) => TokenAccess | undefined);
  /** Record every request and sub-request with its token (see `calls()`). */
  readonly recordCalls?: boolean;
}

export interface GraphServer {
  readonly url: string;
  /** Base URL as the adapter uses it: `${url}/v1.0`. */
  readonly baseUrl: string;
  readonly siteId: string;
  readonly stats: GraphStats;
  resetStats(): void;
  throttle(options: ThrottleOptions | null): void;
  /** Direct access for test set-up and assertions (no HTTP, not counted). */
  lists(): { displayName: string; columns: ColumnDefinition[]; itemCount: number }[];
  items(listName: string): { id: string; fields: Record<string, unknown>; eTag: string }[];
  /** Inserts items straight into a list (test set-up of large lists), bypassing HTTP. */
  seed(listName: string, rows: Record<string, unknown>[]): void;
  /** The calls recorded so far (`recordCalls`), oldest first. */
  calls(): readonly GraphCall[];
  clearCalls(): void;
  /** Sets one token's permissions from now on (null: back to what the options say). */
  setTokenAccess(token: string, access: TokenAccess | null): void;
  close(): Promise<void>;
}

class GraphError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }
}

interface Req {
  method: string;
  path: string;
  query: URLSearchParams;
  headers: Record<string, string>;
  body: unknown;
  client: string;
  token: string;
  inBatch: boolean;
}

interface Res {
  status: number;
  headers: Record<string, string>;
  body?: unknown;
}

function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const emptyStats = (): GraphStats => ({
  requests: 0,
  writeRequests: 0,
  subRequests: 0,
  throttled: 0,
  earlyRetries: 0,
  byRoute: {},
});

const SYSTEM_FIELDS = new Set(['id', 'Created', 'Modified', 'ContentType', 'Attachments']);

export async function startGraphServer(options: GraphServerOptions = {}): Promise<GraphServer> {
  const secondMs = options.secondMs ?? 1000;
  const random = mulberry32(options.seed ?? 42);
  const retention = options.deltaRetention ?? 1_000_000;
  const siteId = `contoso.sharepoint.com,${randomUUID()},${randomUUID()}`;
  const lists = new Map<string, List>();
  let changeSeq = 0;
  let stats = emptyStats();
  let throttling: ThrottleOptions | null = null;
  /** Per request (client, method, URL and body): when a throttled request may be sent again. */
  const blockedUntil = new Map<string, number>();
  let base = '';
  const recorded: GraphCall[] = [];
  const accessOverrides = new Map<string, TokenAccess>();

  /** The permissions of a token, or undefined when it is not accepted at all. */
  const accessOf = (token: string): TokenAccess | undefined => {
    const override = accessOverrides.get(token);
    if (override) return override;
    const named =
      typeof options.tokenAccess === 'function'
        ? options.tokenAccess(token)
        : options.tokenAccess && Object.hasOwn(options.tokenAccess, token)
          ? options.tokenAccess[token]
          : undefined;
    if (named) return named;
    return options.token === undefined || token === options.token ? 'write' : undefined;
  };

  const listNameOf = (path: string): string | null => {
    const ref = /\/lists\/([^/?]+)/.exec(path)?.[1];
    if (!ref) return null;
    try {
      return findList(ref).displayName;
    } catch {
      return null;
    }
  };

  const record = (req: Req, status: number) => {
    if (!options.recordCalls) return;
    const q = req.query.toString();
    recorded.push({
      token: req.token,
      method: req.method,
      path: q ? `${req.path}?${q}` : req.path,
      list: listNameOf(req.path),
      inBatch: req.inBatch,
      status,
    });
  };

  const countRoute = (method: string, path: string) => {
    const route = `${method} ${path
      .replace(/\/sites\/[^/]+/, '/sites/{site}')
      .replace(/\/lists\/[^/]+/, '/lists/{list}')
      .replace(/\/columns\/[^/]+/, '/columns/{column}')
      .replace(/\/items\/(?!delta)[^/]+/, '/items/{item}')}`;
    stats.byRoute[route] = (stats.byRoute[route] ?? 0) + 1;
  };

  const findList = (ref: string): List => {
    const byId = lists.get(ref);
    if (byId) return byId;
    const decoded = decodeURIComponent(ref).toLowerCase();
    for (const l of lists.values()) {
      if (l.displayName.toLowerCase() === decoded || l.name.toLowerCase() === decoded) return l;
    }
    throw new GraphError(404, 'itemNotFound', 'The requested list was not found');
  };

  const etagOf = (item: Item) => `"${item.guid},${item.version}"`;

  const listJson = (l: List) => ({
    '@odata.etag': `"${l.id},${l.columns.length}"`,
    id: l.id,
    name: l.name,
    displayName: l.displayName,
    createdDateTime: l.created,
    webUrl: `https://contoso.sharepoint.com/sites/kontrakter/Lists/${l.name}`,
    list: { template: 'genericList', hidden: false, contentTypesEnabled: false },
  });

  function fieldsJson(l: List, item: Item, select: string[] | null): Record<string, unknown> {
    const all: Record<string, unknown> = {
      '@odata.etag': etagOf(item),
      id: item.id,
      Created: item.created,
      Modified: item.modified,
      ...item.fields,
    };
    if (!select) {
      for (const [k, v] of Object.entries(all)) if (v === null || v === undefined) delete all[k];
      return all;
    }
    const out: Record<string, unknown> = { '@odata.etag': etagOf(item) };
    for (const name of select) {
      if (!SYSTEM_FIELDS.has(name) && !l.columns.some((c) => c.name === name)) {
        throw new GraphError(400, 'invalidRequest', `Column '${name}' does not exist.`);
      }
      const v = all[name];
      if (v !== null && v !== undefined) out[name] = v;
    }
    return out;
  }

  function itemJson(l: List, item: Item, expand: Expand, select: string[] | null) {
    const full: Record<string, unknown> = {
      '@odata.etag': etagOf(item),
      id: item.id,
      eTag: etagOf(item),
      createdDateTime: item.created,
      lastModifiedDateTime: item.modified,
      webUrl: `https://contoso.sharepoint.com/sites/kontrakter/Lists/${l.name}/DispForm.aspx?ID=${item.id}`,
    };
    let out = full;
    if (select) {
      out = { '@odata.etag': full['@odata.etag'] };
      for (const s of select) if (s in full) out[s] = full[s];
    }
    if (expand.fields) out.fields = fieldsJson(l, item, expand.fieldSelect);
    return out;
  }

  interface Expand {
    fields: boolean;
    fieldSelect: string[] | null;
  }

  function parseExpand(q: URLSearchParams): Expand {
    const raw = q.get('$expand') ?? q.get('expand');
    if (!raw) return { fields: false, fieldSelect: null };
    const m = /^fields(?:\(\$select=([A-Za-z0-9_,]+)\))?$/.exec(raw.trim());
    if (!m) throw new GraphError(400, 'invalidRequest', `Unsupported $expand: ${raw}`);
    return { fields: true, fieldSelect: m[1] ? m[1].split(',') : null };
  }

  function parseTop(q: URLSearchParams): number {
    const raw = q.get('$top');
    if (raw === null) return DEFAULT_TOP;
    const n = Number(raw);
    if (!Number.isInteger(n) || n < 1 || n > MAX_TOP) {
      throw new GraphError(400, 'invalidRequest', `Invalid $top value: ${raw}`);
    }
    return n;
  }

  function checkValue(l: List, name: string, value: unknown): void {
    if (SYSTEM_FIELDS.has(name)) {
      throw new GraphError(400, 'invalidRequest', `Field '${name}' is read-only`);
    }
    const col = l.columns.find((c) => c.name === name);
    if (!col) {
      throw new GraphError(400, 'invalidRequest', `Field '${name}' is not recognized`);
    }
    if (value === null) return;
    if (col.text) {
      if (typeof value !== 'string')
        throw new GraphError(400, 'invalidRequest', `Invalid value for ${name}`);
      const max = col.text.allowMultipleLines ? MAX_MULTILINE : (col.text.maxLength ?? 255);
      if (value.length > max) {
        throw new GraphError(
          400,
          'invalidRequest',
          `The value of '${name}' exceeds ${max} characters`,
        );
      }
    } else if (col.number && typeof value !== 'number') {
      throw new GraphError(400, 'invalidRequest', `Invalid number for ${name}`);
    } else if (col.boolean && typeof value !== 'boolean') {
      throw new GraphError(400, 'invalidRequest', `Invalid boolean for ${name}`);
    } else if (col.dateTime && (typeof value !== 'string' || Number.isNaN(Date.parse(value)))) {
      throw new GraphError(400, 'invalidRequest', `Invalid date for ${name}`);
    }
  }

  function checkUnique(l: List, item: Item | null, fields: Record<string, unknown>): void {
    for (const col of l.columns) {
      if (!col.enforceUniqueValues) continue;
      const v = fields[col.name];
      if (v === null || v === undefined) continue;
      const key = typeof v === 'string' ? v.toLowerCase() : v;
      for (const other of l.items.values()) {
        if (other.deleted || other === item) continue;
        const o = other.fields[col.name];
        if ((typeof o === 'string' ? o.toLowerCase() : o) === key) {
          throw new GraphError(
            409,
            'nameAlreadyExists',
            `The list item could not be added or updated because duplicate values were found in the following field(s) in the list: [${col.name}].`,
          );
        }
      }
    }
  }

  function writeFields(l: List, item: Item | null, body: unknown): Record<string, unknown> {
    if (!body || typeof body !== 'object' || Array.isArray(body)) {
      throw new GraphError(400, 'invalidRequest', 'A fields object is required');
    }
    const fields = body as Record<string, unknown>;
    for (const [k, v] of Object.entries(fields)) checkValue(l, k, v);
    const merged = { ...(item?.fields ?? {}), ...fields };
    checkUnique(l, item, merged);
    for (const col of l.columns) {
      if (col.required && (merged[col.name] === null || merged[col.name] === undefined)) {
        throw new GraphError(400, 'invalidRequest', `Field '${col.name}' is required`);
      }
    }
    return merged;
  }

  function requireMatch(item: Item, req: Req): void {
    const ifMatch = req.headers['if-match'];
    if (ifMatch && ifMatch !== '*' && ifMatch !== etagOf(item)) {
      throw new GraphError(
        412,
        'preconditionFailed',
        'ETag does not match the current item version',
      );
    }
  }

  function nextLinkFor(
    path: string,
    q: URLSearchParams,
    token: Record<string, unknown>,
    key = '$skiptoken',
  ) {
    const params = new URLSearchParams(q);
    params.delete('$skiptoken');
    params.delete('token');
    params.set(key, Buffer.from(JSON.stringify(token)).toString('base64url'));
    return `${base}${path}?${params.toString()}`;
  }

  function readToken(raw: string | null): Record<string, number> | null {
    if (raw === null) return null;
    try {
      return JSON.parse(Buffer.from(raw, 'base64url').toString('utf8')) as Record<string, number>;
    } catch {
      throw new GraphError(400, 'invalidRequest', 'Invalid token');
    }
  }

  function listItems(l: List, req: Req): Res {
    const q = req.query;
    const expand = parseExpand(q);
    const select = q.get('$select')?.split(',') ?? null;
    const top = parseTop(q);
    if (q.get('$orderby')) {
      throw new GraphError(400, 'invalidRequest', '$orderby is not supported by this server');
    }
    const filterRaw = q.get('$filter');
    let filter = null;
    if (filterRaw) {
      try {
        filter = parseFilter(filterRaw);
      } catch (e) {
        if (e instanceof FilterSyntaxError) throw new GraphError(400, 'invalidRequest', e.message);
        throw e;
      }
      const live = [...l.items.values()].filter((i) => !i.deleted).length;
      for (const name of filterFields(filter)) {
        const col = l.columns.find((c) => c.name === name);
        if (!col && !SYSTEM_FIELDS.has(name)) {
          throw new GraphError(400, 'invalidRequest', `Column '${name}' does not exist.`);
        }
        if (col?.indexed || name === 'id') continue;
        const prefer = (req.headers.prefer ?? '').includes(
          'HonorNonIndexedQueriesWarningMayFailRandomly',
        );
        if (!prefer) {
          throw new GraphError(
            400,
            'invalidRequest',
            `Field '${name}' cannot be referenced in filter or orderby as it is not indexed. Provide the 'Prefer: HonorNonIndexedQueriesWarningMayFailRandomly' header to allow this, but be warned that such queries may fail on large lists.`,
          );
        }
        if (live > LIST_VIEW_THRESHOLD) {
          throw new GraphError(
            500,
            '-2147024860, Microsoft.SharePoint.SPQueryThrottledException',
            'The attempted operation is prohibited because it exceeds the list view threshold.',
          );
        }
      }
    }
    const after = Number(readToken(q.get('$skiptoken'))?.after ?? 0);
    const page: Item[] = [];
    let more = false;
    for (const item of l.items.values()) {
      if (item.deleted || Number(item.id) <= after) continue;
      if (filter && !evaluate(filter, { id: Number(item.id), ...item.fields })) continue;
      if (page.length === top) {
        more = true;
        break;
      }
      page.push(item);
    }
    const body: Record<string, unknown> = {
      '@odata.context': `${base}/$metadata#sites('${siteId}')/lists('${l.id}')/items`,
      value: page.map((i) => itemJson(l, i, expand, select)),
    };
    if (more)
      body['@odata.nextLink'] = nextLinkFor(req.path, q, { after: Number(page.at(-1)?.id) });
    return { status: 200, headers: {}, body };
  }

  function delta(l: List, req: Req): Res {
    const q = req.query;
    const expand = parseExpand(q);
    const top = parseTop(q);
    const tokenRaw = q.get('token');
    if (tokenRaw === 'latest') {
      return {
        status: 200,
        headers: {},
        body: {
          value: [],
          '@odata.deltaLink': nextLinkFor(req.path, q, { since: changeSeq }, 'token'),
        },
      };
    }
    const token = readToken(tokenRaw);
    if (!token || token.after !== undefined) {
      // Initial enumeration: the current items, in id order, then a deltaLink from its start.
      const start = token?.start ?? changeSeq;
      const after = token?.after ?? 0;
      const live = [...l.items.values()].filter((i) => !i.deleted && Number(i.id) > after);
      const page = live.slice(0, top);
      const body: Record<string, unknown> = {
        value: page.map((i) => itemJson(l, i, expand, null)),
      };
      if (live.length > top) {
        body['@odata.nextLink'] = nextLinkFor(
          req.path,
          q,
          { start, after: Number(page.at(-1)?.id) },
          'token',
        );
      } else {
        body['@odata.deltaLink'] = nextLinkFor(req.path, q, { since: start }, 'token');
      }
      return { status: 200, headers: {}, body };
    }
    const since = Number(token.since);
    if (changeSeq - since > retention) {
      throw new GraphError(
        410,
        'resyncRequired',
        'The delta token is no longer valid; start again',
        {
          Location: `${base}${req.path}`,
        },
      );
    }
    const changed = [...l.items.values()]
      .filter((i) => i.changeSeq > since)
      .sort((a, b) => a.changeSeq - b.changeSeq);
    const page = changed.slice(0, top);
    const value = page.map((i) =>
      i.deleted ? { id: i.id, deleted: { state: 'deleted' } } : itemJson(l, i, expand, null),
    );
    const body: Record<string, unknown> = { value };
    if (changed.length > top) {
      body['@odata.nextLink'] = nextLinkFor(
        req.path,
        q,
        { since: page.at(-1)?.changeSeq ?? since },
        'token',
      );
    } else {
      const upTo = page.at(-1)?.changeSeq ?? since;
      body['@odata.deltaLink'] = nextLinkFor(
        req.path,
        q,
        { since: Math.max(upTo, since) },
        'token',
      );
    }
    return { status: 200, headers: {}, body };
  }

  function columnFromBody(body: unknown): ColumnDefinition {
    const b = (body ?? {}) as Partial<ColumnDefinition>;
    if (!b.name || !/^[A-Za-z_][A-Za-z0-9_]{0,63}$/.test(b.name)) {
      throw new GraphError(400, 'invalidRequest', 'A valid column name is required');
    }
    const kinds = ['text', 'number', 'boolean', 'dateTime'].filter((k) => k in b);
    if (kinds.length !== 1) {
      throw new GraphError(400, 'invalidRequest', 'Exactly one column type facet is required');
    }
    if (b.enforceUniqueValues && !b.indexed) {
      throw new GraphError(
        400,
        'invalidRequest',
        'A column that enforces unique values must be indexed',
      );
    }
    return {
      id: randomUUID(),
      name: b.name,
      displayName: b.displayName ?? b.name,
      indexed: Boolean(b.indexed),
      enforceUniqueValues: Boolean(b.enforceUniqueValues),
      required: Boolean(b.required),
      ...(b.text ? { text: b.text } : {}),
      ...(b.number ? { number: b.number } : {}),
      ...(b.boolean ? { boolean: b.boolean } : {}),
      ...(b.dateTime ? { dateTime: b.dateTime } : {}),
    };
  }

  const titleColumn = (): ColumnDefinition => ({
    id: 'fa564e0f-0c70-4ab9-b863-0177e6ddd247',
    name: 'Title',
    displayName: 'Title',
    indexed: false,
    enforceUniqueValues: false,
    required: false,
    text: { allowMultipleLines: false, maxLength: 255 },
  });

  function route(req: Req): Res {
    const p = req.path;
    const site = (id: string) => {
      if (decodeURIComponent(id) !== siteId)
        throw new GraphError(404, 'itemNotFound', 'Site not found');
    };
    const siteOnly = /^\/sites\/([^/]+)$/.exec(p);
    if (siteOnly && req.method === 'GET') {
      site(siteOnly[1] as string);
      return { status: 200, headers: {}, body: { id: siteId, displayName: 'Kontrakter' } };
    }
    const listsOnly = /^\/sites\/([^/]+)\/lists$/.exec(p);
    if (listsOnly) {
      site(listsOnly[1] as string);
      if (req.method === 'GET') {
        return { status: 200, headers: {}, body: { value: [...lists.values()].map(listJson) } };
      }
      if (req.method === 'POST') {
        const b = (req.body ?? {}) as {
          displayName?: string;
          columns?: unknown[];
          list?: { template?: string };
        };
        if (!b.displayName || typeof b.displayName !== 'string') {
          throw new GraphError(400, 'invalidRequest', 'displayName is required');
        }
        for (const l of lists.values()) {
          if (l.displayName.toLowerCase() === b.displayName.toLowerCase()) {
            throw new GraphError(409, 'nameAlreadyExists', 'A list with this name already exists');
          }
        }
        const l: List = {
          id: randomUUID(),
          name: b.displayName.replace(/[^A-Za-z0-9]/g, ''),
          displayName: b.displayName,
          created: new Date().toISOString(),
          columns: [titleColumn(), ...(b.columns ?? []).map(columnFromBody)],
          items: new Map(),
          nextId: 1,
        };
        lists.set(l.id, l);
        return { status: 201, headers: {}, body: listJson(l) };
      }
    }
    const inList = /^\/sites\/([^/]+)\/lists\/([^/]+)(\/.*)?$/.exec(p);
    if (inList) {
      site(inList[1] as string);
      const l = findList(inList[2] as string);
      const rest = inList[3] ?? '';
      if (rest === '' && req.method === 'GET')
        return { status: 200, headers: {}, body: listJson(l) };
      if (rest === '/columns') {
        if (req.method === 'GET') return { status: 200, headers: {}, body: { value: l.columns } };
        if (req.method === 'POST') {
          const col = columnFromBody(req.body);
          if (l.columns.some((c) => c.name.toLowerCase() === col.name.toLowerCase())) {
            throw new GraphError(
              409,
              'nameAlreadyExists',
              `A column named '${col.name}' already exists`,
            );
          }
          l.columns.push(col);
          return { status: 201, headers: {}, body: col };
        }
      }
      const columnRef = /^\/columns\/([^/]+)$/.exec(rest);
      if (columnRef && req.method === 'PATCH') {
        const col = l.columns.find((c) => c.id === columnRef[1]);
        if (!col) throw new GraphError(404, 'itemNotFound', 'Column not found');
        const b = (req.body ?? {}) as Partial<ColumnDefinition>;
        if (b.indexed !== undefined) col.indexed = Boolean(b.indexed);
        if (b.displayName) col.displayName = b.displayName;
        if (b.enforceUniqueValues !== undefined) {
          if (b.enforceUniqueValues && !col.indexed) {
            throw new GraphError(
              400,
              'invalidRequest',
              'A column that enforces unique values must be indexed',
            );
          }
          col.enforceUniqueValues = b.enforceUniqueValues;
        }
        return { status: 200, headers: {}, body: col };
      }
      if (rest === '/items') {
        if (req.method === 'GET') return listItems(l, req);
        if (req.method === 'POST') {
          const b = (req.body ?? {}) as { fields?: unknown };
          const fields = writeFields(l, null, b.fields);
          const now = new Date().toISOString();
          const item: Item = {
            id: String(l.nextId++),
            guid: randomUUID(),
            version: 1,
            fields,
            created: now,
            modified: now,
            changeSeq: ++changeSeq,
            deleted: false,
          };
          l.items.set(item.id, item);
          return {
            status: 201,
            headers: { ETag: etagOf(item) },
            body: itemJson(l, item, { fields: true, fieldSelect: null }, null),
          };
        }
      }
      if (rest === '/items/delta' && req.method === 'GET') return delta(l, req);
      const m = /^\/items\/(\d+)(\/fields)?$/.exec(rest);
      if (m) {
        const item = l.items.get(m[1] as string);
        if (!item || item.deleted) throw new GraphError(404, 'itemNotFound', 'Item not found');
        if (req.method === 'GET' && !m[2]) {
          return {
            status: 200,
            headers: { ETag: etagOf(item) },
            body: itemJson(
              l,
              item,
              parseExpand(req.query),
              req.query.get('$select')?.split(',') ?? null,
            ),
          };
        }
        if (req.method === 'PATCH' && m[2]) {
          requireMatch(item, req);
          item.fields = writeFields(l, item, req.body);
          item.version++;
          item.modified = new Date().toISOString();
          item.changeSeq = ++changeSeq;
          return { status: 200, headers: { ETag: etagOf(item) }, body: fieldsJson(l, item, null) };
        }
        if (req.method === 'DELETE' && !m[2]) {
          requireMatch(item, req);
          item.deleted = true;
          item.changeSeq = ++changeSeq;
          return { status: 204, headers: {} };
        }
      }
    }
    throw new GraphError(400, 'BadRequest', `Resource not found for the segment '${p}'`);
  }

  const isWrite = (method: string) => method !== 'GET';

  const signature = (req: Req) =>
    `${req.client} ${req.method} ${req.path}?${req.query.toString()} ${JSON.stringify(req.body ?? null)}`;

  /** Counts a request that repeats a throttled one before its Retry-After has passed. */
  function checkRetry(req: Req): void {
    const key = signature(req);
    const until = blockedUntil.get(key);
    if (until === undefined) return;
    // Node's timers may fire up to 1 ms early against Date.now()'s whole milliseconds.
    if (Date.now() < until - 1) stats.earlyRetries++;
    blockedUntil.delete(key);
  }

  function throttled(req: Req, write: boolean): Res | null {
    if (!throttling || (!write && throttling.reads === false)) return null;
    if (random() >= throttling.rate) return null;
    stats.throttled++;
    blockedUntil.set(signature(req), Date.now() + throttling.retryAfterSeconds * secondMs);
    return {
      status: 429,
      headers: { 'Retry-After': String(throttling.retryAfterSeconds) },
      body: { error: { code: 'TooManyRequests', message: 'Too many requests' } },
    };
  }

  function dispatch(req: Req): Res {
    const res = answer(req);
    record(req, res.status);
    return res;
  }

  function answer(req: Req): Res {
    countRoute(req.method, req.path);
    checkRetry(req);
    const t = throttled(req, isWrite(req.method));
    if (t) return t;
    try {
      // SharePoint's own permissions for the identity behind the token.
      const granted = accessOf(req.token);
      const access =
        typeof granted === 'object'
          ? (granted[listNameOf(req.path) ?? ''] ?? granted['*'] ?? 'write')
          : granted;
      if (access === 'none' || (access === 'read' && isWrite(req.method))) {
        throw new GraphError(403, 'accessDenied', 'Access denied');
      }
      return route(req);
    } catch (e) {
      if (e instanceof GraphError) {
        return {
          status: e.status,
          headers: e.headers,
          body: {
            error: { code: e.code, message: e.message, innerError: { 'request-id': randomUUID() } },
          },
        };
      }
      throw e;
    }
  }

  function batch(req: Req): Res {
    const b = (req.body ?? {}) as { requests?: unknown };
    if (!Array.isArray(b.requests))
      throw new GraphError(400, 'BadRequest', 'Invalid batch payload');
    if (b.requests.length > MAX_BATCH) {
      throw new GraphError(
        400,
        'BadRequest',
        `Number of batch request steps exceeds the maximum of ${MAX_BATCH}`,
      );
    }
    const ids = new Set<string>();
    const results = new Map<string, Res>();
    const responses: Record<string, unknown>[] = [];
    for (const raw of b.requests as Record<string, unknown>[]) {
      const id = String(raw.id ?? '');
      if (!id || ids.has(id))
        throw new GraphError(400, 'BadRequest', 'Batch request ids must be unique and non-empty');
      ids.add(id);
    }
    for (const raw of b.requests as Record<string, unknown>[]) {
      const id = String(raw.id);
      const method = String(raw.method ?? '').toUpperCase();
      const url = String(raw.url ?? '');
      if (!url.startsWith('/') || url.startsWith('//')) {
        throw new GraphError(
          400,
          'BadRequest',
          'Batch request urls must be relative (start with /)',
        );
      }
      const headers = Object.fromEntries(
        Object.entries((raw.headers ?? {}) as Record<string, string>).map(([k, v]) => [
          k.toLowerCase(),
          v,
        ]),
      );
      if (raw.body !== undefined && !headers['content-type']) {
        throw new GraphError(
          400,
          'BadRequest',
          'Content-Type header is required for a request with a body',
        );
      }
      const deps = (raw.dependsOn ?? []) as string[];
      let res: Res;
      if (deps.some((d) => (results.get(d)?.status ?? 424) >= 400)) {
        res = {
          status: 424,
          headers: {},
          body: { error: { code: 'FailedDependency', message: 'A dependency failed' } },
        };
      } else {
        stats.subRequests++;
        const u = new URL(url, 'http://x');
        res = dispatch({
          method,
          path: u.pathname,
          query: u.searchParams,
          headers,
          body: raw.body,
          client: req.client,
          token: req.token,
          inBatch: true,
        });
      }
      results.set(id, res);
      responses.push({
        id,
        status: res.status,
        headers: { 'Content-Type': 'application/json', ...res.headers },
        ...(res.body === undefined ? {} : { body: res.body }),
      });
    }
    // Graph may return the responses in any order.
    return { status: 200, headers: {}, body: { responses: responses.reverse() } };
  }

  const server: Server = createServer((request: IncomingMessage, response: ServerResponse) => {
    const chunks: Buffer[] = [];
    request.on('data', (c: Buffer) => chunks.push(c));
    request.on('end', () => {
      const send = (res: Res) => {
        const payload = res.body === undefined ? '' : JSON.stringify(res.body);
        response.writeHead(res.status, {
          ...(payload ? { 'Content-Type': 'application/json' } : {}),
          ...res.headers,
        });
        response.end(payload);
      };
      const u = new URL(request.url ?? '/', base);
      const headers = Object.fromEntries(
        Object.entries(request.headers).map(([k, v]) => [
          k,
          Array.isArray(v) ? v.join(',') : (v ?? ''),
        ]),
      );
      stats.requests++;
      const client = headers['x-test-client'] || 'default';
      const auth = headers.authorization ?? '';
      const token = /^Bearer (.+)$/.exec(auth)?.[1];
      if (!token || accessOf(token) === undefined) {
        return send({
          status: 401,
          headers: {},
          body: {
            error: {
              code: 'InvalidAuthenticationToken',
              message: 'Access token is empty or invalid.',
            },
          },
        });
      }
      if (!u.pathname.startsWith('/v1.0/')) {
        return send({
          status: 400,
          headers: {},
          body: { error: { code: 'BadRequest', message: 'Invalid version' } },
        });
      }
      let body: unknown;
      try {
        body = chunks.length ? JSON.parse(Buffer.concat(chunks).toString('utf8')) : undefined;
      } catch {
        return send({
          status: 400,
          headers: {},
          body: { error: { code: 'BadRequest', message: 'Invalid JSON' } },
        });
      }
      const req: Req = {
        method: request.method ?? 'GET',
        path: u.pathname.slice('/v1.0'.length),
        query: u.searchParams,
        headers,
        body,
        client,
        token,
        inBatch: false,
      };
      try {
        if (req.path === '/$batch' && req.method === 'POST') {
          const subs = (body as { requests?: { method?: string }[] } | undefined)?.requests ?? [];
          if (subs.some((s) => isWrite(String(s.method ?? '').toUpperCase())))
            stats.writeRequests++;
          checkRetry(req);
          const t = throttled(req, true);
          if (t) return send(t);
          const res = batch(req);
          record(req, res.status);
          return send(res);
        }
        if (isWrite(req.method)) stats.writeRequests++;
        send(dispatch(req));
      } catch (e) {
        if (e instanceof GraphError) {
          return send({
            status: e.status,
            headers: e.headers,
            body: { error: { code: e.code, message: e.message } },
          });
        }
        send({
          status: 500,
          headers: {},
          body: { error: { code: 'generalException', message: String(e) } },
        });
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  base = `${url}/v1.0`;

  return {
    url,
    baseUrl: base,
    siteId,
    get stats() {
      return stats;
    },
    resetStats() {
      stats = emptyStats();
    },
    throttle(t) {
      throttling = t;
      blockedUntil.clear();
    },
    lists() {
      return [...lists.values()].map((l) => ({
        displayName: l.displayName,
        columns: l.columns.map((c) => ({ ...c })),
        itemCount: [...l.items.values()].filter((i) => !i.deleted).length,
      }));
    },
    items(listName) {
      const l = findList(listName);
      return [...l.items.values()]
        .filter((i) => !i.deleted)
        .map((i) => ({ id: i.id, fields: { ...i.fields }, eTag: etagOf(i) }));
    },
    seed(listName, rows) {
      const l = findList(listName);
      const now = new Date().toISOString();
      for (const fields of rows) {
        const item: Item = {
          id: String(l.nextId++),
          guid: randomUUID(),
          version: 1,
          fields: { ...fields },
          created: now,
          modified: now,
          changeSeq: ++changeSeq,
          deleted: false,
        };
        l.items.set(item.id, item);
      }
    },
    calls: () => [...recorded],
    clearCalls() {
      recorded.length = 0;
    },
    setTokenAccess(token, access) {
      if (access === null) accessOverrides.delete(token);
      else accessOverrides.set(token, access);
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
