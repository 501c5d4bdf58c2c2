import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import type { AuditEntry, Contract } from '../../src/core/index.ts';
import { openSqliteRegister } from '../../src/store/sqlite/register-store.ts';
import { contractInput } from '../support/fixtures.ts';
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

describe('restore (lossless migration into SQLite)', () => {
  it('keeps ids, versions, timestamps, option ids and audit ids, all or nothing', async () => {
    const d = mkdtempSync(join(tmpdir(), 'ko-restore-'));
    try {
      const source = openSqliteRegister(join(d, 'source.db'));
      const a = await source.contracts.create(
        contractInput({ referenceNumber: 'RS-1', title: "Robert'); DROP TABLE contracts;--" }),
        'ks',
      );
      const { id, version, createdAt, updatedAt, ...input } = a;
      await source.contracts.update(id, { ...input, title: 'Renhold skoler' }, 1, 'eier1');
      await source.contracts.create(contractInput({ referenceNumber: 'RS-2' }), 'ks');
      const contracts: Contract[] = [];
      for await (const c of source.contracts.all()) contracts.push(c);
      const audit = await source.audit.since(0, 1000);
      await source.close();

      const target = openSqliteRegister(join(d, 'target.db'));
      // Something wrong late in the batch: nothing at all is written.
      const bad = [
        ...contracts,
        { ...(contracts[0] as Contract), id: 'x', referenceNumber: 'RS-3', version: 0 },
      ];
      await assert.rejects(target.restore(bad, audit), /ugyldig versjon/);
      await assert.rejects(
        target.restore(contracts, [...audit, { ...(audit[0] as AuditEntry) }]),
        /dobbel id/,
      );
      await assert.rejects(
        target.restore([{ ...(contracts[0] as Contract), updatedAt: '<script>' }], []),
        /tidsstempler/,
      );
      assert.equal(await target.contracts.count(), 0);
      assert.deepEqual(await target.audit.since(0, 1000), []);

      assert.deepEqual(await target.restore(contracts, audit), {
        contracts: 2,
        audit: audit.length,
      });
      const back: Contract[] = [];
      for await (const c of target.contracts.all()) back.push(c);
      assert.deepEqual(back, contracts);
      assert.deepEqual(await target.audit.since(0, 1000), audit);
      const scope = {
        today: '2026-01-01',
        expiringWindowDays: 90,
        seesAllConfidential: true,
        userId: null,
      };
      const found = await target.contracts.search({ text: 'renhold', includeExpired: true }, scope);
      assert.deepEqual(
        found.items.map((c) => c.id),
        [id],
      );
      // Versions continue from the restored ones; new audit ids follow the restored ones.
      const restoredA = back.find((c) => c.id === id) as Contract;
      const { id: _i, version: _v, createdAt: _c, updatedAt: _u, ...again } = restoredA;
      const next = await target.contracts.update(id, { ...again, title: 'Ny tittel' }, 2, 'ks');
      assert.equal(next.version, 3);
      assert.equal(next.createdAt, restoredA.createdAt);
      const last = (await target.audit.list('contract', id)).at(-1) as AuditEntry;
      assert.ok(last.id > Math.max(...audit.map((e) => e.id)));

      // A non-empty register is refused unless replaced; the audit log is never rewritten.
      await assert.rejects(target.restore(contracts, audit), /ikke tomt/);
      const forged = audit.map((e, i) => (i === 0 ? { ...e, actorId: 'noen-andre' } : e));
      await assert.rejects(target.restore(contracts, forged, { replace: true }), /annet innhold/);
      assert.equal((await target.contracts.get(id))?.title, 'Ny tittel', 'untouched after refusal');
      assert.deepEqual(await target.restore(contracts, audit, { replace: true }), {
        contracts: 2,
        audit: 0,
      });
      assert.deepEqual(await target.contracts.get(id), restoredA);
      assert.equal(
        (await target.contracts.search({ text: 'tittel', includeExpired: true }, scope)).total,
        0,
        'the replaced version is gone from the search index',
      );
      await target.close();
    } finally {
      rmSync(d, { recursive: true, force: true });
    }
  });
});
