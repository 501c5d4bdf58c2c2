/**
 * Ledger CSV (spend without e-invoices): one row per posting, with a configurable column mapping.
 * Each row becomes a one-line document (source "ledger") that goes through the same duplicate
 * check, NOK conversion, matching and reports as the e-invoices. Negative amounts are credits.
 *
 * Also what an upload needs before the rows are read: the text check of the bytes (UTF-8 or
 * Windows-1252; binary, zip, PDF and XML refused with a reason), the header row and the first rows
 * (`previewLedger`), a suggested mapping from the column names, and the check that every mapped
 * column is in the header (`resolveLedgerColumns`).
 */
import { isUtf8 } from 'node:buffer';
import { Readable } from 'node:stream';
import { parse } from 'csv-parse';
import { parse as parseSync } from 'csv-parse/sync';
import { z } from 'zod';
import { isValidOrgnr, normaliseOrgnr } from '../core/orgnr.ts';
import { minorDigits, parseScaled } from '../core/spend/decimal.ts';
import type { SpendDocument } from '../core/spend/model.ts';
import { normaliseDate, normaliseDecimal } from './pricelists.ts';

export const LEDGER_DELIMITERS = [';', ',', '\t', '|'] as const;
export type LedgerDelimiter = (typeof LEDGER_DELIMITERS)[number];

const column = z
  .string({
    error: (issue) =>
      issue.input === undefined ? 'påkrevd: navnet på kolonnen i filen' : 'må være et kolonnenavn',
  })
  .trim()
  .min(1, 'kolonnenavn mangler')
  .max(200, 'kolonnenavnet er for langt (høyst 200 tegn)');

export const ledgerMappingSchema = z.object({
  supplierOrgnr: column,
  supplierName: column.optional(),
  date: column,
  amount: column,
  documentNumber: column,
  currency: column.optional(),
  unit: column.optional(),
  description: column.optional(),
  cpv: column.optional(),
  contractReference: column.optional(),
  account: column.optional(),
  delimiter: z
    .enum(LEDGER_DELIMITERS, { error: 'skilletegn må være ; , tabulator eller |' })
    .optional(),
});
export type LedgerMapping = z.infer<typeof ledgerMappingSchema>;
export type LedgerField = Exclude<keyof LedgerMapping, 'delimiter'>;

/** The mapping's fields in the order a form shows them; the first four are required. */
export const LEDGER_FIELDS: readonly { readonly name: LedgerField; readonly required: boolean }[] =
  [
    { name: 'supplierOrgnr', required: true },
    { name: 'date', required: true },
    { name: 'amount', required: true },
    { name: 'documentNumber', required: true },
    { name: 'supplierName', required: false },
    { name: 'currency', required: false },
    { name: 'unit', required: false },
    { name: 'description', required: false },
    { name: 'cpv', required: false },
    { name: 'contractReference', required: false },
    { name: 'account', required: false },
  ];

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

/**
 * Column names each field is recognised by (compared case-insensitively, ignoring spaces, dots,
 * dashes and underscores), best first: the default's Norwegian name, then common variants from
 * ledger exports (Visma, Agresso/Unit4, UBW) and English.
 */
const VARIANTS: Readonly<Record<LedgerField, readonly string[]>> = {
  supplierOrgnr: [
    'orgnr',
    'organisasjonsnummer',
    'orgnummer',
    'leverandørorgnr',
    'leverandørorganisasjonsnummer',
    'levorgnr',
    'foretaksnummer',
    'supplierorgnr',
    'organizationnumber',
    'orgno',
  ],
  supplierName: [
    'leverandør',
    'leverandørnavn',
    'levnavn',
    'leverandor',
    'leverandornavn',
    'navn',
    'supplier',
    'suppliername',
    'vendor',
    'vendorname',
  ],
  date: [
    'bilagsdato',
    'dato',
    'fakturadato',
    'posteringsdato',
    'bokføringsdato',
    'transaksjonsdato',
    'date',
    'invoicedate',
    'postingdate',
  ],
  amount: ['beløp', 'belop', 'beløpeksmva', 'nettobeløp', 'beløpnok', 'sum', 'amount', 'netamount'],
  documentNumber: [
    'bilagsnummer',
    'bilagsnr',
    'bilag',
    'fakturanummer',
    'fakturanr',
    'dokumentnummer',
    'documentnumber',
    'invoicenumber',
    'voucher',
    'vouchernumber',
  ],
  currency: ['valuta', 'valutakode', 'currency', 'currencycode'],
  unit: ['ansvar', 'ansvarssted', 'enhet', 'koststed', 'kostnadssted', 'unit', 'costcentre'],
  description: ['tekst', 'beskrivelse', 'posteringstekst', 'bilagstekst', 'description', 'text'],
  cpv: ['cpv', 'cpvkode', 'cpvcode'],
  contractReference: [
    'avtale',
    'avtalenummer',
    'avtalenr',
    'avtalereferanse',
    'kontrakt',
    'kontraktsnummer',
    'kontraktsreferanse',
    'contract',
    'contractreference',
  ],
  account: ['konto', 'kontonummer', 'art', 'kontoart', 'account'],
};

const squash = (name: string) => name.toLowerCase().replace(/[\s._\-/()]+/g, '');

/**
 * A mapping suggested for a header: each field gets the column whose name matches its default
 * name or a common variant (case-insensitively), best variant first, each column used once.
 */
export function suggestLedgerMapping(columns: readonly string[]): Partial<LedgerMapping> {
  const squashed = columns.map(squash);
  const used = new Set<number>();
  const out: Partial<Record<LedgerField, string>> = {};
  for (const { name } of LEDGER_FIELDS) {
    for (const variant of VARIANTS[name]) {
      const i = squashed.findIndex((c, j) => c === variant && !used.has(j));
      if (i >= 0) {
        used.add(i);
        out[name] = columns[i] as string;
        break;
      }
    }
  }
  return out;
}

export interface MissingColumn {
  readonly field: LedgerField;
  readonly column: string;
}

/**
 * Where each mapped column is in the header: an exact name first, else the one column that equals
 * it case-insensitively (trimmed). Columns named by the mapping but absent are `missing` — except
 * an optional field mapped to its default name (`DEFAULT_LEDGER_MAPPING`), which is read when the
 * file has it, so the default mapping works on exports without currency, CPV and the like.
 */
export function resolveLedgerColumns(
  header: readonly string[],
  mapping: LedgerMapping,
): { indexes: Partial<Record<LedgerField, number>>; missing: MissingColumn[] } {
  const indexes: Partial<Record<LedgerField, number>> = {};
  const missing: MissingColumn[] = [];
  const trimmed = header.map((h) => h.trim());
  const lower = trimmed.map((h) => h.toLowerCase());
  const optional = new Set(LEDGER_FIELDS.filter((f) => !f.required).map((f) => f.name));
  for (const { name } of LEDGER_FIELDS) {
    const col = mapping[name];
    if (col === undefined) continue;
    let i = trimmed.indexOf(col.trim());
    if (i < 0) {
      const want = col.trim().toLowerCase();
      const hits = lower.flatMap((h, j) => (h === want ? [j] : []));
      if (hits.length === 1) i = hits[0] as number;
    }
    if (i >= 0) indexes[name] = i;
    else if (!optional.has(name) || DEFAULT_LEDGER_MAPPING[name] !== col) {
      missing.push({ field: name, column: col });
    }
  }
  return { indexes, missing };
}

/** A mapping's columns are not in the file's header. */
export class LedgerColumnsError extends Error {
  constructor(
    readonly missing: readonly MissingColumn[],
    readonly header: readonly string[],
  ) {
    super(
      `Kolonne${missing.length > 1 ? 'ne' : 'n'} ${missing.map((m) => `«${m.column}»`).join(', ')} finnes ikke i CSV-filen (kolonnene er ${header.map((h) => `«${h}»`).join(', ')})`,
    );
    this.name = 'LedgerColumnsError';
  }
}

// ---------------------------------------------------------------- bytes → text

export type LedgerEncoding = 'utf-8' | 'windows-1252';

/**
 * Decides whether the bytes are CSV text, and in which encoding: UTF-8 (with or without BOM) or,
 * when not valid UTF-8, Windows-1252 (older Norwegian ledger exports). Refused with a Norwegian
 * reason: empty, zip/Excel, PDF, XML (an EHF file uploaded as ledger), and anything with NUL or
 * other control characters (binary). `partial`: the bytes are the start of a longer file, so an
 * incomplete UTF-8 character at the end is ignored.
 */
export function ledgerEncoding(
  bytes: Buffer,
  options: { partial?: boolean } = {},
): { encoding: LedgerEncoding } | { error: string } {
  if (bytes.length === 0) return { error: 'Filen er tom' };
  if (bytes.subarray(0, 4).equals(Buffer.from('PK\x03\x04', 'latin1'))) {
    return {
      error:
        'Filen er en zip- eller Excel-fil, ikke CSV. Lagre regnskapsdataene som CSV (semikolondelt), eller velg EHF for zip med fakturaer.',
    };
  }
  if (bytes.subarray(0, 5).toString('latin1') === '%PDF-') {
    return { error: 'Filen er en PDF, ikke CSV' };
  }
  if (bytes.indexOf(0) >= 0)
    return { error: 'Filen er ikke en tekstfil (binært innhold), ikke CSV' };
  const head = bytes.subarray(0, 1 << 20);
  for (const b of head) {
    if (b < 0x20 && b !== 0x09 && b !== 0x0a && b !== 0x0d) {
      return { error: 'Filen er ikke en tekstfil (kontrolltegn), ikke CSV' };
    }
  }
  const start = head
    .subarray(0, 200)
    .toString('latin1')
    .replace(/^\u00ef\u00bb\u00bf/, '')
    .trimStart();
  if (start.startsWith('<')) {
    return { error: 'Filen ser ut som XML, ikke CSV. Velg «E-fakturaer» for EHF-filer.' };
  }
  let check = bytes;
  if (options.partial) {
    // The start of a longer file: judge it up to its last line break (never inside a character).
    const nl = bytes.lastIndexOf(0x0a);
    if (nl > 0) check = bytes.subarray(0, nl + 1);
  }
  return { encoding: isUtf8(check) ? 'utf-8' : 'windows-1252' };
}

/** Decodes bytes of the given encoding (UTF-8 BOM kept: the CSV parser strips it). */
export function decodeLedger(bytes: Buffer, encoding: LedgerEncoding): string {
  return new TextDecoder(encoding, { ignoreBOM: true }).decode(bytes);
}

/**
 * The body as a stream for `parseLedgerCsv`, in slices of 64 KiB (UTF-8 bytes as they are,
 * Windows-1252 decoded per slice — one byte per character, so no character is split).
 */
export function ledgerStream(bytes: Buffer, encoding: LedgerEncoding): Readable {
  const SLICE = 64 * 1024;
  return Readable.from(
    (function* () {
      for (let i = 0; i < bytes.length; i += SLICE) {
        const part = bytes.subarray(i, i + SLICE);
        yield encoding === 'utf-8' ? part : decodeLedger(part, encoding);
      }
    })(),
    { objectMode: false },
  );
}

/** Picks the delimiter from the first line: the candidate seen most often outside quotes. */
export function detectDelimiter(text: string): LedgerDelimiter {
  const counts = new Map<LedgerDelimiter, number>(LEDGER_DELIMITERS.map((d) => [d, 0]));
  let quoted = false;
  for (const ch of text) {
    if (ch === '"') quoted = !quoted;
    else if (!quoted && (ch === '\n' || ch === '\r')) break;
    else if (!quoted && counts.has(ch as LedgerDelimiter)) {
      counts.set(ch as LedgerDelimiter, (counts.get(ch as LedgerDelimiter) ?? 0) + 1);
    }
  }
  let best: LedgerDelimiter = ';';
  for (const d of LEDGER_DELIMITERS) if ((counts.get(d) ?? 0) > (counts.get(best) ?? 0)) best = d;
  return best;
}

export interface LedgerPreview {
  readonly encoding: LedgerEncoding;
  readonly delimiter: LedgerDelimiter;
  readonly columns: string[];
  /** The first rows after the header, as text (at most `rows`). */
  readonly rows: string[][];
  readonly suggestion: Partial<LedgerMapping>;
}

/**
 * Reads the header row and the first rows from the start of a CSV file (the whole file or its
 * first bytes): the columns, a few rows and a suggested mapping. Throws a message for a file that
 * is not CSV text or has no header.
 */
export function previewLedger(
  bytes: Buffer,
  options: { delimiter?: LedgerDelimiter; rows?: number; partial?: boolean } = {},
): LedgerPreview {
  let sample = bytes.subarray(0, 256 * 1024);
  const partial = options.partial === true || sample.length < bytes.length;
  const enc = ledgerEncoding(sample, { partial });
  if ('error' in enc) throw new LedgerTextError(enc.error);
  if (partial) {
    const nl = sample.lastIndexOf(0x0a);
    if (nl > 0) sample = sample.subarray(0, nl + 1);
  }
  const text = decodeLedger(sample, enc.encoding).replace(/^\ufeff/, '');
  const delimiter = options.delimiter ?? detectDelimiter(text);
  let records: string[][];
  try {
    records = parseSync(text, {
      delimiter,
      to: (options.rows ?? 5) + 1,
      relax_quotes: true,
      relax_column_count: true,
      skip_empty_lines: true,
      trim: true,
    }) as string[][];
  } catch (e) {
    throw new LedgerTextError(`Kunne ikke lese CSV-filen: ${(e as Error).message}`);
  }
  const [header, ...rows] = records;
  if (!header || header.every((h) => h === '')) {
    throw new LedgerTextError('CSV-filen har ingen overskriftsrad');
  }
  return {
    encoding: enc.encoding,
    delimiter,
    columns: header,
    rows,
    suggestion: suggestLedgerMapping(header),
  };
}

/** The bytes are not CSV text (the message says why). */
export class LedgerTextError extends Error {
  override name = 'LedgerTextError';
}

// ---------------------------------------------------------------- rows

export type LedgerRow =
  | { doc: SpendDocument; error?: undefined; line: number }
  | { doc?: undefined; error: string; line: number };

/** The longest record (characters) the parser buffers; a longer one stops the read. */
const MAX_RECORD_CHARS = 1 << 20;

const newlines = (fields: readonly string[]) => {
  let n = 0;
  for (const f of fields) for (let i = f.indexOf('\n'); i >= 0; i = f.indexOf('\n', i + 1)) n++;
  return n;
};

/**
 * Parses postings. The first record is the header; every mapped column must be in it
 * (`LedgerColumnsError` otherwise, before any row). Each row is a document or an error with the
 * row's line number in the file (1 = the header). `onBytes` is told how many bytes (characters for
 * a decoded stream) the parser has taken so far.
 */
export async function* parseLedgerCsv(
  input: AsyncIterable<Buffer | string> | NodeJS.ReadableStream,
  mapping: LedgerMapping,
  options: { onBytes?: (bytes: number) => void } = {},
): AsyncGenerator<LedgerRow> {
  const stream = (input as NodeJS.ReadableStream).pipe
    ? (input as NodeJS.ReadableStream)
    : Readable.from(input as AsyncIterable<Buffer | string>);
  if (options.onBytes) {
    let taken = 0;
    const onBytes = options.onBytes;
    stream.on('data', (chunk: Buffer | string) => {
      taken += chunk.length;
      onBytes(taken);
    });
  }
  const parser = stream.pipe(
    parse({
      bom: true,
      trim: true,
      skip_empty_lines: true,
      relax_quotes: true,
      relax_column_count: true,
      info: true,
      max_record_size: MAX_RECORD_CHARS,
      delimiter: mapping.delimiter ?? ';',
    }),
  );
  let indexes: Partial<Record<LedgerField, number>> | null = null;
  for await (const { record, info } of parser as AsyncIterable<{
    record: string[];
    info: { lines: number };
  }>) {
    const line = info.lines - newlines(record);
    if (!indexes) {
      const resolved = resolveLedgerColumns(record, mapping);
      if (resolved.missing.length > 0) throw new LedgerColumnsError(resolved.missing, record);
      indexes = resolved.indexes;
      continue;
    }
    const at = indexes;
    const get = (field: LedgerField) => {
      const i = at[field];
      return i === undefined ? '' : (record[i] ?? '').trim();
    };
    const rawOrgnr = get('supplierOrgnr');
    const orgnr = normaliseOrgnr(rawOrgnr)
      .replace(/^NO(?=\d{9})/i, '')
      .replace(/(?<=^\d{9})MVA$/i, '');
    if (!isValidOrgnr(orgnr)) {
      yield { line, error: `ugyldig organisasjonsnummer «${rawOrgnr.slice(0, 40)}»` };
      continue;
    }
    const date = normaliseDate(get('date'));
    if (!date) {
      yield {
        line,
        error: `ugyldig dato «${get('date').slice(0, 40)}» (dd.mm.åååå eller åååå-mm-dd)`,
      };
      continue;
    }
    const currency = (get('currency') || 'NOK').toUpperCase();
    if (!/^[A-Z]{3}$/.test(currency)) {
      yield { line, error: `ugyldig valutakode «${currency.slice(0, 40)}»` };
      continue;
    }
    const amount = parseScaled(normaliseDecimal(get('amount')), minorDigits(currency));
    if (amount === null) {
      yield { line, error: `ugyldig beløp «${get('amount').slice(0, 40)}»` };
      continue;
    }
    const number = get('documentNumber');
    if (!number) {
      yield { line, error: 'mangler bilagsnummer' };
      continue;
    }
    const credit = amount < 0;
    const abs = Math.abs(amount);
    const cpv = get('cpv').replace(/\D/g, '').slice(0, 8);
    const account = get('account') || null;
    yield {
      line,
      doc: {
        type: credit ? 'creditNote' : 'invoice',
        number,
        issueDate: date,
        currency,
        supplierOrgnr: orgnr,
        supplierKey: orgnr,
        supplierName: get('supplierName'),
        buyerOrgnr: null,
        buyerReference: get('unit') || null,
        orderReference: null,
        contractReference: get('contractReference') || null,
        accountingCost: account,
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
            itemName: get('description'),
            sellersItemId: null,
            gtin: null,
            classifications: cpv.length === 8 ? [`STI:${cpv}`] : [],
            accountingCost: account,
          },
        ],
      },
    };
  }
  if (!indexes) throw new LedgerTextError('CSV-filen har ingen overskriftsrad');
}
