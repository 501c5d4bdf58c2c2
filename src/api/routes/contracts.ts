import { type RequestHandler, Router } from 'express';
import { z } from 'zod';
import {
  asViewer,
  CONTRACT_KINDS,
  CONTRACT_STATUSES,
  contractInputSchema,
} from '../../core/index.ts';
import type { Services } from '../../services.ts';
import { type ContractQuery, type SearchResult, SORT_FIELDS } from '../../store/register.port.ts';
import { currentUser } from '../auth.ts';
import { toApiContract } from '../contract-view.ts';
import { csvList, parseWith, queryBoolean, requiredVersion, sendWithEtag } from '../http.ts';
import {
  errors,
  ifMatch,
  itemsOf,
  jsonBody,
  jsonSchema,
  type OpenApiPaths,
  ok,
  pathParameter,
  queryParameters,
  schemaRef,
  withoutRequired,
} from '../openapi-parts.ts';

/** The register's search and filter parameters, shared by the list, the search and the export. */
export const contractQuerySchema = z
  .object({
    q: z.string().max(500, 'kan ha høyst 500 tegn').optional(),
    status: csvList(CONTRACT_STATUSES).optional(),
    category: z
      .string()
      .regex(/^\d{1,8}$/, 'må være en CPV-kode eller begynnelsen av en')
      .optional(),
    unit: z.string().max(100).optional(),
    supplier: z
      .string()
      .regex(/^\d{9}$/, 'må være et organisasjonsnummer (9 siffer)')
      .optional(),
    owner: z.string().max(100).optional(),
    kind: z.enum(CONTRACT_KINDS).optional(),
    published: queryBoolean.optional(),
    expiringWithinDays: z.coerce.number().int().min(0).max(3650).optional(),
    includeExpired: queryBoolean.optional(),
    sort: z.enum(SORT_FIELDS).optional(),
    order: z.enum(['asc', 'desc']).optional(),
    offset: z.coerce.number().int().min(0).max(1_000_000).default(0),
    limit: z.coerce.number().int().min(1).max(200).default(50),
  })
  .strict();

export function toContractQuery(raw: unknown, userId: string): ContractQuery {
  const q = parseWith(contractQuerySchema, raw);
  return {
    text: q.q,
    status: q.status,
    category: q.category,
    unitId: q.unit,
    supplierOrgnr: q.supplier,
    ownerId: q.owner === 'me' ? userId : q.owner,
    kind: q.kind,
    published: q.published,
    expiringWithinDays: q.expiringWithinDays,
    includeExpired: q.includeExpired,
    sort: q.sort,
    order: q.order,
    offset: q.offset,
    limit: q.limit,
  };
}

export const decisionSchema = z.enum(['exercise', 'decline']);

export function contractRoutes(services: Services): Router {
  const router = Router();
  const { contracts } = services;
  const window = services.config.EXPIRING_WINDOW_DAYS;
  const api = (view: Parameters<typeof toApiContract>[0]) =>
    toApiContract(view, contracts.today(), window);

  // A store that caches returns the same result object for the same search until the register
  // changes; the rendered answer per viewer is then reused too.
  const rendered = new WeakMap<SearchResult, Map<string, string>>();
  const list: RequestHandler = async (req, res) => {
    const user = currentUser(req);
    const viewer = asViewer(user);
    const query = toContractQuery(req.query, user.id);
    const raw = await contracts.searchRaw(viewer, query);
    const byViewer = rendered.get(raw) ?? new Map<string, string>();
    rendered.set(raw, byViewer);
    const key = `${user.role}:${user.id}`;
    let body = byViewer.get(key);
    if (body === undefined) {
      const result = contracts.project(viewer, raw);
      body = JSON.stringify({
        total: result.total,
        offset: query.offset,
        limit: query.limit,
        items: result.items.map(api),
      });
      byViewer.set(key, body);
    }
    res.type('application/json').send(body);
  };
  router.get('/contracts', list);
  router.get('/search', list);

  router.post('/contracts', async (req, res) => {
    const user = currentUser(req);
    const created = await contracts.create(user, req.body);
    res.setHeader('Location', `/api/contracts/${created.id}`);
    const { view } = await contracts.get(asViewer(user), created.id);
    sendWithEtag(res, created.version, api(view), 201);
  });

  router.get('/contracts/:id', async (req, res) => {
    const user = currentUser(req);
    const { view, contract } = await contracts.get(asViewer(user), req.params.id);
    sendWithEtag(res, contract.version, api(view));
  });

  const replace =
    (partial: boolean): RequestHandler =>
    async (req, res) => {
      const user = currentUser(req);
      const version = requiredVersion(req);
      const updated = await contracts.update(
        user,
        req.params.id as string,
        req.body,
        version,
        partial,
      );
      const { view } = await contracts.get(asViewer(user), updated.id);
      sendWithEtag(res, updated.version, api(view));
    };
  router.put('/contracts/:id', replace(false));
  router.patch('/contracts/:id', replace(true));

  router.delete('/contracts/:id', async (req, res) => {
    await contracts.remove(currentUser(req), req.params.id, requiredVersion(req));
    res.status(204).end();
  });

  router.post('/contracts/:id/options/:optionId/:decision', async (req, res) => {
    const user = currentUser(req);
    const decision = parseWith(decisionSchema, req.params.decision, 'decision');
    const updated = await contracts.decideOption(
      user,
      req.params.id,
      req.params.optionId,
      decision === 'exercise' ? 'exercised' : 'declined',
      requiredVersion(req),
    );
    const { view } = await contracts.get(asViewer(user), updated.id);
    sendWithEtag(res, updated.version, api(view));
  });

  router.get('/contracts/:id/history', async (req, res) => {
    res.json({ items: await contracts.history(asViewer(currentUser(req)), req.params.id) });
  });

  return router;
}

const contractId = pathParameter('id', 'Avtalens id');
const contractList = {
  type: 'object',
  required: ['total', 'offset', 'limit', 'items'],
  properties: {
    total: { type: 'integer' },
    offset: { type: 'integer' },
    limit: { type: 'integer' },
    items: { type: 'array', items: schemaRef('Contract') },
  },
};
const withEtag = (description: string) => ({
  ...ok(description, schemaRef('Contract')),
  headers: { ETag: { description: 'Avtalens versjon, til If-Match', schema: { type: 'string' } } },
});

/** OpenAPI paths of the register routes, from the schemas above and the contract input schema. */
export const openApi: OpenApiPaths = {
  '/api/contracts': {
    get: {
      tags: ['Avtaler'],
      summary: 'Søk og filtrer avtaler',
      description: 'Utløpte avtaler skjules uten includeExpired. Ukjente parametre gir 400.',
      parameters: queryParameters(contractQuerySchema),
      responses: { 200: ok('Treff, projisert for brukeren', contractList), ...errors(400) },
    },
    post: {
      tags: ['Avtaler'],
      summary: 'Registrer en avtale',
      requestBody: jsonBody(schemaRef('ContractInput')),
      responses: { 201: withEtag('Opprettet (Location og ETag)'), ...errors(400, 403, 409) },
    },
  },
  '/api/search': {
    get: {
      tags: ['Avtaler'],
      summary: 'Samme som GET /api/contracts',
      parameters: queryParameters(contractQuerySchema),
      responses: { 200: ok('Treff, projisert for brukeren', contractList), ...errors(400) },
    },
  },
  '/api/contracts/{id}': {
    get: {
      tags: ['Avtaler'],
      summary: 'Én avtale (med ETag)',
      parameters: [contractId],
      responses: { 200: withEtag('Avtalen, projisert for brukeren'), ...errors(404) },
    },
    put: {
      tags: ['Avtaler'],
      summary: 'Erstatt en avtale',
      parameters: [contractId, ifMatch()],
      requestBody: jsonBody(schemaRef('ContractInput')),
      responses: { 200: withEtag('Lagret'), ...errors(400, 403, 404, 409, 412, 428) },
    },
    patch: {
      tags: ['Avtaler'],
      summary: 'Endre enkelte felt',
      description:
        'Feltene i kroppen erstatter de lagrede på toppnivå; resultatet valideres som en hel avtale.',
      parameters: [contractId, ifMatch()],
      requestBody: jsonBody({
        ...withoutRequired(jsonSchema(contractInputSchema)),
        description: 'Hvilke som helst av feltene i ContractInput',
      }),
      responses: { 200: withEtag('Lagret'), ...errors(400, 403, 404, 409, 412, 428) },
    },
    delete: {
      tags: ['Avtaler'],
      summary: 'Slett en avtale (Kontraktservice)',
      parameters: [contractId, ifMatch()],
      responses: { 204: { description: 'Slettet' }, ...errors(400, 403, 404, 412, 428) },
    },
  },
  '/api/contracts/{id}/options/{optionId}/{decision}': {
    post: {
      tags: ['Avtaler'],
      summary: 'Utløs (exercise) eller avslå (decline) en opsjon',
      parameters: [
        contractId,
        pathParameter('optionId', 'Opsjonens id'),
        pathParameter('decision', 'exercise eller decline', jsonSchema(decisionSchema)),
        ifMatch(),
      ],
      responses: {
        200: withEtag('Avtalen med ny gjeldende sluttdato'),
        ...errors(400, 403, 404, 409, 412, 428),
      },
    },
  },
  '/api/contracts/{id}/history': {
    get: {
      tags: ['Avtaler'],
      summary: 'Endringslogg (konfidensielle verdier skjult for dem som ikke kan se dem)',
      parameters: [contractId],
      responses: {
        200: ok('Hendelser, eldste først', itemsOf(schemaRef('AuditEntry'))),
        ...errors(404),
      },
    },
  },
};
