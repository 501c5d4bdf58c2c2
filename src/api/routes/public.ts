import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { Request, RequestHandler, Response } from 'express';
import { Router } from 'express';
import { rateLimit } from 'express-rate-limit';
import helmet from 'helmet';
import { documentsOf } from '../../archive/documents/compose.ts';
import { DomainError, PUBLIC } from '../../core/index.ts';
import {
  type CatalogueQuery,
  PUBLIC_SORTS,
  PublicCatalogue,
  type PublicDocument,
  STATUS_FILTERS,
} from '../../public/catalogue.ts';
import { agreementsCsv } from '../../public/csv.ts';
import { DEFAULT_LANG, isLang, LANGS, type Lang, MESSAGES } from '../../public/i18n.ts';
import { ocdsReleasePackage } from '../../public/ocds.ts';
import {
  agreementPage,
  agreementPath,
  BASE_PATH,
  iconSvg,
  messagePage,
  searchPage,
  themeCss,
} from '../../public/pages.ts';
import {
  cleanText,
  first,
  MAX_PAGE,
  MAX_QUERY_TEXT,
  parsePublicQuery,
  searchParams,
} from '../../public/query.ts';
import { loadPublicSettings, type PublicSettings } from '../../public/settings.ts';
import type { Services } from '../../services.ts';
import {
  errors,
  fileResponse,
  type OpenApiPaths,
  ok,
  type Parameter,
  PUBLIC_ACCESS,
  pathParameter,
} from '../openapi-parts.ts';

const API = '/api/public';
const STYLE = readFileSync(new URL('../../public/assets/style.css', import.meta.url), 'utf8');
const MAX_API_PAGE_SIZE = 100;

/** Strong ETag from the body: identical answers get identical tags, whatever produced them. */
export const etagFor = (body: string | Buffer): string =>
  `"${createHash('sha256').update(body).digest('base64url').slice(0, 32)}"`;

function notModified(req: Request, etag: string): boolean {
  const header = req.header('if-none-match');
  if (!header) return false;
  return header
    .split(',')
    .map((t) => t.trim().replace(/^W\//, ''))
    .some((t) => t === '*' || t === etag);
}

/** Sends a cacheable answer with ETag and Cache-Control, or 304 when the client has it. */
function sendCached(
  req: Request,
  res: Response,
  settings: PublicSettings,
  type: string,
  body: string,
  status = 200,
  etag = etagFor(body),
): void {
  res.setHeader('ETag', etag);
  res.setHeader(
    'Cache-Control',
    status === 200
      ? `public, max-age=${settings.cacheSeconds}, stale-while-revalidate=${settings.cacheSeconds * 5}`
      : 'no-store',
  );
  res.type(type);
  if (status === 200 && notModified(req, etag)) {
    res.status(304).end();
    return;
  }
  res.status(status).send(body);
}

interface Rendered {
  readonly body: string;
  readonly etag: string;
}

/**
 * Rendered search answers (pages and JSON lists) by canonical query, valid for one catalogue
 * generation: a change to the register starts a new generation, so nothing stale is served longer
 * than the snapshot itself would be. Least recently used entries go first.
 */
class ResponseCache {
  private generation = -1;
  private readonly entries = new Map<string, Rendered>();
  constructor(private readonly max: number) {}

  async get(generation: number, key: string, render: () => Promise<string>): Promise<Rendered> {
    if (generation !== this.generation) {
      this.entries.clear();
      this.generation = generation;
    }
    const hit = this.entries.get(key);
    if (hit) {
      this.entries.delete(key);
      this.entries.set(key, hit);
      return hit;
    }
    const body = await render();
    const rendered = { body, etag: etagFor(body) };
    if (this.max > 0 && generation === this.generation) {
      if (this.entries.size >= this.max) {
        const oldest = this.entries.keys().next().value;
        if (oldest !== undefined) this.entries.delete(oldest);
      }
      this.entries.set(key, rendered);
    }
    return rendered;
  }
}

const langOf = (req: Request): Lang => {
  const l = first(req.query.lang);
  return isLang(l) ? l : DEFAULT_LANG;
};

/** The public documents of a contract, through the archive's public projection. */
function archiveDocuments(services: Services) {
  return async (contractId: string): Promise<readonly PublicDocument[]> => {
    const views = await documentsOf(services).list(PUBLIC, contractId);
    return views
      .filter((d) => !d.withheld && d.screening === null)
      .map((d) => ({
        title: d.title,
        documentType: d.documentType,
        documentDate: d.documentDate,
        entryType: d.entryType,
      }));
  };
}

/** Content Security Policy for the catalogue: nothing inline, nothing from elsewhere. */
function contentSecurityPolicy(settings: PublicSettings) {
  const img = ["'self'"];
  if (settings.logoUrl && /^https?:/.test(settings.logoUrl))
    img.push(new URL(settings.logoUrl).origin);
  return helmet({
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        defaultSrc: ["'none'"],
        styleSrc: ["'self'"],
        imgSrc: img,
        formAction: ["'self'"],
        baseUri: ["'none'"],
        frameAncestors: ["'none'"],
      },
    },
    crossOriginEmbedderPolicy: false,
    frameguard: { action: 'deny' },
    referrerPolicy: { policy: 'strict-origin-when-cross-origin' },
  });
}

/**
 * The public framework-agreement catalogue: server-rendered pages at /rammeavtaler and open data
 * at /api/public. Anonymous; every answer is built from `PublicAgreement` (core), which is built
 * on the one projection `projectContract(PUBLIC, …)`.
 */
export function publicRoutes(services: Services): Router {
  const settings = loadPublicSettings(services.config);
  for (const warning of settings.warnings) services.log('error', `Offentlig katalog: ${warning}`);
  const catalogue = new PublicCatalogue({
    contracts: services.contracts,
    store: services.store,
    clock: services.clock,
    expiringWindowDays: services.config.EXPIRING_WINDOW_DAYS,
    documents: services.sqlite ? archiveDocuments(services) : undefined,
    log: (message, error) => services.log('error', message, error),
  });
  const router = Router();

  const limiter = rateLimit({
    windowMs: 60_000,
    limit: settings.rateLimitPerMinute,
    standardHeaders: 'draft-8',
    legacyHeaders: false,
    handler: (req, res) => {
      res.setHeader('Cache-Control', 'no-store');
      const lang = langOf(req);
      if (req.path.startsWith(API) || req.originalUrl.startsWith(API)) {
        res.status(429).json({ error: MESSAGES[lang].tooManyRequests, code: 'too_many_requests' });
      } else {
        const t = MESSAGES[lang];
        res
          .status(429)
          .type('html')
          .send(messagePage(lang, settings, t.tooManyRequests, t.tooManyRequests).value);
      }
    },
  });
  const security = contentSecurityPolicy(settings);
  const cors: RequestHandler = (_req, res, next) => {
    res.setHeader('Access-Control-Allow-Origin', '*');
    res.setHeader('Access-Control-Expose-Headers', 'ETag');
    next();
  };
  router.use([BASE_PATH, API], limiter, security);
  router.use(API, cors);

  // --- pages -----------------------------------------------------------------------------------
  router.get(`${BASE_PATH}/assets/style.css`, (req, res) => {
    sendCached(req, res, settings, 'text/css; charset=utf-8', STYLE);
  });
  router.get(`${BASE_PATH}/assets/theme.css`, (req, res) => {
    sendCached(req, res, settings, 'text/css; charset=utf-8', themeCss(settings));
  });

  router.get(`${BASE_PATH}/assets/icon.svg`, (req, res) => {
    sendCached(req, res, settings, 'image/svg+xml', iconSvg(settings));
  });

  const cache = new ResponseCache(settings.responseCacheEntries);

  router.get(BASE_PATH, async (req, res) => {
    const parsed = parsePublicQuery(req.query as Record<string, unknown>, {
      pageSize: settings.pageSize,
    });
    const { lang, query } = parsed;
    const params = searchParams(query, lang);
    const generation = await catalogue.generation();
    const page = await cache.get(generation, `page?${params}`, async () => {
      const [result, facets] = await Promise.all([catalogue.search(query), catalogue.facets(lang)]);
      return searchPage({ lang, settings, query, result, facets, params }).value;
    });
    sendCached(req, res, settings, 'text/html; charset=utf-8', page.body, 200, page.etag);
  });

  router.get(`${BASE_PATH}/avtale/:reference`, async (req, res) => {
    const lang = langOf(req);
    const reference = cleanText(String(req.params.reference ?? ''), 100);
    const found = reference ? await catalogue.agreement(reference) : null;
    if (!found) {
      const t = MESSAGES[lang];
      const page = messagePage(lang, settings, t.notFoundTitle, t.notFoundText); // the unknown reference is not echoed back, not even escaped
      sendCached(req, res, settings, 'text/html; charset=utf-8', page.value, 404);
      return;
    }
    const page = agreementPage({
      lang,
      settings,
      agreement: found.agreement,
      documents: found.documents,
      params: new URLSearchParams(),
    });
    sendCached(req, res, settings, 'text/html; charset=utf-8', page.value);
  });

  router.use(BASE_PATH, (req, res) => {
    const lang = langOf(req);
    const t = MESSAGES[lang];
    const page = messagePage(lang, settings, t.notFoundTitle, t.notFoundText);
    sendCached(req, res, settings, 'text/html; charset=utf-8', page.value, 404);
  });

  // --- open data -------------------------------------------------------------------------------
  const withUrl = <T extends { reference: string }>(a: T) => ({
    ...a,
    url: `${settings.baseUrl}${agreementPath(a.reference)}`,
  });

  router.get(`${API}/agreements`, async (req, res) => {
    const parsed = parsePublicQuery(req.query as Record<string, unknown>, {
      pageSize: settings.pageSize,
      maxPageSize: MAX_API_PAGE_SIZE,
    });
    if (parsed.issues.length > 0) {
      throw new DomainError(
        'validation',
        `Ugyldige parametre: ${parsed.issues.map((i) => `${i.field} ${i.message}`).join('; ')}`,
        parsed.issues,
      );
    }
    const q: CatalogueQuery = parsed.query;
    const generation = await catalogue.generation();
    const key = `json?${searchParams(q, DEFAULT_LANG, -1)}`;
    const answer = await cache.get(generation, key, async () => {
      const r = await catalogue.search(q);
      const link = (page: number) => {
        const p = searchParams({ ...q, page }, DEFAULT_LANG, settings.pageSize);
        const qs = p.toString();
        return `${settings.baseUrl}${API}/agreements${qs ? `?${qs}` : ''}`;
      };
      return JSON.stringify({
        items: r.items.map(withUrl),
        total: r.total,
        page: r.page,
        pageSize: r.pageSize,
        pages: r.pages,
        correctedText: r.correctedText,
        suggestion: r.suggestion,
        links: {
          self: link(r.page),
          first: link(1),
          last: link(r.pages),
          next: r.page < r.pages ? link(r.page + 1) : null,
          prev: r.page > 1 ? link(r.page - 1) : null,
        },
      });
    });
    sendCached(
      req,
      res,
      settings,
      'application/json; charset=utf-8',
      answer.body,
      200,
      answer.etag,
    );
  });

  const csvCache = new WeakMap<object, string>();
  router.get(`${API}/agreements.csv`, async (req, res) => {
    const { agreements } = await catalogue.all();
    let csv = csvCache.get(agreements);
    if (!csv) {
      csv = agreementsCsv(agreements);
      csvCache.set(agreements, csv);
    }
    res.setHeader('Content-Disposition', 'attachment; filename="rammeavtaler.csv"');
    sendCached(req, res, settings, 'text/csv; charset=utf-8', csv);
  });

  router.get(`${API}/agreements/:reference`, async (req, res) => {
    const reference = cleanText(String(req.params.reference ?? ''), 100);
    const found = reference ? await catalogue.agreement(reference) : null;
    if (!found) throw new DomainError('not_found', 'Avtalen finnes ikke eller er ikke publisert');
    const body = JSON.stringify({ ...withUrl(found.agreement), documents: found.documents });
    sendCached(req, res, settings, 'application/json; charset=utf-8', body);
  });

  const ocdsCache = new WeakMap<object, string>();
  router.get(`${API}/ocds`, async (req, res) => {
    const { agreements, lastModified } = await catalogue.all();
    let body = ocdsCache.get(agreements);
    if (!body) {
      body = JSON.stringify(
        ocdsReleasePackage(agreements, {
          settings,
          publishedDate: agreements.length ? lastModified : services.clock().toISOString(),
        }),
      );
      ocdsCache.set(agreements, body);
    }
    sendCached(req, res, settings, 'application/json; charset=utf-8', body);
  });

  router.get(`${API}/suggest`, async (req, res) => {
    const text = cleanText(first(req.query.q) ?? '');
    const body = JSON.stringify({ q: text, ...(await catalogue.suggest(text)) });
    sendCached(req, res, settings, 'application/json; charset=utf-8', body);
  });

  return router;
}

// --- OpenAPI ---------------------------------------------------------------------------------

const query = (name: string, description: string, schema: Parameter['schema']): Parameter => ({
  name,
  in: 'query',
  required: false,
  description,
  schema,
});
const langParam = query('lang', 'Språk (nb, nn, en)', { enum: [...LANGS], default: DEFAULT_LANG });
/** The parameters `parsePublicQuery` reads (the JSON API answers 400 to those it refuses). */
const searchParameters = (maxPageSize: number): Parameter[] => [
  query('q', 'Fritekst', { type: 'string', maxLength: MAX_QUERY_TEXT }),
  query('category', 'CPV-kode eller de to første sifrene', {
    type: 'string',
    pattern: '^\\d{2,8}(-\\d)?$',
  }),
  query('supplier', 'Leverandørens organisasjonsnummer', { type: 'string' }),
  query('status', 'Avtalestatus', { enum: [...STATUS_FILTERS], default: 'current' }),
  query('partners', 'Bare avtaler samarbeidspartnere kan bruke', {
    enum: ['1', '0', 'true', 'false', 'on'],
  }),
  query('sort', 'Sortering', { enum: [...PUBLIC_SORTS] }),
  query('page', 'Side', { type: 'integer', minimum: 1, maximum: MAX_PAGE, default: 1 }),
  query('pageSize', 'Treff per side', { type: 'integer', minimum: 1, maximum: maxPageSize }),
  langParam,
];
const reference = pathParameter('reference', 'Avtalens referansenummer', {
  type: 'string',
  maxLength: 100,
});
const tags = ['Offentlig katalog'];
const pageTags = ['Offentlig katalog (sider)'];
const cached = {
  headers: {
    ETag: {
      description: 'Sterk ETag av innholdet (If-None-Match gir 304)',
      schema: { type: 'string' },
    },
  },
};
const unchanged = { 304: { description: 'Uendret siden If-None-Match' } };
const limited = errors(429);
const page = (summary: string, parameters: Parameter[] = [langParam]) => ({
  tags: pageTags,
  summary,
  security: PUBLIC_ACCESS,
  parameters,
  responses: {
    200: { ...fileResponse('Siden', 'text/html'), ...cached },
    ...unchanged,
    ...limited,
  },
});
const asset = (summary: string, mediaType: string) => ({
  tags: pageTags,
  summary,
  security: PUBLIC_ACCESS,
  responses: { 200: { ...fileResponse(summary, mediaType), ...cached }, ...unchanged, ...limited },
});

/** OpenAPI paths of the public catalogue: anonymous, rate limited, cacheable. */
export const openApi: OpenApiPaths = {
  [BASE_PATH]: { get: page('Søk i rammeavtalene (HTML)', searchParameters(100)) },
  [`${BASE_PATH}/avtale/{reference}`]: {
    get: {
      ...page('Én rammeavtale (HTML)', [reference, langParam]),
      responses: {
        ...page('').responses,
        404: fileResponse('Avtalen finnes ikke eller er ikke publisert', 'text/html'),
      },
    },
  },
  [`${BASE_PATH}/assets/style.css`]: { get: asset('Stilark', 'text/css') },
  [`${BASE_PATH}/assets/theme.css`]: { get: asset('Fargetema', 'text/css') },
  [`${BASE_PATH}/assets/icon.svg`]: { get: asset('Ikon', 'image/svg+xml') },
  [`${API}/agreements`]: {
    get: {
      tags,
      summary: 'Søk i publiserte rammeavtaler (åpne data, CORS)',
      security: PUBLIC_ACCESS,
      parameters: searchParameters(MAX_API_PAGE_SIZE),
      responses: {
        200: { ...ok('Treff med lenker til neste og forrige side'), ...cached },
        ...unchanged,
        ...errors(400, 429),
      },
    },
  },
  [`${API}/agreements.csv`]: {
    get: {
      tags,
      summary: 'Alle publiserte rammeavtaler som CSV',
      security: PUBLIC_ACCESS,
      responses: {
        200: { ...fileResponse('CSV', 'text/csv'), ...cached },
        ...unchanged,
        ...limited,
      },
    },
  },
  [`${API}/agreements/{reference}`]: {
    get: {
      tags,
      summary: 'Én publisert rammeavtale med offentlige dokumenter',
      security: PUBLIC_ACCESS,
      parameters: [reference],
      responses: { 200: { ...ok('Avtalen'), ...cached }, ...unchanged, ...errors(404, 429) },
    },
  },
  [`${API}/ocds`]: {
    get: {
      tags,
      summary: 'Publiserte rammeavtaler som OCDS release package',
      security: PUBLIC_ACCESS,
      responses: {
        200: { ...ok('OCDS 1.1 release package'), ...cached },
        ...unchanged,
        ...limited,
      },
    },
  },
  [`${API}/suggest`]: {
    get: {
      tags,
      summary: 'Forslag mens man skriver',
      security: PUBLIC_ACCESS,
      parameters: [query('q', 'Teksten så langt', { type: 'string', maxLength: MAX_QUERY_TEXT })],
      responses: { 200: { ...ok('Forslag'), ...cached }, ...unchanged, ...limited },
    },
  },
};
