/**
 * Invoice lines are stored without their document's columns and read through the view
 * `spend_line`; a store written with the older wide line table, and with its documents in a table
 * named as today's view `spend_document`, is moved over once when opened.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { DuckDBInstance } from '@duckdb/node-api';
import { DuckSpendStore } from '../../src/spend/store/duckdb-store.ts';

const dir = mkdtempSync(join(tmpdir(), 'spend-schema-'));
after(() => rmSync(dir, { recursive: true, force: true }));

/** The line table as stores had it before (every document column repeated on each line). */
const WIDE_LINE_TABLE = `CREATE TABLE spend_line (
  doc_id INTEGER NOT NULL, line_no INTEGER NOT NULL, doc_type VARCHAR NOT NULL,
  issue_date DATE NOT NULL, supplier_key VARCHAR NOT NULL, supplier_orgnr VARCHAR, unit VARCHAR,
  contract_reference VARCHAR, order_reference VARCHAR, currency VARCHAR NOT NULL,
  net_minor BIGINT NOT NULL, net_nok_ore BIGINT, quantity_micro BIGINT NOT NULL, unit_code VARCHAR,
  base_unit VARCHAR, qty_base_micro BIGINT, unit_price_micro BIGINT, item_name VARCHAR,
  seller_item_id VARCHAR, gtin VARCHAR, cpv VARCHAR, accounting_cost VARCHAR, agreement_id VARCHAR,
  match_reason VARCHAR, unmatched_class VARCHAR, related_agreement_id VARCHAR)`;

/** A document row, for the table `table`. */
const document = (
  table: string,
) => `INSERT INTO ${table} VALUES (7, 'ehf|974760673|invoice|F-1', 'ehf', 'invoice', 'F-1',
  '974760673', '974760673', 'Leverandør AS', DATE '2025-03-04', 'NOK', 150000, 150000, NULL, NULL,
  'Enhet 12', 'PO-9', 'RA-2024-0001', 'f.xml')`;

describe('Spend store: invoice lines', () => {
  it('a store with the old wide line table is migrated once, every value kept', async () => {
    const file = join(dir, 'wide.duckdb');
    // Build the old layout with DuckDB directly: documents in a table `spend_document` with
    // today's columns, lines in the wide table.
    const old = await DuckDBInstance.create(file);
    const c = await old.connect();
    const fresh = await DuckSpendStore.open(join(dir, 'schema-source.duckdb'));
    const [ddl] = await fresh.rows<{ sql: string }>(
      `SELECT sql FROM duckdb_tables() WHERE table_name = 'spend_document_data'`,
    );
    fresh.close();
    await c.run((ddl as { sql: string }).sql.replace('spend_document_data', 'spend_document'));
    await c.run(WIDE_LINE_TABLE);
    await c.run(document('spend_document'));
    await c.run(`INSERT INTO spend_line VALUES
      (7, 1, 'invoice', DATE '2025-03-04', '974760673', '974760673', 'Enhet 12', 'RA-2024-0001',
       'PO-9', 'NOK', 100000, 100000, 2000000, 'EA', 'C62', 2000000, 500000000, 'Ark "A4"', 'A4-1',
       '7031234567890', '30190000', '4100', 'avt-1', 'contract_reference', NULL, NULL),
      (7, 2, 'invoice', DATE '2025-03-04', '974760673', '974760673', 'Enhet 12', 'RA-2024-0001',
       'PO-9', 'NOK', 50000, 50000, 1000000, 'C62', 'C62', 1000000, 500000000, 'Penn, blå', NULL,
       NULL, '30190000', NULL, 'avt-1', 'contract_reference', NULL, NULL)`);
    const before = await c.runAndReadAll('SELECT * FROM spend_line ORDER BY line_no');
    const wideRows = before.getRowObjectsJS();
    const documents = (await c.runAndReadAll('SELECT * FROM spend_document')).getRowObjectsJS();
    c.closeSync();
    old.closeSync();

    const store = await DuckSpendStore.open(file);
    try {
      const after = await store.rows('SELECT * FROM spend_line ORDER BY line_no');
      assert.deepEqual(after, wideRows);
      const tables = await store.rows<{ t: string }>(
        `SELECT table_name AS t FROM duckdb_tables() WHERE table_name LIKE 'spend_line%' ORDER BY 1`,
      );
      assert.deepEqual(
        tables.map((t) => t.t),
        ['spend_line_data', 'spend_line_segment'],
      );
      assert.deepEqual(await store.rows('SELECT * FROM spend_document'), documents);
      assert.deepEqual(await store.rows('SELECT * FROM spend_document_data'), documents);
    } finally {
      store.close();
    }
    // Opening again finds nothing to migrate and the same rows.
    const again = await DuckSpendStore.open(file);
    try {
      assert.deepEqual(await again.rows('SELECT * FROM spend_line ORDER BY line_no'), wideRows);
    } finally {
      again.close();
    }
  });

  it('a store from before the supplier names were aggregated rebuilds its aggregates once', async () => {
    const file = join(dir, 'names.duckdb');
    const first = await DuckSpendStore.open(file);
    await first.run('INSERT INTO spend_agg_state VALUES (1, 7, false)');
    await first.run('DROP TABLE spend_agg_supplier');
    first.close();
    const state = async () => {
      const store = await DuckSpendStore.open(file);
      try {
        const [r] = await store.rows<{ stale: boolean }>(
          'SELECT stale FROM spend_agg_state WHERE id = 1',
        );
        return r?.stale;
      } finally {
        store.close();
      }
    };
    assert.equal(await state(), true, 'marked stale when the table was missing');
    // The table is there now: opening again leaves the state alone.
    const store = await DuckSpendStore.open(file);
    await store.run('UPDATE spend_agg_state SET stale = false');
    store.close();
    assert.equal(await state(), false);
  });

  it('lines carry only their own columns; the view adds the document columns', async () => {
    const store = await DuckSpendStore.open(join(dir, 'new.duckdb'));
    try {
      await store.run(document('spend_document_data'));
      await store.run(`INSERT INTO spend_line_data (doc_id, line_no, net_minor, quantity_micro)
                       VALUES (7, 1, 100000, 1000000)`);
      const cols = await store.rows<{ c: string }>(
        `SELECT column_name AS c FROM duckdb_columns() WHERE table_name = 'spend_line_data'`,
      );
      for (const docColumn of ['issue_date', 'supplier_key', 'currency', 'contract_reference'])
        assert.ok(!cols.some((c) => c.c === docColumn), docColumn);
      const [line] = await store.rows<Record<string, unknown>>(
        `SELECT *, strftime(issue_date, '%Y-%m-%d') AS day FROM spend_line`,
      );
      assert.equal(line?.unit, 'Enhet 12');
      assert.equal(line?.contract_reference, 'RA-2024-0001');
      assert.equal(line?.currency, 'NOK');
      assert.equal(line?.day, '2025-03-04');
    } finally {
      store.close();
    }
  });

  it('reads back every stored key exactly, also one with a newline or a NUL in it', async () => {
    const store = await DuckSpendStore.open(join(dir, 'keys.duckdb'));
    try {
      assert.deepEqual(await store.documentKeys(), new Set());
      const keys = ['ehf|974760673|invoice|F-1', 'ledger|x|invoice|a\nb', 'ledger|x|invoice|c\0d'];
      for (const [i, k] of keys.entries()) {
        await store.run(document('spend_document_data').replace('(7,', `(${i + 1},`), []);
        await store.run('UPDATE spend_document_data SET doc_key = $k WHERE doc_id = $i', {
          k,
          i: i + 1,
        });
      }
      assert.deepEqual(await store.documentKeys(), new Set(keys));
      await store.run('DELETE FROM spend_document_data WHERE doc_id = 3');
      assert.deepEqual(await store.documentKeys(), new Set(keys.slice(0, 2)));
    } finally {
      store.close();
    }
  });
});
