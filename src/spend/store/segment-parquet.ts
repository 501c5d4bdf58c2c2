/**
 * Documents and invoice lines as Parquet, written by the parser workers. An ingest keeps its rows
 * as Parquet segment files that DuckDB reads in place (`duckdb-store.ts`, "segments"): loading them
 * into tables during the ingest was the DuckDB CPU beside the workers that kept two workers from
 * scaling (docs/spend.md, "Ingest on two workers"). The columns are those of `spend_line_data` and
 * `spend_document_data`.
 *
 * The values are encoded here, PLAIN and uncompressed, straight into one byte buffer per column as
 * the rows arrive; the page headers and the file's metadata are written by hyparquet-writer's own
 * thrift encoders. Its `parquetWrite` takes arrays of values: measured in the workers it cost
 * ≈ 2.5× the CPU of rendering the same lines as CSV (text kept in arrays for a whole chunk outlives
 * the young generation, and the INT64 columns go through bigints), this ≈ the same as CSV.
 */
import { closeSync, fsyncSync, openSync, writeSync } from 'node:fs';
import { ByteWriter } from 'hyparquet-writer';
import { writePageHeader } from 'hyparquet-writer/src/datapage.js';
import { writeMetadata } from 'hyparquet-writer/src/metadata.js';
import {
  type Column,
  type ColumnKind,
  DOCUMENT_COLUMNS,
  type DocumentRow,
  LINE_COLUMNS,
  type LineRow,
  toDays,
} from './row-format.ts';

type FileMetaData = Parameters<typeof writeMetadata>[1];
type ColumnChunk = FileMetaData['row_groups'][number]['columns'][number];
type Line = Omit<LineRow, 'docId'>;
type Doc = Omit<DocumentRow, 'docId'>;

const TWO_32 = 2 ** 32;
const MAGIC = new TextEncoder().encode('PAR1');

/** A column's PLAIN values in a growing byte buffer, and for a nullable one its presence bits. */
class ColumnBytes {
  buf = Buffer.allocUnsafe(1 << 14);
  len = 0;
  /** 1 where the row has a value (nullable columns only). */
  present: Uint8Array;

  constructor(readonly nullable: boolean) {
    this.present = new Uint8Array(nullable ? 1 << 12 : 0);
  }

  /** Records presence for row `row`; false for a null (nothing more is written). */
  mark(row: number, isNull: boolean): boolean {
    if (!this.nullable) return true;
    if (row >= this.present.length) {
      const more = new Uint8Array(this.present.length * 2);
      more.set(this.present);
      this.present = more;
    }
    this.present[row] = isNull ? 0 : 1;
    return !isNull;
  }

  room(n: number): void {
    if (this.len + n <= this.buf.length) return;
    const bigger = Buffer.allocUnsafe(Math.max(this.buf.length * 2, this.len + n));
    this.buf.copy(bigger, 0, 0, this.len);
    this.buf = bigger;
  }

  int32(n: number): void {
    this.room(4);
    this.len = this.buf.writeInt32LE(n, this.len);
  }

  /** A safe integer as a little-endian two's complement 64-bit value, without a bigint. */
  int64(n: number): void {
    this.room(8);
    this.len = this.buf.writeUInt32LE(n >>> 0, this.len);
    this.len = this.buf.writeInt32LE(Math.floor(n / TWO_32), this.len);
  }

  /** UTF-8 with its length first; plain ASCII byte by byte (cheaper than a `write` call per value). */
  text(v: string): void {
    const n = v.length;
    this.room(n * 3 + 4);
    const start = this.len;
    let p = start + 4;
    const buf = this.buf;
    let ascii = true;
    for (let i = 0; i < n; i++) {
      const c = v.charCodeAt(i);
      if (c >= 0x80) {
        ascii = false;
        break;
      }
      buf[p++] = c;
    }
    if (!ascii) p = start + 4 + buf.write(v, start + 4, 'utf8');
    buf.writeUInt32LE(p - start - 4, start);
    this.len = p;
  }

  /** Definition levels of `rows` rows: RLE/bit-packed hybrid, one bit-packed run, length first. */
  levels(rows: number): Uint8Array {
    const groups = Math.ceil(rows / 8);
    const header: number[] = [];
    for (let h = groups * 2 + 1; ; h = Math.floor(h / 128)) {
      if (h < 128) {
        header.push(h);
        break;
      }
      header.push((h & 0x7f) | 0x80);
    }
    const out = new Uint8Array(4 + header.length + groups);
    const body = header.length + groups;
    out[0] = body & 0xff;
    out[1] = (body >>> 8) & 0xff;
    out[2] = (body >>> 16) & 0xff;
    out[3] = body >>> 24;
    out.set(header, 4);
    let o = 4 + header.length;
    for (let g = 0; g < groups; g++) {
      let byte = 0;
      for (let k = 0; k < 8; k++) {
        const r = g * 8 + k;
        if (r < rows && this.present[r] === 1) byte |= 1 << k;
      }
      out[o++] = byte;
    }
    return out;
  }
}

/** Rows collected column by column until they are written as one Parquet file. */
class SegmentColumns<R> {
  private rows = 0;
  private minDoc = 0;
  private maxDoc = 0;
  private readonly docIds = new ColumnBytes(false);
  private readonly bytes: ColumnBytes[];

  constructor(private readonly columns: readonly Column<R>[]) {
    this.bytes = columns.map(([, , nullable]) => new ColumnBytes(nullable));
  }

  get length(): number {
    return this.rows;
  }

  add(docId: number, r: R): void {
    const row = this.rows++;
    if (row === 0 || docId < this.minDoc) this.minDoc = docId;
    if (row === 0 || docId > this.maxDoc) this.maxDoc = docId;
    this.docIds.int32(docId);
    const columns = this.columns;
    for (let i = 0; i < columns.length; i++) {
      const [, kind, , get] = columns[i] as Column<R>;
      const col = this.bytes[i] as ColumnBytes;
      const v = get(r);
      // An empty text in a column that may be NULL is stored as NULL, as the CSV rows read it.
      if (!col.mark(row, v === null || (kind === 'TEXT' && v === ''))) continue;
      if (kind === 'TEXT') col.text(v as string);
      else if (kind === 'INT64') col.int64(v as number);
      else col.int32(kind === 'DATE' ? toDays(v as string) : (v as number));
    }
  }

  /**
   * Writes the rows to `path` as a Parquet file (one row group, one PLAIN, uncompressed page per
   * column) and returns its size. The column buffers are written as they are: assembling the file
   * in one growing buffer allocated and copied ≈ 3× its size per chunk, and V8 answers that much
   * external memory with garbage collection beside the workers.
   */
  write(path: string): number {
    const parts: Uint8Array[] = [MAGIC];
    let offset = MAGIC.length;
    const add = (bytes: Uint8Array) => {
      parts.push(bytes);
      offset += bytes.length;
    };
    const chunks: ColumnChunk[] = [];
    const schema: FileMetaData['schema'] = [
      { name: 'schema', num_children: 1 + this.columns.length },
    ];
    const rows = this.rows;
    const page = (
      name: string,
      kind: ColumnKind,
      col: ColumnBytes,
      statistics?: { min_value: number; max_value: number },
    ) => {
      const type = kind === 'TEXT' ? 'BYTE_ARRAY' : kind === 'INT64' ? 'INT64' : 'INT32';
      schema.push({
        name,
        type,
        repetition_type: col.nullable ? 'OPTIONAL' : 'REQUIRED',
        ...(kind === 'TEXT' ? { converted_type: 'UTF8' as const } : {}),
        ...(kind === 'DATE' ? { converted_type: 'DATE' as const } : {}),
      });
      const levels = col.nullable ? col.levels(rows) : new Uint8Array(0);
      const size = levels.length + col.len;
      const header = new ByteWriter(64);
      writePageHeader(header, {
        type: 'DATA_PAGE',
        uncompressed_page_size: size,
        compressed_page_size: size,
        data_page_header: {
          num_values: rows,
          encoding: 'PLAIN',
          definition_level_encoding: 'RLE',
          repetition_level_encoding: 'RLE',
        },
      });
      const start = offset;
      add(new Uint8Array(header.buffer, 0, header.offset));
      add(levels);
      add(col.buf.subarray(0, col.len));
      const bytes = BigInt(offset - start);
      chunks.push({
        file_offset: BigInt(start),
        meta_data: {
          type,
          encodings: ['PLAIN', 'RLE'],
          path_in_schema: [name],
          codec: 'UNCOMPRESSED',
          num_values: BigInt(rows),
          total_uncompressed_size: bytes,
          total_compressed_size: bytes,
          data_page_offset: BigInt(start),
          ...(statistics ? { statistics: { ...statistics, null_count: 0n } } : {}),
        },
      });
    };
    // Statistics on the document number only: reports narrow rows by it.
    page('doc_id', 'INT32', this.docIds, { min_value: this.minDoc, max_value: this.maxDoc });
    for (const [i, [name, kind]] of this.columns.entries())
      page(name, kind, this.bytes[i] as ColumnBytes);
    const footer = new ByteWriter(4096);
    writeMetadata(footer, {
      version: 1,
      schema,
      num_rows: BigInt(rows),
      row_groups: [
        { columns: chunks, total_byte_size: BigInt(offset - MAGIC.length), num_rows: BigInt(rows) },
      ],
      created_by: 'kontraktsoppfolging',
      metadata_length: 0,
    });
    const footerLength = footer.offset;
    footer.appendUint32(footerLength);
    footer.appendBytes(MAGIC);
    add(new Uint8Array(footer.buffer, 0, footer.offset));
    const fd = openSync(path, 'w');
    try {
      for (const part of parts) {
        for (let done = 0; done < part.length; )
          done += writeSync(fd, part, done, part.length - done);
      }
      // On disk before the store can list it: a listed segment lost in a power cut would leave
      // a store that cannot be read (≈ 1 ms per file here, in the worker, beside the others).
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    return offset;
  }

  clear(): void {
    this.rows = 0;
    for (const c of [this.docIds, ...this.bytes]) c.len = 0;
  }
}

/** A chunk's invoice lines (`spend_line_data`'s columns). */
export class LineColumns extends SegmentColumns<Line> {
  constructor() {
    super(LINE_COLUMNS);
  }
}

/** A chunk's documents (`spend_document_data`'s columns). */
export class DocumentColumns extends SegmentColumns<Doc> {
  constructor() {
    super(DOCUMENT_COLUMNS);
  }
}
