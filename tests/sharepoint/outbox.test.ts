// The SharePoint outbox behaves like the SQLite one (the same checks as tests/followup/sender.test.ts)
// and works with the real OutboxSender: retries after Retry-After, sends once.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { DeliveryResult, NewNotification } from '../../src/followup/followup.port.ts';
import { OutboxSender } from '../../src/followup/sender.ts';
import { SharePointLease } from '../../src/store/sharepoint/lease.ts';
import { SharePointOutbox } from '../../src/store/sharepoint/outbox.ts';
import { findLists } from '../../src/store/sharepoint/provision.ts';
import type { GraphServer } from '../graph/server.ts';
import { graphFor, provisionedServer } from './helpers.ts';

const item = (key: string, recipient = 'ola'): NewNotification => ({
  idempotencyKey: key,
  recipientUserId: recipient,
  taskId: `t-${key}`,
  kind: 'due',
  dueDate: '2026-03-01',
  leadDays: 0,
  notBefore: '2026-03-01T07:00:00.000Z',
});

describe('SharePoint outbox and lease', () => {
  let server: GraphServer;
  const fresh = async () => {
    const graph = graphFor(server);
    return new SharePointOutbox(graph, server.siteId, await findLists(graph, server.siteId));
  };
  before(async () => {
    server = await provisionedServer();
  });
  after(() => server.close());

  it('writes each idempotency key once and claims with a lease', async () => {
    const outbox = await fresh();
    assert.equal(await outbox.enqueue([item('a'), item('b')]), 2);
    assert.equal(await outbox.enqueue([item('a'), item('c')]), 1);
    const now = new Date('2026-03-01T08:00:00Z');
    const claimed = await outbox.claimDue(now, 10, 60_000, 'w1');
    assert.equal(claimed.length, 3);
    assert.equal((await outbox.claimDue(now, 10, 60_000, 'w2')).length, 0);
    const first = claimed[0];
    assert.ok(first);
    assert.equal(await outbox.beginAttempt(first.id, 'w2', now, 60_000), false);
    assert.equal(await outbox.beginAttempt(first.id, 'w1', now, 60_000), true);
    assert.equal(await outbox.markSent(first.id, 'w2', now), false);
    assert.equal(await outbox.markSent(first.id, 'w1', now), true);
    const later = new Date(now.getTime() + 61_000);
    assert.equal((await outbox.claimDue(later, 10, 60_000, 'w2')).length, 2);
    assert.deepEqual(await outbox.stats(), { pending: 2, sent: 1, dead: 0 });
    await outbox.enqueue([{ ...item('future'), notBefore: '2026-03-02T07:00:00.000Z' }]);
    assert.equal((await outbox.claimDue(later, 10, 60_000, 'w3')).length, 0);
    const got = await outbox.get(first.id);
    assert.equal(got?.state, 'sent');
    assert.equal(got?.attempts, 1);
    assert.deepEqual(
      (await outbox.recentAttempts(new Date(0))).map((a) => a.recipientUserId),
      ['ola'],
    );
  });

  it('drives the real sender: 429 waits for Retry-After, then it is sent once', async () => {
    const outbox = await fresh();
    await outbox.enqueue([item('sender-k')]);
    let t = new Date('2026-03-01T08:00:00Z').getTime();
    const statuses: DeliveryResult[] = [{ status: 429, retryAfterMs: 15_000 }, { status: 201 }];
    const calls: number[] = [];
    const sender = new OutboxSender({
      outbox,
      workerId: 'w',
      clock: () => new Date(t),
      limits: [],
      baseBackoffMs: 1_000,
      random: () => 0.5,
      deliver: async (n) => {
        if (n.idempotencyKey !== 'sender-k') return { status: 201 };
        calls.push(t);
        return statuses.shift() ?? { status: 500 };
      },
    });
    for (let i = 0; i < 4; i++) {
      await sender.runOnce();
      t += 10_000;
    }
    assert.equal(calls.length, 2);
    assert.ok((calls[1] as number) - (calls[0] as number) >= 15_000);
  });

  it('the lease: one holder at a time, free again after release or expiry, fenced', async () => {
    const graph = graphFor(server);
    const lease = new SharePointLease(graph, server.siteId, await findLists(graph, server.siteId));
    const now = new Date('2026-03-01T08:00:00Z');
    const a = await lease.tryAcquire('job', 'a', now, 60_000);
    assert.equal(a?.fence, 1);
    assert.equal(await lease.tryAcquire('job', 'b', now, 60_000), null);
    assert.equal((await lease.tryAcquire('job', 'a', now, 60_000))?.fence, 2, 'renewed');
    const expired = new Date(now.getTime() + 61_000);
    assert.equal((await lease.tryAcquire('job', 'b', expired, 60_000))?.fence, 3);
    await lease.release('job', 'a');
    assert.equal(await lease.tryAcquire('job', 'a', expired, 60_000), null, 'a no longer holds it');
    await lease.release('job', 'b');
    assert.equal((await lease.tryAcquire('job', 'a', expired, 60_000))?.fence, 4);
    assert.equal(await lease.tryAcquire("x' or 1 eq 1", 'c', now, 1000).then((g) => g?.fence), 1);
  });
});
