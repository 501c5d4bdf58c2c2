import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { openSqliteRegister } from '../../src/store/sqlite/register-store.ts';
import { registerConformance } from './conformance.ts';

const dir = mkdtempSync(join(tmpdir(), 'ko-store-'));
registerConformance('sqlite', {
  async open() {
    return openSqliteRegister(join(dir, 'register.db'));
  },
  async cleanup() {
    rmSync(dir, { recursive: true, force: true });
  },
});

describe('sqlite specifics', () => {
  it('uses WAL and refuses to rewrite the audit log', () => {
    const d = mkdtempSync(join(tmpdir(), 'ko-wal-'));
    const store = openSqliteRegister(join(d, 'r.db'));
    assert.equal(store.db.pragma('journal_mode', { simple: true }), 'wal');
    store.db
      .prepare(
        "INSERT INTO audit (at, actor_id, entity, entity_id, action, changes) VALUES ('x','a','contract','1','create','[]')",
      )
      .run();
    assert.throws(() => store.db.prepare("UPDATE audit SET actor_id = 'b'").run(), /append-only/);
    assert.throws(() => store.db.prepare('DELETE FROM audit').run(), /append-only/);
    store.db.close();
    rmSync(d, { recursive: true, force: true });
  });
});

describe('migrations', () => {
  it('applies each file once, and a lower-numbered file that lands later too', async () => {
    const { migrate } = await import('../../src/store/sqlite/db.ts');
    const Database = (await import('better-sqlite3')).default;
    const d = mkdtempSync(join(tmpdir(), 'ko-mig-'));
    const db = new Database(join(d, 'm.db'));
    writeFileSync(join(d, '001_a.sql'), 'CREATE TABLE a (x);');
    writeFileSync(join(d, '003_c.sql'), 'CREATE TABLE c (x);');
    assert.equal(migrate(db, d), 3);
    writeFileSync(join(d, '002_b.sql'), 'CREATE TABLE b (x);');
    assert.equal(migrate(db, d), 3);
    assert.equal(migrate(db, d), 3, 'nothing applied twice');
    const tables = (
      db
        .prepare(
          "SELECT name FROM sqlite_master WHERE type = 'table' AND name IN ('a','b','c') ORDER BY name",
        )
        .all() as { name: string }[]
    ).map((r) => r.name);
    assert.deepEqual(tables, ['a', 'b', 'c']);
    writeFileSync(join(d, '004_bad.sql'), 'CREATE TABLE d (x); THIS IS NOT SQL;');
    assert.throws(() => migrate(db, d));
    const leftover = db
      .prepare("SELECT count(*) AS n FROM sqlite_master WHERE name = 'd'")
      .get() as { n: number };
    assert.equal(leftover.n, 0, 'a failed migration leaves nothing behind');
    db.close();
    rmSync(d, { recursive: true, force: true });
  });
});

describe('search cache', () => {
  it('sees writes by this connection and by another process on the same file', async () => {
    const { contractInput } = await import('../support/fixtures.ts');
    const d = mkdtempSync(join(tmpdir(), 'ko-cache-'));
    const a = openSqliteRegister(join(d, 'r.db'));
    const b = openSqliteRegister(join(d, 'r.db'));
    const scope = {
      today: '2026-01-15',
      expiringWindowDays: 180,
      seesAllConfidential: true,
      userId: null,
    };
    const count = async () => (await a.contracts.search({ text: 'kontorrekvisita' }, scope)).total;
    assert.equal(await count(), 0);
    await a.contracts.create(contractInput({ referenceNumber: 'CACHE-1' }), 'ks');
    assert.equal(await count(), 1, 'own write');
    await b.contracts.create(contractInput({ referenceNumber: 'CACHE-2' }), 'ks');
    assert.equal(await count(), 2, 'another connection');
    const c = await b.contracts.getByReference('CACHE-2');
    await b.contracts.update(
      c?.id as string,
      contractInput({ referenceNumber: 'CACHE-2', title: 'Annet', description: 'Annet' }),
      1,
      'ks',
    );
    assert.equal(await count(), 1, 'an update elsewhere');
    await a.close();
    await b.close();
    rmSync(d, { recursive: true, force: true });
  });
});
