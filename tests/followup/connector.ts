import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { TEAMS_CONVERSATION_LIMITS } from '../../src/followup/rate-limiter.ts';

/**
 * A local Bot Connector: accepts `POST /v3/conversations/{id}/activities`, enforces Teams' per-
 * conversation limits (a request over a limit is a violation, answered 429), injects transient
 * failures (every `failEvery`-th request: 502, 429 with Retry-After, 412, 504 in turn), and counts
 * accepted activities per idempotency key.
 */
export interface Connector {
  readonly url: string;
  readonly accepted: Map<string, number>;
  readonly violations: string[];
  readonly failures: number[];
  /** Called when a request arrives; return 'hold' to never answer it (the test kills the client). */
  onRequest: ((n: number) => 'answer' | 'hold') | null;
  close(): Promise<void>;
}

export async function startConnector(failEvery = 7): Promise<Connector> {
  const arrivals = new Map<string, number[]>();
  const accepted = new Map<string, number>();
  const violations: string[] = [];
  const failures: number[] = [];
  const transient = [502, 429, 412, 504];
  let count = 0;
  const connector: Connector = {
    url: '',
    accepted,
    violations,
    failures,
    onRequest: null,
    close: async () => {},
  };
  const server: Server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const m = /^\/v3\/conversations\/([^/]+)\/activities$/.exec(req.url ?? '');
      if (req.method !== 'POST' || !m) {
        res.writeHead(404).end();
        return;
      }
      const conversation = decodeURIComponent(m[1] as string);
      const now = performance.timeOrigin + performance.now();
      const list = arrivals.get(conversation) ?? [];
      arrivals.set(conversation, list);
      list.push(now);
      for (const w of TEAMS_CONVERSATION_LIMITS) {
        const inWindow = list.filter((t) => t > now - w.windowMs).length;
        if (inWindow > w.limit) {
          violations.push(`${conversation}: ${inWindow} in ${w.windowMs} ms`);
          res.writeHead(429, { 'retry-after': '1' }).end();
          return;
        }
      }
      count++;
      if (connector.onRequest?.(count) === 'hold') return;
      if (count % failEvery === 0) {
        const status = transient[(count / failEvery) % transient.length] as number;
        failures.push(status);
        res.writeHead(status, status === 429 ? { 'retry-after': '1' } : {}).end();
        return;
      }
      const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { key: string };
      accepted.set(body.key, (accepted.get(body.key) ?? 0) + 1);
      res
        .writeHead(201, { 'content-type': 'application/json' })
        .end(JSON.stringify({ id: String(count) }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  Object.assign(connector, {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  });
  return connector;
}
