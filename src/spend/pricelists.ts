/**
 * Price lists per agreement from CSV or Excel: item number, GTIN, description, unit, price,
 * valid from. Headers may be Norwegian or English; prices use a decimal comma or point.
 */
import { parse } from 'csv-parse/sync';
import ExcelJS from 'exceljs';
import { isIsoDate } from '../core/dates.ts';
import { DomainError } from '../core/errors.ts';
import { MICRO, parseScaled } from '../core/spend/decimal.ts';
import type { PriceListEntry } from '../core/spend/pricing.ts';

const HEADERS: Record<string, keyof Row> = {
  varenummer: 'itemNumber',
  varenr: 'itemNumber',
  artikkelnummer: 'itemNumber',
  itemnumber: 'itemNumber',
  item: 'itemNumber',
  gtin: 'gtin',
  ean: 'gtin',
  beskrivelse: 'description',
  description: 'description',
  varenavn: 'description',
  enhet: 'unit',
  unit: 'unit',
  pris: 'price',
  price: 'price',
  valuta: 'currency',
  currency: 'currency',
  gyldigfra: 'validFrom',
  validfrom: 'validFrom',
};

interface Row {
  itemNumber: string;
  gtin: string;
  description: string;
  unit: string;
  price: string;
  currency: string;
  validFrom: string;
}

const norm = (h: string) => h.toLowerCase().replace(/[^a-zæøå]/g, '');

/** Decimal text with comma or point, spaces as thousands separators: "1 234,50" → "1234.50". */
export function normaliseDecimal(v: string): string {
  const t = v.replace(/[\s\u00a0]/g, '');
  return t.includes(',') ? t.replace(/\./g, '').replace(',', '.') : t;
}

/** "31.12.2024" or "2024-12-31" → ISO. */
export function normaliseDate(v: string): string | null {
  const t = v.trim();
  const m = /^(\d{1,2})\.(\d{1,2})\.(\d{4})$/.exec(t);
  const iso = m
    ? `${m[3]}-${(m[2] as string).padStart(2, '0')}-${(m[1] as string).padStart(2, '0')}`
    : t.slice(0, 10);
  return isIsoDate(iso) ? iso : null;
}

function toEntries(agreementId: string, records: Record<string, string>[]): PriceListEntry[] {
  const issues: { field: string; message: string }[] = [];
  const out: PriceListEntry[] = [];
  records.forEach((rec, i) => {
    const row: Partial<Row> = {};
    for (const [k, v] of Object.entries(rec)) {
      const key = HEADERS[norm(k)];
      if (key) row[key] = String(v ?? '').trim();
    }
    const line = i + 2;
    const price = row.price ? parseScaled(normaliseDecimal(row.price), MICRO) : null;
    const validFrom = row.validFrom ? normaliseDate(row.validFrom) : null;
    if (!row.itemNumber && !row.gtin)
      issues.push({ field: `rad ${line}`, message: 'mangler varenummer eller GTIN' });
    else if (price === null || price < 0)
      issues.push({ field: `rad ${line}`, message: 'ugyldig pris' });
    else if (!validFrom)
      issues.push({ field: `rad ${line}`, message: 'ugyldig «gyldig fra»-dato' });
    else {
      out.push({
        agreementId,
        itemNumber: row.itemNumber || null,
        gtin: row.gtin || null,
        description: (row.description ?? '').slice(0, 500),
        unit: (row.unit || 'C62').toUpperCase(),
        priceMicro: price,
        currency: (row.currency || 'NOK').toUpperCase(),
        validFrom,
      });
    }
  });
  if (issues.length > 0)
    throw new DomainError('validation', 'Prislisten har feil', issues.slice(0, 100));
  return out;
}

export function parsePriceListCsv(agreementId: string, text: string): PriceListEntry[] {
  const first = text.split(/\r?\n/, 1)[0] ?? '';
  const delimiter = first.includes(';') ? ';' : first.includes('\t') ? '\t' : ',';
  const records = parse(text, {
    columns: true,
    skip_empty_lines: true,
    delimiter,
    bom: true,
    trim: true,
  }) as Record<string, string>[];
  return toEntries(agreementId, records);
}

export async function parsePriceListXlsx(
  agreementId: string,
  bytes: Buffer,
): Promise<PriceListEntry[]> {
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load(bytes as unknown as ArrayBuffer);
  const ws = wb.worksheets[0];
  if (!ws) throw new DomainError('validation', 'Regnearket har ingen ark');
  const headers: string[] = [];
  const records: Record<string, string>[] = [];
  ws.eachRow((row, n) => {
    const cells = (row.values as unknown[]).slice(1).map((v) => cellText(v));
    if (n === 1) headers.push(...cells);
    else records.push(Object.fromEntries(headers.map((h, i) => [h, cells[i] ?? ''])));
  });
  return toEntries(agreementId, records);
}

function cellText(v: unknown): string {
  if (v === null || v === undefined) return '';
  if (v instanceof Date) return v.toISOString().slice(0, 10);
  if (typeof v === 'object' && v && 'result' in v)
    return cellText((v as { result: unknown }).result);
  if (typeof v === 'object' && v && 'text' in v) return String((v as { text: unknown }).text);
  return String(v);
}
