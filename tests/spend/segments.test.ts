/**
 * Segments: an ingest keeps its documents and lines as the workers' Parquet files, read in place,
 * and the store absorbs them into its tables when it opens and before stored rows are changed.
 * Checked on the official EHF examples (which include a duplicate), with a DuckDB file on disk:
 * the same documents and lines before and after absorbing, a duplicate and its lines never counted
 * nor their number taken by a later document, and a store left by an interrupted run (files not
 * committed, an absorption cut short) opens with every row once.
 */
import assert from 'node:assert/strict';
import {
  copyFileSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  renameSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { AgreementMatcher } from '../../src/core/spend/matching.ts';
import { RateTable } from '../../src/core/spend/rates.ts';
import { rematch } from '../../src/spend/context.ts';
import { ingestFiles } from '../../src/spend/ingest/ingest.ts';
import { pathSource } from '../../src/spend/ingest/sources.ts';
import { DuckSpendStore } from '../../src/spend/store/duckdb-store.ts';
import { DocumentColumns, LineColumns } from '../../src/spend/store/segment-parquet.ts';

const EHF_DIR = fileURLToPath(new URL('../../../shared/data/ehf/', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'spend-segments-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const count = async (store: DuckSpendStore, from: string) =>
  Number((await store.rows<{ n: bigint }>(`SELECT count(*) AS n FROM ${from}`))[0]?.n);

/** Every document and line as the reports read them, in a fixed order. */
const lines = async (store: DuckSpendStore) => [
  await store.rows('SELECT * FROM spend_document ORDER BY doc_id'),
  await store.rows('SELECT * FROM spend_line ORDER BY doc_id, line_no'),
];

/** The segment files in both folders. */
const segmentFiles = (store: DuckSpendStore) =>
  Object.values(store.segmentDirs).flatMap((d) =>
    readdirSync(d).filter((f) => f.startsWith('seg-')),
  );

async function ingested(name: string): Promise<{ file: string; lines: number; documents: number }> {
  const file = join(dir, `${name}.duckdb`);
  const store = await DuckSpendStore.open(file);
  try {
    const r = await ingestFiles(pathSource(EHF_DIR), {
      workers: 2,
      rates: new RateTable([]),
      store,
    });
    assert.deepEqual(r.summary.errors, []);
    assert.equal(r.summary.duplicates, 1);
    return {
      file,
      lines: r.summary.lines,
      documents: r.summary.invoices + r.summary.creditNotes,
    };
  } finally {
    store.close();
  }
}

/** A chunk of one document with one line, as a worker writes it into `staging`. */
const chunk = (staging: string, n: number) => {
  const docs = new DocumentColumns();
  docs.add(n, {
    docKey: `ehf|974760673|invoice|F-${n}`,
    source: 'ehf',
    docType: 'invoice',
    number: `F-${n}`,
    supplierKey: '974760673',
    supplierOrgnr: '974760673',
    supplierName: 'Leverandør AS',
    issueDate: '2025-03-04',
    currency: 'NOK',
    taxExclusiveMinor: 100,
    nokOre: 100,
    rateMicro: null,
    rateDate: null,
    buyerReference: null,
    orderReference: null,
    contractReference: null,
    file: null,
  });
  const lines = new LineColumns();
  lines.add(n, {
    lineNo: 1,
    netMinor: 100,
    netNokOre: 100,
    quantityMicro: 1_000_000,
    unitCode: 'EA',
    baseUnit: 'EA',
    qtyBaseMicro: 1_000_000,
    unitPriceMicro: 100_000_000,
    itemName: 'x',
    sellerItemId: null,
    gtin: null,
    cpv: null,
    accountingCost: null,
    agreementId: null,
    matchReason: null,
    unmatchedClass: null,
    relatedAgreementId: null,
  });
  const documentFile = join(staging, `w0-${n}-d.parquet`);
  const lineFile = join(staging, `w0-${n}-l.parquet`);
  docs.write(documentFile);
  lines.write(lineFile);
  return { documentFile, lineFile, documents: 1, lines: 1, bytes: 100 };
};

describe('segments', () => {
  it('an ingest keeps its rows as segments; reopening absorbs them, the same rows', async () => {
    const file = join(dir, 'a.duckdb');
    let store = await DuckSpendStore.open(file);
    let before: unknown[];
    let stored: number;
    try {
      const r = await ingestFiles(pathSource(EHF_DIR), {
        workers: 2,
        rates: new RateTable([]),
        store,
      });
      stored = r.summary.lines;
      assert.ok(stored > 0);
      assert.ok(segmentFiles(store).length > 0);
      assert.equal(await store.segmentCount(), segmentFiles(store).length);
      assert.equal(await count(store, 'spend_line_data'), 0);
      assert.equal(await count(store, 'spend_document_data'), 0);
      // The duplicate is in a segment too, hidden by its number.
      assert.equal(await count(store, 'spend_document_hidden'), 1);
      assert.equal(
        await count(store, 'spend_document'),
        r.summary.invoices + r.summary.creditNotes,
      );
      // The duplicate's lines wait in a segment, but are not lines of the store.
      assert.equal(await count(store, 'spend_line'), stored);
      assert.ok((await count(store, 'spend_line_all')) > stored);
      before = await lines(store);
      // A run where every file is a duplicate: its documents and their lines stay hidden, and
      // no later document takes their numbers.
      const again = await ingestFiles(pathSource(EHF_DIR), {
        workers: 1,
        rates: new RateTable([]),
        store,
      });
      assert.equal(again.summary.lines, 0);
      const [top] = await store.rows<{ d: number; l: number; h: number }>(
        `SELECT (SELECT max(doc_id) FROM spend_document) AS d,
                (SELECT max(doc_id) FROM spend_line_all) AS l,
                (SELECT max(doc_id) FROM spend_document_hidden) AS h`,
      );
      assert.ok(Number(top?.l) > Number(top?.d));
      assert.ok((await store.nextDocId()) > Math.max(Number(top?.l), Number(top?.h)));
      assert.deepEqual(await lines(store), before);
    } finally {
      store.close();
    }
    store = await DuckSpendStore.open(file);
    try {
      assert.equal(await store.segmentCount(), 0);
      assert.deepEqual(segmentFiles(store), []);
      assert.equal(await count(store, 'spend_line_data'), stored);
      assert.equal(await count(store, 'spend_line_all'), stored);
      assert.equal(await count(store, 'spend_document_hidden'), 0);
      assert.deepEqual(await lines(store), before);
    } finally {
      store.close();
    }
  });

  it('a re-match absorbs the segments first and updates every line', async () => {
    const store = await DuckSpendStore.open(join(dir, 'b.duckdb'));
    try {
      const r = await ingestFiles(pathSource(EHF_DIR), {
        workers: 2,
        rates: new RateTable([]),
        store,
      });
      assert.ok((await store.segmentCount()) > 0);
      await rematch(
        store,
        new AgreementMatcher([
          {
            id: 'avt-alle',
            referenceNumber: 'RA-1',
            title: 'Alt',
            start: '2000-01-01',
            end: null,
            supplierOrgnrs: [],
            cpvPrefixes: [],
            estimatedValueOre: null,
            maxValueOre: null,
            owningUnitId: 'enhet-1',
          },
        ]),
      );
      assert.equal(await store.segmentCount(), 0);
      assert.deepEqual(segmentFiles(store), []);
      assert.equal(await count(store, 'spend_line_data'), r.summary.lines);
      assert.equal(await count(store, 'spend_line'), r.summary.lines);
    } finally {
      store.close();
    }
  });

  it('a store left by an interrupted run opens with every row once', async () => {
    const { file, lines: stored, documents } = await ingested('c');
    for (const kind of ['documents', 'lines']) {
      const segDir = `${file}.${kind}`;
      const [first] = readdirSync(segDir).filter((f) => f.startsWith('seg-'));
      assert.ok(first);
      // A file of an ingest that never committed (a copy, which would count its rows twice), an
      // absorption cut short before its commit (a listed segment renamed away), a staging folder.
      copyFileSync(join(segDir, first), join(segDir, 'seg-uncommitted.parquet'));
      renameSync(join(segDir, first), join(segDir, `${first}.absorbed`));
      mkdirSync(join(segDir, 'staging-x'));
      writeFileSync(join(segDir, 'staging-x', 'w0-1-d.parquet'), 'x');
    }
    const store = await DuckSpendStore.open(file);
    try {
      assert.equal(await count(store, 'spend_line'), stored);
      assert.equal(await count(store, 'spend_line_data'), stored);
      assert.equal(await count(store, 'spend_document'), documents);
      assert.equal(await count(store, 'spend_document_data'), documents);
      for (const kind of ['documents', 'lines'])
        assert.deepEqual(readdirSync(`${file}.${kind}`), ['0-schema.parquet']);
    } finally {
      store.close();
    }
  });

  it('a listed segment that is gone: the store says so when it opens, and reads again once it is back', async () => {
    const { file, lines: stored } = await ingested('f');
    const segDir = `${file}.lines`;
    const [first] = readdirSync(segDir).filter((f) => f.startsWith('seg-'));
    assert.ok(first);
    renameSync(join(segDir, first), join(dir, 'put-aside.parquet'));
    await assert.rejects(DuckSpendStore.open(file), /ufullstendige: 1 fil\(er\) mangler/);
    renameSync(join(dir, 'put-aside.parquet'), join(segDir, first));
    const store = await DuckSpendStore.open(file);
    try {
      assert.equal(await count(store, 'spend_line'), stored);
    } finally {
      store.close();
    }
  });

  it('refuses a data folder whose name would be read as a file pattern', async () => {
    const odd = join(dir, 'innkjøp[2026]');
    mkdirSync(odd);
    await assert.rejects(DuckSpendStore.open(join(odd, 'spend.duckdb')), /\*, \? eller \[ \]/);
    assert.deepEqual(readdirSync(odd), []);
  });

  it('a chunk counts for readers only once its commit has listed it', async () => {
    const store = await DuckSpendStore.open(join(dir, 'e.duckdb'));
    const writer = await store.chunkWriter();
    try {
      const staging = store.stagingDir();
      await writer.append(chunk(staging, 1), [1]);
      await writer.append(chunk(staging, 2), []);
      // Both chunks' files are in the folders, their listing not yet committed.
      assert.equal(segmentFiles(store).length, 4);
      assert.equal(await count(store, 'spend_document'), 0);
      assert.equal(await count(store, 'spend_line_all'), 0);
      await writer.commit();
      // The first document was a duplicate: hidden, with its line.
      assert.deepEqual(await store.rows('SELECT doc_id FROM spend_document'), [{ doc_id: 2 }]);
      assert.deepEqual(await store.rows('SELECT doc_id FROM spend_line'), [{ doc_id: 2 }]);
      assert.equal(await count(store, 'spend_line_all'), 2);
    } finally {
      writer.close();
      store.close();
    }
  });

  it('a chunk that cannot be stored leaves no segment behind, nor does its transaction', async () => {
    const store = await DuckSpendStore.open(join(dir, 'd.duckdb'));
    const writer = await store.chunkWriter();
    try {
      const staging = store.stagingDir();
      // The first chunk is stored in the open transaction; the second's lines are gone after its
      // documents were moved in: both chunks are rolled back, and every file they moved removed.
      await writer.append(chunk(staging, 1), []);
      const second = chunk(staging, 2);
      rmSync(second.lineFile);
      await assert.rejects(writer.append(second, []));
      assert.equal(await store.segmentCount(), 0);
      assert.deepEqual(segmentFiles(store), []);
      assert.equal(await count(store, 'spend_line_all'), 0);
      assert.equal(await count(store, 'spend_document'), 0);
    } finally {
      writer.close();
      store.close();
    }
  });
});
