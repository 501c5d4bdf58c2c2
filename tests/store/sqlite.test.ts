import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
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
