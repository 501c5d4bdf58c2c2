/**
 * The workers' Parquet segment files (lines and documents), read back by DuckDB itself: every value
 * as written — nulls, negative and 64-bit amounts, dates, text with quotes, commas, newlines and
 * letters beyond ASCII — and an empty text as NULL, as the CSV path stores it.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { DuckDBInstance } from '@duckdb/node-api';
import { CSV_OPTIONS, SCHEMA } from '../../src/spend/store/duckdb-store.ts';
import {
  type DocumentRow,
  documentCsvTail,
  type LineRow,
} from '../../src/spend/store/row-format.ts';
import { DocumentColumns, LineColumns } from '../../src/spend/store/segment-parquet.ts';

const dir = mkdtempSync(join(tmpdir(), 'segment-parquet-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const line = (over: Partial<LineRow>): LineRow => ({
  docId: 1,
  lineNo: 1,
  netMinor: 10000,
  netNokOre: 10000,
  quantityMicro: 1_000_000,
  unitCode: 'EA',
  baseUnit: 'EA',
  qtyBaseMicro: 1_000_000,
  unitPriceMicro: 100_000_000,
  itemName: 'Kopipapir A4',
  sellerItemId: 'K-1',
  gtin: '7038010000000',
  cpv: '30197630',
  accountingCost: '4711',
  agreementId: 'avt-1',
  matchReason: 'contract_reference',
  unmatchedClass: null,
  relatedAgreementId: null,
  ...over,
});

async function readBack(file: string): Promise<Record<string, unknown>[]> {
  const db = await DuckDBInstance.create(':memory:');
  const c = await db.connect();
  try {
    const r = await c.runAndReadAll(
      `SELECT * FROM read_parquet('${file}') ORDER BY doc_id, line_no`,
    );
    return r.getRowObjectsJS() as Record<string, unknown>[];
  } finally {
    c.closeSync();
    db.closeSync();
  }
}

describe('Parquet segment files', () => {
  it('DuckDB reads back every value as written', async () => {
    const rows: LineRow[] = [
      line({}),
      line({
        docId: 2,
        lineNo: 3,
        netMinor: -250_075, // a credit note's line
        netNokOre: null, // no rate in force
        quantityMicro: -2_500_000,
        qtyBaseMicro: null,
        unitPriceMicro: 9_007_199_254_740_991, // the largest safe integer
        itemName: 'Kaffe «Friele», 1 kg; "hele bønner"\nlinje 2',
        sellerItemId: null,
        gtin: null,
        cpv: null,
        accountingCost: '',
        agreementId: null,
        matchReason: null,
        unmatchedClass: 'no_agreement',
        relatedAgreementId: 'avt-9',
      }),
      line({ docId: 3, lineNo: 1, netMinor: 4_294_967_296 * 3 + 7, itemName: 'Snø 🌨 måking' }),
    ];
    const columns = new LineColumns();
    for (const r of rows) columns.add(r.docId, r);
    const file = join(dir, 'lines.parquet');
    columns.write(file);
    const back = await readBack(file);
    assert.equal(back.length, 3);
    const expected = rows.map((r) => ({
      doc_id: r.docId,
      line_no: r.lineNo,
      net_minor: BigInt(r.netMinor),
      net_nok_ore: r.netNokOre === null ? null : BigInt(r.netNokOre),
      quantity_micro: BigInt(r.quantityMicro),
      qty_base_micro: r.qtyBaseMicro === null ? null : BigInt(r.qtyBaseMicro),
      unit_price_micro: r.unitPriceMicro === null ? null : BigInt(r.unitPriceMicro),
      unit_code: r.unitCode,
      base_unit: r.baseUnit,
      item_name: r.itemName,
      seller_item_id: r.sellerItemId,
      gtin: r.gtin,
      cpv: r.cpv,
      accounting_cost: r.accountingCost === '' ? null : r.accountingCost,
      agreement_id: r.agreementId,
      match_reason: r.matchReason,
      unmatched_class: r.unmatchedClass,
      related_agreement_id: r.relatedAgreementId,
    }));
    assert.deepEqual(back, expected);
  });

  it('writes many lines in one file and starts afresh after clear', async () => {
    const columns = new LineColumns();
    for (let i = 1; i <= 3; i++) columns.add(99, line({ docId: 99, lineNo: i }));
    columns.clear();
    // Enough lines to grow every column's buffer several times, with nulls in every eighth.
    for (let i = 1; i <= 20_000; i++)
      columns.add(i, line({ docId: i, lineNo: 1, netNokOre: i % 8 === 0 ? null : i }));
    const file = join(dir, 'many.parquet');
    columns.write(file);
    const db = await DuckDBInstance.create(':memory:');
    const c = await db.connect();
    try {
      const [r] = (
        await c.runAndReadAll(`SELECT count(*) AS n, count(net_nok_ore) AS k, sum(net_nok_ore) AS s,
          min(doc_id) AS lo, max(doc_id) AS hi FROM read_parquet('${file}')`)
      ).getRowObjectsJS();
      let sum = 0n;
      for (let i = 1; i <= 20_000; i++) if (i % 8 !== 0) sum += BigInt(i);
      assert.deepEqual(r, { n: 20_000n, k: 17_500n, s: sum, lo: 1, hi: 20_000 });
    } finally {
      c.closeSync();
      db.closeSync();
    }
  });

  it('documents read back as the CSV path stores them, dates and all', async () => {
    const doc = (over: Partial<DocumentRow>): DocumentRow => ({
      docId: 1,
      docKey: 'ehf|974760673|invoice|F-1',
      source: 'ehf',
      docType: 'invoice',
      number: 'F-1',
      supplierKey: '974760673',
      supplierOrgnr: '974760673',
      supplierName: 'Leverandør «Ås» AS',
      issueDate: '2025-03-04',
      currency: 'NOK',
      taxExclusiveMinor: 150_000,
      nokOre: 150_000,
      rateMicro: null,
      rateDate: null,
      buyerReference: 'Enhet 12',
      orderReference: 'PO-9',
      contractReference: 'RA-2024-0001',
      file: 'f.xml',
      ...over,
    });
    const rows: DocumentRow[] = [
      doc({}),
      doc({
        docId: 2,
        docKey: 'ehf|SE556677889901|credit_note|K "7"',
        docType: 'credit_note',
        number: 'K "7"',
        supplierKey: 'SE556677889901',
        supplierOrgnr: null,
        supplierName: '',
        issueDate: '1969-12-31', // before 1970: a negative day number
        currency: 'EUR',
        taxExclusiveMinor: 4_294_967_296 * 5 + 1,
        nokOre: null,
        rateMicro: 11_482_500,
        rateDate: '2024-12-30',
        buyerReference: null,
        orderReference: 'a,b\nc',
        contractReference: null,
        file: null,
      }),
    ];
    const columns = new DocumentColumns();
    for (const r of rows) columns.add(r.docId, r);
    const file = join(dir, 'documents.parquet');
    columns.write(file);
    // The same rows through the CSV path, into the table itself.
    const csv = join(dir, 'documents.csv');
    writeFileSync(csv, rows.map((r) => `${r.docId},${documentCsvTail(r)}`).join(''));
    const db = await DuckDBInstance.create(':memory:');
    const c = await db.connect();
    try {
      await c.run(SCHEMA);
      await c.run(`COPY spend_document_data FROM '${csv}' ${CSV_OPTIONS}`);
      const read = async (sql: string) => (await c.runAndReadAll(sql)).getRowObjectsJS();
      const viaCsv = await read('SELECT * FROM spend_document_data ORDER BY doc_id');
      assert.equal(viaCsv.length, 2);
      assert.deepEqual(await read(`SELECT * FROM read_parquet('${file}') ORDER BY doc_id`), viaCsv);
      // And into the table by name, as a segment is absorbed: the types fit its columns.
      await c.run('DELETE FROM spend_document_data');
      await c.run(`INSERT INTO spend_document_data BY NAME SELECT * FROM read_parquet('${file}')`);
      assert.deepEqual(await read('SELECT * FROM spend_document_data ORDER BY doc_id'), viaCsv);
    } finally {
      c.closeSync();
      db.closeSync();
    }
  });
});
