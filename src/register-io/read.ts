import { parse } from 'csv-parse/sync';
import ExcelJS from 'exceljs';
import yauzl from 'yauzl';

/** Limits on an uploaded register file; the defaults fit a whole large municipality's register. */
export interface ImportLimits {
  /** Largest file accepted, in bytes. */
  readonly maxBytes: number;
  /** Most data rows (besides the header). */
  readonly maxRows: number;
  /** Largest total unpacked size of an .xlsx (a zip): guards against zip bombs. */
  readonly maxUnpackedBytes: number;
}

export const DEFAULT_LIMITS: ImportLimits = {
  maxBytes: 20 * 1024 * 1024,
  maxRows: 25_000,
  maxUnpackedBytes: 300 * 1024 * 1024,
};

/** A file refused as a whole (too large, too many rows, unreadable); `status` is the HTTP status. */
export class FileRefusedError extends Error {
  constructor(
    message: string,
    readonly status: 400 | 413,
  ) {
    super(message);
    this.name = 'FileRefusedError';
  }
}

/** A cell holding a formula: refused on import (the value would depend on a calculation). */
export interface FormulaCell {
  readonly formula: string;
}
export type CellValue = string | number | boolean | Date | null;
export type RawCell = CellValue | FormulaCell;

export interface TableRow {
  /** Row number as a spreadsheet shows it (the header is row 1). */
  readonly row: number;
  /** CSV only: the line in the file where the row starts. */
  readonly line?: number;
  readonly cells: readonly RawCell[];
}

export interface Table {
  readonly format: 'csv' | 'xlsx';
  readonly headers: readonly string[];
  readonly rows: readonly TableRow[];
}

const MB = (n: number) =>
  `${(n / 1024 / 1024).toLocaleString('nb-NO', { maximumFractionDigits: 1 })} MB`;

export const isXlsx = (bytes: Uint8Array): boolean =>
  bytes.length >= 4 &&
  bytes[0] === 0x50 &&
  bytes[1] === 0x4b &&
  bytes[2] === 0x03 &&
  bytes[3] === 0x04;

/** Reads a CSV or .xlsx file (told apart by content, not by name) within the limits. */
export async function readTable(
  bytes: Buffer,
  limits: ImportLimits = DEFAULT_LIMITS,
): Promise<Table> {
  if (bytes.length === 0) throw new FileRefusedError('Filen er tom', 400);
  if (bytes.length > limits.maxBytes) {
    throw new FileRefusedError(
      `Filen er for stor (${MB(bytes.length)}); grensen er ${MB(limits.maxBytes)}`,
      413,
    );
  }
  return isXlsx(bytes) ? readXlsx(bytes, limits) : readCsv(bytes, limits);
}

function decode(bytes: Buffer): string {
  try {
    return new TextDecoder('utf-8', { fatal: true, ignoreBOM: false }).decode(bytes);
  } catch {
    // "CSV (semikolondelt)" from older Norwegian Excel is Windows-1252.
    return new TextDecoder('windows-1252').decode(bytes);
  }
}

/** Norwegian Excel writes semicolons (the comma is the decimal sign); others write commas or tabs. */
function detectDelimiter(text: string): string {
  const firstLine = text.slice(0, text.search(/\r?\n|$/));
  const counts = [';', ',', '\t'].map((d) => [d, firstLine.split(d).length - 1] as const);
  const best = counts.reduce((a, b) => (b[1] > a[1] ? b : a));
  return best[1] > 0 ? best[0] : ';';
}

function readCsv(bytes: Buffer, limits: ImportLimits): Table {
  const text = decode(bytes);
  if (text.includes('\u0000'))
    throw new FileRefusedError('Filen er verken CSV eller Excel (.xlsx)', 400);
  let records: { record: string[]; info: { lines: number } }[];
  try {
    records = parse(text, {
      delimiter: detectDelimiter(text),
      bom: true,
      info: true,
      relax_column_count: true,
      relax_quotes: true,
      skip_empty_lines: false,
      max_record_size: 1024 * 1024,
    }) as unknown as { record: string[]; info: { lines: number } }[];
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    throw new FileRefusedError(`CSV-filen kan ikke leses: ${message}`, 400);
  }
  let previousEnd = 0;
  const all: TableRow[] = [];
  for (const { record, info } of records) {
    const line = previousEnd + 1;
    previousEnd = info.lines;
    if (record.every((c) => c.trim() === '')) continue;
    all.push({ row: all.length + 1, line, cells: record });
  }
  return table('csv', all, limits);
}

function table(format: 'csv' | 'xlsx', all: TableRow[], limits: ImportLimits): Table {
  const [header, ...rows] = all;
  if (!header) throw new FileRefusedError('Filen har ingen overskriftsrad', 400);
  if (rows.length > limits.maxRows) {
    throw new FileRefusedError(
      `Filen har for mange rader; grensen er ${limits.maxRows.toLocaleString('nb-NO')} avtaler per import`,
      413,
    );
  }
  const headers = header.cells.map((c) => (c === null ? '' : String(c)).trim());
  return { format, headers, rows };
}

/** Checks the zip's declared sizes, then unpacks every entry once to prove they were true. */
async function checkZip(bytes: Buffer, limits: ImportLimits): Promise<void> {
  let zip: yauzl.ZipFile;
  try {
    zip = await yauzl.fromBufferPromise(bytes, { lazyEntries: true, validateEntrySizes: true });
  } catch {
    throw new FileRefusedError('Excel-filen er skadet eller ikke en .xlsx-fil', 400);
  }
  let total = 0;
  let entries = 0;
  try {
    await new Promise<void>((resolve, reject) => {
      zip.on('error', reject);
      zip.on('end', () => resolve());
      zip.on('entry', (entry: yauzl.Entry) => {
        entries++;
        total += entry.uncompressedSize;
        if (entries > 10_000 || total > limits.maxUnpackedBytes) {
          reject(
            new FileRefusedError(
              `Excel-filen pakker ut til mer enn ${MB(limits.maxUnpackedBytes)}; den blir ikke lest`,
              413,
            ),
          );
          return;
        }
        if (entry.fileName.endsWith('/')) {
          zip.readEntry();
          return;
        }
        zip.openReadStream(entry, (err, stream) => {
          if (err || !stream) {
            reject(err ?? new Error('kan ikke pakke ut'));
            return;
          }
          stream.on('error', reject);
          stream.on('end', () => zip.readEntry());
          stream.resume();
        });
      });
      zip.readEntry();
    });
  } catch (error) {
    if (error instanceof FileRefusedError) throw error;
    throw new FileRefusedError('Excel-filen er skadet eller ikke en .xlsx-fil', 400);
  } finally {
    zip.close();
  }
}

async function readXlsx(bytes: Buffer, limits: ImportLimits): Promise<Table> {
  await checkZip(bytes, limits);
  const workbook = new ExcelJS.Workbook();
  try {
    await workbook.xlsx.load(bytes as unknown as ExcelJS.Buffer);
  } catch {
    throw new FileRefusedError('Excel-filen er skadet eller ikke en .xlsx-fil', 400);
  }
  const sheet = workbook.getWorksheet('Avtaler') ?? workbook.worksheets[0];
  if (!sheet) throw new FileRefusedError('Excel-filen har ingen ark', 400);
  if (sheet.actualRowCount > limits.maxRows + 1) {
    throw new FileRefusedError(
      `Filen har for mange rader; grensen er ${limits.maxRows.toLocaleString('nb-NO')} avtaler per import`,
      413,
    );
  }
  const all: TableRow[] = [];
  const width = sheet.actualColumnCount;
  sheet.eachRow({ includeEmpty: false }, (row, rowNumber) => {
    const cells: RawCell[] = [];
    for (let i = 1; i <= Math.max(width, row.cellCount); i++)
      cells.push(cellValue(row.getCell(i).value));
    if (cells.every((c) => c === null || (typeof c === 'string' && c.trim() === ''))) return;
    all.push({ row: rowNumber, cells });
  });
  return table('xlsx', all, limits);
}

function cellValue(v: ExcelJS.CellValue): RawCell {
  if (v === null || v === undefined) return null;
  if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') return v;
  if (v instanceof Date) return v;
  if (typeof v === 'object') {
    if ('formula' in v || 'sharedFormula' in v) {
      const f = v as { formula?: string; sharedFormula?: string };
      return { formula: f.formula ?? f.sharedFormula ?? '' };
    }
    if ('richText' in v) return v.richText.map((r) => r.text).join('');
    if ('hyperlink' in v && 'text' in v) {
      const t = (v as { text: unknown }).text;
      return typeof t === 'string' ? t : null;
    }
    if ('error' in v) return { formula: String((v as { error: unknown }).error) };
  }
  return null;
}
