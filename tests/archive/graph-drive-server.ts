import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A local HTTP server that follows Microsoft Graph's documented driveItem upload contract strictly
 * (https://learn.microsoft.com/graph/api/driveitem-put-content and driveitem-createuploadsession):
 * - Graph endpoints need `Authorization: Bearer …`; the pre-authorised `uploadUrl` must NOT get it.
 * - `PUT /v1.0/drives/{drive}/root:/{path}:/content` simple upload (≤ 250 MB), folders created on
 *   the way, `@microsoft.graph.conflictBehavior` = replace | fail | rename.
 * - `POST …/root:/{path}:/createUploadSession` → `uploadUrl`, `expirationDateTime`.
 * - `PUT {uploadUrl}` with `Content-Range: bytes a-b/total` and a matching `Content-Length`; every
 *   fragment except the last must be a multiple of 320 KiB and at most 60 MiB; it must start at the
 *   next expected byte (else 416). 202 + `nextExpectedRanges` until the last, then 201 + driveItem.
 * - `GET {uploadUrl}` → session status with `nextExpectedRanges`.
 * - `GET …/root:/{path}` → driveItem or 404 itemNotFound.
 * - `PATCH /v1.0/drives/{drive}/items/{id}/listItem/fields` → 200 fieldValueSet; unknown columns 400.
 * - `GET …/root:/{path}:/content` → 302 to a pre-authenticated download URL (which, like the
 *   upload URL, must NOT get the bearer token); https://learn.microsoft.com/graph/api/driveitem-get-content
 * - `DELETE …/root:/{path}` → 204, the item or folder with everything in it; 404 when missing.
 * Faults can be injected: a fragment that breaks once after part of its bytes (the connection is
 * cut; the received part is kept, as Graph may), and 429/503 with Retry-After on chosen requests.
 */

export const FRAGMENT_UNIT = 320 * 1024;
const MAX_FRAGMENT = 60 * 1024 * 1024;

export interface StoredItem {
  id: string;
  path: string;
  content: Buffer;
  fields: Record<string, unknown>;
  createdAt: number;
}

interface Session {
  path: string;
  total: number | null;
  received: Buffer[];
  next: number;
  conflict: string;
}

export interface DriveServerOptions {
  readonly token?: string;
  readonly driveId?: string;
  readonly columns: readonly string[];
}

export interface DriveServer {
  readonly url: string;
  readonly items: Map<string, StoredItem>;
  readonly log: { method: string; path: string; status: number; auth: boolean; range?: string }[];
  /** The next fragment PUT with this index (0-based over all sessions) is cut after `keep` bytes. */
  breakFragmentOnce(index: number, keep: number): void;
  /** The next request matching method+pattern gets this status with Retry-After, once per entry. */
  throttleOnce(method: string, pattern: RegExp, status: 429 | 503, retryAfterSeconds: number): void;
  itemAt(path: string): StoredItem | undefined;
  close(): Promise<void>;
}

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

function send(
  res: ServerResponse,
  status: number,
  body?: unknown,
  headers: Record<string, string> = {},
) {
  const text = body === undefined ? '' : JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', ...headers });
  res.end(text);
}

const error = (code: string, message: string) => ({ error: { code, message } });

export async function startDriveServer(options: DriveServerOptions): Promise<DriveServer> {
  const token = options.token ?? 'test-token';
  const driveId = options.driveId ?? 'drive-1';
  const columns = new Set(options.columns);
  const items = new Map<string, StoredItem>();
  const sessions = new Map<string, Session>();
  const log: DriveServer['log'] = [];
  const throttles: { method: string; pattern: RegExp; status: number; after: number }[] = [];
  let fragmentIndex = 0;
  let breakAt: { index: number; keep: number } | null = null;
  let base = '';

  const byPath = (path: string) => [...items.values()].find((i) => i.path === path);
  const driveItem = (i: StoredItem) => ({
    id: i.id,
    name: i.path.split('/').pop(),
    size: i.content.length,
    webUrl: `https://kommune.sharepoint.com/sites/arkiv/Delte%20dokumenter/${i.path.split('/').map(encodeURIComponent).join('/')}`,
    parentReference: {
      driveId,
      path: `/drives/${driveId}/root:/${i.path.split('/').slice(0, -1).join('/')}`,
    },
    file: { mimeType: 'application/octet-stream' },
  });

  function store(path: string, content: Buffer, conflict: string, res: ServerResponse) {
    const existing = byPath(path);
    if (existing && conflict === 'fail') {
      send(res, 409, error('nameAlreadyExists', 'The specified item name already exists.'));
      return;
    }
    let finalPath = path;
    if (existing && conflict === 'rename') {
      let n = 1;
      while (byPath(`${path} ${n}`)) n++;
      finalPath = `${path} ${n}`;
    }
    if (existing && conflict === 'replace') {
      existing.content = content;
      send(res, 200, driveItem(existing));
      return;
    }
    const item: StoredItem = {
      id: randomUUID(),
      path: finalPath,
      content,
      fields: {},
      createdAt: Date.now(),
    };
    items.set(item.id, item);
    send(res, 201, driveItem(item));
  }

  const server: Server = createServer(async (req, res) => {
    const url = new URL(req.url ?? '/', base);
    const auth = typeof req.headers.authorization === 'string';
    const entry: DriveServer['log'][number] = {
      method: req.method ?? '',
      path: url.pathname,
      status: 0,
      auth,
    };
    if (req.headers['content-range']) entry.range = String(req.headers['content-range']);
    log.push(entry);
    const reply = (status: number, body?: unknown, headers?: Record<string, string>) => {
      entry.status = status;
      send(res, status, body, headers);
    };

    const throttle = throttles.findIndex(
      (t) => t.method === req.method && t.pattern.test(url.pathname),
    );
    if (throttle >= 0) {
      const t = throttles.splice(throttle, 1)[0]!;
      await readBody(req);
      reply(
        t.status,
        error(t.status === 429 ? 'TooManyRequests' : 'serviceNotAvailable', 'Try later'),
        {
          'Retry-After': String(t.after),
        },
      );
      return;
    }

    // The pre-authenticated download URL.
    const download = /^\/download\/([\w-]+)$/.exec(url.pathname);
    if (download) {
      await readBody(req);
      if (auth) return reply(401, error('unauthenticated', 'Do not send Authorization'));
      const item = items.get(download[1]!);
      if (!item || req.method !== 'GET') return reply(404, error('itemNotFound', 'Not found'));
      entry.status = 200;
      res.writeHead(200, {
        'content-type': 'application/octet-stream',
        'content-length': String(item.content.length),
      });
      res.end(item.content);
      return;
    }

    // The pre-authorised upload URL.
    const upload = /^\/upload\/([\w-]+)$/.exec(url.pathname);
    if (upload) {
      if (auth) {
        await readBody(req);
        reply(401, error('unauthenticated', 'Do not send Authorization to the upload URL'));
        return;
      }
      const session = sessions.get(upload[1]!);
      if (!session) {
        await readBody(req);
        reply(404, error('itemNotFound', 'The upload session was not found'));
        return;
      }
      if (req.method === 'GET') {
        reply(200, {
          expirationDateTime: new Date(Date.now() + 3600_000).toISOString(),
          nextExpectedRanges: [`${session.next}-`],
        });
        return;
      }
      if (req.method === 'DELETE') {
        sessions.delete(upload[1]!);
        reply(204);
        return;
      }
      if (req.method !== 'PUT') return reply(405, error('invalidRequest', 'Method not allowed'));
      const range = /^bytes (\d+)-(\d+)\/(\d+)$/.exec(String(req.headers['content-range'] ?? ''));
      const length = Number(req.headers['content-length']);
      if (!range || !Number.isInteger(length)) {
        await readBody(req);
        return reply(400, error('invalidRange', 'Content-Range and Content-Length are required'));
      }
      const [start, end, total] = [Number(range[1]), Number(range[2]), Number(range[3])];
      const index = fragmentIndex++;
      if (breakAt && breakAt.index === index) {
        // Keep part of the bytes, then cut the connection mid-fragment.
        const keep = breakAt.keep;
        breakAt = null;
        let got = 0;
        req.on('data', (c: Buffer) => {
          if (got < keep && start === session.next) {
            const part = c.subarray(0, keep - got);
            session.received.push(part);
            session.next += part.length;
          }
          got += c.length;
          if (got >= keep) {
            entry.status = -1;
            req.socket.destroy();
          }
        });
        return;
      }
      const body = await readBody(req);
      const isLast = end + 1 === total;
      if (body.length !== length || end - start + 1 !== length) {
        return reply(400, error('invalidRange', 'Content-Length does not match Content-Range'));
      }
      if (length > MAX_FRAGMENT || (!isLast && length % FRAGMENT_UNIT !== 0)) {
        return reply(400, error('invalidRange', 'Fragments must be a multiple of 320 KiB'));
      }
      if (session.total !== null && session.total !== total) {
        return reply(400, error('invalidRange', 'Total size changed'));
      }
      if (start !== session.next) {
        return reply(416, error('invalidRange', `Expected ${session.next}`), {});
      }
      session.total = total;
      session.received.push(body);
      session.next = end + 1;
      if (session.next === total) {
        sessions.delete(upload[1]!);
        entry.status = 201;
        return store(session.path, Buffer.concat(session.received), session.conflict, res);
      }
      return reply(202, {
        expirationDateTime: new Date(Date.now() + 3600_000).toISOString(),
        nextExpectedRanges: [`${session.next}-`],
      });
    }

    // Graph API endpoints.
    if (req.headers.authorization !== `Bearer ${token}`) {
      await readBody(req);
      return reply(401, error('InvalidAuthenticationToken', 'Access token is empty or invalid.'));
    }
    const prefix = `/v1.0/drives/${driveId}/`;
    if (!url.pathname.startsWith(prefix)) {
      await readBody(req);
      return reply(404, error('itemNotFound', 'Unknown drive'));
    }
    const rest = decodeURIComponent(url.pathname.slice(prefix.length));
    const conflict = url.searchParams.get('@microsoft.graph.conflictBehavior') ?? 'fail';
    let m = /^root:\/(.+):\/content$/.exec(rest);
    if (m && req.method === 'PUT') {
      const body = await readBody(req);
      if (body.length > 250 * 1024 * 1024)
        return reply(413, error('requestTooLarge', 'Use an upload session'));
      entry.status = 201;
      return store(m[1]!, body, conflict, res);
    }
    m = /^root:\/(.+):\/createUploadSession$/.exec(rest);
    if (m && req.method === 'POST') {
      const body = JSON.parse((await readBody(req)).toString('utf8') || '{}') as {
        item?: Record<string, string>;
      };
      const id = randomUUID();
      const behaviour = body.item?.['@microsoft.graph.conflictBehavior'] ?? 'fail';
      if (behaviour === 'fail' && byPath(m[1]!)) {
        return reply(409, error('nameAlreadyExists', 'The specified item name already exists.'));
      }
      sessions.set(id, { path: m[1]!, total: null, received: [], next: 0, conflict: behaviour });
      return reply(200, {
        uploadUrl: `${base}/upload/${id}`,
        expirationDateTime: new Date(Date.now() + 3600_000).toISOString(),
        nextExpectedRanges: ['0-'],
      });
    }
    m = /^items\/([\w-]+)\/listItem\/fields$/.exec(rest);
    if (m && req.method === 'PATCH') {
      const item = items.get(m[1]!);
      const fields = JSON.parse((await readBody(req)).toString('utf8')) as Record<string, unknown>;
      if (!item) return reply(404, error('itemNotFound', 'Item not found'));
      const unknown = Object.keys(fields).filter((k) => !columns.has(k));
      if (unknown.length > 0) {
        return reply(400, error('invalidRequest', `Field '${unknown[0]}' is not recognized`));
      }
      Object.assign(item.fields, fields);
      return reply(200, { '@odata.etag': `"${item.id},2"`, ...item.fields });
    }
    m = /^root:\/(.+):\/content$/.exec(rest);
    if (m && req.method === 'GET') {
      const item = byPath(m[1]!);
      return item
        ? reply(302, undefined, { Location: `${base}/download/${item.id}` })
        : reply(404, error('itemNotFound', 'The resource could not be found.'));
    }
    m = /^root:\/(.+)$/.exec(rest);
    if (m && req.method === 'DELETE') {
      await readBody(req);
      const path = m[1]!;
      const gone = [...items.values()].filter(
        (i) => i.path === path || i.path.startsWith(`${path}/`),
      );
      for (const i of gone) items.delete(i.id);
      return gone.length > 0
        ? reply(204)
        : reply(404, error('itemNotFound', 'The resource could not be found.'));
    }
    m = /^root:\/(.+)$/.exec(rest);
    if (m && req.method === 'GET') {
      const item = byPath(m[1]!);
      return item
        ? reply(200, driveItem(item))
        : reply(404, error('itemNotFound', 'The resource could not be found.'));
    }
    await readBody(req);
    return reply(400, error('invalidRequest', `Unsupported ${req.method} ${rest}`));
  });

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url: base,
    items,
    log,
    breakFragmentOnce(index, keep) {
      breakAt = { index, keep };
    },
    throttleOnce(method, pattern, status, after) {
      throttles.push({ method, pattern, status, after });
    },
    itemAt: byPath,
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
