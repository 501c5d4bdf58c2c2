/**
 * The stored rows of spend (a document, an invoice line) as the ingest builds them, their columns,
 * and their CSV text for `COPY`. Kept apart from the DuckDB store so the parser workers, which
 * build rows and write segment files, do not load DuckDB.
 */

const DAY = 86_400_000;
/** A `YYYY-MM-DD` date as days since 1970-01-01 (DuckDB's and Parquet's DATE). */
export const toDays = (iso: string) => Math.floor(Date.parse(iso) / DAY);

/** A line ready to be stored (amounts signed: credit notes negative). */
export interface LineRow {
  readonly docId: number;
  readonly lineNo: number;
  readonly netMinor: number;
  readonly netNokOre: number | null;
  readonly quantityMicro: number;
  readonly unitCode: string | null;
  readonly baseUnit: string | null;
  readonly qtyBaseMicro: number | null;
  readonly unitPriceMicro: number | null;
  readonly itemName: string | null;
  readonly sellerItemId: string | null;
  readonly gtin: string | null;
  readonly cpv: string | null;
  readonly accountingCost: string | null;
  readonly agreementId: string | null;
  readonly matchReason: string | null;
  readonly unmatchedClass: string | null;
  readonly relatedAgreementId: string | null;
}

export interface DocumentRow {
  readonly docId: number;
  readonly docKey: string;
  readonly source: 'ehf' | 'ledger';
  readonly docType: string;
  readonly number: string;
  readonly supplierKey: string;
  readonly supplierOrgnr: string | null;
  readonly supplierName: string | null;
  readonly issueDate: string;
  readonly currency: string;
  readonly taxExclusiveMinor: number;
  readonly nokOre: number | null;
  readonly rateMicro: number | null;
  readonly rateDate: string | null;
  readonly buyerReference: string | null;
  readonly orderReference: string | null;
  readonly contractReference: string | null;
  readonly file: string | null;
}

type Value = string | number | null;

/** How a column is stored: integers, a date (`YYYY-MM-DD`), or text. */
export type ColumnKind = 'INT32' | 'INT64' | 'DATE' | 'TEXT';
/**
 * A column after doc_id, in its table's order: its name, kind, whether it may be NULL, and its
 * value in a row. The CSV rows and the Parquet segments are both written from these lists.
 */
export type Column<R> = readonly [string, ColumnKind, boolean, (row: R) => Value];

export const DOCUMENT_COLUMNS: readonly Column<Omit<DocumentRow, 'docId'>>[] = [
  ['doc_key', 'TEXT', false, (r) => r.docKey],
  ['source', 'TEXT', false, (r) => r.source],
  ['doc_type', 'TEXT', false, (r) => r.docType],
  ['number', 'TEXT', false, (r) => r.number],
  ['supplier_key', 'TEXT', false, (r) => r.supplierKey],
  ['supplier_orgnr', 'TEXT', true, (r) => r.supplierOrgnr],
  ['supplier_name', 'TEXT', true, (r) => r.supplierName],
  ['issue_date', 'DATE', false, (r) => r.issueDate],
  ['currency', 'TEXT', false, (r) => r.currency],
  ['tax_exclusive_minor', 'INT64', false, (r) => r.taxExclusiveMinor],
  ['nok_ore', 'INT64', true, (r) => r.nokOre],
  ['rate_micro', 'INT64', true, (r) => r.rateMicro],
  ['rate_date', 'DATE', true, (r) => r.rateDate],
  ['buyer_reference', 'TEXT', true, (r) => r.buyerReference],
  ['order_reference', 'TEXT', true, (r) => r.orderReference],
  ['contract_reference', 'TEXT', true, (r) => r.contractReference],
  ['file', 'TEXT', true, (r) => r.file],
];

export const LINE_COLUMNS: readonly Column<Omit<LineRow, 'docId'>>[] = [
  ['line_no', 'INT32', false, (r) => r.lineNo],
  ['net_minor', 'INT64', false, (r) => r.netMinor],
  ['net_nok_ore', 'INT64', true, (r) => r.netNokOre],
  ['quantity_micro', 'INT64', false, (r) => r.quantityMicro],
  ['unit_code', 'TEXT', true, (r) => r.unitCode],
  ['base_unit', 'TEXT', true, (r) => r.baseUnit],
  ['qty_base_micro', 'INT64', true, (r) => r.qtyBaseMicro],
  ['unit_price_micro', 'INT64', true, (r) => r.unitPriceMicro],
  ['item_name', 'TEXT', true, (r) => r.itemName],
  ['seller_item_id', 'TEXT', true, (r) => r.sellerItemId],
  ['gtin', 'TEXT', true, (r) => r.gtin],
  ['cpv', 'TEXT', true, (r) => r.cpv],
  ['accounting_cost', 'TEXT', true, (r) => r.accountingCost],
  ['agreement_id', 'TEXT', true, (r) => r.agreementId],
  ['match_reason', 'TEXT', true, (r) => r.matchReason],
  ['unmatched_class', 'TEXT', true, (r) => r.unmatchedClass],
  ['related_agreement_id', 'TEXT', true, (r) => r.relatedAgreementId],
];

/** A document row as CSV without its leading doc_id (the main thread numbers documents). */
export const documentCsvTail = (r: Omit<DocumentRow, 'docId'>): string =>
  csvRow(DOCUMENT_COLUMNS, r);

/** A line row as CSV without its leading doc_id. */
export const lineCsvTail = (r: Omit<LineRow, 'docId'>): string => csvRow(LINE_COLUMNS, r);

/**
 * The dialect of every row (CSV_OPTIONS): null → empty field, text always quoted with quotes
 * doubled (commas, newlines and quotes in text survive), numbers bare.
 */
function csvRow<R>(columns: readonly Column<R>[], r: R): string {
  let out = '';
  for (let i = 0; i < columns.length; i++) {
    const v = (columns[i] as Column<R>)[3](r);
    if (i > 0) out += ',';
    if (v === null || v === undefined) continue;
    if (typeof v === 'number') out += String(v);
    else out += `"${v.includes('"') ? v.replace(/"/g, '""') : v}"`;
  }
  return `${out}\n`;
}
