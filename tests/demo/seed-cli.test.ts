// `npm run cli -- seed` as a user runs it: a real process and a real data folder, then the
// follow-up store read back through the services.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { loadConfig } from '../../src/config.ts';
import { addDays } from '../../src/core/index.ts';
import { followUpFor } from '../../src/followup/wire.ts';
import { createServices } from '../../src/services.ts';
import { runCli } from '../support/cli.ts';

describe('CLI: seed', () => {
  const dir = mkdtempSync(join(tmpdir(), 'seed-cli-'));
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('loads the demo with follow-up plans and their older tasks done; never again over it', async () => {
    const first = runCli(['seed', '--contracts', '40', '--skip-spend'], dir);
    assert.equal(first.status, 0, first.stderr);
    assert.match(first.stdout, /40 nye og 0 oppdaterte avtaler/);
    assert.match(first.stdout, /Oppfølgingsplaner lagt inn; \d+ eldre oppgaver merket som utført/);

    const services = await createServices(
      loadConfig({ DATA_DIR: dir, AUTH_MODE: 'dev', LOG_LEVEL: 'silent' }),
    );
    try {
      const followUp = followUpFor(services);
      await followUp.service.ensureDefaults();
      const store = followUp.store;
      const weekAgo = addDays(services.contracts.today(), -7);
      const older = store.query({ dueOnOrBefore: weekAgo, states: ['open', 'snoozed', 'done'] });
      const done = older.filter((t) => t.state === 'done');
      assert.ok(older.length > 10 && done.length / older.length > 0.7, `${done.length}`);
      for (const t of done) assert.equal(t.completedBy, t.assigneeId ?? 'kontraktservice');
    } finally {
      await services.close();
    }

    const again = runCli(['seed'], dir);
    assert.equal(again.status, 0, again.stderr);
    assert.match(again.stdout, /har allerede 40 avtaler; ingenting lagt inn/);
    // Over contracts that were there (--force), no task is completed on anyone's behalf.
    const forced = runCli(['seed', '--contracts', '40', '--force', '--skip-spend'], dir);
    assert.equal(forced.status, 0, forced.stderr);
    assert.doesNotMatch(forced.stdout, /Oppfølgingsplaner lagt inn/);
  });
});
