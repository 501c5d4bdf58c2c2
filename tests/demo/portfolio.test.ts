import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { loadConfig } from '../../src/config.ts';
import {
  addDays,
  asViewer,
  type ContractInput,
  contractStatus,
  currentEndDate,
  isValidOrgnr,
} from '../../src/core/index.ts';
import { DEMO_USERS, TEMPLATES } from '../../src/demo/catalogue.ts';
import { generateDemoPortfolio } from '../../src/demo/portfolio.ts';
import { seedDemo } from '../../src/demo/seed.ts';
import { createServices, type Services } from '../../src/services.ts';

const TODAY = '2026-11-26';
const hash = (x: unknown) => createHash('sha256').update(JSON.stringify(x)).digest('hex');

describe('demo portfolio generator', () => {
  const p = generateDemoPortfolio({ today: TODAY });
  const status = (c: ContractInput) =>
    contractStatus({ ...c, options: c.options.map((o, i) => ({ ...o, id: `o${i}` })) }, TODAY);

  it('is deterministic: same seed and date give the same portfolio', () => {
    assert.equal(hash(generateDemoPortfolio({ today: TODAY })), hash(p));
    assert.notEqual(hash(generateDemoPortfolio({ today: TODAY, seed: 7 })), hash(p));
  });

  it('has at least 300 contracts and about 40 framework agreements, several with more suppliers', () => {
    assert.ok(p.contracts.length >= 300);
    const frameworks = p.contracts.filter((c) => c.kind === 'framework');
    assert.ok(frameworks.length >= 35 && frameworks.length <= 45, String(frameworks.length));
    const ranked = frameworks.filter(
      (c) => c.suppliers.length > 1 && c.suppliers.every((s, i) => s.rank === i + 1),
    );
    const parallel = frameworks.filter(
      (c) => c.suppliers.length > 1 && c.suppliers.every((s) => s.rank === null),
    );
    assert.ok(ranked.length >= 3, `ranked ${ranked.length}`);
    assert.ok(parallel.length >= 3, `parallel ${parallel.length}`);
    assert.equal(new Set(p.contracts.map((c) => c.referenceNumber)).size, p.contracts.length);
  });

  it('uses valid orgnrs, CPV codes, Norwegian text, options, KPI and values in øre', () => {
    for (const c of p.contracts) {
      for (const s of c.suppliers) assert.ok(isValidOrgnr(s.orgnr), s.orgnr);
      assert.ok(c.cpvCodes.length > 0);
      for (const code of c.cpvCodes) assert.match(code, /^\d{8}-\d$/);
      assert.ok(Number.isSafeInteger(c.estimatedValueOre ?? 0));
    }
    assert.ok(p.contracts.some((c) => /[æøå]/i.test(c.title)));
    assert.ok(p.contracts.some((c) => c.options.length === 2));
    assert.ok(p.contracts.some((c) => c.options.some((o) => o.state === 'exercised')));
    assert.ok(p.contracts.some((c) => c.priceAdjustment?.index === 'KPI'));
    assert.ok(
      p.contracts.some((c) => (c.estimatedValueOre ?? 0) % 100 !== 0),
      'some øre',
    );
    assert.ok(p.contracts.some((c) => c.published));
  });

  it('puts pay-and-conditions control only on service and construction contracts in covered sectors', () => {
    const controlled = p.contracts.filter((c) => c.payConditionsControl);
    assert.ok(controlled.length > 10);
    for (const c of controlled) {
      assert.ok(['services', 'construction'].includes(c.type), c.referenceNumber);
      assert.ok(c.sector, c.referenceNumber);
    }
  });

  it('has every status relative to today: expiring, expired, draft, terminated', () => {
    const counts = new Map<string, number>();
    for (const c of p.contracts) counts.set(status(c), (counts.get(status(c)) ?? 0) + 1);
    assert.ok((counts.get('expiring') ?? 0) >= 10, JSON.stringify([...counts]));
    assert.ok((counts.get('expired') ?? 0) >= 10);
    assert.ok((counts.get('draft') ?? 0) >= 3);
    assert.ok((counts.get('terminated') ?? 0) >= 1);
    assert.ok((counts.get('active') ?? 0) >= 150);
    // A different "today" still gives contracts expiring soon after it.
    const later = addDays(TODAY, 900);
    const moved = generateDemoPortfolio({ today: later });
    const soon = moved.contracts.filter((c) => {
      const end = currentEndDate({
        endDate: c.endDate,
        options: c.options.map((o, i) => ({ ...o, id: `${i}` })),
      });
      return !c.draft && end !== null && end >= later && end <= addDays(later, 90);
    });
    assert.ok(soon.length >= 5);
  });

  it('lets contracts in force have started, numbered by a year that has come', () => {
    for (const c of p.contracts) {
      if (!c.draft) {
        assert.ok(
          c.startDate && c.startDate <= TODAY,
          `${c.referenceNumber} starts ${c.startDate}`,
        );
      }
      assert.ok(c.referenceNumber.slice(3, 7) <= TODAY.slice(0, 4), c.referenceNumber);
    }
  });

  it('keeps title, CPV codes and suppliers of a contract in one line of business', () => {
    const pattern = (title: string) =>
      new RegExp(`^${title.replace(/[().]/g, '\\$&').replace(/\{[a-z]+\}/g, '.+')}$`);
    for (const c of p.contracts) {
      const template = TEMPLATES.find((x) => x.titles.some((t) => pattern(t.title).test(c.title)));
      assert.ok(template, c.title);
      const titled = template.titles.find((t) => pattern(t.title).test(c.title));
      assert.equal(c.cpvCodes[0], titled?.cpv[0], `${c.title}: ${c.cpvCodes.join(', ')}`);
      for (const code of c.cpvCodes) assert.ok(titled?.cpv.includes(code), `${c.title}: ${code}`);
      for (const s of c.suppliers) {
        assert.ok(
          template.supplierWords.some((w) => s.name.includes(` ${w} `)),
          `${c.title}: ${s.name}`,
        );
      }
    }
  });

  it('defines the demo users and gives eier1 and eier2 several contracts in different units', () => {
    const byId = new Map(DEMO_USERS.map((u) => [u.id, u]));
    assert.equal(byId.get('kontraktservice')?.role, 'kontraktservice');
    assert.equal(byId.get('kontraktservice')?.unitId, 'u-kontraktservice');
    assert.equal(byId.get('eier1')?.role, 'contract_owner');
    assert.equal(byId.get('eier2')?.role, 'contract_owner');
    assert.notEqual(byId.get('eier1')?.unitId, byId.get('eier2')?.unitId);
    assert.equal(byId.get('leser')?.role, 'reader');
    const owned = (id: string) => p.contracts.filter((c) => c.ownerId === id);
    assert.ok(owned('eier1').length >= 5);
    assert.ok(owned('eier2').length >= 5);
    const secret = owned('eier1').filter((c) => Object.keys(c.confidential).length > 0);
    assert.ok(secret.length >= 3);
    assert.ok(
      secret.every((c) =>
        Object.values(c.confidential).every((m) => m?.legalBasis.startsWith('Offl. §')),
      ),
    );
    assert.equal(owned('leser').length, 0);
  });
});

describe('seedDemo on a real SQLite file', () => {
  let dir: string;
  let services: Services;
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'ko-demo-'));
    services = await createServices(loadConfig({ DATA_DIR: dir, LOG_LEVEL: 'silent' }), {
      clock: () => new Date(`${TODAY}T09:00:00Z`),
    });
  });
  after(async () => {
    await services.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('loads units, users and contracts once, and only into an empty register', async () => {
    const first = await seedDemo(services);
    assert.equal(first.seeded, true);
    assert.equal(first.created, 320);
    assert.equal(await services.store.contracts.count(), 320);
    const again = await seedDemo(services);
    assert.equal(again.seeded, false);
    assert.equal(await services.store.contracts.count(), 320);
  });

  it('stores contracts whose units and people all exist, searchable by the demo users', async () => {
    for await (const c of services.store.contracts.all()) {
      const { id: _i, version: _v, createdAt: _c, updatedAt: _u, ...input } = c;
      assert.deepEqual(await services.contracts.referenceIssues(input), [], c.referenceNumber);
    }
    const eier1 = await services.store.directory.getUser('eier1');
    assert.ok(eier1);
    const mine = await services.contracts.search(asViewer(eier1), {
      ownerId: 'eier1',
      includeExpired: true,
    });
    assert.ok(mine.total >= 5);
    const expiring = await services.contracts.search(asViewer(eier1), { status: ['expiring'] });
    assert.ok(expiring.total >= 10);
  });

  it('scales: a few thousand contracts in one import', async () => {
    const big = await seedDemo(services, { contracts: 3000, force: true });
    assert.equal(big.created + big.updated, 3000);
    assert.ok((await services.store.contracts.count()) >= 3000);
  });
});
