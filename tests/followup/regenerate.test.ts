/**
 * Incremental plan regeneration: a contract is planned again only when its fingerprint (contract
 * version, routines, settings) changed or its review date (horizon, termination) has come — and
 * the result is always the same as planning everything (a forced run then changes nothing).
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import type { Contract } from '../../src/core/contract.ts';
import { FollowUpService } from '../../src/followup/followup-service.ts';
import { SqliteFollowUpStore } from '../../src/followup/sqlite-followup-store.ts';
import { SqliteOutbox } from '../../src/followup/sqlite-outbox.ts';
import { openSqliteRegister } from '../../src/store/sqlite/register-store.ts';
import { contractInput } from '../support/fixtures.ts';

const dir = mkdtempSync(join(tmpdir(), 'ko-followup-regen-'));
after(() => rmSync(dir, { recursive: true, force: true }));

describe('incremental regeneration', () => {
  it('skips unchanged contracts and still matches a full regeneration', async () => {
    let now = new Date('2026-03-01T09:00:00Z');
    const register = openSqliteRegister(join(dir, 'regen.db'), () => now);
    const users = ['eier1', 'eier2', 'forvalter1'];
    for (const id of users)
      await register.directory.saveUser(
        { id, name: id, email: `${id}@example.org`, role: 'contract_owner', unitId: null },
        'test',
      );
    const store = new SqliteFollowUpStore(register.db);
    const service = new FollowUpService({
      store,
      outbox: new SqliteOutbox(register.db, () => now),
      register,
      clock: () => now,
    });
    await service.ensureDefaults();
    const open = await register.contracts.create(
      contractInput({
        referenceNumber: 'R-1',
        ownerId: 'eier1',
        managerId: null,
        startDate: '2026-01-31',
        endDate: null,
        options: [],
        riskLevel: 'medium',
      }),
      'test',
    );
    const ended = await register.contracts.create(
      contractInput({
        referenceNumber: 'R-2',
        ownerId: 'eier1',
        managerId: null,
        startDate: '2026-02-01',
        endDate: '2027-12-31',
        options: [],
      }),
      'test',
    );
    assert.ok(open?.id && ended?.id);
    const fullIsNoop = async () => {
      const r = await service.regenerateAll(undefined, { force: true });
      assert.deepEqual([r.created, r.changed], [0, 0], 'a full regeneration changes nothing');
    };

    const first = await service.regenerateAll();
    assert.equal(first.contracts, 2);
    assert.ok(first.created > 10);
    const again = await service.regenerateAll();
    assert.deepEqual([again.contracts, again.skipped], [0, 2]);

    // A stored contract change (version) is planned again, the other contract is skipped.
    const current = (await register.contracts.get(ended.id)) as Contract;
    await register.contracts.update(
      ended.id,
      contractInput({
        referenceNumber: 'R-2',
        ownerId: 'eier2',
        managerId: null,
        startDate: '2026-02-01',
        endDate: '2028-06-30',
        options: [],
      }),
      current.version,
      'test',
    );
    const tasksBefore = store.tasksOfContracts([ended.id]);
    const manual = tasksBefore.find((t) => t.activityId === 'sluttevaluering');
    assert.ok(manual);
    // Someone hands one task over by hand: the plan must keep that (without reading history).
    await service.reassign((await register.directory.getUser('eier1'))!, manual.id, {
      assigneeId: 'forvalter1',
    });
    const changed = await service.regenerateAll();
    assert.deepEqual([changed.contracts, changed.skipped], [1, 1]);
    const after = store.tasksOfContracts([ended.id]);
    assert.equal(after.find((t) => t.id === manual.id)?.assigneeId, 'forvalter1');
    assert.equal(after.find((t) => t.id === manual.id)?.dueDate, '2028-04-30');
    assert.equal(after.find((t) => t.activityId === 'utlopsvarsel')?.assigneeId, 'eier2');
    await fullIsNoop();

    // Time alone: a rolling occurrence comes within the 24-month horizon about 6 months on.
    const statusBefore = store
      .tasksOfContracts([open.id])
      .filter((t) => t.activityId === 'statusmote').length;
    now = new Date('2026-09-15T09:00:00Z');
    const later = await service.regenerateAll();
    assert.equal(later.contracts, 1, 'the no-end contract was due for review');
    assert.ok(
      store.tasksOfContracts([open.id]).filter((t) => t.activityId === 'statusmote').length >
        statusBefore,
    );
    await fullIsNoop();
    assert.equal((await service.regenerateAll()).contracts, 0);

    // A future termination takes effect on its date without any contract change.
    const c2 = (await register.contracts.get(ended.id)) as Contract;
    await register.contracts.update(
      ended.id,
      contractInput({
        referenceNumber: 'R-2',
        ownerId: 'eier2',
        managerId: null,
        startDate: '2026-02-01',
        endDate: '2028-06-30',
        options: [],
        terminatedOn: '2026-10-01',
        terminationReason: 'Mislighold',
      }),
      c2.version,
      'test',
    );
    await service.regenerateAll();
    now = new Date('2026-10-01T09:00:00Z');
    const terminated = await service.regenerateAll();
    assert.ok(terminated.contracts >= 1 && terminated.changed > 0);
    assert.ok(
      store.tasksOfContracts([ended.id]).filter((t) => t.state === 'open' || t.state === 'snoozed')
        .length === 0,
    );
    await fullIsNoop();
    await register.close();
  });
});
