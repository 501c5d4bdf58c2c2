import ExcelJS from 'exceljs';
import {
  type ContractView,
  contractStatus,
  currentEndDate,
  DomainError,
  type Viewer,
} from '../core/index.ts';
import type { ContractService } from '../register/contract-service.ts';
import type { ContractQuery } from '../store/register.port.ts';
import {
  COLUMNS,
  CONFIDENTIAL,
  type ColumnKey,
  KIND,
  OPTION_STATE,
  PROCEDURE,
  RISK,
  STATUS_WORDS,
  sectorWord,
  TYPE,
} from './columns.ts';
import type { CellValue } from './read.ts';
import { escapeFormula, isoToExcelDate, isoToNorwegian, MONTHS } from './values.ts';

export const MAX_EXPORT_ROWS = 50_000;
const PAGE = 1000;

export const XLSX_MIME = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

export interface ExportResult {
  readonly buffer: Buffer;
  readonly count: number;
}

const DATE_COLUMNS: readonly ColumnKey[] = ['startDate', 'endDate', 'currentEnd', 'terminatedOn'];
const MONEY_COLUMNS: readonly ColumnKey[] = ['estimated', 'max'];
const WRAP_COLUMNS: readonly ColumnKey[] = [
  'description',
  'supplierOrgnr',
  'supplierName',
  'supplierTerms',
  'partners',
  'options',
  'confidential',
];

/**
 * Exports a search result to .xlsx. Contracts come from `ContractService.search`, which projects
 * each one for the viewer: a reader's file never holds a confidential value, only which fields were
 * withheld and the legal basis. The columns are the import layout, so an export imports again.
 */
export async function exportXlsx(
  service: ContractService,
  viewer: Viewer,
  query: ContractQuery,
  options: { readonly maxRows?: number } = {},
): Promise<ExportResult> {
  const maxRows = options.maxRows ?? MAX_EXPORT_ROWS;
  const first = await service.search(viewer, { ...query, offset: 0, limit: PAGE });
  if (first.total > maxRows) {
    throw new DomainError(
      'validation',
      `Utvalget har ${first.total} avtaler; en eksport kan ha høyst ${maxRows}. Avgrens søket.`,
    );
  }
  const views: ContractView[] = [...first.items];
  while (views.length < first.total) {
    const page = await service.search(viewer, { ...query, offset: views.length, limit: PAGE });
    if (page.items.length === 0) break;
    views.push(...page.items);
  }
  const units = new Map((await service.store.directory.listUnits()).map((u) => [u.id, u.name]));
  const today = service.today();
  const window = service.scopeFor(viewer).expiringWindowDays;

  const workbook = new ExcelJS.Workbook();
  workbook.creator = 'Kontraktsoppfølging';
  const sheet = workbook.addWorksheet('Avtaler', { views: [{ state: 'frozen', ySplit: 1 }] });
  sheet.columns = COLUMNS.map((c) => ({ header: c.header, key: c.key, width: c.width }));
  const header = sheet.getRow(1);
  header.font = { bold: true };
  header.alignment = { vertical: 'top', wrapText: true };
  sheet.autoFilter = { from: { row: 1, column: 1 }, to: { row: 1, column: COLUMNS.length } };
  for (const key of DATE_COLUMNS) sheet.getColumn(key).numFmt = 'dd.mm.yyyy';
  for (const key of MONEY_COLUMNS) sheet.getColumn(key).numFmt = '#,##0.00';
  for (const key of WRAP_COLUMNS)
    sheet.getColumn(key).alignment = { vertical: 'top', wrapText: true };
  for (const view of views) {
    sheet.addRow(
      Object.fromEntries(
        Object.entries(rowFor(view, units, today, window)).map(([k, v]) => [
          k,
          typeof v === 'string' ? escapeFormula(v) : v,
        ]),
      ),
    );
  }

  const about = workbook.addWorksheet('Om eksporten');
  about.columns = [
    { header: 'Opplysning', key: 'k', width: 24 },
    { header: 'Verdi', key: 'v', width: 80 },
  ];
  about.getRow(1).font = { bold: true };
  const by = viewer.kind === 'user' ? `${viewer.user.name} (${viewer.user.id})` : 'offentligheten';
  const rows: [string, string | number][] = [
    ['Eksportert', new Date().toISOString()],
    ['Eksportert av', by],
    ['Dato for status', isoToNorwegian(today)],
    ['Utvalg', describeQuery(query)],
    ['Antall avtaler', views.length],
    [
      'Skjerming',
      'Opplysninger du ikke har tilgang til er utelatt; kolonnen «Skjermede felt» viser hvilke og hjemmelen.',
    ],
  ];
  for (const [k, v] of rows) about.addRow({ k, v: typeof v === 'string' ? escapeFormula(v) : v });

  const buffer = Buffer.from(await workbook.xlsx.writeBuffer());
  return { buffer, count: views.length };
}

function describeQuery(q: ContractQuery): string {
  const parts: string[] = [];
  if (q.text) parts.push(`tekst «${q.text}»`);
  if (q.status?.length) parts.push(`status ${q.status.join(', ')}`);
  if (q.category) parts.push(`kategori ${q.category}`);
  if (q.unitId) parts.push(`enhet ${q.unitId}`);
  if (q.supplierOrgnr) parts.push(`leverandør ${q.supplierOrgnr}`);
  if (q.ownerId) parts.push(`eier/forvalter ${q.ownerId}`);
  if (q.kind) parts.push(KIND.word(q.kind));
  if (q.published !== undefined) parts.push(q.published ? 'publisert' : 'ikke publisert');
  if (q.expiringWithinDays !== undefined) parts.push(`utløper innen ${q.expiringWithinDays} dager`);
  if (q.includeExpired) parts.push('med utløpte');
  return parts.length > 0 ? parts.join('; ') : 'alle aktive avtaler';
}

const yesNo = (b: boolean) => (b ? 'ja' : 'nei');

function optionText(o: ContractView['options'][number]): string {
  let s = `${isoToNorwegian(o.newEndDate)} (frist ${isoToNorwegian(o.decisionDeadline)})`;
  if (o.state !== 'open') {
    s += ` ${OPTION_STATE.word(o.state)}`;
    if (o.decidedAt) s += ` ${isoToNorwegian(o.decidedAt)}`;
    if (o.decidedBy && !/\s/.test(o.decidedBy)) s += ` av ${o.decidedBy}`;
  }
  return s;
}

/** One contract as the export row: keys are the column keys. */
export function rowFor(
  c: ContractView,
  units: ReadonlyMap<string, string>,
  today: string,
  expiringWindowDays: number,
): Record<ColumnKey, CellValue> {
  const date = (d: string | null) => (d ? isoToExcelDate(d) : null);
  const nok = (ore: number | null) => (ore === null ? null : ore / 100);
  const optionsHidden = c.withheld.some((w) => w.field === 'options');
  const current = optionsHidden ? null : currentEndDate(c);
  const marks = c.confidential
    ? Object.entries(c.confidential).map(([f, m]) => [f, m?.legalBasis ?? ''] as const)
    : c.withheld.map((w) => [w.field, w.legalBasis] as const);
  const pa = c.priceAdjustment;
  return {
    referenceNumber: c.referenceNumber,
    caseNumber: c.caseNumber,
    title: c.title,
    description: c.description || null,
    kind: KIND.word(c.kind),
    type: TYPE.word(c.type),
    procedure: PROCEDURE.word(c.procedure),
    cpv: c.cpvCodes.join('; ') || null,
    owningUnit: c.owningUnitId,
    owningUnitName: units.get(c.owningUnitId) ?? null,
    owner: c.ownerId,
    manager: c.managerId,
    supplierOrgnr: c.suppliers.map((s) => s.orgnr).join('; ') || null,
    supplierName: c.suppliers.map((s) => s.name).join('\n') || null,
    supplierRank: c.suppliers.some((s) => s.rank !== null)
      ? c.suppliers.map((s) => (s.rank === null ? '' : String(s.rank))).join(';')
      : null,
    supplierTerms: c.suppliers.some((s) => s.terms)
      ? c.suppliers.map((s) => (s.terms ?? '').replace(/\r?\n/g, ' ')).join('\n')
      : null,
    allowedUnits: c.allowedUnitIds.join('; ') || null,
    partners: c.partnerOrganisations.join('\n') || null,
    startDate: date(c.startDate),
    endDate: date(c.endDate),
    options: c.options.map(optionText).join(';\n') || null,
    currentEnd: date(current),
    status: optionsHidden ? null : STATUS_WORDS[contractStatus(c, today, expiringWindowDays)],
    notice: c.noticePeriodMonths,
    estimated: nok(c.estimatedValueOre),
    max: nok(c.maxValueOre),
    paIndex: pa?.index ?? null,
    paBase: pa?.basePeriod ?? null,
    paMonth: pa ? (MONTHS[pa.adjustmentMonth - 1] ?? String(pa.adjustmentMonth)) : null,
    paShare: pa?.sharePercent ?? null,
    risk: RISK.word(c.riskLevel),
    payControl: yesNo(c.payConditionsControl),
    sector: c.sector ? sectorWord(c.sector) : null,
    published: yesNo(c.published),
    draft: yesNo(c.draft),
    terminatedOn: date(c.terminatedOn),
    terminationReason: c.terminationReason,
    confidential:
      marks.map(([f, basis]) => `${CONFIDENTIAL.word(f as never)}: ${basis}`).join('\n') || null,
  };
}
