/**
 * The spend routes on a real HTTP server with the product's services on a temporary data folder;
 * the test names the signed-in user in `x-test-user` (standing in for the product's authentication).
 */
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import express from 'express';
import { errorHandler } from '../../src/api/errors.ts';
import { spendRoutes } from '../../src/api/routes/spend.ts';
import { loadConfig } from '../../src/config.ts';
import type { User } from '../../src/core/index.ts';
import { createServices, type Services } from '../../src/services.ts';

export interface SpendApi {
  readonly services: Services;
  /** A request as the named user (unknown names are anonymous). */
  call(user: string, path: string, init?: RequestInit): Promise<Response>;
  close(): Promise<void>;
}

export async function startSpendApi(
  users: Record<string, User>,
  env: Record<string, string> = {},
): Promise<SpendApi> {
  const dir = mkdtempSync(join(tmpdir(), 'spend-api-'));
  const services = await createServices(
    loadConfig({ DATA_DIR: dir, AUTH_MODE: 'dev', LOG_LEVEL: 'silent', DEMO_DATA: 'off', ...env }),
  );
  const app = express();
  app.use(express.json());
  app.use((req, _res, next) => {
    const u = users[String(req.header('x-test-user'))];
    if (u) req.user = u;
    next();
  });
  app.use('/api', spendRoutes(services));
  app.use(errorHandler(() => {}));
  const server = app.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api`;
  return {
    services,
    call: (user, path, init = {}) =>
      fetch(`${base}${path}`, {
        ...init,
        headers: { 'x-test-user': user, ...(init.headers ?? {}) },
      }),
    async close() {
      server.close();
      await services.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
