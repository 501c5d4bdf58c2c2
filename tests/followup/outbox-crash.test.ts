import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { startConnector } from './connector.ts';

const CHILD = fileURLToPath(new URL('./fixtures/sender-child.ts', import.meta.url));

function run(env: Record<string, string>): {
  child: ChildProcess;
  done: Promise<{ code: number | null; signal: string | null; out: string }>;
} {
  const child = spawn(process.execPath, ['--import', 'tsx', CHILD], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout?.on('data', (d: Buffer) => {
    out += d.toString();
  });
  child.stderr?.on('data', (d: Buffer) => {
    out += d.toString();
  });
  const done = new Promise<{ code: number | null; signal: string | null; out: string }>((resolve) =>
    child.on('exit', (code, signal) => resolve({ code, signal, out })),
  );
  return { child, done };
}

function outboxKeys(db: string): string[] {
  const d = new Database(db, { readonly: true });
  const keys = (
    d.prepare('SELECT idempotency_key AS k FROM followup_outbox').all() as { k: string }[]
  ).map((r) => r.k);
  d.close();
  return keys;
}

const dirs: string[] = [];
after(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

describe('outbox: exactly once across crashes, within the rate limits', () => {
  it('a sender killed between outbox write and send delivers everything once after restart', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ko-outbox-'));
    dirs.push(dir);
    const db = join(dir, 'f.db');
    const connector = await startConnector(7);
    try {
      // 1. Plans, writes the outbox, and SIGKILLs itself just before its first delivery.
      const first = await run({
        DB: db,
        CONNECTOR: connector.url,
        ENQUEUE: '1',
        CRASH_BEFORE_DELIVERY: '1',
      }).done;
      assert.equal(first.signal, 'SIGKILL', first.out);
      const enqueued = Number(/enqueued (\d+)/.exec(first.out)?.[1]);
      assert.ok(enqueued >= 30, `expected a real batch, got ${first.out}`);
      assert.equal(connector.accepted.size, 0);

      // 2. Restarted: sends a while, then dies just before its 25th delivery (mid-stream).
      const second = await run({ DB: db, CONNECTOR: connector.url, CRASH_BEFORE_DELIVERY: '25' })
        .done;
      assert.equal(second.signal, 'SIGKILL', second.out);
      assert.match(second.out, /rescan 0/);
      assert.ok(connector.accepted.size > 0 && connector.accepted.size < enqueued);

      // 3. Killed by the parent while a request is on the wire (the connector never answers it).
      let seen = 0;
      let kill = () => {};
      connector.onRequest = () => {
        seen++;
        if (seen !== 6) return 'answer';
        kill();
        return 'hold';
      };
      const third = run({ DB: db, CONNECTOR: connector.url });
      kill = () => third.child.kill('SIGKILL');
      const killed = await third.done;
      assert.equal(killed.signal, 'SIGKILL', killed.out);
      connector.onRequest = null;

      // 4. Final restart runs to the end.
      const last = await run({ DB: db, CONNECTOR: connector.url }).done;
      assert.equal(last.code, 0, last.out);
      assert.match(last.out, /rescan 0/);
      assert.match(last.out, new RegExp(`done sent=${enqueued} dead=0`));

      const keys = outboxKeys(db);
      assert.equal(keys.length, enqueued);
      assert.deepEqual([...connector.accepted.keys()].sort(), [...keys].sort());
      for (const [key, n] of connector.accepted) assert.equal(n, 1, `${key} arrived ${n} times`);
      assert.deepEqual(connector.violations, []);
      assert.ok(connector.failures.length > 0, 'transient failures were injected and retried');
    } finally {
      await connector.close();
    }
  });
});
