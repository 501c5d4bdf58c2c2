/**
 * Line segments: an ingest keeps its lines as the workers' Parquet files, read in place, and the
 * store absorbs them into its table when it opens and before lines are changed. Checked on the
 * official EHF examples (which include a duplicate), with a DuckDB file on disk: the same lines
 * before and after absorbing, a duplicate's lines never counted nor joined to a later document,
 * and a store left by an interrupted run (files not committed, an absorption cut short) opens
 * with every line once.
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
import { LineColumns } from '../../src/spend/store/line-parquet.ts';

const EHF_DIR = fileURLToPath(new URL('../../../shared/data/ehf/', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'spend-segments-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const count = async (store: DuckSpendStore, from: string) =>
  Number((await store.rows<{ n: bigint }>(`SELECT count(*) AS n FROM ${from}`))[0]?.n);

/** Every line as the reports read it, in a fixed order. */
const lines = (store: DuckSpendStore) =>
  store.rows(`SELECT * FROM spend_line ORDER BY doc_id, line_no`);

const segmentFiles = (store: DuckSpendStore) =>
  readdirSync(store.segmentDir).filter((f) => f.startsWith('seg-'));

async function ingested(name: string): Promise<{ file: string; lines: number }> {
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
    return { file, lines: r.summary.lines };
  } finally {
    store.close();
  }
}

describe('line segments', () => {
  it('an ingest keeps its lines as segments; reopening absorbs them, the same lines', async () => {
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
      // The duplicate's lines wait in a segment, but are not lines of the store.
      assert.equal(await count(store, 'spend_line'), stored);
      assert.ok((await count(store, 'spend_line_all')) > stored);
      before = await lines(store);
      // A run where every file is a duplicate: its documents go, their lines stay hidden, and
      // no later document takes their numbers.
      const again = await ingestFiles(pathSource(EHF_DIR), {
        workers: 1,
        rates: new RateTable([]),
        store,
      });
      assert.equal(again.summary.lines, 0);
      const [top] = await store.rows<{ d: number; l: number }>(
        'SELECT (SELECT max(doc_id) FROM spend_document) AS d, (SELECT max(doc_id) FROM spend_line_all) AS l',
      );
      assert.ok(Number(top?.l) > Number(top?.d));
      assert.ok((await store.nextDocId()) > Number(top?.l));
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

  it('a store left by an interrupted run opens with every line once', async () => {
    const { file, lines: stored } = await ingested('c');
    const segDir = `${file}.lines`;
    const [first] = readdirSync(segDir).filter((f) => f.startsWith('seg-'));
    assert.ok(first);
    // A file of an ingest that never committed (a copy, which would count its lines twice), an
    // absorption cut short before its commit (a listed segment renamed away), a staging folder.
    copyFileSync(join(segDir, first), join(segDir, 'seg-uncommitted.parquet'));
    renameSync(join(segDir, first), join(segDir, `${first}.absorbed`));
    mkdirSync(join(segDir, 'staging-x'));
    writeFileSync(join(segDir, 'staging-x', 'w0-1-d.csv'), '1,"x"\n');
    const store = await DuckSpendStore.open(file);
    try {
      assert.equal(await count(store, 'spend_line'), stored);
      assert.equal(await count(store, 'spend_line_data'), stored);
      assert.deepEqual(readdirSync(segDir), ['0-schema.parquet']);
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

  it('a chunk that cannot be stored leaves no segment behind', async () => {
    const store = await DuckSpendStore.open(join(dir, 'd.duckdb'));
    const writer = await store.chunkWriter();
    try {
      const staging = store.stagingDir();
      const columns = new LineColumns();
      columns.add(1, {
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
      const lineFile = join(staging, 'w0-1-l.parquet');
      columns.write(lineFile);
      const documentFile = join(staging, 'w0-1-d.csv');
      writeFileSync(documentFile, 'not,a,document\n');
      await assert.rejects(writer.append({ documentFile, lineFile, lines: 1, bytes: 100 }, []));
      assert.equal(await store.segmentCount(), 0);
      assert.deepEqual(segmentFiles(store), []);
      assert.equal(await count(store, 'spend_line_all'), 0);
    } finally {
      writer.close();
      store.close();
    }
  });
});
