// The register store's behaviour, run against every adapter (SQLite here; SharePoint in
// tests/sharepoint). An adapter passes when it behaves exactly like this.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { DomainError } from '../../src/core/index.ts';
import type { RegisterStore, SearchScope } from '../../src/store/register.port.ts';
import { contractInput } from '../support/fixtures.ts';

export interface StoreFactory {
  open(): Promise<RegisterStore>;
  cleanup?(): Promise<void>;
}

const admin: SearchScope = {
  today: '2026-01-15',
  expiringWindowDays: 180,
  seesAllConfidential: true,
  userId: 'ks',
};
const reader: SearchScope = { ...admin, seesAllConfidential: false, userId: 'leser' };

export function registerConformance(name: string, factory: StoreFactory): void {
  describe(`register store conformance: ${name}`, () => {
    let store: RegisterStore;
    before(async () => {
      store = await factory.open();
      await store.directory.saveUnit(
        { id: 'u-innkjop', name: 'Innkjøp konsern', parentId: null, sector: null },
        'system',
      );
    });
    after(async () => {
      await store.close();
      await factory.cleanup?.();
    });

    it('creates, reads and versions a contract, with an audit entry per change', async () => {
      const created = await store.contracts.create(contractInput({ referenceNumber: 'C-1' }), 'ks');
      assert.equal(created.version, 1);
      assert.deepEqual(
        created.options.map((o) => o.id),
        ['opsjon-1', 'opsjon-2'],
      );
      const read = await store.contracts.get(created.id);
      assert.deepEqual(read, created);
      assert.deepEqual(await store.contracts.getByReference('c-1'), created);
      const updated = await store.contracts.update(
        created.id,
        contractInput({ referenceNumber: 'C-1', title: 'Ny tittel' }),
        1,
        'eier1',
      );
      assert.equal(updated.version, 2);
      assert.equal(updated.createdAt, created.createdAt);
      const audit = await store.audit.list('contract', created.id);
      assert.deepEqual(
        audit.map((a) => [a.action, a.actorId]),
        [
          ['create', 'ks'],
          ['update', 'eier1'],
        ],
      );
      assert.deepEqual(audit[1]?.changes, [
        { field: 'title', from: 'Rammeavtale om kontorrekvisita', to: 'Ny tittel' },
      ]);
    });

    it('refuses a stale version (412) and changes nothing', async () => {
      const c = await store.contracts.create(contractInput({ referenceNumber: 'C-2' }), 'ks');
      await store.contracts.update(
        c.id,
        contractInput({ referenceNumber: 'C-2', title: 'A' }),
        1,
        'ks',
      );
      await assert.rejects(
        store.contracts.update(
          c.id,
          contractInput({ referenceNumber: 'C-2', title: 'B' }),
          1,
          'ks',
        ),
        (e: unknown) => e instanceof DomainError && e.code === 'precondition_failed',
      );
      assert.equal((await store.contracts.get(c.id))?.title, 'A');
    });

    it('refuses a duplicate reference number as a conflict on that field', async () => {
      await store.contracts.create(contractInput({ referenceNumber: 'C-3' }), 'ks');
      await assert.rejects(
        store.contracts.create(contractInput({ referenceNumber: 'C-3' }), 'ks'),
        (e: unknown) =>
          e instanceof DomainError &&
          e.code === 'conflict' &&
          e.issues[0]?.field === 'referenceNumber',
      );
    });

    it('exercising an option moves the end date; declining lets later options lapse', async () => {
      const c = await store.contracts.create(
        contractInput({
          referenceNumber: 'C-4',
          endDate: '2026-03-31',
          options: [
            { newEndDate: '2027-03-31', decisionDeadline: '2025-12-31' },
            { newEndDate: '2028-03-31', decisionDeadline: '2026-12-31' },
          ],
        }),
        'ks',
      );
      const exercised = await store.contracts.decideOption(
        c.id,
        'opsjon-1',
        'exercised',
        1,
        'eier1',
        '2025-12-01',
      );
      assert.equal(exercised.options[0]?.state, 'exercised');
      assert.equal(exercised.options[0]?.decidedBy, 'eier1');
      const found = await store.contracts.search({ text: 'C-4', expiringWithinDays: 120 }, admin);
      assert.equal(found.total, 0, 'no longer expiring within 120 days after the option');
      const declined = await store.contracts.decideOption(
        c.id,
        'opsjon-2',
        'declined',
        2,
        'eier1',
        '2026-01-01',
      );
      assert.equal(declined.options[1]?.state, 'declined');
      await assert.rejects(
        store.contracts.decideOption(c.id, 'opsjon-2', 'exercised', 3, 'eier1', '2026-01-02'),
        (e: unknown) => e instanceof DomainError && e.code === 'conflict',
      );
      const audit = await store.audit.list('contract', c.id);
      assert.deepEqual(
        audit.map((a) => a.action),
        ['create', 'option.exercised', 'option.declined'],
      );
    });

    it('searches by prefix, Norwegian letters and references; FTS syntax is plain text', async () => {
      await store.contracts.create(
        contractInput({
          referenceNumber: 'SØK-77',
          title: 'Snørydding og strøing av kommunale veier',
          description: 'Brøyting i bydelene Årstad og Fyllingsdalen',
          cpvCodes: ['90620000-9'],
          suppliers: [
            { orgnr: '974760673', name: 'Vinterdrift Bjørgvin AS', rank: null, terms: null },
          ],
        }),
        'ks',
      );
      for (const text of [
        'snøry',
        'STRØING',
        'årst',
        'bjørg',
        'SØK-77',
        '90620000',
        'Vinterdrift 974760673',
      ]) {
        const r = await store.contracts.search({ text }, admin);
        assert.equal(r.total, 1, `"${text}" finds the contract`);
        assert.equal(r.items[0]?.referenceNumber, 'SØK-77');
      }
      for (const text of [
        '"',
        '*',
        'NEAR(',
        '-',
        'AND',
        'OR "x',
        'snø*',
        "'; DROP TABLE contracts; --",
        '{title}:',
      ]) {
        const r = await store.contracts.search({ text }, admin);
        assert.ok(r.total >= 0, `"${text}" is searched as text`);
      }
      assert.equal(
        (await store.contracts.search({ text: 'arstad' }, admin)).total,
        0,
        'å is not a',
      );
    });

    it('matches confidential text only for those who may see it', async () => {
      await store.contracts.create(
        contractInput({
          referenceNumber: 'HEMMELIG-1',
          description: 'Inneholder xylofonhemmelighet',
          ownerId: 'eier2',
          suppliers: [
            { orgnr: '986105174', name: 'Skjult Leverandør AS', rank: null, terms: 'rabattnøkkel' },
          ],
          confidential: {
            description: { legalBasis: 'Offl. § 13 jf. fvl. § 13 første ledd nr. 2' },
            suppliers: { legalBasis: 'Offl. § 13 jf. fvl. § 13 første ledd nr. 2' },
          },
        }),
        'ks',
      );
      assert.equal((await store.contracts.search({ text: 'xylofonhemmelighet' }, admin)).total, 1);
      assert.equal((await store.contracts.search({ text: 'xylofonhemmelighet' }, reader)).total, 0);
      assert.equal((await store.contracts.search({ text: 'skjult leverandør' }, reader)).total, 0);
      assert.equal((await store.contracts.search({ text: 'rabattnøkkel' }, reader)).total, 0);
      assert.equal((await store.contracts.search({ supplierOrgnr: '986105174' }, reader)).total, 0);
      assert.equal(await store.directory.getSupplier('986105174', reader), null);
      assert.deepEqual(await store.directory.listSuppliers(reader, 'skjult'), []);
      assert.equal(
        (await store.directory.getSupplier('986105174', admin))?.name,
        'Skjult Leverandør AS',
      );
      const owner = { ...reader, userId: 'eier2' };
      assert.equal((await store.contracts.search({ text: 'xylofonhemmelighet' }, owner)).total, 1);
      assert.equal((await store.contracts.search({ supplierOrgnr: '986105174' }, owner)).total, 1);
    });

    it('filters by status, category, unit, supplier, owner and expiry; hides expired unless asked', async () => {
      const base = {
        ownerId: 'filtereier',
        owningUnitId: 'u-filter',
        startDate: '2020-01-01',
        options: [],
      };
      await store.contracts.create(
        contractInput({ ...base, referenceNumber: 'F-EXPIRED', endDate: '2025-06-30' }),
        'ks',
      );
      await store.contracts.create(
        contractInput({
          ...base,
          referenceNumber: 'F-EXPIRING',
          endDate: '2026-03-01',
          cpvCodes: ['45000000-7'],
        }),
        'ks',
      );
      await store.contracts.create(
        contractInput({
          ...base,
          referenceNumber: 'F-ACTIVE',
          endDate: '2029-01-01',
          kind: 'single',
        }),
        'ks',
      );
      await store.contracts.create(
        contractInput({ ...base, referenceNumber: 'F-DRAFT', endDate: '2029-01-01', draft: true }),
        'ks',
      );
      await store.contracts.create(
        contractInput({
          ...base,
          referenceNumber: 'F-TERM',
          endDate: '2029-01-01',
          terminatedOn: '2026-01-01',
        }),
        'ks',
      );
      const refs = async (q: Parameters<typeof store.contracts.search>[0]) =>
        (
          await store.contracts.search(
            { ownerId: 'filtereier', sort: 'referenceNumber', ...q },
            admin,
          )
        ).items.map((c) => c.referenceNumber);
      assert.deepEqual(await refs({}), ['F-ACTIVE', 'F-DRAFT', 'F-EXPIRING']);
      assert.deepEqual(await refs({ includeExpired: true }), [
        'F-ACTIVE',
        'F-DRAFT',
        'F-EXPIRED',
        'F-EXPIRING',
        'F-TERM',
      ]);
      assert.deepEqual(await refs({ status: ['expired', 'terminated'] }), ['F-EXPIRED', 'F-TERM']);
      assert.deepEqual(await refs({ status: ['expiring'] }), ['F-EXPIRING']);
      assert.deepEqual(await refs({ expiringWithinDays: 60 }), ['F-EXPIRING']);
      assert.deepEqual(await refs({ expiringWithinDays: 30 }), []);
      assert.deepEqual(await refs({ category: '45' }), ['F-EXPIRING']);
      assert.deepEqual(await refs({ kind: 'single' }), ['F-ACTIVE']);
      assert.deepEqual(await refs({ unitId: 'u-filter', status: ['draft'] }), ['F-DRAFT']);
      assert.deepEqual(await refs({ supplierOrgnr: '123456785', status: ['active'] }), [
        'F-ACTIVE',
      ]);
      const page = await store.contracts.search(
        {
          ownerId: 'filtereier',
          includeExpired: true,
          sort: 'referenceNumber',
          order: 'desc',
          limit: 2,
          offset: 1,
        },
        admin,
      );
      assert.equal(page.total, 5);
      assert.deepEqual(
        page.items.map((c) => c.referenceNumber),
        ['F-EXPIRING', 'F-EXPIRED'],
      );
    });

    it('sorts titles in Norwegian order (æ, ø, å last)', async () => {
      for (const [ref, title] of [
        ['N-1', 'Åpning'],
        ['N-2', 'Øving'],
        ['N-3', 'Ærfugl'],
        ['N-4', 'Zebra'],
        ['N-5', 'avtale'],
      ]) {
        await store.contracts.create(
          contractInput({ referenceNumber: ref, title, ownerId: 'sorteier' }),
          'ks',
        );
      }
      const r = await store.contracts.search({ ownerId: 'sorteier', sort: 'title' }, admin);
      assert.deepEqual(
        r.items.map((c) => c.title),
        ['avtale', 'Zebra', 'Ærfugl', 'Øving', 'Åpning'],
      );
    });

    it('imports all or nothing, creating or updating by reference number', async () => {
      const before = await store.contracts.count();
      const result = await store.contracts.importMany(
        [
          contractInput({ referenceNumber: 'IMP-1' }),
          contractInput({ referenceNumber: 'C-1', title: 'Importert' }),
        ],
        'ks',
      );
      assert.deepEqual(result, { created: 1, updated: 1 });
      assert.equal(await store.contracts.count(), before + 1);
      await assert.rejects(
        store.contracts.importMany(
          [
            contractInput({ referenceNumber: 'IMP-2' }),
            contractInput({ referenceNumber: 'IMP-3' }),
            contractInput({ referenceNumber: 'IMP-2' }),
          ],
          'ks',
        ),
      );
      assert.equal(
        await store.contracts.getByReference('IMP-2'),
        null,
        'nothing of a failed import is stored',
      );
    });

    it('removes a contract and keeps its audit history', async () => {
      const c = await store.contracts.create(contractInput({ referenceNumber: 'DEL-1' }), 'ks');
      await store.contracts.remove(c.id, 1, 'ks');
      assert.equal(await store.contracts.get(c.id), null);
      assert.equal(
        (await store.contracts.search({ text: 'DEL-1', includeExpired: true }, admin)).total,
        0,
      );
      assert.deepEqual(
        (await store.audit.list('contract', c.id)).map((a) => a.action),
        ['create', 'delete'],
      );
    });

    it('iterates all contracts and keeps a directory of units, users and suppliers', async () => {
      let n = 0;
      for await (const _ of store.contracts.all()) n++;
      assert.equal(n, await store.contracts.count());
      await store.directory.saveUser(
        {
          id: 'leser',
          name: 'Lise Leser',
          email: 'lise@example.no',
          role: 'reader',
          unitId: 'u-innkjop',
        },
        'ks',
      );
      assert.equal((await store.directory.getUser('leser'))?.role, 'reader');
      const suppliers = await store.directory.listSuppliers(admin, 'kontorlev');
      assert.equal(suppliers[0]?.orgnr, '123456785');
      assert.ok((suppliers[0]?.contractCount ?? 0) > 0);
      assert.ok((await store.health()).ok);
    });
  });
}
