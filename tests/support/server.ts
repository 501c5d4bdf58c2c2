import { mkdtempSync, rmSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createApp } from '../../src/api/app.ts';
import { loadConfig } from '../../src/config.ts';
import { createServices, type Services } from '../../src/services.ts';
import type { EntraFetch } from '../../src/store/sharepoint/tokens.ts';

export interface TestServer {
  readonly url: string;
  readonly services: Services;
  readonly dataDir: string;
  /** fetch against the server as a dev user (null: no user header). */
  request(
    user: string | null,
    method: string,
    path: string,
    body?: unknown,
    headers?: Record<string, string>,
  ): Promise<{ status: number; headers: Headers; text: string; json: () => unknown }>;
  close(): Promise<void>;
}

/** The demo users every API test can act as. */
export async function seedUsers(services: Services): Promise<void> {
  const dir = services.store.directory;
  await dir.saveUnit(
    { id: 'u-innkjop', name: 'Innkjøp konsern', parentId: null, sector: null },
    'test',
  );
  await dir.saveUnit(
    { id: 'u-helse', name: 'Helse og omsorg', parentId: null, sector: 'Helse' },
    'test',
  );
  await dir.saveUnit({ id: 'u-skole', name: 'Skole', parentId: null, sector: 'Oppvekst' }, 'test');
  const users = [
    {
      id: 'kontraktservice',
      name: 'Kari Kontraktservice',
      role: 'kontraktservice',
      unitId: 'u-innkjop',
    },
    { id: 'eier1', name: 'Eirik Eier', role: 'contract_owner', unitId: 'u-helse' },
    { id: 'eier2', name: 'Eva Eier', role: 'contract_owner', unitId: 'u-skole' },
    { id: 'leser', name: 'Lars Leser', role: 'reader', unitId: 'u-skole' },
  ] as const;
  for (const u of users) await dir.saveUser({ ...u, email: `${u.id}@kommune.example` }, 'test');
}

/**
 * A real server on 127.0.0.1 with a real SQLite file in a fresh data folder, dev auth, no demo data
 * unless asked. `env` overrides configuration.
 */
export async function startTestServer(
  env: Record<string, string> = {},
  options: { clock?: () => Date; seed?: boolean; entraFetch?: EntraFetch } = {},
): Promise<TestServer> {
  const dataDir = mkdtempSync(join(tmpdir(), 'ko-api-'));
  const config = loadConfig({
    AUTH_MODE: 'dev',
    DATA_DIR: dataDir,
    DEMO_DATA: 'off',
    LOG_LEVEL: 'silent',
    PORT: '0',
    ...env,
  });
  const services = await createServices(config, {
    env: { ...process.env, ...env },
    ...(options.clock ? { clock: options.clock } : {}),
    ...(options.entraFetch ? { entraFetch: options.entraFetch } : {}),
  });
  if (options.seed !== false) await seedUsers(services);
  const app = createApp(services);
  const server: Server = await new Promise((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    services,
    dataDir,
    async request(user, method, path, body, headers = {}) {
      const init: RequestInit = { method, headers: { ...headers } };
      if (user) (init.headers as Record<string, string>)['x-dev-user'] = user;
      if (body !== undefined) {
        (init.headers as Record<string, string>)['content-type'] ??= 'application/json';
        init.body =
          typeof body === 'string' || body instanceof Uint8Array
            ? (body as string)
            : JSON.stringify(body);
      }
      const res = await fetch(url + path, init);
      const text = await res.text();
      return { status: res.status, headers: res.headers, text, json: () => JSON.parse(text) };
    },
    async close() {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await services.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
