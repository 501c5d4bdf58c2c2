// The byte-level row writer the parser workers use: same dialect as the string rows, read back by
// DuckDB's COPY unchanged (quotes, newlines, non-ASCII, empty text vs null), and growing past its
// initial size.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import {
  CSV_OPTIONS,
  CsvBytes,
  type DocumentRow,
  DuckSpendStore,
  documentCsvTail,
  documentValues,
  sqlPath,
} from '../../src/spend/store/duckdb-store.ts';

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

describe('CsvBytes', () => {
  const dir = mkdtempSync(join(tmpdir(), 'csv-bytes-'));
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('writes exactly what the string rows write, and grows past its first buffer', () => {
    const rows = [
      doc({}),
      doc({ docId: 2, supplierName: 'Sitat "AS", avd. Øst\nlinje 2', number: '' }),
      doc({ docId: 3, supplierName: 'Emoji 😀 og ﬁ-ligatur', nokOre: -5, file: null }),
      // Numbers at every digit boundary, the ends of the safe range, -0 and values that are not
      // safe integers (written digit by digit, or by the general path, exactly like String(n)).
      ...[
        0,
        -0,
        9,
        10,
        99,
        100,
        123_456_789,
        -1_000_000,
        2 ** 53 - 1,
        -(2 ** 53 - 1),
        2 ** 53,
        1.5,
        -0.25,
        1e21,
      ].map((n, i) => doc({ docId: 10 + i, taxExclusiveMinor: n, nokOre: -n, rateMicro: n })),
      // Plain ASCII text up to DEL, a quote at either end, and non-ASCII only at the end.
      doc({ docId: 30, supplierName: '~\x7f ascii, med komma', number: '"A"', file: 'end-ø' }),
    ];
    const bytes = new CsvBytes(8); // far too small: must grow
    for (let i = 0; i < 300; i++) for (const r of rows) bytes.row(r.docId, documentValues(r));
    const expected = Array.from({ length: 300 }, () =>
      rows.map((r) => `${r.docId},${documentCsvTail(r)}`).join(''),
    ).join('');
    assert.equal(bytes.bytes().toString('utf8'), expected);
    bytes.clear();
    assert.equal(bytes.length, 0);
  });

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
    const bytes = new CsvBytes(16);
    for (const r of rows) bytes.row(r.docId, documentValues(r));
    const file = join(dir, 'd.csv');
    writeFileSync(file, bytes.bytes());
    const store = await DuckSpendStore.open(':memory:', { threads: 1 });
    try {
      await store.run(`COPY spend_document FROM '${sqlPath(file)}' ${CSV_OPTIONS}`);
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
