import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import type { DeliveryResult, NewNotification } from '../../src/followup/followup.port.ts';
import {
  SlidingWindowLimiter,
  TEAMS_CONVERSATION_LIMITS,
} from '../../src/followup/rate-limiter.ts';
import { OutboxSender } from '../../src/followup/sender.ts';
import { SqliteConversationRefs, SqliteOutbox } from '../../src/followup/sqlite-outbox.ts';
import { openDatabase } from '../../src/store/sqlite/db.ts';

const dir = mkdtempSync(join(tmpdir(), 'ko-sender-'));
after(() => rmSync(dir, { recursive: true, force: true }));
let n = 0;
const db = () => openDatabase(join(dir, `o${++n}.db`));

const item = (key: string, recipient = 'ola'): NewNotification => ({
  idempotencyKey: key,
  recipientUserId: recipient,
  taskId: `t-${key}`,
  kind: 'due',
  dueDate: '2026-03-01',
  leadDays: 0,
  notBefore: '2026-03-01T07:00:00.000Z',
});

describe('rate limiter', () => {
  it('enforces 7 per second, 60 per 30 s and 1800 per hour per conversation', () => {
    const l = new SlidingWindowLimiter(TEAMS_CONVERSATION_LIMITS, 0);
    let t = 0;
    const sends: number[] = [];
    for (let i = 0; i < 1900; i++) {
      t = l.nextAllowed('c', t);
      l.record('c', t);
      sends.push(t);
    }
    const max = (w: number) => {
      let m = 0;
      let j = 0;
      for (let i = 0; i < sends.length; i++) {
        while ((sends[j] as number) <= (sends[i] as number) - w) j++;
        m = Math.max(m, i - j + 1);
      }
      return m;
    };
    assert.equal(max(1_000), 7);
    assert.equal(max(30_000), 60);
    assert.equal(max(3_600_000), 1800);
    // Another conversation is independent.
    assert.equal(l.nextAllowed('other', 5), 5);
    // A 429 blocks the conversation until its Retry-After.
    l.block('x', 10_000);
    assert.equal(l.nextAllowed('x', 0), 10_000);
  });
});

describe('outbox store', () => {
  it('writes each idempotency key once and claims with a lease', async () => {
    const outbox = new SqliteOutbox(db());
    assert.equal(await outbox.enqueue([item('a'), item('b')]), 2);
    assert.equal(await outbox.enqueue([item('a'), item('c')]), 1);
    const now = new Date('2026-03-01T08:00:00Z');
    const claimed = await outbox.claimDue(now, 10, 60_000, 'w1');
    assert.equal(claimed.length, 3);
    assert.equal((await outbox.claimDue(now, 10, 60_000, 'w2')).length, 0);
    const first = claimed[0]!;
    assert.equal(await outbox.beginAttempt(first.id, 'w2', now, 60_000), false);
    assert.equal(await outbox.beginAttempt(first.id, 'w1', now, 60_000), true);
    assert.equal(await outbox.markSent(first.id, 'w2', now), false);
    assert.equal(await outbox.markSent(first.id, 'w1', now), true);
    // After the lease ran out another worker may take the rest (not the sent one).
    const later = new Date(now.getTime() + 61_000);
    assert.equal((await outbox.claimDue(later, 10, 60_000, 'w2')).length, 2);
    assert.deepEqual(await outbox.stats(), { pending: 2, sent: 1, dead: 0 });
    // Not before its time.
    await outbox.enqueue([{ ...item('future'), notBefore: '2026-03-02T07:00:00.000Z' }]);
    assert.equal((await outbox.claimDue(later, 10, 60_000, 'w3')).length, 0);
  });

  it('stores conversation references for the bot', async () => {
    const refs = new SqliteConversationRefs(db());
    await refs.save({
      userId: 'ola',
      conversationId: 'a:1',
      kind: 'personal',
      referenceJson: '{"x":1}',
    });
    await refs.save({
      userId: 'ola',
      conversationId: 'a:1',
      kind: 'personal',
      referenceJson: '{"x":2}',
    });
    assert.equal((await refs.get('ola'))?.referenceJson, '{"x":2}');
    assert.equal(await refs.get('ola', 'channel'), null);
    await refs.remove('ola', 'a:1');
    assert.equal(await refs.get('ola'), null);
  });
});

describe('sender', () => {
  async function runWith(statuses: DeliveryResult[], maxAttempts = 3) {
    const outbox = new SqliteOutbox(db());
    await outbox.enqueue([item('k')]);
    let t = new Date('2026-03-01T08:00:00Z').getTime();
    const calls: number[] = [];
    const sender = new OutboxSender({
      outbox,
      workerId: 'w',
      clock: () => new Date(t),
      maxAttempts,
      baseBackoffMs: 1_000,
      random: () => 0.5,
      deliver: async () => {
        calls.push(t);
        const r = statuses.shift();
        if (!r) throw new Error('network down');
        return r;
      },
    });
    for (let i = 0; i < 6; i++) {
      await sender.runOnce();
      t += 10_000;
    }
    const row = await outbox.get(1);
    return { row, calls };
  }

  it('retries 429 after Retry-After, then 502 and 504 with backoff, and sends once', async () => {
    const { row, calls } = await runWith(
      [{ status: 429, retryAfterMs: 15_000 }, { status: 502 }, { status: 201 }],
      5,
    );
    assert.equal(row?.state, 'sent');
    assert.equal(row?.attempts, 3);
    // The 429 waited for Retry-After (15 s): the second call came 20 s later (two 10 s ticks).
    assert.equal((calls[1] as number) - (calls[0] as number), 20_000);
  });

  it('gives up on permanent errors and after too many attempts', async () => {
    assert.equal((await runWith([{ status: 403 }])).row?.state, 'dead');
    const tooMany = await runWith([{ status: 412 }, { status: 504 }, { status: 502 }], 3);
    assert.equal(tooMany.row?.state, 'dead');
    assert.equal(tooMany.row?.attempts, 3);
    assert.match(tooMany.row?.lastError ?? '', /502/);
    // A thrown network error counts as transient.
    assert.equal((await runWith([], 5)).row?.attempts, 5);
  });
});
