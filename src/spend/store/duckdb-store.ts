/**
 * The analytics store for spend: DuckDB (embedded, columnar). Chosen by measurement: over 2
 * million invoice lines DuckDB answers the report aggregates in 40–110 ms where SQLite needs
 * 0.85–1.7 s (design.md; `npm run bench:spend` measures the reports over 5 million lines).
 * One file beside the register database; the register (contracts) stays in its own store.
 */

import { AsyncLocalStorage } from 'node:async_hooks';
import { randomUUID } from 'node:crypto';
import {
  closeSync,
  existsSync,
  fsyncSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  readdirSync,
  renameSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import {
  type DuckDBAppender,
  type DuckDBConnection,
  DuckDBInstance,
  type DuckDBValue,
  dateValue,
} from '@duckdb/node-api';
import type { AllowedPrice } from '../../core/spend/pricing.ts';
import {
  type DocumentRow,
  documentCsvTail,
  type LineRow,
  lineCsvTail,
  toDays,
} from './row-format.ts';

/**
 * Segments: an ingest's documents and lines stay the Parquet files the parser workers wrote
 * (`*.parquet` in the folders `.documents` and `.lines` beside the DuckDB file), read in place
 * through the views `spend_document` and `spend_line_all`, until they are absorbed into
 * `spend_document_data` and `spend_line_data` (when the store opens, and before stored rows are
 * changed). Loading them into tables during the ingest was DuckDB CPU beside the workers, which
 * kept two workers from being faster than one by more than ≈ 1.5× (docs/spend.md). A segment
 * counts once its name is in its list (`spend_document_segment`, `spend_line_segment`), committed
 * with the rest of its chunk; any other file in the folders is left over from an ingest that did
 * not finish and is removed when the store opens. A document found to be a duplicate after its
 * segment was written is hidden by its number in `spend_document_hidden` (and its lines by the
 * join with the documents) until the segment is absorbed without it.
 * `SCHEMA_FILE` is an empty segment that keeps a folder's glob from ever matching nothing.
 */
const SCHEMA_FILE = '0-schema.parquet';
const SEGMENT_GLOB = '*.parquet';
const ABSORBED = '.absorbed';

/** One kind of segment: its folder, the table that lists it, and the table it is absorbed into. */
interface SegmentKind {
  readonly dir: string;
  readonly list: 'spend_document_segment' | 'spend_line_segment';
  readonly table: 'spend_document_data' | 'spend_line_data';
}

export interface SegmentDirs {
  readonly documents: string;
  readonly lines: string;
}

const segmentKinds = (dirs: SegmentDirs): readonly SegmentKind[] => [
  { dir: dirs.documents, list: 'spend_document_segment', table: 'spend_document_data' },
  { dir: dirs.lines, list: 'spend_line_segment', table: 'spend_line_data' },
];

/**
 * The rows of the segment files in `dir` that are listed: a file an ingest has moved in counts
 * only once its listing is committed (a report meanwhile must not see a chunk that may still be
 * rolled back, or a duplicate not yet hidden).
 */
const listedSegments = (dir: string, list: string) =>
  `SELECT * EXCLUDE (filename) FROM read_parquet('${sqlPath(join(dir, SEGMENT_GLOB))}', filename = true)
 WHERE parse_filename(filename) IN (SELECT name FROM ${list})`;

/**
 * Documents and invoice lines as the reports read them, tables and segments together. A line is
 * read with its own columns joined with its document's (which also hides a duplicate's lines).
 * Lines are stored without the document-level columns (type, date, supplier, unit, references,
 * currency): repeating them on every line made storing a line cost about twice as much DuckDB CPU
 * (measured: `docs/spend.md`, "Ingest on two workers"), and the join on doc_id is cheap.
 */
// DuckDB matches the files' columns by name (the workers write them in another order than the
// table's), and `BY NAME` does the same between table and files.
const segmentViews = (dirs: SegmentDirs) => `
CREATE OR REPLACE VIEW spend_document AS
SELECT * FROM spend_document_data
UNION ALL BY NAME
${listedSegments(dirs.documents, 'spend_document_segment')}
   AND doc_id NOT IN (SELECT doc_id FROM spend_document_hidden);
CREATE OR REPLACE VIEW spend_line_all AS
SELECT * FROM spend_line_data
UNION ALL BY NAME
${listedSegments(dirs.lines, 'spend_line_segment')};
CREATE OR REPLACE VIEW spend_line AS
SELECT l.doc_id, l.line_no, d.doc_type, d.issue_date, d.supplier_key, d.supplier_orgnr,
       d.buyer_reference AS unit, d.contract_reference, d.order_reference, d.currency,
       l.net_minor, l.net_nok_ore, l.quantity_micro, l.unit_code, l.base_unit, l.qty_base_micro,
       l.unit_price_micro, l.item_name, l.seller_item_id, l.gtin, l.cpv, l.accounting_cost,
       l.agreement_id, l.match_reason, l.unmatched_class, l.related_agreement_id
  FROM spend_line_all l JOIN spend_document d USING (doc_id);
`;

/**
 * Stores made before lines were stored without their document's columns had a table
 * `spend_line`; its rows move to `spend_line_data` once, in one transaction.
 */
const MIGRATE_WIDE_LINES = [
  `INSERT INTO spend_line_data
     SELECT doc_id, line_no, net_minor, net_nok_ore, quantity_micro, unit_code, base_unit,
            qty_base_micro, unit_price_micro, item_name, seller_item_id, gtin, cpv,
            accounting_cost, agreement_id, match_reason, unmatched_class, related_agreement_id
       FROM spend_line`,
  'DROP TABLE spend_line',
];

export const SCHEMA = `
CREATE TABLE IF NOT EXISTS spend_document_data (
  doc_id INTEGER NOT NULL,
  doc_key VARCHAR NOT NULL,
  source VARCHAR NOT NULL,
  doc_type VARCHAR NOT NULL,
  number VARCHAR NOT NULL,
  supplier_key VARCHAR NOT NULL,
  supplier_orgnr VARCHAR,
  supplier_name VARCHAR,
  issue_date DATE NOT NULL,
  currency VARCHAR NOT NULL,
  tax_exclusive_minor BIGINT NOT NULL,
  nok_ore BIGINT,
  rate_micro BIGINT,
  rate_date DATE,
  buyer_reference VARCHAR,
  order_reference VARCHAR,
  contract_reference VARCHAR,
  file VARCHAR
);
CREATE TABLE IF NOT EXISTS spend_line_data (
  doc_id INTEGER NOT NULL,
  line_no INTEGER NOT NULL,
  net_minor BIGINT NOT NULL,
  net_nok_ore BIGINT,
  quantity_micro BIGINT NOT NULL,
  unit_code VARCHAR,
  base_unit VARCHAR,
  qty_base_micro BIGINT,
  unit_price_micro BIGINT,
  item_name VARCHAR,
  seller_item_id VARCHAR,
  gtin VARCHAR,
  cpv VARCHAR,
  accounting_cost VARCHAR,
  agreement_id VARCHAR,
  match_reason VARCHAR,
  unmatched_class VARCHAR,
  related_agreement_id VARCHAR
);
CREATE TABLE IF NOT EXISTS spend_document_segment (
  name VARCHAR PRIMARY KEY,
  documents BIGINT NOT NULL
);
CREATE TABLE IF NOT EXISTS spend_document_hidden (
  doc_id INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS spend_line_segment (
  name VARCHAR PRIMARY KEY,
  lines BIGINT NOT NULL
);
CREATE TABLE IF NOT EXISTS spend_agreement (
  agreement_id VARCHAR PRIMARY KEY,
  reference_number VARCHAR NOT NULL,
  title VARCHAR,
  start_date DATE,
  end_date DATE,
  estimated_ore BIGINT,
  max_ore BIGINT,
  cpv_prefixes VARCHAR,
  supplier_orgnrs VARCHAR
);
CREATE TABLE IF NOT EXISTS spend_allowed_price (
  agreement_id VARCHAR NOT NULL,
  item_number VARCHAR,
  gtin VARCHAR,
  base_unit VARCHAR NOT NULL,
  currency VARCHAR NOT NULL,
  valid_from DATE NOT NULL,
  valid_to DATE,
  allowed_micro BIGINT NOT NULL,
  basis VARCHAR
);
CREATE TABLE IF NOT EXISTS spend_rate (
  currency VARCHAR NOT NULL,
  rate_date DATE NOT NULL,
  nok_per_unit_micro BIGINT NOT NULL,
  source VARCHAR NOT NULL
);
CREATE TABLE IF NOT EXISTS spend_index_value (
  index_name VARCHAR NOT NULL,
  period VARCHAR NOT NULL,
  value_x10 INTEGER NOT NULL,
  source VARCHAR NOT NULL
);
CREATE TABLE IF NOT EXISTS spend_agg_state (
  id INTEGER PRIMARY KEY,
  upto_doc_id BIGINT NOT NULL,
  stale BOOLEAN NOT NULL
);
CREATE TABLE IF NOT EXISTS spend_agg_turnover (
  agreement_id VARCHAR NOT NULL,
  month INTEGER NOT NULL,
  unit VARCHAR,
  supplier_key VARCHAR NOT NULL,
  ore HUGEINT NOT NULL
);
CREATE TABLE IF NOT EXISTS spend_agg_leakage (
  cls VARCHAR NOT NULL,
  cpv VARCHAR,
  related VARCHAR,
  unit VARCHAR,
  issue_date DATE NOT NULL,
  ore HUGEINT NOT NULL
);
CREATE TABLE IF NOT EXISTS spend_agg_supplier (
  supplier_key VARCHAR NOT NULL,
  issue_date DATE NOT NULL,
  name VARCHAR NOT NULL
);
CREATE TABLE IF NOT EXISTS spend_agg_price (
  agreement_id VARCHAR NOT NULL,
  supplier_key VARCHAR NOT NULL,
  item VARCHAR,
  currency VARCHAR NOT NULL,
  unit_price_micro BIGINT NOT NULL,
  allowed_micro BIGINT NOT NULL,
  lines BIGINT NOT NULL,
  over_minor HUGEINT NOT NULL
);
CREATE TABLE IF NOT EXISTS spend_price_list (
  agreement_id VARCHAR NOT NULL,
  item_number VARCHAR,
  gtin VARCHAR,
  description VARCHAR,
  unit VARCHAR NOT NULL,
  price_micro BIGINT NOT NULL,
  currency VARCHAR NOT NULL,
  valid_from DATE NOT NULL
);
`;

export const sqlPath = (p: string) => p.replace(/'/g, "''");

/** Makes the entries of a folder (files moved in) durable. */
function syncDir(dir: string): void {
  const fd = openSync(dir, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

const str = (a: DuckDBAppender, v: string | null) =>
  v === null ? a.appendNull() : a.appendVarchar(v);

/**
 * The rows' CSV dialect, stated in full so DuckDB skips sniffing (AUTO_DETECT false: measured
 * ≈ 25 % less CPU per COPY). An empty text, quoted or not, is read as NULL.
 */
export const CSV_OPTIONS = `(FORMAT csv, HEADER false, DELIMITER ',', QUOTE '"', ESCAPE '"', DATEFORMAT '%Y-%m-%d', AUTO_DETECT false)`;

/**
 * Stores worker chunks on its own connection: moves each chunk's Parquet files into the segment
 * folders, and lists them (and the duplicates to hide) in one transaction per `commitBytes` of
 * files, invisible to reports until committed. The statements wait for the commit: run per chunk
 * they were a DuckDB call each beside the workers, and until the commit nobody could see them.
 */
export class ChunkWriter {
  private pendingBytes = 0;
  /** Segment files moved in since the last commit (removed again if the run fails). */
  private moved: string[] = [];
  /** SQL value tuples of the segments and hidden documents to list at the commit. */
  private documentSegments: string[] = [];
  private lineSegments: string[] = [];
  private hidden: string[] = [];

  constructor(
    private readonly connection: DuckDBConnection,
    private readonly dirs: SegmentDirs,
    private readonly commitBytes: number,
  ) {}

  /** Stores a chunk, with the numbers of its documents found to be duplicates. */
  async append(
    chunk: {
      documentFile: string;
      lineFile: string | null;
      documents: number;
      lines: number;
      bytes: number;
    },
    duplicateIds: readonly number[],
  ): Promise<void> {
    try {
      // One name for both files of the chunk, each in its kind's folder.
      const name = `seg-${randomUUID()}.parquet`;
      this.moveIn(chunk.documentFile, join(this.dirs.documents, name));
      this.documentSegments.push(`('${name}', ${Math.trunc(chunk.documents)})`);
      if (chunk.lineFile !== null) {
        this.moveIn(chunk.lineFile, join(this.dirs.lines, name));
        this.lineSegments.push(`('${name}', ${Math.trunc(chunk.lines)})`);
      }
      for (const id of duplicateIds) this.hidden.push(`(${Math.trunc(id)})`);
    } catch (e) {
      await this.rollback();
      throw e;
    }
    this.pendingBytes += chunk.bytes;
    if (this.pendingBytes >= this.commitBytes) await this.commit();
  }

  private moveIn(from: string, to: string): void {
    renameSync(from, to);
    this.moved.push(to);
  }

  /** Lists the segments moved in since the last commit, in one transaction. */
  async commit(): Promise<void> {
    if (this.moved.length === 0) return;
    // The moves must be on disk before the listing is (the files themselves were synced by the
    // workers that wrote them).
    for (const dir of Object.values(this.dirs)) syncDir(dir);
    const statements = [
      'BEGIN TRANSACTION',
      `INSERT INTO spend_document_segment VALUES ${this.documentSegments.join(', ')}`,
    ];
    if (this.lineSegments.length > 0)
      statements.push(`INSERT INTO spend_line_segment VALUES ${this.lineSegments.join(', ')}`);
    if (this.hidden.length > 0)
      statements.push(`INSERT INTO spend_document_hidden VALUES ${this.hidden.join(', ')}`);
    statements.push('COMMIT');
    try {
      await this.connection.run(statements.join(';\n'));
    } catch (e) {
      await this.connection.run('ROLLBACK').catch(() => {});
      await this.rollback();
      throw e;
    }
    this.forget();
  }

  /** Removes the files moved in since the last commit (a run stores whole commits only). */
  async rollback(): Promise<void> {
    const moved = this.moved;
    this.forget();
    for (const path of moved) rmSync(path, { force: true });
  }

  private forget(): void {
    this.pendingBytes = 0;
    this.moved = [];
    this.documentSegments = [];
    this.lineSegments = [];
    this.hidden = [];
  }

  close(): void {
    this.connection.closeSync();
  }
}

export class DuckSpendStore {
  /** Statements on the main connection run one at a time, in this queue (see `exclusively`). */
  private queue: Promise<void> = Promise.resolve();
  /** The section that has the main connection to itself, if any. */
  private owner: symbol | null = null;
  private readonly section = new AsyncLocalStorage<symbol>();

  private constructor(
    private readonly instance: DuckDBInstance,
    readonly connection: DuckDBConnection,
    /** The segments' folders; a store in memory has temporary ones, removed at close. */
    readonly segmentDirs: SegmentDirs,
    /** The temporary folder that holds them, for a store in memory. */
    private readonly temporarySegments: string | null,
  ) {}

  /**
   * Opens (or creates) the store. DuckDB would take up to 80 % of RAM for its buffers; the
   * product caps it (default 1 GB) so the whole process stays within its memory budget.
   */
  static async open(
    file: string,
    options: { threads?: number; memoryLimit?: string } = {},
  ): Promise<DuckSpendStore> {
    const threads = options.threads ?? 2;
    const inMemory = file === ':memory:';
    const base = inMemory ? null : resolve(file);
    // The segments are read by a file pattern, in which these characters would be wildcards.
    if (base && /[*?[\]]/.test(base)) {
      throw new Error(
        `Mappen for innkjøpsdata kan ikke ha *, ? eller [ ] i navnet (${base}): velg en annen DATA_DIR.`,
      );
    }
    const instance = await DuckDBInstance.create(file, {
      threads: String(threads),
      memory_limit: options.memoryLimit ?? '1GB',
      temp_directory: file === ':memory:' ? join(tmpdir(), 'spend-duckdb-tmp') : `${file}.tmp`,
    });
    const connection = await instance.connect();
    const temporary = inMemory ? mkdtempSync(join(tmpdir(), 'spend-segments-')) : null;
    const prefix = base ?? join(temporary as string, 'spend');
    const dirs: SegmentDirs = { documents: `${prefix}.documents`, lines: `${prefix}.lines` };
    const store = new DuckSpendStore(instance, connection, dirs, temporary);
    try {
      await store.prepare();
    } catch (e) {
      // A store that cannot be opened does not keep the database file open.
      store.close();
      throw e;
    }
    return store;
  }

  /** Creates or migrates the schema, brings the segments in order, and absorbs them. */
  private async prepare(): Promise<void> {
    const { connection, segmentDirs: dirs } = this;
    for (const dir of Object.values(dirs)) mkdirSync(dir, { recursive: true });
    const table = async (name: string) =>
      (
        await connection.runAndReadAll(
          `SELECT 1 FROM duckdb_tables() WHERE table_name = '${name}' AND schema_name = 'main'`,
        )
      ).currentRowCount > 0;
    const names = await table('spend_agg_supplier');
    // Stores from before the document segments had the documents in a table of the view's name.
    if (await table('spend_document'))
      await connection.run('ALTER TABLE spend_document RENAME TO spend_document_data');
    await connection.run(SCHEMA);
    // A store from before the supplier names were aggregated: fill them at the next rebuild.
    if (!names) await connection.run('UPDATE spend_agg_state SET stale = true');
    if (await table('spend_line')) {
      await connection.run('BEGIN TRANSACTION');
      try {
        for (const sql of MIGRATE_WIDE_LINES) await connection.run(sql);
        await connection.run('COMMIT');
      } catch (e) {
        await connection.run('ROLLBACK');
        throw e;
      }
    }
    for (const kind of segmentKinds(dirs)) await this.recoverSegments(kind);
    await connection.run(segmentViews(dirs));
    await this.absorbSegments();
  }

  /** Segment files not yet absorbed (a chunk has one of documents and at most one of lines). */
  async segmentCount(): Promise<number> {
    const [row] = await this.rows<{ n: bigint }>(
      `SELECT (SELECT count(*) FROM spend_document_segment) +
              (SELECT count(*) FROM spend_line_segment) AS n`,
    );
    return Number(row?.n ?? 0);
  }

  private async segmentNames(kind: SegmentKind): Promise<string[]> {
    const rows = await this.rows<{ name: string }>(`SELECT name FROM ${kind.list} ORDER BY name`);
    return rows.map((r) => r.name);
  }

  /**
   * Brings the segment folder in line with `spend_line_segment` after a run that did not finish:
   * an absorption that stopped before its commit gets its files back, one that stopped after it
   * loses them; files of an ingest that never committed, and its staging folders, are removed.
   */
  private async recoverSegments(kind: SegmentKind): Promise<void> {
    const listed = new Set(await this.segmentNames(kind));
    for (const entry of readdirSync(kind.dir, { withFileTypes: true })) {
      const path = join(kind.dir, entry.name);
      if (entry.isDirectory()) rmSync(path, { recursive: true, force: true });
      else if (entry.name.endsWith(ABSORBED)) {
        const name = entry.name.slice(0, -ABSORBED.length);
        if (listed.has(name)) renameSync(path, join(kind.dir, name));
        else rmSync(path, { force: true });
      } else if (entry.name !== SCHEMA_FILE && !listed.has(entry.name))
        rmSync(path, { force: true });
    }
    // A listed file that is gone (a folder not restored with the database, a file removed by
    // hand) would fail every query; say what is wrong instead.
    const missing = [...listed].filter((name) => !existsSync(join(kind.dir, name)));
    if (missing.length > 0) {
      throw new Error(
        `Innkjøpsdataene er ufullstendige: ${missing.length} fil(er) mangler i ${kind.dir} (f.eks. ${missing[0]}). Legg tilbake mappen fra samme sikkerhetskopi som databasefilen.`,
      );
    }
    if (!existsSync(join(kind.dir, SCHEMA_FILE))) {
      await this.connection.run(
        `COPY (SELECT * FROM ${kind.table} LIMIT 0) TO '${sqlPath(join(kind.dir, SCHEMA_FILE))}' (FORMAT parquet)`,
      );
    }
  }

  /** A folder for one ingest's chunk files, on the segments' file system (they are moved in). */
  stagingDir(): string {
    return mkdtempSync(join(this.segmentDirs.lines, 'staging-'));
  }

  /**
   * Moves the segments into `spend_document_data` and `spend_line_data`, without the documents
   * hidden as duplicates or their lines, in one transaction with the connection to itself: the
   * files leave their folders (renamed, so a failure can put them back) before the commit and are
   * deleted after it, so no reader sees a row twice or not at all. Returns the number of segment
   * files absorbed.
   */
  absorbSegments(): Promise<number> {
    return this.exclusively(async () => {
      const kinds = segmentKinds(this.segmentDirs);
      const names = await Promise.all(kinds.map((k) => this.segmentNames(k)));
      if (names.every((n) => n.length === 0)) return 0;
      const renamed: string[] = [];
      await this.connection.run('BEGIN TRANSACTION');
      try {
        for (const [i, kind] of kinds.entries()) {
          const list = names[i] as string[];
          if (list.length === 0) continue;
          const paths = list.map((n) => `'${sqlPath(join(kind.dir, n))}'`).join(', ');
          // Documents first: the lines keep only those of a document now in the table.
          const keep =
            kind.table === 'spend_document_data'
              ? 'doc_id NOT IN (SELECT doc_id FROM spend_document_hidden)'
              : 'doc_id IN (SELECT doc_id FROM spend_document_data)';
          await this.connection.run(`INSERT INTO ${kind.table} BY NAME
            SELECT * FROM read_parquet([${paths}]) WHERE ${keep}`);
          const quoted = list.map((n) => `'${sqlPath(n)}'`).join(', ');
          await this.connection.run(`DELETE FROM ${kind.list} WHERE name IN (${quoted})`);
        }
        await this.connection.run('DELETE FROM spend_document_hidden');
        for (const [i, kind] of kinds.entries()) {
          for (const n of names[i] as string[]) {
            const path = join(kind.dir, n);
            renameSync(path, path + ABSORBED);
            renamed.push(path);
          }
        }
        await this.connection.run('COMMIT');
      } catch (e) {
        await this.connection.run('ROLLBACK');
        for (const path of renamed) renameSync(path + ABSORBED, path);
        throw e;
      }
      for (const path of renamed) rmSync(path + ABSORBED, { force: true });
      return renamed.length;
    });
  }

  /**
   * Runs `fn` with the main connection to itself: a statement from anywhere else waits until `fn`
   * is done. One DuckDB connection runs one statement at a time and has one transaction: requests
   * that used it at once failed now and then ("Attempting to execute an unsuccessful or closed
   * pending query result"), or read another request's uncommitted state (an agreement table just
   * emptied for a refresh). Re-entrant within `fn`.
   */
  exclusively<T>(fn: () => Promise<T>): Promise<T> {
    if (this.owner !== null && this.section.getStore() === this.owner) return fn();
    return this.inTurn(async () => {
      const token = Symbol('exclusive');
      this.owner = token;
      try {
        return await this.section.run(token, fn);
      } finally {
        this.owner = null;
        // On Node 20 a storage in use makes every promise of the process pay for async hooks
        // (measured: the ingest loop's main thread took ≈ 2× the CPU). Disabled until the next
        // section (`run` enables it again), nothing outside a section pays.
        this.section.disable();
      }
    });
  }

  /** Runs `fn` when the connection is free (at once inside the section that holds it). */
  private async inTurn<T>(fn: () => Promise<T>): Promise<T> {
    if (this.owner !== null && this.section.getStore() === this.owner) return fn();
    const previous = this.queue;
    let release = () => {};
    this.queue = new Promise<void>((resolve) => {
      release = resolve;
    });
    await previous;
    try {
      return await fn();
    } finally {
      release();
    }
  }

  async rows<T = Record<string, DuckDBValue>>(
    sql: string,
    values?: Record<string, DuckDBValue> | DuckDBValue[],
  ): Promise<T[]> {
    const reader = await this.inTurn(() => this.connection.runAndReadAll(sql, values));
    return reader.getRowObjectsJS() as T[];
  }

  async run(sql: string, values?: Record<string, DuckDBValue> | DuckDBValue[]): Promise<void> {
    await this.inTurn(() => this.connection.run(sql, values));
  }

  /**
   * Keys of every stored document, for duplicate detection across batches. Read as one text joined
   * by NUL (which XML cannot carry) and split here: a row object per key took ≈ 3 s for 1.2 million
   * documents, this ≈ 1 s. A key that holds a NUL after all (a ledger row) is read row by row.
   */
  async documentKeys(): Promise<Set<string>> {
    const [all] = await this.rows<{ n: bigint; keys: string | null }>(
      'SELECT count(*) AS n, string_agg(doc_key, chr(0)) AS keys FROM spend_document',
    );
    const keys = all?.keys ? all.keys.split('\0') : [];
    if (keys.length === Number(all?.n ?? 0)) return new Set(keys);
    const rows = await this.rows<{ doc_key: string }>('SELECT doc_key FROM spend_document');
    return new Set(rows.map((r) => r.doc_key));
  }

  /**
   * The next free document number: above every stored document and every row still in a segment
   * (a duplicate and its lines wait there, hidden, until absorbed, and no later document may take
   * its number).
   */
  async nextDocId(): Promise<number> {
    const [row] = await this.rows<{ n: number | bigint | null }>(
      `SELECT greatest((SELECT max(doc_id) FROM spend_document),
                       (SELECT max(doc_id) FROM spend_document_hidden),
                       (SELECT max(doc_id) FROM spend_line_all)) AS n`,
    );
    return Number(row?.n ?? 0) + 1;
  }

  /**
   * Appends a batch given as CSV text (see `documentCsv` / `lineCsv`). Rows go through a temporary
   * file and one COPY per table: DuckDB's native CSV reader is far faster than appending value by
   * value through N-API, and the CSV text is built in the parser workers, off the main thread.
   */
  async appendCsv(documents: string, lines: string): Promise<void> {
    if (documents.length === 0 && lines.length === 0) return;
    const dir = mkdtempSync(join(tmpdir(), 'spend-batch-'));
    try {
      const docFile = join(dir, 'd.csv');
      const lineFile = join(dir, 'l.csv');
      writeFileSync(docFile, documents);
      writeFileSync(lineFile, lines);
      await this.exclusively(async () => {
        await this.connection.run('BEGIN TRANSACTION');
        try {
          if (documents.length > 0) {
            await this.connection.run(
              `COPY spend_document_data FROM '${sqlPath(docFile)}' ${CSV_OPTIONS}`,
            );
          }
          if (lines.length > 0)
            await this.connection.run(
              `COPY spend_line_data FROM '${sqlPath(lineFile)}' ${CSV_OPTIONS}`,
            );
          await this.connection.run('COMMIT');
        } catch (e) {
          await this.connection.run('ROLLBACK');
          throw e;
        }
      });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }

  /**
   * A separate connection for one ingest: its chunks are stored in transactions of up to
   * `commitBytes` of files (fewer commits; a commit costs a WAL flush), invisible to reports on the
   * main connection until committed.
   */
  async chunkWriter(commitBytes = 64 * 1024 * 1024): Promise<ChunkWriter> {
    const connection = await this.instance.connect();
    return new ChunkWriter(connection, this.segmentDirs, commitBytes);
  }

  async appendDocuments(docs: readonly DocumentRow[], lines: readonly LineRow[]): Promise<void> {
    await this.appendCsv(
      docs.map((d) => `${d.docId},${documentCsvTail(d)}`).join(''),
      lines.map((l) => `${l.docId},${lineCsvTail(l)}`).join(''),
    );
  }

  async replaceAllowedPrices(rows: readonly AllowedPrice[]): Promise<void> {
    await this.run('DELETE FROM spend_allowed_price');
    const a = await this.connection.createAppender('spend_allowed_price');
    for (const r of rows) {
      a.appendVarchar(r.agreementId);
      str(a, r.itemNumber);
      str(a, r.gtin);
      a.appendVarchar(r.baseUnit);
      a.appendVarchar(r.currency);
      a.appendDate(dateValue(toDays(r.validFrom)));
      if (r.validTo === null) a.appendNull();
      else a.appendDate(dateValue(toDays(r.validTo)));
      a.appendBigInt(BigInt(r.allowedMicro));
      a.appendVarchar(r.basis);
      a.endRow();
    }
    a.closeSync();
  }

  close(): void {
    this.connection.closeSync();
    this.instance.closeSync();
    if (this.temporarySegments) rmSync(this.temporarySegments, { recursive: true, force: true });
  }
}
