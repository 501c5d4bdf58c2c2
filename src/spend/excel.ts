/** Excel export of the spend reports (one workbook per report, a sheet per table). */
import ExcelJS from 'exceljs';
import type { AnalysisResult } from './analysis.ts';
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
    const suppliers = list === r.bySupplier;
    addSheet(
      wb,
      name,
      [
        { header: 'Avtalenummer', key: 'ref' },
        { header: name.replace('Per ', ''), key: 'key' },
        ...(suppliers ? [{ header: 'Navn', key: 'name', width: 40 }] : []),
        { header: 'Beløp (kr)', key: 'ore', money: true },
      ],
      list.map((b) => ({
        ref: ref.get(b.agreementId) ?? b.agreementId,
        key: b.key,
        name: suppliers ? (r.supplierNames[b.key] ?? null) : null,
        ore: b.ore,
      })),
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
    [{ header: 'Leverandør', key: 'supplierKey' }, ...cols({ header: 'Navn', key: 'name' })],
    r.bySupplier.map((x) => ({
      ...x,
      name: x.supplierKey === null ? null : (r.supplierNames[x.supplierKey] ?? null),
    })),
  );
  addSheet(
    wb,
    'Per vare',
    [
      { header: 'Avtale', key: 'agreementId' },
      { header: 'Vare', key: 'item' },
      ...cols({ header: 'Beskrivelse', key: 'description', width: 40 }),
    ],
    r.byItem.map((x) => ({
      ...x,
      description: r.itemNames[`${x.agreementId}|${x.item}`] ?? null,
    })),
  );
  return toBuffer(wb);
}

/** The order an analysis workbook describes (its scope, question and answer). */
export interface AnalysisOrderInfo {
  readonly id: string;
  readonly question: string;
  readonly comment: string | null;
  readonly createdAt: string;
  readonly completedAt: string | null;
  readonly requestedBy: { readonly name: string };
  readonly handledBy: { readonly name: string } | null;
  readonly scope: {
    readonly from: string;
    readonly to: string;
    readonly unit: string | null;
    readonly cpv: string | null;
    readonly supplierOrgnr: string | null;
    readonly agreementId: string | null;
  };
}

/** The result of an ordered analysis ("Bestill innkjøpsanalyse") as a workbook. */
export async function analysisWorkbook(
  order: AnalysisOrderInfo,
  r: AnalysisResult,
): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  wb.created = new Date(order.completedAt ?? order.createdAt);
  wb.modified = wb.created;
  const s = r.summary;
  addSheet(
    wb,
    'Sammendrag',
    [
      { header: 'Felt', key: 'k', width: 32 },
      { header: 'Verdi', key: 'v', width: 60 },
      { header: 'Beløp (kr)', key: 'ore', money: true },
    ],
    [
      { k: 'Spørsmål', v: order.question, ore: null },
      { k: 'Svar fra Kontraktservice', v: order.comment, ore: null },
      { k: 'Bestilt av', v: order.requestedBy.name, ore: null },
      { k: 'Utført av', v: order.handledBy?.name ?? null, ore: null },
      { k: 'Periode', v: `${order.scope.from} – ${order.scope.to}`, ore: null },
      { k: 'Enhet (fakturaens referanse)', v: order.scope.unit, ore: null },
      { k: 'Kategori (CPV)', v: order.scope.cpv, ore: null },
      { k: 'Leverandør (org.nr.)', v: order.scope.supplierOrgnr, ore: null },
      { k: 'Avtale', v: order.scope.agreementId, ore: null },
      { k: 'Totalt forbruk', v: null, ore: s.totalOre },
      { k: 'På avtale', v: null, ore: s.matchedOre },
      { k: 'Utenfor avtale', v: null, ore: s.unmatchedOre },
      { k: 'Lekkasje (annen leverandør, etter utløp)', v: null, ore: s.leakageOre },
      { k: 'Merbetaling mot avtalte priser (NOK)', v: null, ore: s.overpaymentOre },
      { k: 'Fakturaer', v: String(s.invoices), ore: null },
      { k: 'Fakturalinjer', v: String(s.lines), ore: null },
    ],
  );
  addSheet(
    wb,
    'Per måned',
    [
      { header: 'Måned', key: 'month' },
      { header: 'Beløp (kr)', key: 'nokOre', money: true },
      { header: 'Linjer', key: 'lines' },
    ],
    r.byMonth.map((x) => ({ ...x })),
  );
  addSheet(
    wb,
    'Per leverandør',
    [
      { header: 'Leverandør', key: 'supplierKey' },
      { header: 'Navn', key: 'supplierName', width: 40 },
      { header: 'Beløp (kr)', key: 'nokOre', money: true },
      { header: 'På avtale (kr)', key: 'matchedOre', money: true },
      { header: 'Linjer', key: 'lines' },
    ],
    r.bySupplier.map((x) => ({ ...x })),
  );
  addSheet(
    wb,
    'Per avtale',
    [
      { header: 'Avtale', key: 'agreementId' },
      { header: 'Avtalenummer', key: 'reference' },
      { header: 'Beløp (kr)', key: 'nokOre', money: true },
    ],
    r.byAgreement.map((x) => ({ ...x })),
  );
  addSheet(
    wb,
    'Utenfor avtale',
    [
      { header: 'Klasse', key: 'class' },
      { header: 'Beløp (kr)', key: 'nokOre', money: true },
      { header: 'Linjer', key: 'lines' },
    ],
    r.leakage.map((x) => ({ ...x })),
  );
  addSheet(
    wb,
    'Prisavvik',
    [
      { header: 'Avtale', key: 'agreementId' },
      { header: 'Leverandør', key: 'supplierKey' },
      { header: 'Navn', key: 'supplierName', width: 40 },
      { header: 'Vare', key: 'item' },
      { header: 'Beskrivelse', key: 'itemName', width: 40 },
      { header: 'Valuta', key: 'currency' },
      { header: 'Linjer med avvik', key: 'lines' },
      { header: 'Merbetaling', key: 'overpaymentOre', money: true },
    ],
    r.overpayments.map((x) => ({ ...x })),
  );
  return toBuffer(wb);
}
