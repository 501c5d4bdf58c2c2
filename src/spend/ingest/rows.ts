/** Rows of a parsed document: NOK conversion, agreement matching, unit prices; shared by the
 * parser workers and the inline path. */
import type { AgreementMatcher, MatchResult } from '../../core/spend/matching.ts';
import { documentKey, lineCpv, type SpendDocument, spendSign } from '../../core/spend/model.ts';
import { baseQuantity, invoicedUnitPrice } from '../../core/spend/pricing.ts';
import { type RateTable, toNokOre } from '../../core/spend/rates.ts';
import { normaliseUnit } from '../../core/spend/units.ts';
import {
  type DocumentRow,
  documentCsvTail,
  type LineRow,
  lineCsvTail,
} from '../store/row-format.ts';

/** Turns a parsed document into rows (converted, matched) — shared by EHF and ledger ingest. */
export class RowBuilder {
  private readonly matchCache = new Map<string, MatchResult>();

  constructor(
    private readonly rates: RateTable,
    private readonly matcher: AgreementMatcher | null,
  ) {}

  build(
    doc: SpendDocument,
    docId: number,
    source: 'ehf' | 'ledger',
    file: string | null,
  ): { doc: DocumentRow; lines: LineRow[]; rateMissing: boolean } {
    const sign = spendSign(doc.type);
    const rate = this.rates.rateOn(doc.currency, doc.issueDate);
    const nok = (minor: number) =>
      rate ? toNokOre(minor, doc.currency, rate.nokPerUnitMicro) : null;
    const docRow: DocumentRow = {
      docId,
      docKey: documentKey(doc),
      source,
      docType: doc.type,
      number: doc.number,
      supplierKey: doc.supplierKey,
      supplierOrgnr: doc.supplierOrgnr,
      supplierName: doc.supplierName || null,
      issueDate: doc.issueDate,
      currency: doc.currency,
      taxExclusiveMinor: doc.taxExclusiveMinor,
      nokOre: nok(doc.taxExclusiveMinor),
      rateMicro: rate ? rate.nokPerUnitMicro : null,
      rateDate: rate ? rate.date : null,
      buyerReference: doc.buyerReference,
      orderReference: doc.orderReference,
      contractReference: doc.contractReference,
      file,
    };
    const lines: LineRow[] = doc.lines.map((l, i) => {
      const cpv = lineCpv(l);
      const m = this.match(doc, cpv);
      const unit = l.unitCode || 'C62';
      const price =
        l.priceMicro === null ? null : invoicedUnitPrice(l.priceMicro, l.baseQuantityMicro, unit);
      const netNok = nok(l.netMinor);
      return {
        docId,
        lineNo: i + 1,
        netMinor: sign * l.netMinor,
        netNokOre: netNok === null ? null : sign * netNok,
        quantityMicro: sign * l.quantityMicro,
        unitCode: unit,
        baseUnit: normaliseUnit(unit).base,
        qtyBaseMicro: sign * baseQuantity(l.quantityMicro, unit),
        unitPriceMicro: price ? price.micro : null,
        itemName: l.itemName || null,
        sellerItemId: l.sellersItemId,
        gtin: l.gtin,
        cpv,
        accountingCost: l.accountingCost ?? doc.accountingCost,
        agreementId: m?.agreementId ?? null,
        matchReason: m?.reason ?? null,
        unmatchedClass: m?.unmatched ?? null,
        relatedAgreementId: m?.relatedAgreementId ?? null,
      };
    });
    return { doc: docRow, lines, rateMissing: rate === null };
  }

  private match(doc: SpendDocument, cpv: string | null): MatchResult | null {
    if (!this.matcher) return null;
    const key = `${doc.supplierOrgnr}|${doc.issueDate}|${doc.contractReference}|${doc.orderReference}|${cpv}`;
    let m = this.matchCache.get(key);
    if (!m) {
      m = this.matcher.match({
        supplierOrgnr: doc.supplierOrgnr,
        issueDate: doc.issueDate,
        contractReference: doc.contractReference,
        orderReference: doc.orderReference,
        cpv,
      });
      if (this.matchCache.size > 200_000) this.matchCache.clear();
      this.matchCache.set(key, m);
    }
    return m;
  }
}

/**
 * What a worker sends back for one document: the identity the main thread needs for duplicates
 * and totals, and the document's rows as CSV text without the document number (assigned in
 * order on the main thread).
 */
export interface PreparedDocument {
  readonly key: string;
  readonly type: SpendDocument['type'];
  readonly currency: string;
  readonly taxExclusiveMinor: number;
  readonly lineCount: number;
  readonly rateMissing: boolean;
  readonly documentCsv: string;
  readonly lineCsv: readonly string[];
}

export function prepareDocument(
  builder: RowBuilder,
  doc: SpendDocument,
  source: 'ehf' | 'ledger',
  file: string | null,
): PreparedDocument {
  const rows = builder.build(doc, 0, source, file);
  return {
    key: rows.doc.docKey,
    type: doc.type,
    currency: doc.currency,
    taxExclusiveMinor: doc.taxExclusiveMinor,
    lineCount: doc.lines.length,
    rateMissing: rows.rateMissing,
    documentCsv: documentCsvTail(rows.doc),
    lineCsv: rows.lines.map(lineCsvTail),
  };
}
