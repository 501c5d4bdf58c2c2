/**
 * Spend analysis over HTTP, for Kontraktservice only: uploads (EHF zip or XML, or ledger CSV with a
 * column mapping) run as jobs whose progress the tab polls, the three reports as JSON or Excel, drill-down to invoice lines, price
 * lists, exchange rates and index values. The DuckDB store is opened on first use.
 */
import { randomUUID } from 'node:crypto';
import express, { type Request, Router } from 'express';
import { z } from 'zod';
import { DomainError, forbidden, isAdmin, notFound } from '../../core/index.ts';
import { parseRate } from '../../core/spend/rates.ts';
import type { Services } from '../../services.ts';
import { leakageWorkbook, priceControlWorkbook, turnoverWorkbook } from '../../spend/excel.ts';
import type { IngestDetails, IngestSummary } from '../../spend/ingest/ingest.ts';
import { uploadSource } from '../../spend/ingest/sources.ts';
import {
  DEFAULT_LEDGER_MAPPING,
  LEDGER_FIELDS,
  LedgerColumnsError,
  type LedgerDelimiter,
  type LedgerEncoding,
  type LedgerMapping,
  LedgerTextError,
  ledgerEncoding,
  ledgerMappingSchema,
  ledgerStream,
  previewLedger,
  resolveLedgerColumns,
} from '../../spend/ledger.ts';
import { type OrderState, orderInputSchema } from '../../spend/orders.ts';
import { NorgesBankRates } from '../../spend/rates/norges-bank.ts';
import { SsbKpi } from '../../spend/rates/ssb-kpi.ts';
import { lineDrilldown } from '../../spend/reports.ts';
import type { SpendService } from '../../spend/service.ts';
import { afterSpendChange, spendOrdersFor, spendServiceFor } from '../../spend/wire.ts';
import { currentUser } from '../auth.ts';
import { HttpError } from '../errors.ts';
import { parseWith } from '../http.ts';
import {
  errors,
  fileBody,
  fileResponse,
  itemsOf,
  jsonBody,
  type OpenApiPaths,
  ok,
  type Parameter,
  pathParameter,
  queryParameters,
  XLSX,
} from '../openapi-parts.ts';

export interface SpendRouteOptions {
  /** Largest accepted upload in bytes (default 512 MiB). */
  readonly maxUploadBytes?: number;
  /** Opens the spend service (default: `<dataDir>/spend.duckdb` with the register's contracts). */
  readonly open?: () => Promise<SpendService>;
}

interface Job {
  readonly id: string;
  /** `ehf`: zip or XML invoices; `ledger`: ledger CSV (`files` counts its rows). */
  readonly kind: 'ehf' | 'ledger';
  readonly name: string;
  readonly totalBytes: number;
  state: 'running' | 'done' | 'failed';
  files: number;
  bytes: number;
  summary: IngestSummary | null;
  error: string | null;
  readonly startedAt: string;
}

const isoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'må være ÅÅÅÅ-MM-DD');
const turnoverQuery = z.object({
  agreementId: z.string().max(100).optional(),
  from: isoDate.optional(),
  to: isoDate.optional(),
});
const leakageQuery = z.object({
  today: isoDate.optional(),
  categoryDigits: z.coerce.number().int().min(2).max(8).optional(),
});
const pricesQuery = z.object({ tolerance: z.coerce.number().int().min(0).max(10_000).optional() });
const linesQuery = z.object({
  agreementId: z.string().max(100).optional(),
  supplier: z.string().max(100).optional(),
  unmatchedClass: z
    .enum(['other_supplier_in_category', 'after_expiry', 'before_start', 'no_agreement'])
    .optional(),
  limit: z.coerce.number().int().min(1).max(5000).optional(),
});
const indexFetchBody = z.object({ months: z.number().int().min(1).max(600).optional() }).strict();
const ordersQuery = z.object({
  state: z
    .string()
    .regex(
      /^(ordered|running|done|failed|cancelled)(,(ordered|running|done|failed|cancelled))*$/,
      'kommaliste av ordered, running, done, failed, cancelled',
    )
    .optional(),
  mine: z.enum(['true', 'false']).optional(),
  limit: z.coerce.number().int().min(1).max(500).optional(),
});
const rateBody = z
  .object({
    currency: z.string().regex(/^[A-Z]{3}$/, 'valutakode med tre bokstaver'),
    date: isoDate,
    rate: z.string().regex(/^\d+([.,]\d{1,6})?$/, 'kurs som desimaltall, NOK per enhet'),
  })
  .strict();
const fetchBody = z
  .object({
    currencies: z
      .array(z.string().regex(/^[A-Z]{3}$/))
      .min(1)
      .max(40),
    from: isoDate,
    to: isoDate,
  })
  .strict();
const indexBody = z
  .object({
    index: z.string().trim().min(1).max(100),
    period: z.string().regex(/^\d{4}(-(0[1-9]|1[0-2]))?$/, 'ÅÅÅÅ-MM'),
    value: z.string().regex(/^\d+([.,]\d)?$/, 'indeksverdi med høyst én desimal'),
  })
  .strict();

const uploadKindQuery = z.object({
  kind: z
    .enum(['ehf', 'ledger'], { error: 'ehf (zip/XML, standard) eller ledger (regnskaps-CSV)' })
    .default('ehf'),
});
/** A ledger upload: the column mapping as query parameters (strict: a misspelt name is a 400). */
const ledgerUploadQuery = ledgerMappingSchema
  .extend({ kind: z.literal('ledger'), name: z.string().max(300).optional() })
  .strict();
const ledgerPreviewQuery = z
  .object({
    delimiter: ledgerMappingSchema.shape.delimiter,
    partial: z.enum(['true', 'false']).optional(),
  })
  .strict();
/**
 * The ledger upload's query; an unknown parameter (a misspelt field) is named as the field. Without
 * any column named, the default Norwegian column names apply (as in the CLI).
 */
function parseLedgerQuery(query: unknown): z.output<typeof ledgerUploadQuery> {
  const given = (query ?? {}) as Record<string, unknown>;
  const named = LEDGER_FIELDS.some((f) => given[f.name] !== undefined);
  const parsed = ledgerUploadQuery.safeParse(
    named ? given : { ...DEFAULT_LEDGER_MAPPING, ...given },
  );
  if (parsed.success) return parsed.data;
  const issues = parsed.error.issues.flatMap((i) =>
    i.code === 'unrecognized_keys'
      ? i.keys.map((k) => ({
          field: k,
          message: `ukjent parameter; feltene er ${LEDGER_FIELDS.map((f) => f.name).join(', ')}, delimiter, name og kind`,
        }))
      : [{ field: i.path.map(String).join('.') || '(query)', message: i.message }],
  );
  throw new DomainError(
    'validation',
    `Ugyldig kolonnetilordning: ${issues.map((i) => `${i.field}: ${i.message}`).join('; ')}`,
    issues,
  );
}
/** The preview reads the start of a file only; the tab sends its first 64 KiB. */
const MAX_PREVIEW_BYTES = 1024 * 1024;

/**
 * Checks a ledger upload before its job starts: the body is CSV text (else 400 on `body`), and every
 * column the mapping names is in the header row (else 400 naming each field and its column). The
 * delimiter, when not given, is the one the header uses.
 */
function checkLedgerBody(
  body: Buffer,
  columns: LedgerMapping,
): { encoding: LedgerEncoding; mapping: LedgerMapping } {
  const enc = ledgerEncoding(body);
  if ('error' in enc) {
    throw new DomainError('validation', enc.error, [{ field: 'body', message: enc.error }]);
  }
  let header: string[];
  let delimiter: LedgerDelimiter;
  try {
    const p = previewLedger(body, {
      rows: 0,
      ...(columns.delimiter ? { delimiter: columns.delimiter } : {}),
    });
    header = p.columns;
    delimiter = p.delimiter;
  } catch (e) {
    if (e instanceof LedgerTextError) {
      throw new DomainError('validation', e.message, [{ field: 'body', message: e.message }]);
    }
    throw e;
  }
  const mapping: LedgerMapping = { ...columns, delimiter };
  const { missing } = resolveLedgerColumns(header, mapping);
  if (missing.length > 0) {
    const err = new LedgerColumnsError(missing, header);
    throw new DomainError(
      'validation',
      err.message,
      missing.map((m) => ({
        field: m.field,
        message: `kolonnen «${m.column}» finnes ikke i filen`,
      })),
    );
  }
  return { encoding: enc.encoding, mapping };
}

const safeName = (raw: unknown) =>
  String(raw ?? 'opplasting')
    .replace(/[^\p{L}\p{N}._ -]/gu, '_')
    .slice(0, 200) || 'opplasting';

/** Largest rate series file accepted (four years of daily rates for all currencies ≈ 1 MB). */
const MAX_RATE_FILE_BYTES = 5 * 1024 * 1024;

/** A source outside this machine that cannot be reached or answers wrongly: 502, naming it. */
async function upstream<T>(name: string, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (e) {
    if (e instanceof DomainError || e instanceof HttpError) throw e;
    throw new HttpError(
      502,
      `${name} kunne ikke nås eller svarte med feil: ${(e as Error).message}`,
    );
  }
}

const jsonSafe = (value: unknown) =>
  JSON.parse(JSON.stringify(value, (_k, v) => (typeof v === 'bigint' ? Number(v) : v)));

export function spendRoutes(services: Services, options: SpendRouteOptions = {}): Router {
  const router = Router();
  const maxUpload = options.maxUploadBytes ?? 512 * 1024 * 1024;
  let opening: Promise<SpendService> | null = null;
  const spend = () => {
    opening ??= options.open?.() ?? spendServiceFor(services);
    return opening;
  };
  const orders = () => spendOrdersFor(services, spend);
  /** Report tables and ceiling-alert tasks after data changed; a failure here is only logged. */
  const afterChange = async (s: SpendService) => {
    try {
      await afterSpendChange(services, s);
    } catch (e) {
      services.log('error', 'Oppdatering etter innlesing feilet (rapporttabeller/takvarsler)', e);
    }
  };
  const jobs = new Map<string, Job>();
  // One ingest at a time: DuckDB has one writer, and two workers already use both cores.
  let queue: Promise<unknown> = Promise.resolve();

  const admin = (req: Request) => {
    const user = currentUser(req);
    if (!isAdmin(user)) throw forbidden('Bare Kontraktservice har tilgang til innkjøpsanalysen');
    return user;
  };

  const newJob = (kind: Job['kind'], name: string, totalBytes: number): Job => {
    const job: Job = {
      id: randomUUID(),
      kind,
      name,
      totalBytes,
      state: 'running',
      files: 0,
      bytes: 0,
      summary: null,
      error: null,
      startedAt: services.clock().toISOString(),
    };
    jobs.set(job.id, job);
    return job;
  };
  /** Runs an ingest job after the ones before it; the job records its outcome. */
  const runJob = (job: Job, ingest: (s: SpendService) => Promise<IngestDetails>) => {
    queue = queue.then(async () => {
      try {
        const s = await spend();
        const r = await ingest(s);
        job.summary = r.summary;
        job.bytes = job.totalBytes;
        await afterChange(s);
        job.state = 'done';
      } catch (e) {
        job.state = 'failed';
        job.error = (e as Error).message;
        services.log('error', 'Innlesing feilet', e);
      }
    });
  };

  router.post(
    '/spend/uploads',
    (req, _res, next) => {
      admin(req);
      next();
    },
    express.raw({ type: () => true, limit: maxUpload }),
    async (req, res) => {
      const { kind } = parseWith(uploadKindQuery, req.query);
      const body = req.body as Buffer;
      if (!Buffer.isBuffer(body) || body.length === 0) {
        throw new DomainError('validation', 'Opplastingen er tom', [
          {
            field: 'body',
            message: kind === 'ledger' ? 'mangler fil (CSV)' : 'mangler fil (zip eller XML)',
          },
        ]);
      }
      let job: Job;
      if (kind === 'ledger') {
        const { kind: _kind, name, ...columns } = parseLedgerQuery(req.query);
        const checked = checkLedgerBody(body, columns);
        job = newJob(
          'ledger',
          safeName(name ?? req.header('x-file-name') ?? 'regnskapsdata.csv'),
          body.length,
        );
        runJob(job, (s) =>
          s.ingestLedger(ledgerStream(body, checked.encoding), checked.mapping, {
            fileName: job.name,
            onProgress: (p) => {
              job.files = p.files;
              job.bytes = Math.min(p.bytes, job.totalBytes);
            },
          }),
        );
      } else {
        job = newJob('ehf', safeName(req.query.name ?? req.header('x-file-name')), body.length);
        runJob(job, (s) =>
          s.ingest(uploadSource(job.name, body), {
            workers: 2,
            onProgress: (p) => {
              job.files = p.files;
              job.bytes = p.bytes;
            },
          }),
        );
      }
      res.status(202).location(`/api/spend/uploads/${job.id}`).json(job);
    },
  );

  router.post(
    '/spend/uploads/ledger-preview',
    (req, _res, next) => {
      admin(req);
      next();
    },
    express.raw({ type: () => true, limit: MAX_PREVIEW_BYTES }),
    (req, res) => {
      const q = parseWith(ledgerPreviewQuery, req.query);
      const body = req.body as Buffer;
      if (!Buffer.isBuffer(body) || body.length === 0) {
        throw new DomainError('validation', 'Opplastingen er tom', [
          { field: 'body', message: 'mangler starten av CSV-filen' },
        ]);
      }
      try {
        const preview = previewLedger(body, {
          ...(q.delimiter ? { delimiter: q.delimiter } : {}),
          partial: q.partial === 'true',
        });
        res.json({ ...preview, fields: LEDGER_FIELDS });
      } catch (e) {
        if (e instanceof LedgerTextError) {
          throw new DomainError('validation', e.message, [{ field: 'body', message: e.message }]);
        }
        throw e;
      }
    },
  );

  router.get('/spend/uploads/:id', (req, res) => {
    admin(req);
    const job = jobs.get(req.params.id);
    if (!job) throw notFound('Innlesingen');
    res.json(job);
  });

  router.get('/spend/overview', async (req, res) => {
    admin(req);
    res.json(await (await spend()).overview());
  });

  router.get('/spend/reports/turnover', async (req, res) => {
    admin(req);
    const q = parseWith(turnoverQuery, req.query);
    res.json(jsonSafe(await (await spend()).turnover(q)));
  });

  router.get('/spend/reports/leakage', async (req, res) => {
    admin(req);
    const q = parseWith(leakageQuery, req.query);
    res.json(jsonSafe(await (await spend()).leakage(q)));
  });

  router.get('/spend/reports/prices', async (req, res) => {
    admin(req);
    const q = parseWith(pricesQuery, req.query);
    res.json(jsonSafe(await (await spend()).priceControl({ toleranceBp: q.tolerance })));
  });

  router.get('/spend/reports/:kind.xlsx', async (req, res) => {
    admin(req);
    const s = await spend();
    let book: Buffer;
    if (req.params.kind === 'turnover')
      book = await turnoverWorkbook(await s.turnover(parseWith(turnoverQuery, req.query)));
    else if (req.params.kind === 'leakage')
      book = await leakageWorkbook(await s.leakage(parseWith(leakageQuery, req.query)));
    else if (req.params.kind === 'prices') {
      const q = parseWith(pricesQuery, req.query);
      book = await priceControlWorkbook(await s.priceControl({ toleranceBp: q.tolerance }));
    } else throw notFound('Rapporten');
    res
      .type('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet')
      .attachment(`innkjopsanalyse-${req.params.kind}.xlsx`)
      .send(book);
  });

  router.get('/spend/lines', async (req, res) => {
    admin(req);
    const q = parseWith(linesQuery, req.query);
    const s = await spend();
    res.json({
      items: await lineDrilldown(s.store, {
        agreementId: q.agreementId,
        supplierKey: q.supplier,
        unmatchedClass: q.unmatchedClass,
        limit: q.limit,
      }),
    });
  });

  router.get('/spend/pricelists', async (req, res) => {
    admin(req);
    res.json({ agreements: await (await spend()).priceLists() });
  });

  router.get('/spend/pricelists/:agreement', async (req, res) => {
    admin(req);
    res.json(await (await spend()).priceList(String(req.params.agreement)));
  });

  router.post(
    '/spend/pricelists/:agreement',
    (req, _res, next) => {
      admin(req);
      next();
    },
    express.raw({ type: () => true, limit: 32 * 1024 * 1024 }),
    async (req, res) => {
      const name = safeName(req.query.name ?? req.header('x-file-name') ?? 'prisliste.csv');
      const count = await (await spend()).importPriceList(
        String(req.params.agreement),
        name,
        req.body as Buffer,
      );
      res.status(201).json({ imported: count });
    },
  );

  router.post('/spend/rates', async (req, res) => {
    admin(req);
    const b = parseWith(rateBody, req.body);
    const rate = parseRate(b.rate.replace(',', '.'));
    if (rate === null) {
      throw new DomainError('validation', 'Ugyldig kurs', [
        { field: 'rate', message: 'må være større enn 0' },
      ]);
    }
    const s = await spend();
    const r = await s.addRates([
      { currency: b.currency, date: b.date, nokPerUnitMicro: rate, source: 'manual' },
    ]);
    if (r.converted > 0) await afterChange(s);
    res.status(201).json({ ok: true, converted: r.converted });
  });

  router.get('/spend/rates', async (req, res) => {
    admin(req);
    res.json(await (await spend()).rateOverview());
  });

  router.post('/spend/rates/fetch', async (req, res) => {
    admin(req);
    const b = parseWith(fetchBody, req.body);
    const s = await spend();
    const norgesBank = new NorgesBankRates(services.config.NORGES_BANK_API_URL);
    const r = await s.fetchRates(
      { fetch: (...a) => upstream('Norges Bank', () => norgesBank.fetch(...a)) },
      b.currencies,
      b.from,
      b.to,
    );
    if (r.converted > 0) await afterChange(s);
    res.json(r);
  });

  router.post(
    '/spend/rates/import',
    (req, _res, next) => {
      admin(req);
      next();
    },
    express.raw({ type: () => true, limit: MAX_RATE_FILE_BYTES }),
    async (req, res) => {
      const body = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
      const text = new TextDecoder('utf-8', { fatal: false }).decode(body);
      const s = await spend();
      const r = await s.importRates(text);
      if (r.converted > 0) await afterChange(s);
      res.status(201).json(r);
    },
  );

  router.post('/spend/index-values', async (req, res) => {
    admin(req);
    const b = parseWith(indexBody, req.body);
    const [int, dec = '0'] = b.value.split(/[.,]/) as [string, string?];
    await (await spend()).addIndexValue(b.index, b.period, Number(int) * 10 + Number(dec));
    res.status(201).json({ ok: true });
  });

  router.get('/spend/index-values', async (req, res) => {
    admin(req);
    res.json({ values: await (await spend()).indexValues() });
  });

  router.post('/spend/index-values/fetch', async (req, res) => {
    admin(req);
    const b = parseWith(indexFetchBody, req.body ?? {});
    const ssb = new SsbKpi(services.config.SSB_API_URL);
    res.json(
      await (await spend()).fetchIndexValues(
        { fetch: (months) => upstream('SSB', () => ssb.fetch(months)) },
        b.months ?? 36,
      ),
    );
  });

  router.post('/spend/refresh', async (req, res) => {
    admin(req);
    const s = await spend();
    const r = await s.refresh();
    await afterChange(s);
    res.json(r);
  });

  // ---------------------------------------------------------------- ordered analyses
  router.post('/spend/orders', async (req, res) => {
    const order = await orders().create(currentUser(req), req.body);
    res.status(201).location(`/api/spend/orders/${order.id}`).json(order);
  });

  router.get('/spend/orders', async (req, res) => {
    const q = parseWith(ordersQuery, req.query);
    res.json(
      await orders().list(currentUser(req), {
        states: q.state ? (q.state.split(',') as OrderState[]) : undefined,
        mine: q.mine === 'true',
        limit: q.limit,
      }),
    );
  });

  router.get('/spend/orders/choices', async (req, res) => {
    res.json(await orders().choices(currentUser(req)));
  });

  router.get('/spend/orders/:id', async (req, res) => {
    res.json(await orders().get(currentUser(req), String(req.params.id)));
  });

  router.post('/spend/orders/:id/run', async (req, res) => {
    res.json(await orders().run(currentUser(req), String(req.params.id), req.body ?? {}));
  });

  router.post('/spend/orders/:id/cancel', async (req, res) => {
    res.json(await orders().cancel(currentUser(req), String(req.params.id), req.body ?? {}));
  });

  router.get('/spend/orders/:id/result.xlsx', async (req, res) => {
    const book = await orders().workbook(currentUser(req), String(req.params.id));
    res
      .type('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet')
      .attachment(book.fileName)
      .send(book.bytes);
  });

  router.get('/spend/orders/:id/result', async (req, res) => {
    res.json(await orders().result(currentUser(req), String(req.params.id)));
  });

  return router;
}

export {
  fetchBody,
  indexBody,
  indexFetchBody,
  leakageQuery,
  linesQuery,
  ordersQuery,
  pricesQuery,
  rateBody,
  turnoverQuery,
};

const tags = ['Innkjøpsanalyse'];
const spendErrors = errors(400, 403);
const fileName: Parameter = {
  name: 'name',
  in: 'query',
  required: false,
  description: 'Filnavnet (ellers X-File-Name); tegn utenom bokstaver, tall og ._- byttes ut',
  schema: { type: 'string' },
};
const orderId = pathParameter('id', 'Bestillingens id');
/** Order actions read their bodies in the order service (src/spend/orders.ts). */
const orderComment = {
  type: 'object',
  additionalProperties: false,
  properties: { comment: { type: ['string', 'null'], maxLength: 2000 } },
};
const orderReason = {
  type: 'object',
  additionalProperties: false,
  required: ['reason'],
  properties: { reason: { type: 'string', minLength: 1, maxLength: 2000 } },
};
const reportQuery = (kind: string) =>
  kind === 'turnover'
    ? queryParameters(turnoverQuery)
    : kind === 'leakage'
      ? queryParameters(leakageQuery)
      : queryParameters(pricesQuery);

/** OpenAPI paths of the spend analysis (Kontraktservice only, except the ordered analyses). */
export const openApi: OpenApiPaths = {
  '/api/spend/uploads': {
    post: {
      tags,
      summary:
        'Last opp fakturaer (zip eller XML) eller regnskapsdata (CSV); innlesingen går som en jobb',
      description:
        'kind=ehf (standard): kroppen er en zip- eller XML-fil med EHF-fakturaer. kind=ledger: kroppen er ' +
        'en CSV-fil med én postering per rad og overskriftsrad; kolonnetilordningen gis som parametre ' +
        '(kolonnenavnet i filen for hvert felt; store/små bokstaver spiller ingen rolle). Påkrevd: ' +
        'supplierOrgnr, date, amount, documentNumber. Uten noen kolonne gitt gjelder standardnavnene ' +
        '(orgnr, leverandør, bilagsdato, beløp, bilagsnummer, valuta, ansvar, tekst, cpv, konto). ' +
        'Ukjente parametre, en tilordning uten et påkrevd ' +
        'felt, og kolonner som ikke finnes i overskriftsraden gir 400 med feltet navngitt. Tekst i UTF-8 ' +
        'eller Windows-1252; binære filer, zip, PDF og XML avvises med 400 (felt body). Skilletegn: ' +
        'delimiter, ellers det overskriftsraden bruker. Jobben teller rader i files og leste byte i bytes; ' +
        'rader som ikke kan leses står i summary.errors som { file: "<navn>, linje N", reason }.',
      parameters: [
        fileName,
        {
          name: 'kind',
          in: 'query',
          required: false,
          description: 'ehf (standard) eller ledger',
          schema: { type: 'string', enum: ['ehf', 'ledger'], default: 'ehf' },
        },
        ...queryParameters(ledgerMappingSchema).map((p) => ({
          ...p,
          required: false,
          description:
            p.name === 'delimiter'
              ? 'kind=ledger: skilletegnet (; , tabulator %09 eller |); standard: det overskriftsraden bruker'
              : `kind=ledger: kolonnen i CSV-filen for feltet ${p.name}${LEDGER_FIELDS.find((f) => f.name === p.name)?.required ? ' (påkrevd)' : ''}`,
        })),
      ],
      requestBody: fileBody('Filen selv', ['application/zip', 'application/xml', 'text/csv']),
      responses: { 202: ok('Jobben (Location); følg den med GET'), ...errors(400, 403, 413) },
    },
  },
  '/api/spend/uploads/ledger-preview': {
    post: {
      tags,
      summary:
        'Les overskriftsraden og de første radene av en regnskaps-CSV og foreslå kolonnetilordning',
      description:
        'Kroppen er starten av CSV-filen (høyst 1 MiB; fanen sender de første 64 KiB, partial=true når ' +
        'filen er lengre). Svar: { encoding, delimiter, columns, rows (de første radene), suggestion ' +
        '(felt → kolonne, funnet etter standardnavnene og vanlige varianter), fields: [{ name, required }] }.',
      parameters: queryParameters(ledgerPreviewQuery),
      requestBody: fileBody('Starten av CSV-filen', ['text/csv']),
      responses: { 200: ok('Kolonner, første rader og forslag'), ...errors(400, 403, 413) },
    },
  },
  '/api/spend/uploads/{id}': {
    get: {
      tags,
      summary: 'Status for en innlesing (filer, byte, oppsummering)',
      parameters: [pathParameter('id', 'Jobbens id')],
      responses: { 200: ok('Jobben'), ...errors(403, 404) },
    },
  },
  '/api/spend/overview': {
    get: {
      tags,
      summary:
        'Hva lageret holder: fakturaer, kreditnotaer, linjer, leverandører, første og siste fakturadato',
      responses: { 200: ok('Oversikten'), ...spendErrors },
    },
  },
  '/api/spend/reports/turnover': {
    get: {
      tags,
      summary: 'Omsetning per avtale',
      parameters: reportQuery('turnover'),
      responses: { 200: ok('Rapporten'), ...spendErrors },
    },
  },
  '/api/spend/reports/leakage': {
    get: {
      tags,
      summary: 'Kjøp utenfor avtale (lekkasje)',
      parameters: reportQuery('leakage'),
      responses: { 200: ok('Rapporten'), ...spendErrors },
    },
  },
  '/api/spend/reports/prices': {
    get: {
      tags,
      summary: 'Priskontroll mot prislister',
      parameters: reportQuery('prices'),
      responses: { 200: ok('Rapporten'), ...spendErrors },
    },
  },
  '/api/spend/reports/{kind}.xlsx': {
    get: {
      tags,
      summary: 'En rapport som Excel-arbeidsbok (parametrene til rapporten kind)',
      parameters: [
        pathParameter('kind', 'Rapporten', { enum: ['turnover', 'leakage', 'prices'] }),
        ...[...reportQuery('turnover'), ...reportQuery('leakage'), ...reportQuery('prices')].map(
          (p) => ({ ...p, description: 'Brukes av rapporten som har parameteren' }),
        ),
      ],
      responses: { 200: fileResponse('Arbeidsboken', XLSX), ...errors(400, 403, 404) },
    },
  },
  '/api/spend/lines': {
    get: {
      tags,
      summary: 'Fakturalinjer bak en rapportlinje',
      parameters: queryParameters(linesQuery),
      responses: { 200: ok('Fakturalinjer', itemsOf()), ...spendErrors },
    },
  },
  '/api/spend/pricelists': {
    get: {
      tags,
      summary: 'Avtalene med størrelsen og perioden på prislisten (0 varer: ingen prisliste)',
      responses: {
        200: ok('Avtalene', {
          type: 'object',
          properties: {
            agreements: {
              type: 'array',
              items: {
                type: 'object',
                properties: {
                  agreementId: { type: 'string' },
                  referenceNumber: { type: 'string' },
                  title: { type: 'string', nullable: true },
                  items: { type: 'integer' },
                  firstValidFrom: { type: 'string', format: 'date', nullable: true },
                  lastValidFrom: { type: 'string', format: 'date', nullable: true },
                  currencies: { type: 'array', items: { type: 'string' } },
                },
              },
            },
          },
        }),
        ...errors(403),
      },
    },
  },
  '/api/spend/pricelists/{agreement}': {
    get: {
      tags,
      summary: 'Prislisten til en avtale (id eller referansenummer), slik den er lest inn',
      parameters: [pathParameter('agreement', 'Avtalens id eller referansenummer')],
      responses: {
        200: ok('Prislisten', {
          type: 'object',
          properties: {
            agreementId: { type: 'string' },
            referenceNumber: { type: 'string' },
            title: { type: 'string', nullable: true },
            items: {
              type: 'array',
              items: {
                type: 'object',
                properties: {
                  itemNumber: { type: 'string', nullable: true },
                  gtin: { type: 'string', nullable: true },
                  description: { type: 'string', nullable: true },
                  unit: { type: 'string' },
                  price: { type: 'string' },
                  currency: { type: 'string' },
                  validFrom: { type: 'string', format: 'date' },
                },
              },
            },
          },
        }),
        ...errors(403, 404),
      },
    },
    post: {
      tags,
      summary:
        'Last opp prisliste (CSV eller Excel, name=….xlsx) for en avtale; erstatter den forrige',
      parameters: [pathParameter('agreement', 'Avtalens id'), fileName],
      requestBody: fileBody('Prislisten', ['text/csv']),
      responses: {
        201: ok('Antall importerte priser', {
          type: 'object',
          properties: { imported: { type: 'integer' } },
        }),
        ...errors(400, 403, 404, 413),
      },
    },
  },
  '/api/spend/rates': {
    get: {
      tags,
      summary: 'Valutakursene per valuta (periode, dager, kilder) og dokumenter som mangler kurs',
      responses: {
        200: ok('Oversikten', {
          type: 'object',
          properties: {
            currencies: {
              type: 'array',
              items: {
                type: 'object',
                properties: {
                  currency: { type: 'string' },
                  from: { type: 'string', format: 'date' },
                  to: { type: 'string', format: 'date' },
                  days: { type: 'integer' },
                  sources: { type: 'object', additionalProperties: { type: 'integer' } },
                },
              },
            },
            missing: {
              type: 'array',
              items: {
                type: 'object',
                properties: {
                  currency: { type: 'string' },
                  documents: { type: 'integer' },
                  from: { type: 'string', format: 'date' },
                  to: { type: 'string', format: 'date' },
                },
              },
            },
          },
        }),
        ...errors(403),
      },
    },
    post: {
      tags,
      summary: 'Legg inn en valutakurs for hånd (dokumenter på datoen regnes om)',
      requestBody: jsonBody(rateBody),
      responses: {
        201: ok('Lagret', {
          type: 'object',
          properties: { ok: { type: 'boolean' }, converted: { type: 'integer' } },
        }),
        ...spendErrors,
      },
    },
  },
  '/api/spend/rates/fetch': {
    post: {
      tags,
      summary: 'Hent valutakurser fra Norges Bank',
      requestBody: jsonBody(fetchBody),
      responses: {
        200: ok('Antall hentede kurser og omregnede dokumenter', {
          type: 'object',
          properties: { fetched: { type: 'integer' }, converted: { type: 'integer' } },
        }),
        ...errors(400, 403, 502),
      },
    },
  },
  '/api/spend/rates/import': {
    post: {
      tags,
      summary:
        'Les inn en kursfil: «valuta;dato;kurs», tabellen «dato;EUR;100 SEK…» eller CSV fra Norges Bank (≤ 5 MiB)',
      parameters: [{ name: 'name', in: 'query', required: false, schema: { type: 'string' } }],
      requestBody: {
        required: true,
        content: { 'text/csv': { schema: { type: 'string' } } },
      },
      responses: {
        201: ok('Antall kurser og omregnede dokumenter', {
          type: 'object',
          properties: { imported: { type: 'integer' }, converted: { type: 'integer' } },
        }),
        ...errors(400, 403, 413),
      },
    },
  },
  '/api/spend/index-values': {
    get: {
      tags,
      summary: 'Indeksverdiene som gjelder (hentet, lagt inn for hånd, levert årssnitt)',
      responses: {
        200: ok('Verdiene', {
          type: 'object',
          properties: {
            values: {
              type: 'array',
              items: {
                type: 'object',
                properties: {
                  index: { type: 'string' },
                  period: { type: 'string' },
                  value: { type: 'string' },
                  source: { type: 'string' },
                },
              },
            },
          },
        }),
        ...errors(403),
      },
    },
    post: {
      tags,
      summary: 'Legg inn en indeksverdi for hånd (vinner over hentede)',
      requestBody: jsonBody(indexBody),
      responses: { 201: ok('Lagret'), ...spendErrors },
    },
  },
  '/api/spend/index-values/fetch': {
    post: {
      tags,
      summary: 'Hent konsumprisindeksen fra SSB (de siste months månedene, standard 36)',
      requestBody: jsonBody(indexFetchBody, { required: false }),
      responses: { 200: ok('Hentede måneder'), ...errors(400, 403, 502) },
    },
  },
  '/api/spend/refresh': {
    post: {
      tags,
      summary: 'Bygg rapporttabellene på nytt og vurder takvarsler',
      responses: { 200: ok('Resultatet'), ...errors(403) },
    },
  },
  '/api/spend/orders': {
    post: {
      tags,
      summary: 'Bestill en innkjøpsanalyse',
      requestBody: jsonBody(orderInputSchema),
      responses: { 201: ok('Bestillingen (Location)'), ...errors(400, 403) },
    },
    get: {
      tags,
      summary: 'Bestillinger brukeren kan se',
      parameters: queryParameters(ordersQuery),
      responses: { 200: ok('Bestillinger'), ...errors(400) },
    },
  },
  '/api/spend/orders/choices': {
    get: {
      tags,
      summary: 'Valgene i bestillingsskjemaet (enheter, avtaler)',
      responses: { 200: ok('Valgene') },
    },
  },
  '/api/spend/orders/{id}': {
    get: {
      tags,
      summary: 'Én bestilling',
      parameters: [orderId],
      responses: { 200: ok('Bestillingen'), ...errors(403, 404) },
    },
  },
  '/api/spend/orders/{id}/run': {
    post: {
      tags,
      summary: 'Kjør en bestilt analyse (Kontraktservice)',
      parameters: [orderId],
      requestBody: jsonBody(orderComment, { required: false }),
      responses: { 200: ok('Bestillingen'), ...errors(400, 403, 404, 409) },
    },
  },
  '/api/spend/orders/{id}/cancel': {
    post: {
      tags,
      summary: 'Avbestill (med grunn)',
      parameters: [orderId],
      requestBody: jsonBody(orderReason),
      responses: { 200: ok('Bestillingen'), ...errors(400, 403, 404, 409) },
    },
  },
  '/api/spend/orders/{id}/result': {
    get: {
      tags,
      summary: 'Resultatet av en ferdig analyse',
      parameters: [orderId],
      responses: { 200: ok('Resultatet'), ...errors(403, 404, 409) },
    },
  },
  '/api/spend/orders/{id}/result.xlsx': {
    get: {
      tags,
      summary: 'Resultatet som Excel-arbeidsbok',
      parameters: [orderId],
      responses: { 200: fileResponse('Arbeidsboken', XLSX), ...errors(403, 404, 409) },
    },
  },
};
