// The CSV rows of the ledger and inline paths, read back by DuckDB's COPY unchanged (quotes,
// newlines, non-ASCII, empty text vs null).
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { CSV_OPTIONS, DuckSpendStore, sqlPath } from '../../src/spend/store/duckdb-store.ts';
import { type DocumentRow, documentCsvTail } from '../../src/spend/store/row-format.ts';

const doc = (over: Partial<DocumentRow>): DocumentRow => ({
  docId: 1,
  docKey: '974760673|invoice|1',
  source: 'ehf',
  docType: 'invoice',
  number: '1',
  supplierKey: '974760673',
  supplierOrgnr: '974760673',
  supplierName: 'Leverandør AS',
  issueDate: '2024-03-01',
  currency: 'NOK',
  taxExclusiveMinor: 12_345,
  nokOre: 12_345,
  rateMicro: null,
  rateDate: null,
  buyerReference: null,
  orderReference: null,
  contractReference: null,
  file: 'a.xml',
  ...over,
});

describe('CSV rows', () => {
  const dir = mkdtempSync(join(tmpdir(), 'csv-rows-'));
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('DuckDB reads the rows back unchanged (quotes, newlines, non-ASCII, empty text as null, formula text)', async () => {
    const rows = [
      doc({
        supplierName: "=cmd|' /C calc'!A0",
        orderReference: '',
        buyerReference: '"; DROP TABLE x; --',
      }),
      doc({ docId: 2, supplierName: 'Æ Ø Å "sitat"\r\nny linje 😀', buyerReference: null }),
      doc({ docId: 3, taxExclusiveMinor: 2 ** 53 - 1, nokOre: -(2 ** 53 - 1), rateMicro: -0 }),
    ];
    const file = join(dir, 'd.csv');
    writeFileSync(file, rows.map((r) => `${r.docId},${documentCsvTail(r)}`).join(''));
    const store = await DuckSpendStore.open(':memory:', { threads: 1 });
    try {
      await store.run(`COPY spend_document_data FROM '${sqlPath(file)}' ${CSV_OPTIONS}`);
      const back = await store.rows<{
        supplier_name: string;
        number: string;
        buyer_reference: string | null;
        total: string;
        nok: string;
        rate: string;
      }>(
        `SELECT supplier_name, number, buyer_reference, tax_exclusive_minor::VARCHAR AS total,
                nok_ore::VARCHAR AS nok, rate_micro::VARCHAR AS rate
           FROM spend_document ORDER BY doc_id`,
      );
      assert.deepEqual(
        back.map((r) => [r.supplier_name, r.number, r.buyer_reference]),
        rows.map((r) => [r.supplierName, r.number, r.buyerReference]),
      );
      assert.deepEqual(back[2] && [back[2].total, back[2].nok, back[2].rate], [
        '9007199254740991',
        '-9007199254740991',
        '0',
      ]);
    } finally {
      store.close();
    }
  });
});
