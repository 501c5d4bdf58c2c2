import type { IsoDate } from '../dates.ts';

export type DocumentType = 'invoice' | 'creditNote';

/** One invoice or credit-note line as extracted (amounts in the document currency). */
export interface SpendLine {
  readonly lineId: string;
  /** Quantity × 10^6 (InvoicedQuantity / CreditedQuantity); may be negative. */
  readonly quantityMicro: number;
  readonly unitCode: string;
  /** LineExtensionAmount in minor units of the document currency (net, ex. VAT). */
  readonly netMinor: number;
  /** PriceAmount × 10^6 (major units), null when absent. */
  readonly priceMicro: number | null;
  /** BaseQuantity × 10^6; 10^6 (one) when absent. */
  readonly baseQuantityMicro: number;
  readonly baseQuantityUnit: string | null;
  readonly itemName: string;
  readonly sellersItemId: string | null;
  readonly gtin: string | null;
  /** Item classifications as `listID:code`, e.g. `STI:30192000` (STI = CPV, TST = UNSPSC). */
  readonly classifications: readonly string[];
  readonly accountingCost: string | null;
}

/** A parsed invoice or credit note. Amounts are as on the document (credit notes positive). */
export interface SpendDocument {
  readonly type: DocumentType;
  readonly number: string;
  readonly issueDate: IsoDate;
  readonly currency: string;
  /** Organisation number (nine digits) when the supplier gives one, else null. */
  readonly supplierOrgnr: string | null;
  /** Stable supplier key: the orgnr, or `scheme:id` of the endpoint / legal entity. */
  readonly supplierKey: string;
  readonly supplierName: string;
  readonly buyerOrgnr: string | null;
  readonly buyerReference: string | null;
  readonly orderReference: string | null;
  readonly contractReference: string | null;
  readonly accountingCost: string | null;
  /** LegalMonetaryTotal/TaxExclusiveAmount in minor units. */
  readonly taxExclusiveMinor: number;
  readonly lines: readonly SpendLine[];
}

/** Identity for duplicate detection: supplier + document type + number. */
export function documentKey(d: Pick<SpendDocument, 'supplierKey' | 'type' | 'number'>): string {
  return `${d.supplierKey}\u0000${d.type}\u0000${d.number.trim()}`;
}

/** The sign with which a document counts toward spend: credit notes reduce it. */
export function spendSign(type: DocumentType): 1 | -1 {
  return type === 'creditNote' ? -1 : 1;
}

/** CPV code of a line (classification list `STI`), eight digits, or null. */
export function lineCpv(line: Pick<SpendLine, 'classifications'>): string | null {
  for (const c of line.classifications) {
    if (c.startsWith('STI:')) {
      const m = /^(\d{8})/.exec(c.slice(4));
      if (m) return m[1] as string;
    }
  }
  return null;
}
