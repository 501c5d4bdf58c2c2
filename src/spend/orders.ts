/**
 * "Bestill innkjøpsanalyse": a unit orders a purchasing analysis from Kontraktservice with a scope
 * (period, unit, CPV category, supplier, agreement) and a question; Kontraktservice runs it; the
 * result (summary, lists and an Excel file) is kept with the order, the requester is told through
 * the follow-up outbox (a bot card), and the Excel file is filed in the archive as an internal note
 * on the agreement when the order names one.
 *
 * Orders are transactional records behind `OrderRecordStore`: the embedded SQLite database
 * (`SqliteOrderRecords`, table `spend_orders` of migration 005) or, with STORE=sharepoint, a
 * SharePoint list shared by every instance (`SharePointOrderRecords`, src/store/sharepoint). The
 * analysis reads the DuckDB spend store. Archive filing and notification are injected
 * (`SpendOrderDeps`), so this module depends on neither.
 */
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { asViewer, isAdmin, projectContract } from '../core/access.ts';
import { osloToday } from '../core/dates.ts';
import { DomainError, forbidden, notFound } from '../core/errors.ts';
import { isValidOrgnr } from '../core/orgnr.ts';
import type { User } from '../core/users.ts';
import type { RegisterStore } from '../store/register.port.ts';
import type { Db } from '../store/sqlite/db.ts';
import { ensureAggregates } from './aggregates.ts';
import { type AnalysisResult, type AnalysisSummary, scopedAnalysis } from './analysis.ts';
import { analysisWorkbook } from './excel.ts';
import type { DuckSpendStore } from './store/duckdb-store.ts';

export const ORDER_STATES = ['ordered', 'running', 'done', 'failed', 'cancelled'] as const;
export type OrderState = (typeof ORDER_STATES)[number];

/** Notifications of finished orders carry this task id prefix (the bot builds their card). */
export const ORDER_TASK_PREFIX = 'spend-order:';

const isoDate = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'må være ÅÅÅÅ-MM-DD')
  .refine((s) => !Number.isNaN(Date.parse(`${s}T00:00:00Z`)), 'er ikke en gyldig dato');

const hasControl = (s: string) =>
  [...s].some((ch) => {
    const c = ch.charCodeAt(0);
    return (c < 32 && c !== 9 && c !== 10 && c !== 13) || c === 127 || (c >= 0x202a && c <= 0x202e);
  });

const freeText = (max: number) =>
  z
    .string()
    .trim()
    .min(1, 'mangler tekst')
    .max(max, `kan ha høyst ${max} tegn`)
    .refine((s) => !hasControl(s), 'inneholder ugyldige kontrolltegn');

const optionalText = (max: number) =>
  z.preprocess((v) => (v === '' ? null : v), freeText(max).nullish());

export const orderScopeSchema = z
  .object({
    from: isoDate,
    to: isoDate,
    unit: optionalText(100),
    cpv: z.preprocess(
      (v) => (v === '' ? null : v),
      z
        .string()
        .regex(/^\d{2,8}$/, 'CPV-kategori med 2–8 siffer, f.eks. 331')
        .nullish(),
    ),
    supplierOrgnr: z.preprocess(
      (v) => (typeof v === 'string' ? v.replace(/\s/g, '') || null : v),
      z
        .string()
        .regex(/^\d{9}$/, 'organisasjonsnummer med 9 siffer')
        .refine(isValidOrgnr, 'ugyldig organisasjonsnummer (kontrollsiffer)')
        .nullish(),
    ),
    agreementId: optionalText(100),
  })
  .strict()
  .superRefine((s, ctx) => {
    if (s.from > s.to)
      ctx.addIssue({ code: 'custom', path: ['to'], message: 'må være etter fra-datoen' });
    const years = (Date.parse(s.to) - Date.parse(s.from)) / (365.25 * 86_400_000);
    if (years > 5)
      ctx.addIssue({ code: 'custom', path: ['to'], message: 'perioden kan være høyst 5 år' });
  });

export const orderInputSchema = z
  .object({
    unitId: optionalText(100),
    scope: orderScopeSchema,
    question: freeText(2000),
  })
  .strict();

const commentSchema = z.object({ comment: optionalText(2000) }).strict();
const reasonSchema = z.object({ reason: freeText(2000) }).strict();

export type OrderScope = z.output<typeof orderScopeSchema>;

export interface PersonRef {
  readonly id: string;
  readonly name: string;
}

export interface SpendOrder {
  readonly id: string;
  readonly state: OrderState;
  readonly version: number;
  readonly unitId: string;
  readonly requestedBy: PersonRef;
  readonly scope: {
    from: string;
    to: string;
    unit: string | null;
    cpv: string | null;
    supplierOrgnr: string | null;
    agreementId: string | null;
  };
  /** The agreement named in the scope, projected for the viewer. */
  readonly agreement: { id: string; reference: string; title: string } | null;
  readonly question: string;
  readonly createdAt: string;
  readonly startedAt: string | null;
  readonly completedAt: string | null;
  readonly handledBy: PersonRef | null;
  readonly comment: string | null;
  readonly summary: AnalysisSummary | null;
  readonly document: { id: string; status: string; failureReason: string | null } | null;
  readonly cancelReason: string | null;
  readonly failureReason: string | null;
}

export type StoredOrder = Omit<SpendOrder, 'agreement'>;

/** An order as stored, with its analysis once done. */
export interface OrderRecord {
  readonly order: StoredOrder;
  readonly result: AnalysisResult | null;
}

export interface OrderRecordQuery {
  readonly states?: readonly OrderState[] | undefined;
  /** Only orders requested by this user. */
  readonly requestedBy?: string | undefined;
  /** Only orders this user requested or that belong to this unit (non-admin viewers). */
  readonly visibleTo?: { readonly userId: string; readonly unitId: string | null } | undefined;
  /** 1…500 */
  readonly limit: number;
}

/** Where orders are kept: SQLite (one instance) or a SharePoint list (several instances). */
export interface OrderRecordStore {
  get(id: string): Promise<OrderRecord | null>;
  insert(order: StoredOrder): Promise<void>;
  /** Writes the order if its stored version is still `expected`; false otherwise. */
  update(order: StoredOrder, expected: number, result?: AnalysisResult): Promise<boolean>;
  /** Newest first (created at, then id), at most `limit`, with the total that matched. */
  list(q: OrderRecordQuery): Promise<{ orders: StoredOrder[]; total: number }>;
}

interface Row {
  data: string;
  result: string | null;
}

/** Orders in the embedded database (table `spend_orders`, migration 005). */
export class SqliteOrderRecords implements OrderRecordStore {
  constructor(private readonly db: Db) {}

  async get(id: string): Promise<OrderRecord | null> {
    const row = this.db.prepare('SELECT data, result FROM spend_orders WHERE id = ?').get(id) as
      | Row
      | undefined;
    if (!row) return null;
    return {
      order: JSON.parse(row.data) as StoredOrder,
      result: row.result ? (JSON.parse(row.result) as AnalysisResult) : null,
    };
  }

  async insert(order: StoredOrder): Promise<void> {
    this.db
      .prepare(
        `INSERT INTO spend_orders (id, unit_id, requested_by, state, created_at, version, data)
         VALUES (?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(
        order.id,
        order.unitId,
        order.requestedBy.id,
        order.state,
        order.createdAt,
        order.version,
        JSON.stringify(order),
      );
  }

  async update(order: StoredOrder, expected: number, result?: AnalysisResult): Promise<boolean> {
    const r = this.db
      .prepare(
        `UPDATE spend_orders SET state = ?, version = ?, data = ?, result = coalesce(?, result)
          WHERE id = ? AND version = ?`,
      )
      .run(
        order.state,
        order.version,
        JSON.stringify(order),
        result ? JSON.stringify(result) : null,
        order.id,
        expected,
      );
    return r.changes === 1;
  }

  async list(q: OrderRecordQuery): Promise<{ orders: StoredOrder[]; total: number }> {
    const where: string[] = [];
    const args: string[] = [];
    if (q.states && q.states.length > 0) {
      where.push(`state IN (${q.states.map(() => '?').join(',')})`);
      args.push(...q.states);
    }
    if (q.requestedBy !== undefined) {
      where.push('requested_by = ?');
      args.push(q.requestedBy);
    }
    if (q.visibleTo) {
      where.push(q.visibleTo.unitId ? '(requested_by = ? OR unit_id = ?)' : 'requested_by = ?');
      args.push(q.visibleTo.userId);
      if (q.visibleTo.unitId) args.push(q.visibleTo.unitId);
    }
    const clause = where.length > 0 ? `WHERE ${where.join(' AND ')}` : '';
    const limit = Math.min(500, Math.max(1, Math.floor(q.limit)));
    const total = (
      this.db.prepare(`SELECT count(*) AS n FROM spend_orders ${clause}`).get(...args) as {
        n: number;
      }
    ).n;
    const rows = this.db
      .prepare(
        `SELECT data FROM spend_orders ${clause} ORDER BY created_at DESC, id LIMIT ${limit}`,
      )
      .all(...args) as { data: string }[];
    return { orders: rows.map((r) => JSON.parse(r.data) as StoredOrder), total };
  }
}

export interface OrderFiling {
  readonly contractId: string;
  readonly order: StoredOrder;
  readonly fileName: string;
  readonly workbook: Buffer;
}

export interface SpendOrderDeps {
  readonly records: OrderRecordStore;
  readonly register: Pick<RegisterStore, 'contracts' | 'directory'>;
  readonly clock: () => Date;
  /** The spend store the analysis reads. */
  readonly spend: () => Promise<{ readonly store: DuckSpendStore }>;
  /** Files the Excel result in the archive (internal note on the agreement). */
  readonly file?: (user: User, filing: OrderFiling) => Promise<SpendOrder['document']>;
  /** Tells the requester (follow-up outbox → bot card). */
  readonly notify?: (order: StoredOrder) => Promise<void>;
  readonly log?: (level: 'error' | 'info', message: string, extra?: unknown) => void;
}

function issuesOf(error: z.ZodError) {
  return error.issues.map((i) => ({ field: i.path.map(String).join('.'), message: i.message }));
}

function parse<S extends z.ZodType>(schema: S, value: unknown, what: string): z.output<S> {
  const r = schema.safeParse(value ?? {});
  if (!r.success) throw new DomainError('validation', `Ugyldig ${what}`, issuesOf(r.error));
  return r.data;
}

export interface OrderListFilter {
  readonly states?: readonly OrderState[] | undefined;
  readonly mine?: boolean | undefined;
  readonly limit?: number | undefined;
}

export class SpendOrderService {
  constructor(private readonly d: SpendOrderDeps) {}

  private now(): string {
    return this.d.clock().toISOString();
  }

  private person(u: User): PersonRef {
    return { id: u.id, name: u.name };
  }

  private load(id: string): Promise<OrderRecord | null> {
    return this.d.records.get(id);
  }

  /** Writes the order if its version is still `expected` (0: a new order). */
  private async save(order: StoredOrder, expected: number, result?: AnalysisResult) {
    if (expected === 0) {
      await this.d.records.insert(order);
      return true;
    }
    return this.d.records.update(order, expected, result);
  }

  private mayView(user: User, o: StoredOrder): boolean {
    return (
      isAdmin(user) ||
      o.requestedBy.id === user.id ||
      (user.unitId !== null && user.unitId === o.unitId)
    );
  }

  private async view(user: User, o: StoredOrder): Promise<SpendOrder> {
    let agreement: SpendOrder['agreement'] = null;
    if (o.scope.agreementId) {
      const c = await this.d.register.contracts.get(o.scope.agreementId);
      if (c) {
        const p = projectContract(asViewer(user), c);
        agreement = {
          id: c.id,
          reference: p.referenceNumber,
          title: p.title || `Avtale ${p.referenceNumber}`,
        };
      }
    }
    return { ...o, agreement };
  }

  private async visible(user: User, id: string): Promise<OrderRecord> {
    const found = await this.load(id);
    if (!found || !this.mayView(user, found.order)) throw notFound('Bestillingen');
    return found;
  }

  async create(user: User, input: unknown): Promise<SpendOrder> {
    if (user.role === 'reader') throw forbidden('Lesere kan ikke bestille innkjøpsanalyser');
    const b = parse(orderInputSchema, input, 'bestilling');
    const unitId = b.unitId ?? user.unitId;
    if (!unitId) {
      throw new DomainError('validation', 'Ugyldig bestilling', [
        { field: 'unitId', message: 'mangler enhet (du har ingen enhet i registeret)' },
      ]);
    }
    if (!isAdmin(user) && unitId !== user.unitId)
      throw forbidden('Du kan bare bestille analyser for din egen enhet');
    if (b.scope.agreementId && !(await this.d.register.contracts.get(b.scope.agreementId)))
      throw notFound('Avtalen');
    const order: StoredOrder = {
      id: randomUUID(),
      state: 'ordered',
      version: 1,
      unitId,
      requestedBy: this.person(user),
      scope: {
        from: b.scope.from,
        to: b.scope.to,
        unit: b.scope.unit ?? null,
        cpv: b.scope.cpv ?? null,
        supplierOrgnr: b.scope.supplierOrgnr ?? null,
        agreementId: b.scope.agreementId ?? null,
      },
      question: b.question,
      createdAt: this.now(),
      startedAt: null,
      completedAt: null,
      handledBy: null,
      comment: null,
      summary: null,
      document: null,
      cancelReason: null,
      failureReason: null,
    };
    await this.save(order, 0);
    return this.view(user, order);
  }

  async list(user: User, f: OrderListFilter = {}): Promise<{ items: SpendOrder[]; total: number }> {
    const { orders, total } = await this.d.records.list({
      states: f.states,
      requestedBy: f.mine ? user.id : undefined,
      visibleTo: !f.mine && !isAdmin(user) ? { userId: user.id, unitId: user.unitId } : undefined,
      limit: Math.min(500, Math.max(1, Math.floor(f.limit ?? 100))),
    });
    const items: SpendOrder[] = [];
    for (const o of orders) items.push(await this.view(user, o));
    return { items, total };
  }

  async get(user: User, id: string): Promise<SpendOrder> {
    return this.view(user, (await this.visible(user, id)).order);
  }

  /** The order as stored (for the bot card), or null. */
  async stored(id: string): Promise<StoredOrder | null> {
    return (await this.load(id))?.order ?? null;
  }

  async cancel(user: User, id: string, input: unknown): Promise<SpendOrder> {
    const { order } = await this.visible(user, id);
    if (!isAdmin(user) && order.requestedBy.id !== user.id)
      throw forbidden('Bare den som bestilte og Kontraktservice kan avbestille');
    const { reason } = parse(reasonSchema, input, 'avbestilling');
    if (order.state !== 'ordered')
      throw new DomainError('conflict', `Bestillingen kan ikke avbestilles (${order.state})`);
    const next: StoredOrder = {
      ...order,
      state: 'cancelled',
      version: order.version + 1,
      cancelReason: reason,
      completedAt: this.now(),
    };
    if (!(await this.save(next, order.version)))
      throw new DomainError('conflict', 'Bestillingen ble endret samtidig. Prøv igjen.');
    return this.view(user, next);
  }

  /**
   * Runs the analysis (Kontraktservice): the result is stored with the order, the Excel file is filed
   * on the agreement (when named), and the requester is notified. A failed run can be run again.
   */
  async run(user: User, id: string, input: unknown): Promise<SpendOrder> {
    if (!isAdmin(user)) throw forbidden('Bare Kontraktservice kan kjøre innkjøpsanalyser');
    const { comment } = parse(commentSchema, input, 'kommentar');
    const { order } = await this.visible(user, id);
    if (order.state !== 'ordered' && order.state !== 'failed')
      throw new DomainError('conflict', `Bestillingen kan ikke kjøres nå (${order.state})`);
    const running: StoredOrder = {
      ...order,
      state: 'running',
      version: order.version + 1,
      startedAt: this.now(),
      handledBy: this.person(user),
      comment: comment ?? null,
      failureReason: null,
    };
    // The version check makes two simultaneous runs impossible: the second gets 409.
    if (!(await this.save(running, order.version)))
      throw new DomainError('conflict', 'Bestillingen kjøres allerede');
    let result: AnalysisResult;
    let workbook: Buffer;
    try {
      const { store } = await this.d.spend();
      result = await scopedAnalysis(store, order.scope);
      workbook = await analysisWorkbook(order, result);
    } catch (e) {
      const failed: StoredOrder = {
        ...running,
        state: 'failed',
        version: running.version + 1,
        failureReason: `Analysen feilet: ${(e as Error).message}`.slice(0, 500),
      };
      await this.save(failed, running.version);
      this.d.log?.('error', 'Innkjøpsanalysen feilet', e);
      return this.view(user, failed);
    }
    let document: SpendOrder['document'] = null;
    if (order.scope.agreementId && this.d.file) {
      try {
        document = await this.d.file(user, {
          contractId: order.scope.agreementId,
          order: running,
          fileName: `innkjopsanalyse-${order.id.slice(0, 8)}.xlsx`,
          workbook,
        });
      } catch (e) {
        document = { id: '', status: 'failed', failureReason: (e as Error).message.slice(0, 500) };
        this.d.log?.('error', 'Arkivering av innkjøpsanalysen feilet', e);
      }
    }
    const done: StoredOrder = {
      ...running,
      state: 'done',
      version: running.version + 1,
      completedAt: this.now(),
      summary: result.summary,
      document,
    };
    await this.save(done, running.version, result);
    try {
      await this.d.notify?.(done);
    } catch (e) {
      this.d.log?.('error', 'Varsel om innkjøpsanalyse kunne ikke legges i utboksen', e);
    }
    return this.view(user, done);
  }

  /** The stored analysis of a finished order. */
  async result(user: User, id: string): Promise<{ order: SpendOrder } & AnalysisResult> {
    const { order, result } = await this.visible(user, id);
    if (order.state !== 'done' || !result)
      throw new DomainError('conflict', 'Analysen er ikke ferdig');
    return { order: await this.view(user, order), ...result };
  }

  /** The Excel file of a finished order, rebuilt from the stored result (the same data every time). */
  async workbook(user: User, id: string): Promise<{ fileName: string; bytes: Buffer }> {
    const r = await this.result(user, id);
    return {
      fileName: `innkjopsanalyse-${id.slice(0, 8)}.xlsx`,
      bytes: await analysisWorkbook(r.order, r),
    };
  }

  /** Values present in the data, for the order form's pickers. */
  async choices(user: User): Promise<{
    units: string[];
    categories: { code: string; nokOre: number }[];
    suppliers: { orgnr: string; name: string }[];
  }> {
    if (user.role === 'reader') throw forbidden('Lesere kan ikke bestille innkjøpsanalyser');
    const { store } = await this.d.spend();
    await ensureAggregates(store);
    const units = await store.rows<{ u: string }>(
      'SELECT DISTINCT unit AS u FROM spend_agg_leakage WHERE unit IS NOT NULL ORDER BY 1 LIMIT 2000',
    );
    const cats = await store.rows<{ c: string; n: bigint }>(
      `SELECT substr(cpv, 1, 3) AS c, sum(ore)::BIGINT AS n FROM spend_agg_leakage
        WHERE cpv IS NOT NULL GROUP BY 1 ORDER BY 1 LIMIT 2000`,
    );
    const suppliers = await store.rows<{ o: string; n: string | null }>(
      `SELECT supplier_orgnr AS o, any_value(supplier_name) AS n FROM spend_document
        WHERE supplier_orgnr IS NOT NULL GROUP BY 1 ORDER BY 2, 1 LIMIT 2000`,
    );
    return {
      units: units.map((r) => r.u),
      categories: cats.map((r) => ({ code: r.c, nokOre: Number(r.n) })),
      suppliers: suppliers.map((r) => ({ orgnr: r.o, name: r.n ?? '' })),
    };
  }

  /** Today in Oslo (for notifications). */
  today(): string {
    return osloToday(this.d.clock());
  }
}
