import { Router } from 'express';
import { z } from 'zod';
import {
  asViewer,
  DomainError,
  forbidden,
  isAdmin,
  notFound,
  orgnrSchema,
  unitSchema,
  userSchema,
} from '../../core/index.ts';
import type { Services } from '../../services.ts';
import { currentUser } from '../auth.ts';
import { toApiContract } from '../contract-view.ts';
import { parseWith } from '../http.ts';
import {
  errors,
  itemsOf,
  jsonBody,
  jsonSchema,
  type OpenApiPaths,
  ok,
  pathParameter,
  queryParameters,
  schemaRef,
} from '../openapi-parts.ts';

export const supplierBody = z
  .object({ name: z.string().trim().min(1, 'mangler navn').max(200) })
  .strict();
export const supplierQuery = z.object({ q: z.string().max(200).optional() });

/** Units, users and suppliers; reading for every signed-in user, changes for Kontraktservice. */
export function directoryRoutes(services: Services): Router {
  const router = Router();
  const dir = services.store.directory;
  const requireAdmin = (req: Parameters<typeof currentUser>[0]) => {
    const user = currentUser(req);
    if (!isAdmin(user)) throw forbidden('Bare Kontraktservice kan endre dette');
    return user;
  };

  router.get('/me', (req, res) => {
    res.json(currentUser(req));
  });

  router.get('/units', async (req, res) => {
    currentUser(req);
    res.json({ items: await dir.listUnits() });
  });

  router.put('/units/:id', async (req, res) => {
    const user = requireAdmin(req);
    const unit = parseWith(unitSchema, { ...req.body, id: req.params.id });
    if (unit.parentId && !(await dir.getUnit(unit.parentId))) {
      throw new DomainError('validation', `Overordnet enhet ${unit.parentId} finnes ikke`, [
        { field: 'parentId', message: 'finnes ikke' },
      ]);
    }
    res.json(await dir.saveUnit(unit, user.id));
  });

  router.get('/users', async (req, res) => {
    currentUser(req);
    res.json({ items: await dir.listUsers() });
  });

  router.put('/users/:id', async (req, res) => {
    const admin = requireAdmin(req);
    const user = parseWith(userSchema, { ...req.body, id: req.params.id });
    if (user.unitId && !(await dir.getUnit(user.unitId))) {
      throw new DomainError('validation', `Enheten ${user.unitId} finnes ikke`, [
        { field: 'unitId', message: 'finnes ikke' },
      ]);
    }
    res.json(await dir.saveUser(user, admin.id));
  });

  router.get('/suppliers', async (req, res) => {
    const scope = services.contracts.scopeFor(asViewer(currentUser(req)));
    const q = parseWith(supplierQuery, req.query);
    res.json({ items: await dir.listSuppliers(scope, q.q) });
  });

  router.get('/suppliers/:orgnr', async (req, res) => {
    const user = currentUser(req);
    const supplier = await dir.getSupplier(
      req.params.orgnr,
      services.contracts.scopeFor(asViewer(user)),
    );
    if (!supplier) throw notFound('Leverandøren');
    const found = await services.contracts.search(asViewer(user), {
      supplierOrgnr: supplier.orgnr,
      includeExpired: true,
      limit: 200,
    });
    const today = services.contracts.today();
    res.json({
      ...supplier,
      contracts: found.items.map((c) =>
        toApiContract(c, today, services.config.EXPIRING_WINDOW_DAYS),
      ),
    });
  });

  router.put('/suppliers/:orgnr', async (req, res) => {
    const user = requireAdmin(req);
    const orgnr = parseWith(orgnrSchema, req.params.orgnr, 'orgnr');
    const body = parseWith(supplierBody, req.body);
    res.json(await dir.saveSupplier({ orgnr, name: body.name }, user.id));
  });

  router.get('/audit/:entity/:id', async (req, res) => {
    requireAdmin(req);
    res.json({ items: await services.store.audit.list(req.params.entity, req.params.id) });
  });

  return router;
}

const tags = ['Katalog'];
const orgnr = pathParameter(
  'orgnr',
  'Organisasjonsnummer (9 siffer, MOD11)',
  jsonSchema(orgnrSchema),
);
/** The body of PUT /units/:id and /users/:id: the id comes from the path and wins. */
const bodyWithoutId = (schema: typeof unitSchema | typeof userSchema) => {
  const js = jsonSchema(schema) as { required?: string[] };
  return { ...js, required: (js.required ?? []).filter((f) => f !== 'id') };
};

/** OpenAPI paths of units, users, suppliers and the audit log. */
export const openApi: OpenApiPaths = {
  '/api/me': {
    get: {
      tags,
      summary: 'Innlogget bruker',
      responses: { 200: ok('Brukeren', schemaRef('User')) },
    },
  },
  '/api/units': {
    get: {
      tags,
      summary: 'Enheter',
      responses: { 200: ok('Enheter', itemsOf(schemaRef('Unit'))) },
    },
  },
  '/api/units/{id}': {
    put: {
      tags,
      summary: 'Lagre enhet (Kontraktservice)',
      parameters: [pathParameter('id', 'Enhetens id')],
      requestBody: jsonBody(bodyWithoutId(unitSchema)),
      responses: { 200: ok('Lagret', schemaRef('Unit')), ...errors(400, 403) },
    },
  },
  '/api/users': {
    get: {
      tags,
      summary: 'Brukere',
      responses: { 200: ok('Brukere', itemsOf(schemaRef('User'))) },
    },
  },
  '/api/users/{id}': {
    put: {
      tags,
      summary: 'Lagre bruker og rolle (Kontraktservice)',
      parameters: [pathParameter('id', 'Brukerens id')],
      requestBody: jsonBody(bodyWithoutId(userSchema)),
      responses: { 200: ok('Lagret', schemaRef('User')), ...errors(400, 403) },
    },
  },
  '/api/suppliers': {
    get: {
      tags,
      summary: 'Leverandører brukeren kan se, med antall avtaler',
      parameters: queryParameters(supplierQuery),
      responses: { 200: ok('Leverandører', itemsOf()), ...errors(400) },
    },
  },
  '/api/suppliers/{orgnr}': {
    get: {
      tags,
      summary: 'Leverandør med avtaler',
      parameters: [orgnr],
      responses: {
        200: ok('Leverandøren og avtalene brukeren kan se', {
          type: 'object',
          properties: { contracts: { type: 'array', items: schemaRef('Contract') } },
        }),
        ...errors(404),
      },
    },
    put: {
      tags,
      summary: 'Lagre leverandør (Kontraktservice)',
      parameters: [orgnr],
      requestBody: jsonBody(supplierBody),
      responses: { 200: ok('Lagret'), ...errors(400, 403) },
    },
  },
  '/api/audit/{entity}/{id}': {
    get: {
      tags,
      summary: 'Endringslogg for en post (Kontraktservice)',
      parameters: [
        pathParameter('entity', 'contract, unit, supplier, user, settings …'),
        pathParameter('id', 'Postens id'),
      ],
      responses: { 200: ok('Hendelser', itemsOf(schemaRef('AuditEntry'))), ...errors(403) },
    },
  },
};
