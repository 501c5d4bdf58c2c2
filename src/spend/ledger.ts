/**
 * Ledger CSV (spend without e-invoices): one row per posting, with a configurable column mapping.
 * Each row becomes a one-line document (source "ledger") that goes through the same duplicate
 * check, NOK conversion, matching and reports as the e-invoices. Negative amounts are credits.
 */
import { parse } from 'csv-parse';
import { z } from 'zod';
import { isValidOrgnr, normaliseOrgnr } from '../core/orgnr.ts';
import { minorDigits, parseScaled } from '../core/spend/decimal.ts';
import type { SpendDocument } from '../core/spend/model.ts';
import { normaliseDate, normaliseDecimal } from './pricelists.ts';

export const ledgerMappingSchema = z.object({
  supplierOrgnr: z.string().min(1),
  supplierName: z.string().optional(),
  date: z.string().min(1),
  amount: z.string().min(1),
  documentNumber: z.string().min(1),
  currency: z.string().optional(),
  unit: z.string().optional(),
  description: z.string().optional(),
  cpv: z.string().optional(),
  contractReference: z.string().optional(),
  account: z.string().optional(),
  delimiter: z.string().max(1).optional(),
});
export type LedgerMapping = z.infer<typeof ledgerMappingSchema>;

/** The default mapping: Norwegian column names of a typical ledger export. */
export const DEFAULT_LEDGER_MAPPING: LedgerMapping = {
  supplierOrgnr: 'orgnr',
  supplierName: 'leverandør',
  date: 'bilagsdato',
  amount: 'beløp',
  documentNumber: 'bilagsnummer',
  currency: 'valuta',
  unit: 'ansvar',
  description: 'tekst',
  cpv: 'cpv',
  account: 'konto',
};

export type LedgerRow =
  | { doc: SpendDocument; error?: undefined }
  | { doc?: undefined; error: string; row: number };

export async function* parseLedgerCsv(
  input: AsyncIterable<Buffer | string> | NodeJS.ReadableStream,
  mapping: LedgerMapping,
): AsyncGenerator<LedgerRow> {
  const parser = (input as NodeJS.ReadableStream).pipe
    ? (input as NodeJS.ReadableStream).pipe(
        parse({
          columns: true,
          bom: true,
          trim: true,
          skip_empty_lines: true,
          relax_quotes: true,
          relax_column_count: true,
          delimiter: mapping.delimiter ?? ';',
        }),
      )
    : null;
  if (!parser) throw new Error('Inndata må være en strøm');
  let n = 1;
  for await (const rec of parser as AsyncIterable<Record<string, string>>) {
    n++;
    const get = (col: string | undefined) => (col ? (rec[col] ?? '').trim() : '');
    const orgnr = normaliseOrgnr(get(mapping.supplierOrgnr));
    const date = normaliseDate(get(mapping.date));
    const currency = (get(mapping.currency) || 'NOK').toUpperCase();
    const amount = parseScaled(normaliseDecimal(get(mapping.amount)), minorDigits(currency));
    const number = get(mapping.documentNumber);
    if (!isValidOrgnr(orgnr)) {
      yield { row: n, error: `rad ${n}: ugyldig organisasjonsnummer «${orgnr.slice(0, 20)}»` };
      continue;
    }
    if (!date) {
      yield { row: n, error: `rad ${n}: ugyldig dato` };
      continue;
    }
    if (amount === null) {
      yield { row: n, error: `rad ${n}: ugyldig beløp` };
      continue;
    }
    if (!number) {
      yield { row: n, error: `rad ${n}: mangler bilagsnummer` };
      continue;
    }
    const credit = amount < 0;
    const abs = Math.abs(amount);
    const cpv = get(mapping.cpv).replace(/\D/g, '').slice(0, 8);
    yield {
      doc: {
        type: credit ? 'creditNote' : 'invoice',
        number,
        issueDate: date,
        currency,
        supplierOrgnr: orgnr,
        supplierKey: orgnr,
        supplierName: get(mapping.supplierName),
        buyerOrgnr: null,
        buyerReference: get(mapping.unit) || null,
        orderReference: null,
        contractReference: get(mapping.contractReference) || null,
        accountingCost: get(mapping.account) || null,
        taxExclusiveMinor: abs,
        lines: [
          {
            lineId: '1',
            quantityMicro: 1_000_000,
            unitCode: 'C62',
            netMinor: abs,
            priceMicro: null,
            baseQuantityMicro: 1_000_000,
            baseQuantityUnit: null,
            itemName: get(mapping.description),
            sellersItemId: null,
            gtin: null,
            classifications: cpv.length === 8 ? [`STI:${cpv}`] : [],
            accountingCost: get(mapping.account) || null,
          },
        ],
      },
    };
  }
}
