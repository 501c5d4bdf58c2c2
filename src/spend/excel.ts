/** Excel export of the spend reports (one workbook per report, a sheet per table). */
import ExcelJS from 'exceljs';
import type { LeakageReport, PriceControlReport, TurnoverReport } from './reports.ts';

interface Column {
  readonly header: string;
  readonly key: string;
  readonly money?: boolean;
  readonly width?: number;
}

type Row = Record<string, string | number | null>;

/** Spreadsheet formulas start with these; text cells starting with them are neutralised. */
const FORMULA_START = /^[=+\-@\t\r]/;
const safeText = (v: string) => (FORMULA_START.test(v) ? `'${v}` : v);

function addSheet(
  wb: ExcelJS.Workbook,
  name: string,
  columns: readonly Column[],
  rows: readonly Row[],
): void {
  const ws = wb.addWorksheet(name.slice(0, 31));
  ws.columns = columns.map((c) => ({
    header: c.header,
    key: c.key,
    width: c.width ?? (c.money ? 18 : 24),
  }));
  ws.getRow(1).font = { bold: true };
  for (const r of rows) {
    const values: Record<string, string | number | null> = {};
    for (const c of columns) {
      const v = r[c.key];
      values[c.key] =
        c.money && typeof v === 'number'
          ? v / 100
          : typeof v === 'string'
            ? safeText(v)
            : (v ?? null);
    }
    ws.addRow(values);
  }
  columns.forEach((c, i) => {
    if (c.money) ws.getColumn(i + 1).numFmt = '# ##0.00';
  });
  ws.views = [{ state: 'frozen', ySplit: 1 }];
}

async function toBuffer(wb: ExcelJS.Workbook): Promise<Buffer> {
  return Buffer.from(await wb.xlsx.writeBuffer());
}

export async function turnoverWorkbook(r: TurnoverReport): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  addSheet(
    wb,
    'Omsetning per avtale',
    [
      { header: 'Avtalenummer', key: 'referenceNumber' },
      { header: 'Tittel', key: 'title', width: 40 },
      { header: 'Omsetning (kr)', key: 'turnoverOre', money: true },
      { header: 'Anslått verdi (kr)', key: 'estimatedOre', money: true },
      { header: 'Maksimal verdi (kr)', key: 'maxOre', money: true },
      { header: 'Andel av maks (‰)', key: 'maxUsedPermille' },
      { header: 'Varsel', key: 'alert' },
    ],
    r.agreements.map((a) => ({ ...a })),
  );
  const ref = new Map(r.agreements.map((a) => [a.agreementId, a.referenceNumber]));
  for (const [name, list] of [
    ['Per måned', r.byMonth],
    ['Per enhet', r.byUnit],
    ['Per leverandør', r.bySupplier],
  ] as const) {
    addSheet(
      wb,
      name,
      [
        { header: 'Avtalenummer', key: 'ref' },
        { header: name.replace('Per ', ''), key: 'key' },
        { header: 'Beløp (kr)', key: 'ore', money: true },
      ],
      list.map((b) => ({ ref: ref.get(b.agreementId) ?? b.agreementId, key: b.key, ore: b.ore })),
    );
  }
  return toBuffer(wb);
}

export async function leakageWorkbook(r: LeakageReport): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  addSheet(
    wb,
    'Avtalelekkasje',
    [
      { header: 'Klasse', key: 'unmatchedClass' },
      { header: 'Siste 12 mnd (kr)', key: 'last12MonthsOre', money: true },
      { header: 'Siste 4 år (kr)', key: 'last4YearsOre', money: true },
    ],
    r.byClass.map((c) => ({ ...c })),
  );
  addSheet(
    wb,
    'Uten avtale per kategori',
    [
      { header: 'Kategori (CPV)', key: 'category' },
      { header: 'Siste 12 mnd (kr)', key: 'last12MonthsOre', money: true },
      { header: 'Terskel 12 mnd', key: 'threshold12Months' },
      { header: 'Siste 4 år (kr)', key: 'last4YearsOre', money: true },
      { header: 'Terskel 4 år', key: 'threshold4Years' },
    ],
    r.noAgreementByCategory.map((c) => ({ ...c })),
  );
  addSheet(
    wb,
    'Annen leverandør',
    [
      { header: 'Avtale', key: 'agreementId' },
      { header: 'Beløp (kr)', key: 'ore', money: true },
    ],
    r.otherSupplierByAgreement.map((c) => ({ ...c })),
  );
  addSheet(
    wb,
    'Etter utløp',
    [
      { header: 'Avtale', key: 'agreementId' },
      { header: 'Beløp (kr)', key: 'ore', money: true },
    ],
    r.afterExpiryByAgreement.map((c) => ({ ...c })),
  );
  addSheet(
    wb,
    'Per enhet',
    [
      { header: 'Enhet', key: 'unit' },
      { header: 'Klasse', key: 'unmatchedClass' },
      { header: 'Beløp (kr)', key: 'ore', money: true },
    ],
    r.byUnit.map((c) => ({ ...c })),
  );
  return toBuffer(wb);
}

export async function priceControlWorkbook(r: PriceControlReport): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  const cols = (first: Column): Column[] => [
    first,
    { header: 'Valuta', key: 'currency' },
    { header: 'Linjer med avvik', key: 'lines' },
    { header: 'Overfakturert', key: 'overpaidMinor', money: true },
  ];
  addSheet(
    wb,
    'Per avtale',
    cols({ header: 'Avtale', key: 'agreementId' }),
    r.byAgreement.map((x) => ({ ...x })),
  );
  addSheet(
    wb,
    'Per leverandør',
    cols({ header: 'Leverandør', key: 'supplierKey' }),
    r.bySupplier.map((x) => ({ ...x })),
  );
  addSheet(
    wb,
    'Per vare',
    [{ header: 'Avtale', key: 'agreementId' }, ...cols({ header: 'Vare', key: 'item' })],
    r.byItem.map((x) => ({ ...x })),
  );
  return toBuffer(wb);
}
