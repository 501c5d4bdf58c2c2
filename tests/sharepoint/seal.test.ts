// Confidential values sealed at rest in the SharePoint lists (src/store/sharepoint/seal.ts): the raw
// items on the local Graph server hold no confidential value (marker strings and numbers, as in
// tests/api/confidentiality.test.ts) in any column of Kontrakter or Endringslogg, while the store reads
// them back; tampering and moved envelopes are detected per contract; key rotation with a previous key
// and `reseal`; plain (pre-sealing) data still read; the migrate round trip SQLite → SharePoint → SQLite.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { sharePointToSqlite, sqliteToSharePoint } from '../../src/cli/commands/migrate.ts';
import {
  CONFIDENTIAL_FIELDS,
  type Contract,
  type ContractInput,
  DomainError,
} from '../../src/core/index.ts';
import {
  openSharePointFromEnv,
  SEAL_KEY_REQUIRED,
  sharePointFromEnv,
} from '../../src/store/sharepoint/connect.ts';
import type { SharePointRegisterStore } from '../../src/store/sharepoint/register-store.ts';
import { fromChunks } from '../../src/store/sharepoint/schema.ts';
import {
  envelopeKeyIds,
  isEnvelope,
  parseSealKey,
  SealError,
  Sealer,
  sealerFromEnv,
} from '../../src/store/sharepoint/seal.ts';
import { openSqliteRegister } from '../../src/store/sqlite/register-store.ts';
import type { GraphServer } from '../graph/server.ts';
import { contractInput } from '../support/fixtures.ts';
import { graphFor, openStore, provisionedServer, TEST_SEAL_KEY, testSealer } from './helpers.ts';

const SECRET = 'HEMMELIG7f3a';
const SECRET_VALUE = 987_654_321_07;
const SECRET_DATE = '2031-07-13';
const BASIS = 'Offl. § 13 jf. fvl. § 13 første ledd nr. 2';
const ALL_MARKED = Object.fromEntries(CONFIDENTIAL_FIELDS.map((f) => [f, { legalBasis: BASIS }]));

const keyText = (byte: number) => Buffer.alloc(32, byte).toString('base64');
const KEY_A = keyText(1);
const KEY_B = keyText(2);
const sealer = (current: string, previous?: string) =>
  new Sealer(
    parseSealKey(current, 'SHAREPOINT_SEAL_KEY'),
    previous ? [parseSealKey(previous, 'SHAREPOINT_SEAL_KEY_PREVIOUS')] : [],
  );

/** A contract with every confidential field marked and filled with markers. */
function secretInput(ref: string, overrides: Partial<Record<keyof ContractInput, unknown>> = {}) {
  return contractInput({
    referenceNumber: ref,
    title: `Tittel ${SECRET}`,
    description: `Beskrivelse ${SECRET}`,
    owningUnitId: 'u-helse',
    ownerId: 'eier1',
    suppliers: [
      { orgnr: '914994780', name: `Leverandør ${SECRET}`, rank: 1, terms: `Vilkår ${SECRET}` },
    ],
    estimatedValueOre: SECRET_VALUE - 1,
    maxValueOre: SECRET_VALUE,
    priceAdjustment: {
      index: `Indeks ${SECRET}`,
      basePeriod: '2025-01',
      adjustmentMonth: 1,
      sharePercent: 100,
    },
    endDate: '2030-12-31',
    options: [{ newEndDate: SECRET_DATE, decisionDeadline: '2030-06-30' }],
    confidential: ALL_MARKED,
    ...overrides,
  });
}

/** Only the supplier terms confidential (and only they carry the marker). */
const termsOnlyInput = (ref: string) =>
  contractInput({
    referenceNumber: ref,
    title: 'Åpen tittel',
    suppliers: [
      { orgnr: '914994780', name: 'Åpen Leverandør AS', rank: 1, terms: `Vilkår ${SECRET}` },
    ],
    confidential: { supplierTerms: { legalBasis: BASIS } },
  });

const MARKERS = [SECRET, String(SECRET_VALUE), String(SECRET_VALUE - 1), SECRET_DATE];
const leaks = (text: string) => MARKERS.filter((m) => text.includes(m));

/** Every column of every item of the lists, as one text. */
function raw(server: GraphServer, lists = ['Kontrakter', 'Endringslogg']): string {
  return lists.map((l) => JSON.stringify(server.items(l))).join('\n');
}

function storedContract(server: GraphServer, ref: string) {
  const item = server.items('Kontrakter').find((i) => i.fields.ReferenceNumber === ref);
  assert.ok(item, ref);
  return {
    item,
    data: JSON.parse(fromChunks('Data', item.fields) ?? 'null') as Record<string, unknown>,
  };
}

/** Writes raw fields into an item over HTTP (as another SharePoint user would). */
async function patchRaw(server: GraphServer, list: string, itemId: string, fields: object) {
  const graph = graphFor(server, 'tamper');
  const lists = await graph.get<{ value: { id: string; displayName: string }[] }>(
    `/sites/${encodeURIComponent(server.siteId)}/lists`,
  );
  const listId = lists.value.find((l) => l.displayName === list)?.id;
  await graph.request(
    'PATCH',
    `/sites/${encodeURIComponent(server.siteId)}/lists/${listId}/items/${itemId}/fields`,
    fields,
  );
}

const strip = ({ id: _i, version: _v, createdAt: _c, updatedAt: _u, ...input }: Contract) =>
  input as ContractInput;

describe('seal keys', () => {
  it('parses base64 of 32 bytes; the key id is the first 8 hex characters of its SHA-256', () => {
    const k = parseSealKey(KEY_A, 'SHAREPOINT_SEAL_KEY');
    assert.equal(k.secret.length, 32);
    assert.match(k.id, /^[0-9a-f]{8}$/);
    assert.equal(k.id, '72cd6e84'); // sha256 of 32 bytes of 0x01
    assert.equal(parseSealKey(Buffer.alloc(32, 1).toString('base64url'), 'X').id, k.id);
  });

  it('refuses malformed keys with a message naming the variable, never the value', () => {
    for (const bad of [
      'kort',
      Buffer.alloc(31, 1).toString('base64'),
      Buffer.alloc(33, 1).toString('base64'),
      `${'!'.repeat(43)}=`,
      'passord passord passord passord passord pas',
    ]) {
      assert.throws(
        () => parseSealKey(bad, 'SHAREPOINT_SEAL_KEY'),
        (e: Error) => /SHAREPOINT_SEAL_KEY er ugyldig/.test(e.message) && !e.message.includes(bad),
      );
    }
    assert.throws(
      () => sealerFromEnv({ SHAREPOINT_SEAL_KEY_PREVIOUS: KEY_A }),
      /SHAREPOINT_SEAL_KEY_PREVIOUS er satt uten SHAREPOINT_SEAL_KEY/,
    );
    assert.throws(
      () => sealerFromEnv({ SHAREPOINT_SEAL_KEY: KEY_A, SHAREPOINT_SEAL_KEY_PREVIOUS: 'x' }),
      /SHAREPOINT_SEAL_KEY_PREVIOUS er ugyldig/,
    );
    assert.equal(sealerFromEnv({}), null);
    assert.equal(sealerFromEnv({ SHAREPOINT_SEAL_KEY: KEY_A })?.keyId, '72cd6e84');
  });

  it('an envelope opens only with its key and its additional data', () => {
    const s = sealer(KEY_A);
    const e = s.seal({ a: `ø ${SECRET}` }, 'kontrakt\u0000c1\u0000title');
    assert.ok(isEnvelope(e));
    assert.ok(!e.$sealed.includes(SECRET));
    assert.deepEqual(s.open(e, 'kontrakt\u0000c1\u0000title'), { a: `ø ${SECRET}` });
    assert.throws(() => s.open(e, 'kontrakt\u0000c2\u0000title'), /endret eller flyttet/);
    assert.throws(() => sealer(KEY_B).open(e, 'x'), /verken er SHAREPOINT_SEAL_KEY/);
    assert.deepEqual(sealer(KEY_B, KEY_A).open(e, 'kontrakt\u0000c1\u0000title'), {
      a: `ø ${SECRET}`,
    });
    assert.throws(() => s.open({ $sealed: 'v1:zz' }, 'x'), /ukjent form/);
  });

  it('settings: a malformed key stops the start; on-behalf-of without a key is refused', async () => {
    const site =
      'kommune.sharepoint.com,2f1e0000-0000-0000-0000-000000000000,8c4a0000-0000-0000-0000-000000000000';
    const base = {
      SHAREPOINT_SITE_ID: site,
      ENTRA_TENANT_ID: 'tenant',
      ENTRA_CLIENT_ID: 'client',
      ENTRA_CLIENT_SECRET: 'secret',
      AUTH_MODE: 'entra',
    };
    assert.throws(
      () => sharePointFromEnv({ ...base, SHAREPOINT_SEAL_KEY: 'abc' }),
      /SHAREPOINT_SEAL_KEY er ugyldig/,
    );
    await assert.rejects(
      openSharePointFromEnv(base),
      (e: Error) => e.message === SEAL_KEY_REQUIRED,
    );
    assert.match(SEAL_KEY_REQUIRED, /Mangler SHAREPOINT_SEAL_KEY/);
    assert.equal(
      sharePointFromEnv({ ...base, SHAREPOINT_SEAL_KEY: KEY_A }).seal?.keyId,
      '72cd6e84',
    );
    // Optional without on-behalf-of: values are then stored as before.
    assert.equal(sharePointFromEnv({ ...base, SHAREPOINT_OBO: 'off' }).seal, null);
    assert.equal(
      sharePointFromEnv({ SHAREPOINT_SITE_ID: site, GRAPH_TOKEN: 't' }).onBehalfOf,
      false,
    );
  });
});

describe('SharePoint register with sealed confidential values', () => {
  let server: GraphServer;
  let store: SharePointRegisterStore;
  before(async () => {
    server = await provisionedServer();
    store = await openStore(server, 'a', { seal: sealer(KEY_A) });
  });
  after(() => server.close());

  it('no confidential value in any stored column or audit item; the store reads them back', async () => {
    const c = await store.contracts.create(secretInput('SEAL-1'), 'kontraktservice');
    // A change to a confidential field (audit before/after) and an option decision.
    const changed = await store.contracts.update(
      c.id,
      { ...strip(c), description: `Ny ${SECRET}` },
      1,
      'eier1',
    );
    const optionId = changed.options[0]?.id as string;
    // Declined: exercising would move the public current end date (a flat column) to the marker date.
    const decided = await store.contracts.decideOption(
      c.id,
      optionId,
      'declined',
      2,
      'eier1',
      '2030-01-02',
    );
    // Only the supplier terms confidential: names and orgnrs stay plain, terms sealed.
    const terms = await store.contracts.create(termsOnlyInput('SEAL-2'), 'kontraktservice');
    await store.contracts.update(
      terms.id,
      {
        ...strip(terms),
        suppliers: terms.suppliers.map((x) => ({ ...x, terms: `Nye vilkår ${SECRET}` })),
      },
      1,
      'eier1',
    );
    // And a deleted one (its entries archived in the delete's batch).
    const gone = await store.contracts.create(secretInput('SEAL-3'), 'kontraktservice');
    await store.contracts.remove(gone.id, 1, 'kontraktservice');

    const text = raw(server);
    assert.deepEqual(leaks(text), [], 'no marker anywhere in Kontrakter or Endringslogg');
    assert.ok(text.includes('Åpen tittel'), 'non-confidential values stay plain');
    assert.ok(text.includes('SEAL-1') && text.includes('914994780'));
    const { item, data } = storedContract(server, 'SEAL-1');
    assert.ok(isEnvelope(data.title) && isEnvelope(data.options) && isEnvelope(data.suppliers));
    assert.equal(data.referenceNumber, 'SEAL-1');
    assert.deepEqual(data.confidential, ALL_MARKED);
    assert.equal(
      item.fields.SupplierOrgnrs,
      null,
      'no orgnrs of confidential suppliers in a column',
    );
    assert.equal(item.fields.Title, 'SEAL-1');
    assert.equal(item.fields.CurrentEndDate, '2030-12-31');
    const two = storedContract(server, 'SEAL-2').data as {
      suppliers: { name: string; terms: unknown }[];
    };
    assert.equal(two.suppliers[0]?.name, 'Åpen Leverandør AS');
    assert.ok(isEnvelope(two.suppliers[0]?.terms));
    assert.equal(storedContract(server, 'SEAL-2').item.fields.SupplierOrgnrs, '914994780');

    // A fresh instance (cold cache) reads everything back, opened.
    const other = await openStore(server, 'b', { seal: sealer(KEY_A) });
    assert.deepEqual(await other.contracts.get(c.id), decided);
    assert.equal(
      (await other.contracts.getByReference('seal-2'))?.suppliers[0]?.terms,
      `Nye vilkår ${SECRET}`,
    );
    const history = await other.audit.list('contract', c.id);
    assert.deepEqual(history, await store.audit.list('contract', c.id));
    assert.equal(history.length, 3);
    const update = history[1];
    assert.deepEqual(
      update?.changes.find((ch) => ch.field === 'description'),
      { field: 'description', from: `Beskrivelse ${SECRET}`, to: `Ny ${SECRET}` },
    );
    const found = await other.contracts.search(
      { text: SECRET, includeExpired: true },
      { today: '2026-01-01', expiringWindowDays: 90, seesAllConfidential: true, userId: null },
    );
    assert.deepEqual(found.items.map((x) => x.referenceNumber).sort(), ['SEAL-1', 'SEAL-2']);
    const deleted = await other.audit.list('contract', gone.id);
    assert.equal(deleted.at(-1)?.action, 'delete');
    assert.equal(deleted[0]?.changes.find((ch) => ch.field === 'title')?.to, `Tittel ${SECRET}`);
  });

  it('a value that only looks like an envelope is kept as the text it is', async () => {
    const look = '{"$sealed":"v1:00000000:AAAA:BBBB"}';
    const c = await store.contracts.create(
      contractInput({ referenceNumber: 'SEAL-LOOK', title: look, description: 'v1:72cd6e84:x:y' }),
      'kontraktservice',
    );
    const other = await openStore(server, 'c', { seal: sealer(KEY_A) });
    const back = await other.contracts.get(c.id);
    assert.equal(back?.title, look);
    assert.equal(back?.description, 'v1:72cd6e84:x:y');
  });

  it('tampering: a flipped byte or an envelope moved to another contract is refused for that contract only', async () => {
    const a = await store.contracts.create(secretInput('TAMP-A'), 'kontraktservice');
    const b = await store.contracts.create(secretInput('TAMP-B'), 'kontraktservice');
    const d = await store.contracts.create(secretInput('TAMP-D'), 'kontraktservice');
    // Flip one byte inside A's sealed title.
    const sa = storedContract(server, 'TAMP-A');
    const env = (sa.data.title as { $sealed: string }).$sealed;
    const at = env.length - 5;
    const flipped = env.slice(0, at) + (env[at] === 'A' ? 'B' : 'A') + env.slice(at + 1);
    await patchRaw(server, 'Kontrakter', sa.item.id, {
      Data0: JSON.stringify({ ...sa.data, title: { $sealed: flipped } }),
    });
    // Move D's sealed maximum value into B (same field, another contract).
    const sb = storedContract(server, 'TAMP-B');
    const sd = storedContract(server, 'TAMP-D');
    await patchRaw(server, 'Kontrakter', sb.item.id, {
      Data0: JSON.stringify({ ...sb.data, maxValueOre: sd.data.maxValueOre }),
    });
    // Move D's own title envelope into its description (same contract, another field).
    await patchRaw(server, 'Kontrakter', sd.item.id, {
      Data0: JSON.stringify({ ...sd.data, description: sd.data.title }),
    });

    const logged: string[] = [];
    const reader = await openStore(server, 'd', {
      seal: sealer(KEY_A),
      log: (m) => logged.push(m),
    });
    for (const [id, ref] of [
      [a.id, 'TAMP-A'],
      [b.id, 'TAMP-B'],
      [d.id, 'TAMP-D'],
    ] as const) {
      await assert.rejects(reader.contracts.get(id), (e: unknown) => {
        assert.ok(e instanceof SealError);
        assert.equal(e.reason, 'tampered');
        assert.match(e.message, new RegExp(`Avtale ${ref} kan ikke leses fra SharePoint`));
        assert.ok(!e.message.includes(SECRET));
        return true;
      });
      await assert.rejects(reader.contracts.getByReference(ref), SealError);
      // Never overwritten from what could not be read.
      await assert.rejects(
        reader.contracts.update(id, secretInput(ref), null, 'kontraktservice'),
        SealError,
      );
      await assert.rejects(reader.contracts.remove(id, null, 'kontraktservice'), SealError);
    }
    // The rest of the register is served; the broken ones are left out and reported.
    assert.ok(
      (await reader.contracts.get(
        (
          await store.contracts.getByReference('SEAL-1')
        )?.id as string,
      )) !== null,
    );
    const refs: string[] = [];
    for await (const c of reader.contracts.all()) refs.push(c.referenceNumber);
    assert.ok(refs.includes('SEAL-1') && !refs.some((r) => r.startsWith('TAMP-')));
    assert.equal(await reader.contracts.count(), refs.length);
    assert.deepEqual(
      reader
        .unreadable()
        .map((u) => u.referenceNumber)
        .sort(),
      ['TAMP-A', 'TAMP-B', 'TAMP-D'],
    );
    assert.equal(logged.length, 3);
    assert.ok(logged.every((m) => /kan ikke leses og er utelatt/.test(m) && !m.includes(SECRET)));
    const health = await reader.health();
    assert.equal(health.ok, true);
    assert.equal((health.detail as { unreadableContracts: number }).unreadableContracts, 3);
    // The reference number stays taken by the unreadable contract.
    await assert.rejects(
      reader.contracts.create(contractInput({ referenceNumber: 'TAMP-A' }), 'kontraktservice'),
      (e: unknown) => e instanceof DomainError && e.code === 'conflict',
    );

    // An audit entry moved to another entry is refused, too.
    const entries = server.items('Endringslogg');
    const sealedEntry = entries.find((i) =>
      (fromChunks('Entry', i.fields) ?? '').includes('$sealed'),
    );
    assert.ok(sealedEntry);
    const entry = JSON.parse(fromChunks('Entry', sealedEntry.fields) as string) as {
      id: number;
      entityId: string;
    };
    await patchRaw(server, 'Endringslogg', sealedEntry.id, {
      Entry0: JSON.stringify({ ...entry, id: entry.id + 1 }),
    });
    await assert.rejects(
      reader.audit.list('contract', entry.entityId),
      /Endringsloggen kan ikke leses/,
    );
  });
});

describe('key rotation, plain data and reseal', () => {
  let server: GraphServer;
  before(async () => {
    server = await provisionedServer();
  });
  after(() => server.close());

  it('written with A; read with B + previous A; updates and reseal seal with B; then B alone reads all', async () => {
    const keyA = parseSealKey(KEY_A, 'A').id;
    const keyB = parseSealKey(KEY_B, 'B').id;
    // A contract stored before sealing was turned on (plain), and two sealed with A.
    const plain = await openStore(server, 'p', { seal: null });
    const old = await plain.contracts.create(secretInput('ROT-0'), 'kontraktservice');
    assert.ok(leaks(raw(server)).length > 0, 'plain before sealing');
    const withA = await openStore(server, 'a', { seal: sealer(KEY_A) });
    assert.equal(
      (await withA.contracts.get(old.id))?.title,
      `Tittel ${SECRET}`,
      'plain is still read',
    );
    const c1 = await withA.contracts.create(secretInput('ROT-1'), 'kontraktservice');
    const c2 = await withA.contracts.create(secretInput('ROT-2'), 'kontraktservice');
    await withA.contracts.update(c2.id, { ...strip(c2), title: `Ny tittel ${SECRET}` }, 1, 'eier1');
    // Without the key, or with B alone, the sealed ones do not open (the plain one does).
    const none = await openStore(server, 'n', { seal: null, log: () => {} });
    await assert.rejects(
      none.contracts.get(c1.id),
      (e: unknown) => e instanceof SealError && e.reason === 'no_key',
    );
    assert.equal((await none.contracts.get(old.id))?.referenceNumber, 'ROT-0');
    const onlyB = await openStore(server, 'o', { seal: sealer(KEY_B), log: () => {} });
    await assert.rejects(
      onlyB.contracts.get(c1.id),
      (e: unknown) => e instanceof SealError && e.reason === 'unknown_key',
    );

    // Rotate: B current, A previous.
    const rotated = await openStore(server, 'r', { seal: sealer(KEY_B, KEY_A) });
    assert.deepEqual(await rotated.contracts.get(c1.id), c1);
    const u1 = await rotated.contracts.update(
      c1.id,
      { ...strip(c1), description: `Rotert ${SECRET}` },
      1,
      'eier1',
    );
    assert.deepEqual(
      envelopeKeyIds(storedContract(server, 'ROT-1').data).every((k) => k === keyB),
      true,
    );
    assert.ok(envelopeKeyIds(storedContract(server, 'ROT-2').data).every((k) => k === keyA));

    // Reseal everything still under A (and the plain one), contracts and audit log.
    const report = await rotated.reseal();
    assert.deepEqual(report.unreadable, []);
    assert.equal(report.checked.contracts, 3);
    assert.equal(report.resealed.contracts, 2, 'ROT-0 (plain) and ROT-2 (A); ROT-1 already B');
    assert.ok(report.resealed.audit >= 1);
    const again = await rotated.reseal();
    assert.deepEqual(again.resealed, { contracts: 0, audit: 0 }, 'nothing left to do');
    const text = raw(server);
    assert.deepEqual(leaks(text), []);
    const ids = envelopeKeyIds(
      server.items('Kontrakter').map((i) => JSON.parse(fromChunks('Data', i.fields) as string)),
    );
    const auditIds = envelopeKeyIds(
      server.items('Endringslogg').map((i) => JSON.parse(fromChunks('Entry', i.fields) as string)),
    );
    const heldIds = envelopeKeyIds(
      server
        .items('Kontrakter')
        .map((i) => JSON.parse(fromChunks('LastChange', i.fields) ?? 'null')),
    );
    assert.equal(ids.length, 21, 'seven sealed fields in each of the three contracts');
    assert.ok(ids.every((k) => k === keyB));
    assert.ok(auditIds.length > 0 && auditIds.every((k) => k === keyB));
    assert.ok(heldIds.length > 0 && heldIds.every((k) => k === keyB));
    // Versions are not changed by resealing; B alone now reads everything, history included.
    const b = await openStore(server, 'b2', { seal: sealer(KEY_B) });
    assert.deepEqual(await b.contracts.get(c1.id), u1);
    assert.equal((await b.contracts.get(c2.id))?.version, 2);
    assert.equal((await b.contracts.get(old.id))?.version, 1);
    assert.deepEqual(b.unreadable(), []);
    const history = await b.audit.list('contract', c2.id);
    assert.equal(history[1]?.changes.find((ch) => ch.field === 'title')?.to, `Ny tittel ${SECRET}`);
  });
});

describe('migrate with sealing', () => {
  let server: GraphServer;
  const dir = mkdtempSync(join(tmpdir(), 'ko-seal-'));
  before(async () => {
    server = await provisionedServer();
  });
  after(async () => {
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('SQLite → SharePoint (sealed) → SQLite gives identical contracts and audit', async () => {
    const sqlite = openSqliteRegister(join(dir, 'from.db'));
    await sqlite.directory.saveUnit(
      { id: 'u-helse', name: 'Helse', parentId: null, sector: null },
      'ks',
    );
    const made: Contract[] = [];
    for (let i = 0; i < 25; i++) {
      made.push(
        await sqlite.contracts.create(
          i % 3 === 0 ? termsOnlyInput(`MS-${i}`) : secretInput(`MS-${i}`),
          'ks',
        ),
      );
    }
    const first = made[1] as Contract; // all fields confidential (made[0] has only the terms)
    await sqlite.contracts.update(
      first.id,
      { ...strip(first), description: `Endret ${SECRET}` },
      1,
      'eier1',
    );
    const originals: Contract[] = [];
    for await (const c of sqlite.contracts.all()) originals.push(c);
    const audit = await sqlite.audit.since(0, 10_000);

    const sp = await openStore(server, 'm', { seal: testSealer() });
    const there = await sqliteToSharePoint(sqlite, sp);
    assert.equal(there.contracts, 25);
    // Nothing in clear in the register's lists (a confidential supplier is not copied into
    // Leverandører either: SharePoint knows it from its contract).
    assert.deepEqual(
      leaks(raw(server, ['Kontrakter', 'Endringslogg', 'Leverandører', 'Enheter', 'Brukere'])),
      [],
    );

    const back = openSqliteRegister(join(dir, 'back.db'));
    const fresh = await openStore(server, 'm2', { seal: testSealer() });
    await sharePointToSqlite(fresh, back);
    const restored: Contract[] = [];
    for await (const c of back.contracts.all()) restored.push(c);
    assert.deepEqual(restored, originals, 'SQLite holds them plain, identical');
    const backAudit = await back.audit.since(0, 10_000);
    for (const e of audit)
      assert.deepEqual(
        backAudit.find((x) => x.id === e.id),
        e,
      );
    await sqlite.close();
    await back.close();
  });

  it('TEST_SEAL_KEY (used by the conformance suite) is a valid key', () => {
    assert.equal(parseSealKey(TEST_SEAL_KEY, 'SHAREPOINT_SEAL_KEY').secret.length, 32);
  });
});
