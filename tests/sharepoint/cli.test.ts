// `npm run cli -- provision` and `npm run cli -- migrate` as a person runs them, against the local
// Graph server (GRAPH_BASE_URL + GRAPH_TOKEN) and a real SQLite file.
import assert from 'node:assert/strict';
import { execFile, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import type { Contract } from '../../src/core/index.ts';
import { openSqliteRegister } from '../../src/store/sqlite/register-store.ts';
import { type GraphServer, startGraphServer } from '../graph/server.ts';
import { contractInput } from '../support/fixtures.ts';
import { openStore, SECOND_MS } from './helpers.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'ko-sp-cli-'));

/** Runs the CLI in a child process (asynchronously: the Graph server lives in this process). */
function cli(
  server: GraphServer,
  ...args: string[]
): Promise<{ status: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ['--import', 'tsx', 'src/cli/main.ts', ...args],
      {
        cwd: ROOT,
        encoding: 'utf8',
        env: {
          ...process.env,
          DATA_DIR: dir,
          GRAPH_BASE_URL: server.baseUrl,
          GRAPH_TOKEN: 'test-token',
          SHAREPOINT_SITE_ID: server.siteId,
        },
      },
      (error, stdout, stderr) => {
        const code = error && typeof error.code === 'number' ? error.code : error ? 1 : 0;
        resolve({ status: code, stdout, stderr });
      },
    );
  });
}

describe('CLI: provision and migrate', () => {
  let server: GraphServer;
  before(async () => {
    server = await startGraphServer({ secondMs: SECOND_MS, token: 'test-token' });
  });
  after(async () => {
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('provision creates the lists, and a second run changes nothing', async () => {
    const first = await cli(server, 'provision');
    assert.equal(first.status, 0, first.stderr);
    assert.match(first.stdout, /Nye lister: Kontrakter, Enheter/);
    const lists = server.lists();
    const second = await cli(server, 'provision');
    assert.equal(second.status, 0, second.stderr);
    assert.match(second.stdout, /Nye lister: ingen\nNye kolonner: ingen\nNye indekser: ingen/);
    assert.deepEqual(server.lists(), lists);
  });

  it('refuses a malformed site id and a missing token setting', () => {
    const bad = spawnSync(
      process.execPath,
      ['--import', 'tsx', 'src/cli/main.ts', 'provision', '--site', "x'; drop"],
      { cwd: ROOT, encoding: 'utf8', env: { ...process.env, GRAPH_TOKEN: 't' } },
    );
    assert.notEqual(bad.status, 0);
    assert.match(bad.stderr, /SHAREPOINT_SITE_ID skal ha formen/);
  });

  it('migrates SQLite → SharePoint without loss (ids, versions, audit), re-runnable, and back', async () => {
    const file = join(dir, 'register.db');
    const sqlite = openSqliteRegister(file);
    await sqlite.directory.saveUnit(
      { id: 'u-innkjop', name: 'Innkjøp konsern', parentId: null, sector: null },
      'ks',
    );
    const created = [];
    for (let i = 0; i < 45; i++) {
      created.push(
        await sqlite.contracts.create(
          contractInput({ referenceNumber: `MIG-${i}`, title: `Avtale «${i}» <script>` }),
          'ks',
        ),
      );
    }
    const first = created[0];
    assert.ok(first);
    const { id, version, createdAt, updatedAt, ...input } = first;
    await sqlite.contracts.update(id, { ...input, title: 'Endret før migrering' }, 1, 'eier1');
    const history = await sqlite.audit.list('contract', id);
    const originals = new Map<string, Contract>();
    for await (const c of sqlite.contracts.all()) originals.set(c.id, c);
    const originalAudit = await sqlite.audit.since(0, 10_000);
    await sqlite.close();

    const run = await cli(server, 'migrate', '--from', 'sqlite', '--to', 'sharepoint');
    assert.equal(run.status, 0, run.stderr);
    assert.match(run.stdout, /Kopiert: 45 avtaler/);
    const again = await cli(server, 'migrate', '--from', 'sqlite', '--to', 'sharepoint');
    assert.equal(again.status, 0, again.stderr);
    assert.match(again.stdout, /Kopiert: 0 avtaler, 0 loggoppføringer/);

    const sp = await openStore(server);
    assert.equal(await sp.contracts.count(), 45);
    const moved = await sp.contracts.get(id);
    assert.equal(moved?.title, 'Endret før migrering');
    assert.equal(moved?.version, 2);
    assert.deepEqual(await sp.audit.list('contract', id), history);
    assert.equal(server.items('Kontrakter').length, 45, 'nothing duplicated by the second run');

    // And back, into an empty SQLite file.
    const back = join(dir, 'back.db');
    const home = await cli(
      server,
      'migrate',
      '--from',
      'sharepoint',
      '--to',
      'sqlite',
      '--file',
      back,
    );
    assert.equal(home.status, 0, home.stderr);
    assert.match(home.stdout, /Kopiert: 45 avtaler/);
    const checkRoundTrip = async () => {
      const restored = openSqliteRegister(back);
      try {
        assert.equal(await restored.contracts.count(), 45);
        const c = await restored.contracts.getByReference('MIG-7');
        assert.equal(c?.title, 'Avtale «7» <script>');
        assert.equal((await restored.directory.getUnit('u-innkjop'))?.name, 'Innkjøp konsern');
        // Identical contracts: ids, versions, timestamps and option ids included.
        const roundTrip = new Map<string, Contract>();
        for await (const x of restored.contracts.all()) roundTrip.set(x.id, x);
        assert.deepEqual(roundTrip, originals);
        // Identical audit histories, per contract and entry for entry (ids, times, actors).
        for (const cid of originals.keys()) {
          assert.deepEqual(
            await restored.audit.list('contract', cid),
            originalAudit.filter((e) => e.entity === 'contract' && e.entityId === cid),
          );
        }
        const all = await restored.audit.since(0, 10_000);
        const byId = new Map(all.map((e) => [e.id, e]));
        for (const e of originalAudit) assert.deepEqual(byId.get(e.id), e);
        // Anything more is the migrations' own directory copies, by the migration actor.
        for (const e of all.filter((x) => !originalAudit.some((o) => o.id === x.id))) {
          assert.equal(e.actorId, 'migrering');
          assert.notEqual(e.entity, 'contract');
        }
        // The search index and child rows are rebuilt: search, supplier and category filters find them.
        const scope = {
          today: '2026-01-01',
          expiringWindowDays: 90,
          seesAllConfidential: true,
          userId: null,
        };
        const found = await restored.contracts.search(
          { text: 'Endret migrering', includeExpired: true },
          scope,
        );
        assert.deepEqual(
          found.items.map((x) => x.id),
          [id],
        );
        const orgnr = first.suppliers[0]?.orgnr;
        assert.ok(orgnr);
        const bySupplier = await restored.contracts.search(
          { supplierOrgnr: orgnr, includeExpired: true, limit: 100 },
          scope,
        );
        assert.equal(bySupplier.total, 45);
        const category = first.cpvCodes[0]?.slice(0, 2);
        assert.ok(category);
        const byCategory = await restored.contracts.search(
          { category, includeExpired: true, limit: 100 },
          scope,
        );
        assert.equal(byCategory.total, 45);
      } finally {
        await restored.close();
      }
    };
    await checkRoundTrip();

    // Into a register that is no longer empty: refused without --replace, converges with it.
    const refused = await cli(
      server,
      'migrate',
      '--from',
      'sharepoint',
      '--to',
      'sqlite',
      '--file',
      back,
    );
    assert.notEqual(refused.status, 0);
    assert.match(refused.stderr, /ikke tomt/);
    await checkRoundTrip();
    const replaced = await cli(
      server,
      'migrate',
      '--from',
      'sharepoint',
      '--to',
      'sqlite',
      '--file',
      back,
      '--replace',
    );
    assert.equal(replaced.status, 0, replaced.stderr);
    await checkRoundTrip();
  });
});
