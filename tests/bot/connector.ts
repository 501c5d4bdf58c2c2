/**
 * A local Bot Connector service: records what the bot posts to
 * `POST {serviceUrl}/v3/conversations/{conversationId}/activities[/{activityId}]` and answers as the
 * documented connector does (201 with a ResourceResponse), or with a chosen failure.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Posted {
  readonly method: string;
  readonly path: string;
  readonly authorization: string | undefined;
  readonly body: Record<string, unknown>;
}

export interface FakeConnector {
  readonly url: string;
  readonly posted: Posted[];
  /** The next answers (status and headers); when empty, 201. */
  readonly failures: { status: number; headers?: Record<string, string> }[];
  close(): Promise<void>;
}

export async function startConnector(): Promise<FakeConnector> {
  const posted: Posted[] = [];
  const failures: FakeConnector['failures'] = [];
  let n = 0;
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      let body: Record<string, unknown> = {};
      try {
        body = text ? (JSON.parse(text) as Record<string, unknown>) : {};
      } catch {
        res.writeHead(400).end();
        return;
      }
      posted.push({
        method: req.method ?? '',
        path: req.url ?? '',
        authorization: req.headers.authorization,
        body,
      });
      const failure = failures.shift();
      if (failure) {
        res.writeHead(failure.status, { 'content-type': 'application/json', ...failure.headers });
        res.end(
          JSON.stringify({ error: { code: 'Failure', message: `status ${failure.status}` } }),
        );
        return;
      }
      n += 1;
      res.writeHead(201, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ id: `activity-${n}` }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/`,
    posted,
    failures,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
