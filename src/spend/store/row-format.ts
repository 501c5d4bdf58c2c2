/**
 * The stored rows of spend (a document, an invoice line) as the ingest builds them, and their CSV
 * text for `COPY`. Kept apart from the DuckDB store so the parser workers, which build rows and
 * write segment files, do not load DuckDB.
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

type CsvValue = string | number | null;

/** A document row's values in column order, without the leading doc_id. */
function documentValues(r: Omit<DocumentRow, 'docId'>): CsvValue[] {
  return [
    r.docKey,
    r.source,
    r.docType,
    r.number,
    r.supplierKey,
    r.supplierOrgnr,
    r.supplierName,
    r.issueDate,
    r.currency,
    r.taxExclusiveMinor,
    r.nokOre,
    r.rateMicro,
    r.rateDate,
    r.buyerReference,
    r.orderReference,
    r.contractReference,
    r.file,
  ];
}

/** A line row's values in column order, without the leading doc_id. */
function lineValues(r: Omit<LineRow, 'docId'>): CsvValue[] {
  return [
    r.lineNo,
    r.netMinor,
    r.netNokOre,
    r.quantityMicro,
    r.unitCode,
    r.baseUnit,
    r.qtyBaseMicro,
    r.unitPriceMicro,
    r.itemName,
    r.sellerItemId,
    r.gtin,
    r.cpv,
    r.accountingCost,
    r.agreementId,
    r.matchReason,
    r.unmatchedClass,
    r.relatedAgreementId,
  ];
}

/** A document row as CSV without its leading doc_id (the main thread numbers documents). */
export const documentCsvTail = (r: Omit<DocumentRow, 'docId'>): string => csvRow(documentValues(r));

/** A line row as CSV without its leading doc_id. */
export const lineCsvTail = (r: Omit<LineRow, 'docId'>): string => csvRow(lineValues(r));

/**
 * The dialect of every row (CSV_OPTIONS): null → empty field, text always quoted with quotes
 * doubled (commas, newlines and quotes in text survive), numbers bare.
 */
function csvRow(values: readonly CsvValue[]): string {
  let out = '';
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (i > 0) out += ',';
    if (v === null || v === undefined) continue;
    if (typeof v === 'number') out += String(v);
    else out += `"${v.includes('"') ? v.replace(/"/g, '""') : v}"`;
  }
  return `${out}\n`;
}
