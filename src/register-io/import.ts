import {
  type ContractInput,
  canCreateContract,
  canEditContract,
  contractInputSchema,
  forbidden,
  isAdmin,
  type User,
} from '../core/index.ts';
import type { ContractService } from '../register/contract-service.ts';
import {
  COLUMNS,
  CONFIDENTIAL,
  type ColumnKey,
  columnForHeader,
  columnLetter,
  headerOf,
  KIND,
  type Labels,
  OPTION_STATE,
  PROCEDURE,
  RISK,
  sectorCode,
  TYPE,
} from './columns.ts';
import {
  type CellValue,
  DEFAULT_LIMITS,
  FileRefusedError,
  type ImportLimits,
  type RawCell,
  readTable,
  type TableRow,
} from './read.ts';
import {
  excelDateToIso,
  nokNumberToOre,
  type Parsed,
  parseDateText,
  parseInteger,
  parseMonth,
  parseNokToOre,
  parsePercent,
  parseYesNo,
  splitCodes,
  splitLines,
  unescapeFormula,
} from './values.ts';

/** One problem: the spreadsheet row (header = 1), the column's header and letter, and the reason. */
export interface ImportIssue {
  readonly row: number;
  /** CSV: the line in the file where the row starts. */
  readonly line?: number;
  readonly column: string;
  readonly columnLetter: string | null;
  readonly message: string;
}

export interface ImportReport {
  readonly format: 'csv' | 'xlsx';
  readonly dryRun: boolean;
  /** True when the contracts were written (never when there was a single problem). */
  readonly committed: boolean;
  /** Data rows read (the header not counted). */
  readonly rows: number;
  /** Rows without problems. */
  readonly valid: number;
  /** Contracts created / updated — or that would be, in a dry run. */
  readonly created: number;
  readonly updated: number;
  /** Every problem found, up to `MAX_ISSUES`; `issueCount` is the full number. */
  readonly issues: readonly ImportIssue[];
  readonly issueCount: number;
}

export interface ImportOptions {
  readonly dryRun: boolean;
  readonly limits?: Partial<ImportLimits>;
}

export const MAX_ISSUES = 2000;

/**
 * Imports a contract register from CSV or .xlsx: every row is checked with the real schema and
 * the directory (units and users must exist), and the importing user's rights; the report lists
 * each problem by row and column. Without problems and without `dryRun`, all contracts are written
 * in one transaction (created or replaced by reference number); with one problem, nothing is.
 */
export async function importRegister(
  service: ContractService,
  user: User,
  bytes: Buffer,
  options: ImportOptions,
): Promise<ImportReport> {
  if (!canCreateContract(user)) throw forbidden('Du har ikke tilgang til å importere avtaler');
  const limits = { ...DEFAULT_LIMITS, ...options.limits };
  const table = await readTable(bytes, limits);
  if (table.rows.length === 0) throw new FileRefusedError('Filen har ingen avtalerader', 400);

  const issues: ImportIssue[] = [];
  const columns = mapHeaders(table.headers, issues);
  const inputs: ContractInput[] = [];
  const seen = new Map<string, number>();
  let created = 0;
  let updated = 0;
  let valid = 0;
  for (const row of table.rows) {
    const problems: { key: ColumnKey; message: string }[] = [];
    const input = await checkRow(service, user, row, columns, problems, seen);
    const position = (k: ColumnKey) => columns.index.get(k) ?? Number.MAX_SAFE_INTEGER;
    problems.sort((a, b) => position(a.key) - position(b.key));
    for (const p of problems) {
      issues.push({
        row: row.row,
        ...(row.line === undefined ? {} : { line: row.line }),
        column: headerOf(p.key),
        columnLetter: columns.letters.get(p.key) ?? null,
        message: p.message,
      });
    }
    if (problems.length === 0 && input) {
      valid++;
      inputs.push(input.value);
      if (input.exists) updated++;
      else created++;
    }
  }
  const base = {
    format: table.format,
    dryRun: options.dryRun,
    rows: table.rows.length,
    valid,
    issues: issues.slice(0, MAX_ISSUES),
    issueCount: issues.length,
  };
  if (issues.length > 0 || options.dryRun) {
    return { ...base, committed: false, created, updated };
  }
  const result = await service.store.contracts.importMany(inputs, user.id);
  for (const input of inputs) {
    const stored = await service.store.contracts.getByReference(input.referenceNumber);
    if (stored) await service.notify(stored, stored.id);
  }
  return { ...base, committed: true, created: result.created, updated: result.updated };
}

interface ColumnMap {
  /** Column key → index of the cell in the row. */
  readonly index: Map<ColumnKey, number>;
  readonly letters: Map<ColumnKey, string>;
}

function mapHeaders(headers: readonly string[], issues: ImportIssue[]): ColumnMap {
  const index = new Map<ColumnKey, number>();
  const letters = new Map<ColumnKey, string>();
  headers.forEach((header, i) => {
    if (header === '') return;
    const key = columnForHeader(header);
    const letter = columnLetter(i + 1);
    if (!key) {
      issues.push({
        row: 1,
        column: header,
        columnLetter: letter,
        message: `ukjent kolonne «${header}» (se dokumentasjonen for kolonneoppsettet)`,
      });
      return;
    }
    if (index.has(key)) {
      issues.push({
        row: 1,
        column: header,
        columnLetter: letter,
        message: `kolonnen «${headerOf(key)}» står to ganger`,
      });
      return;
    }
    index.set(key, i);
    letters.set(key, letter);
  });
  for (const c of COLUMNS) {
    if ('required' in c && c.required && !index.has(c.key)) {
      issues.push({
        row: 1,
        column: c.header,
        columnLetter: null,
        message: `kolonnen «${c.header}» mangler`,
      });
    }
  }
  return { index, letters };
}

/** Reads one row's cells into typed values, collecting a reason per column that cannot be read. */
class RowReader {
  constructor(
    private readonly row: TableRow,
    private readonly columns: ColumnMap,
    readonly problems: { key: ColumnKey; message: string }[],
  ) {}

  private raw(key: ColumnKey): CellValue {
    const i = this.columns.index.get(key);
    const cell: RawCell | undefined = i === undefined ? undefined : this.row.cells[i];
    if (cell === undefined || cell === null) return null;
    if (typeof cell === 'object' && !(cell instanceof Date)) {
      this.problem(key, 'cellen inneholder en formel; lim inn verdien i stedet');
      return null;
    }
    if (typeof cell === 'string') {
      const text = unescapeFormula(cell);
      return text.trim() === '' ? null : text;
    }
    return cell;
  }

  problem(key: ColumnKey, message: string): void {
    this.problems.push({ key, message });
  }

  has(key: ColumnKey): boolean {
    return this.problems.some((p) => p.key === key);
  }

  text(key: ColumnKey): string | null {
    const v = this.raw(key);
    if (v === null) return null;
    if (typeof v === 'string') return v;
    if (typeof v === 'number') return String(v);
    if (typeof v === 'boolean') return v ? 'ja' : 'nei';
    return v.toISOString().slice(0, 10);
  }

  parsed<T>(key: ColumnKey, parse: (v: CellValue & {}) => Parsed<T>): T | null | undefined {
    const v = this.raw(key);
    if (v === null) return null;
    const r = parse(v);
    if (r.ok) return r.value;
    this.problem(key, r.reason);
    return undefined;
  }

  label<T extends string>(key: ColumnKey, labels: Labels<T>): T | undefined {
    const t = this.text(key);
    if (t === null) return undefined;
    const code = labels.code(t);
    if (code === null) this.problem(key, `«${t}» er ikke gyldig; bruk en av: ${labels.choices()}`);
    return code ?? undefined;
  }

  date(key: ColumnKey): string | null | undefined {
    return this.parsed(key, (v) => {
      if (v instanceof Date) return excelDateToIso(v);
      if (typeof v === 'number')
        return excelDateToIso(new Date(Date.UTC(1899, 11, 30) + v * 86_400_000));
      return parseDateText(String(v));
    });
  }

  money(key: ColumnKey): number | null | undefined {
    return this.parsed(key, (v) =>
      typeof v === 'number' ? nokNumberToOre(v) : parseNokToOre(String(v)),
    );
  }

  yesNo(key: ColumnKey): boolean | undefined {
    const r = this.parsed(key, (v) =>
      typeof v === 'boolean' ? { ok: true, value: v } : parseYesNo(String(v)),
    );
    return r === null ? undefined : r;
  }
}

const DATE = String.raw`(\d{1,2}\.\d{1,2}\.\d{4}|\d{4}-\d{2}-\d{2})`;
const OPTION_RE = new RegExp(
  String.raw`^${DATE}\s*\(?\s*frist\s+${DATE}\s*\)?(?:\s+(\p{L}+)(?:\s+${DATE})?(?:\s+av\s+(\S+))?)?$`,
  'iu',
);

function parseOptions(reader: RowReader): unknown[] | undefined {
  const text = reader.text('options');
  if (text === null) return [];
  const parts = text
    .split(/[;\n]/)
    .map((s) => s.trim())
    .filter(Boolean);
  const options: unknown[] = [];
  for (const [i, part] of parts.entries()) {
    const m = OPTION_RE.exec(part);
    const newEnd = m && parseDateText(m[1] as string);
    const deadline = m && parseDateText(m[2] as string);
    const state = m?.[3] ? OPTION_STATE.code(m[3]) : 'open';
    const decided = m?.[4] ? parseDateText(m[4]) : null;
    if (!m || !newEnd?.ok || !deadline?.ok || !state || (decided && !decided.ok)) {
      reader.problem(
        'options',
        `opsjon ${i + 1}: «${part}» følger ikke formatet «31.12.2028 (frist 30.06.2028)», ev. med «utløst 15.06.2028 av bruker» eller «avslått …»`,
      );
      return undefined;
    }
    options.push({
      newEndDate: newEnd.value,
      decisionDeadline: deadline.value,
      state,
      decidedAt: decided?.ok ? decided.value : null,
      decidedBy: m[5] ?? null,
    });
  }
  return options;
}

function parseSuppliers(reader: RowReader): unknown[] | undefined {
  const orgnrs = splitCodes(reader.text('supplierOrgnr') ?? '');
  const namesText = reader.text('supplierName');
  const ranksText = reader.text('supplierRank');
  const termsText = reader.text('supplierTerms');
  if (orgnrs.length === 0) {
    if (namesText || ranksText || termsText) {
      reader.problem('supplierOrgnr', 'mangler organisasjonsnummer for leverandøren');
      return undefined;
    }
    return [];
  }
  const n = orgnrs.length;
  const names = namesText ? splitLines(namesText, n) : [];
  let ok = true;
  if (names.length !== n) {
    reader.problem(
      'supplierName',
      `har ${names.length} navn, men ${n} organisasjonsnumre; skriv ett navn per linje i samme rekkefølge`,
    );
    ok = false;
  }
  const ranks: (number | null)[] = [];
  if (ranksText) {
    const parts = ranksText.split(';').map((s) => s.trim());
    if (parts.length !== n) {
      reader.problem('supplierRank', `har ${parts.length} rangeringer, men ${n} leverandører`);
      ok = false;
    }
    for (const p of parts) {
      if (p === '') ranks.push(null);
      else {
        const r = parseInteger(p, 1, 99);
        if (r.ok) ranks.push(r.value);
        else {
          reader.problem('supplierRank', r.reason);
          ok = false;
        }
      }
    }
  }
  const terms = termsText ? splitLines(termsText, n) : [];
  if (termsText && terms.length !== n) {
    reader.problem(
      'supplierTerms',
      `har ${terms.length} vilkår, men ${n} leverandører; skriv vilkårene for hver leverandør på hver sin linje`,
    );
    ok = false;
  }
  if (!ok) return undefined;
  return orgnrs.map((orgnr, i) => ({
    orgnr,
    name: names[i] ?? '',
    rank: ranks[i] ?? null,
    terms: terms[i] ? terms[i] : null,
  }));
}

function parsePriceAdjustment(reader: RowReader): unknown {
  const index = reader.text('paIndex');
  const base = reader.parsed('paBase', (v) => {
    if (v instanceof Date) return { ok: true, value: v.toISOString().slice(0, 7) };
    const s = String(v).trim();
    const m = /^(\d{1,2})\.(\d{4})$/.exec(s);
    const value = m ? `${m[2]}-${(m[1] as string).padStart(2, '0')}` : s;
    return /^\d{4}-(0[1-9]|1[0-2])$/.test(value)
      ? { ok: true, value }
      : { ok: false, reason: `«${s}» må være på formen ÅÅÅÅ-MM` };
  });
  const month = reader.parsed('paMonth', (v) =>
    typeof v === 'number' ? parseInteger(String(v), 1, 12) : parseMonth(String(v)),
  );
  const share = reader.parsed('paShare', (v) =>
    typeof v === 'number' ? { ok: true, value: v } : parsePercent(String(v)),
  );
  if (index === null && base === null && month === null && share === null) return null;
  if (index === null) reader.problem('paIndex', 'mangler indeks (for eksempel KPI)');
  if (base === null) reader.problem('paBase', 'mangler basisperiode (ÅÅÅÅ-MM)');
  if (month === null) reader.problem('paMonth', 'mangler reguleringsmåned');
  return {
    index: index ?? '',
    basePeriod: base ?? '',
    adjustmentMonth: month ?? 0,
    sharePercent: share ?? 100,
  };
}

function parseConfidential(reader: RowReader): Record<string, unknown> | undefined {
  const text = reader.text('confidential');
  if (text === null) return {};
  const entries = text.includes('\n') ? text.split(/\r?\n/) : text.split(';');
  const out: Record<string, unknown> = {};
  for (const entry of entries.map((e) => e.trim()).filter(Boolean)) {
    const colon = entry.indexOf(':');
    const field = CONFIDENTIAL.code(colon < 0 ? entry : entry.slice(0, colon));
    const basis = colon < 0 ? '' : entry.slice(colon + 1).trim();
    if (!field) {
      reader.problem(
        'confidential',
        `«${entry}»: ukjent felt; bruk «felt: hjemmel» med felt en av: ${CONFIDENTIAL.choices()}`,
      );
      return undefined;
    }
    if (!basis) {
      reader.problem(
        'confidential',
        `«${entry}»: mangler hjemmel (for eksempel «Offl. § 13 jf. fvl. § 13 første ledd nr. 2»)`,
      );
      return undefined;
    }
    out[field] = { legalBasis: basis };
  }
  return out;
}

/** The schema's field path → the file's column, with the list item named in the message. */
const FIELD_COLUMNS: Record<string, ColumnKey> = {
  referenceNumber: 'referenceNumber',
  caseNumber: 'caseNumber',
  title: 'title',
  description: 'description',
  kind: 'kind',
  type: 'type',
  procedure: 'procedure',
  cpvCodes: 'cpv',
  owningUnitId: 'owningUnit',
  ownerId: 'owner',
  managerId: 'manager',
  allowedUnitIds: 'allowedUnits',
  partnerOrganisations: 'partners',
  startDate: 'startDate',
  endDate: 'endDate',
  options: 'options',
  noticePeriodMonths: 'notice',
  estimatedValueOre: 'estimated',
  maxValueOre: 'max',
  riskLevel: 'risk',
  payConditionsControl: 'payControl',
  sector: 'sector',
  published: 'published',
  draft: 'draft',
  terminatedOn: 'terminatedOn',
  terminationReason: 'terminationReason',
  confidential: 'confidential',
};
const SUPPLIER_COLUMNS: Record<string, ColumnKey> = {
  orgnr: 'supplierOrgnr',
  name: 'supplierName',
  rank: 'supplierRank',
  terms: 'supplierTerms',
};
const PRICE_COLUMNS: Record<string, ColumnKey> = {
  index: 'paIndex',
  basePeriod: 'paBase',
  adjustmentMonth: 'paMonth',
  sharePercent: 'paShare',
};
const ITEM_WORDS: Record<string, string> = {
  suppliers: 'leverandør',
  options: 'opsjon',
  cpvCodes: 'kode',
  allowedUnitIds: 'enhet',
  partnerOrganisations: 'partner',
};

export function columnForPath(path: readonly PropertyKey[]): { key: ColumnKey; prefix: string } {
  const [top, second, third] = path.map(String);
  const item = second !== undefined && /^\d+$/.test(second) ? Number(second) + 1 : null;
  const prefix = item !== null && top && ITEM_WORDS[top] ? `${ITEM_WORDS[top]} ${item}: ` : '';
  if (top === 'suppliers') {
    return { key: (third && SUPPLIER_COLUMNS[third]) || 'supplierOrgnr', prefix };
  }
  if (top === 'priceAdjustment') {
    return { key: (second && PRICE_COLUMNS[second]) || 'paIndex', prefix: '' };
  }
  return { key: (top && FIELD_COLUMNS[top]) || 'referenceNumber', prefix };
}

/** The directory references of a row that failed the schema, when they are at least text. */
function referenceFields(raw: Record<string, unknown>): ContractInput | null {
  const { owningUnitId, ownerId, managerId, allowedUnitIds } = raw;
  if (typeof owningUnitId !== 'string' || typeof ownerId !== 'string') return null;
  // referenceIssues reads only these four fields.
  return {
    owningUnitId: owningUnitId.trim(),
    ownerId: ownerId.trim(),
    managerId: typeof managerId === 'string' ? managerId.trim() : null,
    allowedUnitIds: Array.isArray(allowedUnitIds) ? allowedUnitIds : [],
  } as unknown as ContractInput;
}

async function checkRow(
  service: ContractService,
  user: User,
  row: TableRow,
  columns: ColumnMap,
  problems: { key: ColumnKey; message: string }[],
  seen: Map<string, number>,
): Promise<{ value: ContractInput; exists: boolean } | null> {
  const r = new RowReader(row, columns, problems);
  const raw: Record<string, unknown> = {
    referenceNumber: r.text('referenceNumber') ?? '',
    caseNumber: r.text('caseNumber'),
    title: r.text('title') ?? '',
    description: r.text('description') ?? '',
    kind: r.label('kind', KIND),
    type: r.label('type', TYPE),
    procedure: r.label('procedure', PROCEDURE),
    cpvCodes: splitCodes(r.text('cpv') ?? ''),
    owningUnitId: r.text('owningUnit') ?? '',
    ownerId: r.text('owner') ?? '',
    managerId: r.text('manager'),
    suppliers: parseSuppliers(r),
    allowedUnitIds: splitCodes(r.text('allowedUnits') ?? ''),
    partnerOrganisations: ((t) =>
      t === null
        ? []
        : (t.includes('\n') ? t.split(/\r?\n/) : t.split(';'))
            .map((s) => s.trim())
            .filter(Boolean))(r.text('partners')),
    startDate: r.date('startDate'),
    endDate: r.date('endDate'),
    options: parseOptions(r),
    noticePeriodMonths: r.parsed('notice', (v) => parseInteger(String(v), 0, 120)),
    estimatedValueOre: r.money('estimated'),
    maxValueOre: r.money('max'),
    priceAdjustment: parsePriceAdjustment(r),
    riskLevel: r.label('risk', RISK),
    payConditionsControl: r.yesNo('payControl'),
    sector: ((t) => (t === null ? null : sectorCode(t)))(r.text('sector')),
    published: r.yesNo('published'),
    draft: r.yesNo('draft'),
    terminatedOn: r.date('terminatedOn'),
    terminationReason: r.text('terminationReason'),
    confidential: parseConfidential(r),
  };
  for (const [key, column] of [
    ['kind', 'kind'],
    ['type', 'type'],
    ['procedure', 'procedure'],
  ] as const) {
    if (raw[key] === undefined && !r.has(column)) {
      r.problem(
        column,
        `mangler verdi; bruk en av: ${{ kind: KIND, type: TYPE, procedure: PROCEDURE }[key].choices()}`,
      );
    }
  }
  const parsed = contractInputSchema.safeParse(raw);
  if (!parsed.success) {
    const reported = new Set(problems.map((p) => p.key));
    for (const issue of parsed.error.issues) {
      const { key, prefix } = columnForPath(issue.path);
      if (!reported.has(key)) problems.push({ key, message: `${prefix}${issue.message}` });
    }
  }
  // Units and people must exist: checked even when other cells are wrong, so the report is whole.
  const refs = parsed.success ? parsed.data : referenceFields(raw);
  if (refs) {
    const reported = new Set(problems.map((p) => p.key));
    for (const issue of await service.referenceIssues(refs)) {
      const { key, prefix } = columnForPath(issue.field.split('.'));
      if (!reported.has(key)) problems.push({ key, message: `${prefix}${issue.message}` });
    }
  }
  const reference = String(raw.referenceNumber).trim();
  const refKey = reference.toLowerCase();
  const firstRow = refKey ? seen.get(refKey) : undefined;
  if (firstRow !== undefined) {
    problems.push({
      key: 'referenceNumber',
      message: `avtalenummeret står også i rad ${firstRow}`,
    });
  } else if (refKey) {
    seen.set(refKey, row.row);
  }
  if (!parsed.success || problems.length > 0) return null;
  const input = parsed.data;
  const existing = await service.store.contracts.getByReference(input.referenceNumber);
  if (!isAdmin(user)) {
    if (existing && !canEditContract(user, existing)) {
      problems.push({
        key: 'referenceNumber',
        message: 'avtalen finnes, og du har ikke tilgang til å endre den',
      });
    } else if (input.ownerId !== user.id && input.managerId !== user.id) {
      problems.push({
        key: 'owner',
        message: 'du kan bare importere avtaler du selv er eier eller forvalter av',
      });
    }
  }
  return problems.length > 0 ? null : { value: input, exists: existing !== null };
}
