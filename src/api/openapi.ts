/**
 * The OpenAPI 3.1 document served at /api/openapi.json. Each route module contributes its own
 * paths (`openApi`, beside its router, built from the zod schemas its handlers validate with);
 * this builder adds the service's own routes, the shared components and the answers every route
 * can give (401 when signed-in routes are called without a user, 400/413 for JSON bodies, 500).
 * tests/api/openapi.test.ts walks the Express app and fails when a route is missing here.
 */
import { openApi as botPaths } from '../bot/router.ts';
import { CONTRACT_STATUSES, contractInputSchema, unitSchema, userSchema } from '../core/index.ts';
import {
  ERROR_RESPONSES,
  type ErrorStatus,
  errors,
  HTTP_METHODS,
  type JsonSchema,
  jsonSchema,
  type OpenApiPaths,
  type Operation,
  ok,
  type PathItem,
  PUBLIC_ACCESS,
  type Ref,
  type Response,
} from './openapi-parts.ts';
import { openApi as announcementPaths } from './routes/announcements.ts';
import { openApi as contractPaths } from './routes/contracts.ts';
import { openApi as dashboardPaths } from './routes/dashboard.ts';
import { openApi as directoryPaths } from './routes/directory.ts';
import { openApi as documentPaths } from './routes/documents.ts';
import { openApi as followupPaths } from './routes/followup.ts';
import { openApi as publicPaths } from './routes/public.ts';
import { openApi as registerIoPaths } from './routes/register-io.ts';
import { openApi as spendPaths } from './routes/spend.ts';
import { openApi as tabPaths } from './routes/tab.ts';

/** The error middleware's answer (src/api/errors.ts). */
const errorSchema: JsonSchema = {
  type: 'object',
  required: ['error'],
  properties: {
    error: { type: 'string', description: 'Forklaring for mennesker' },
    code: {
      type: 'string',
      description: 'validation, not_found, forbidden, conflict, too_large …',
    },
    issues: {
      type: 'array',
      items: {
        type: 'object',
        required: ['field', 'message'],
        properties: { field: { type: 'string' }, message: { type: 'string' } },
      },
    },
  },
};

/**
 * A contract as the API returns it: the viewer's projection of the stored contract (fields the
 * viewer may not see are left out and listed in `withheld`) plus derived status and end dates.
 */
function contractSchema(): JsonSchema {
  const input = jsonSchema(contractInputSchema) as { properties?: Record<string, unknown> };
  return {
    type: 'object',
    required: ['id', 'version', 'status', 'withheld'],
    properties: {
      id: { type: 'string' },
      version: { type: 'integer', minimum: 1 },
      createdAt: { type: 'string', format: 'date-time' },
      updatedAt: { type: 'string', format: 'date-time' },
      ...input.properties,
      status: { enum: [...CONTRACT_STATUSES] },
      currentEndDate: { type: ['string', 'null'], format: 'date' },
      maximumEndDate: { type: ['string', 'null'], format: 'date' },
      withheld: {
        type: 'array',
        description: 'Konfidensielle felt som er holdt tilbake for denne brukeren, med hjemmel',
        items: { type: 'object' },
      },
    },
  };
}

const auditEntrySchema: JsonSchema = {
  type: 'object',
  required: ['id', 'at', 'actorId', 'entity', 'entityId', 'action', 'changes'],
  properties: {
    id: { type: 'integer' },
    at: { type: 'string', format: 'date-time' },
    actorId: { type: 'string' },
    entity: { type: 'string' },
    entityId: { type: 'string' },
    action: { type: 'string' },
    changes: {
      type: 'array',
      items: {
        type: 'object',
        required: ['field'],
        properties: { field: { type: 'string' }, from: {}, to: {} },
      },
    },
    sensitive: { type: 'array', items: { type: 'string' } },
  },
};

/** Routes app.ts registers itself. */
const servicePaths: OpenApiPaths = {
  '/api/health': {
    get: {
      tags: ['Tjeneste'],
      summary: 'Tjenestens og lagerets tilstand',
      security: PUBLIC_ACCESS,
      responses: {
        200: ok('Lageret svarer', {
          type: 'object',
          required: ['status', 'store'],
          properties: { status: { const: 'ok' }, store: { type: 'object' } },
        }),
        503: ok('Lageret svarer ikke', {
          type: 'object',
          required: ['status', 'store'],
          properties: { status: { const: 'unavailable' }, store: { type: 'object' } },
        }),
      },
    },
  },
  '/api/openapi.json': {
    get: {
      tags: ['Tjeneste'],
      summary: 'Dette dokumentet (OpenAPI 3.1)',
      security: PUBLIC_ACCESS,
      responses: {
        200: ok('OpenAPI-dokumentet', {
          type: 'object',
          required: ['openapi', 'info', 'paths'],
          properties: {
            openapi: { type: 'string' },
            info: { type: 'object' },
            paths: { type: 'object' },
          },
        }),
      },
    },
  },
};

/** Every module's paths, in the order app.ts mounts them. */
export const MODULE_PATHS: Readonly<Record<string, OpenApiPaths>> = {
  service: servicePaths,
  bot: botPaths,
  tab: tabPaths,
  public: publicPaths,
  contracts: contractPaths,
  directory: directoryPaths,
  documents: documentPaths,
  dashboard: dashboardPaths,
  'register-io': registerIoPaths,
  followup: followupPaths,
  announcements: announcementPaths,
  spend: spendPaths,
};

/** Merges path objects; two modules documenting the same operation is a programming error. */
export function mergePaths(
  sources: Readonly<Record<string, OpenApiPaths>>,
): Record<string, PathItem> {
  const merged: Record<string, PathItem> = {};
  const owner = new Map<string, string>();
  for (const [module, paths] of Object.entries(sources)) {
    for (const [path, item] of Object.entries(paths)) {
      const target: PathItem = merged[path] ?? {};
      for (const method of HTTP_METHODS) {
        const op = item[method];
        if (!op) continue;
        const key = `${method.toUpperCase()} ${path}`;
        const earlier = owner.get(key);
        if (earlier) throw new Error(`OpenAPI: ${key} er beskrevet både i ${earlier} og ${module}`);
        owner.set(key, module);
        target[method] = op;
      }
      merged[path] = target;
    }
  }
  return merged;
}

/** `get /api/contracts/{id}/history` → `getContractsIdHistory`. */
function operationId(method: string, path: string): string {
  const words = path
    .replace(/^\/api\//, '/')
    .split(/[^A-Za-z0-9æøåÆØÅ]+/)
    .filter(Boolean)
    .map((w) => w[0]?.toUpperCase() + w.slice(1));
  return method + words.join('');
}

/** Adds the answers the middleware gives to every route of a kind, and an operationId. */
function complete(method: string, path: string, op: Operation): Operation {
  const signedIn = op.security === undefined || op.security.length > 0;
  const jsonBody = op.requestBody?.content['application/json'] !== undefined;
  const add: ErrorStatus[] = [500];
  if (signedIn) add.push(401);
  if (jsonBody) add.push(400, 413);
  const responses: Record<string, Response | Ref> = { ...op.responses };
  for (const [code, ref] of Object.entries(errors(...add))) responses[code] ??= ref;
  return { operationId: operationId(method, path), ...op, responses };
}

function completePaths(paths: Record<string, PathItem>): Record<string, PathItem> {
  return Object.fromEntries(
    Object.entries(paths).map(([path, item]) => [
      path,
      Object.fromEntries(
        Object.entries(item).map(([method, op]) => [method, complete(method, path, op)]),
      ),
    ]),
  );
}

const errorComponents = Object.fromEntries(
  Object.values(ERROR_RESPONSES).map((r) => [
    r.name,
    {
      description: r.description,
      content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } },
    },
  ]),
);

let built: ReturnType<typeof buildDocument> | undefined;

/**
 * The OpenAPI 3.1 document, built from the same zod schemas the routes validate with. It depends
 * on nothing at run time, so it is built once per process.
 */
export function openApiDocument() {
  built ??= buildDocument();
  return built;
}

function buildDocument() {
  return {
    openapi: '3.1.0',
    info: {
      title: 'Kontraktsoppfølging API',
      version: '0.1.0',
      description:
        'Kontraktsregister og oppfølging. Autentisering: Entra ID-token (Bearer); i utviklingsmodus (AUTH_MODE=dev, bare på loopback) X-Dev-User. Offentlig katalog, helse og fanens oppsett er åpne. Feil har formen { error, code?, issues?: [{ field, message }] }.',
    },
    servers: [{ url: '/' }],
    security: [{ entra: [] }, { devUser: [] }],
    tags: [
      { name: 'Tjeneste' },
      { name: 'Avtaler' },
      { name: 'Katalog', description: 'Enheter, brukere, leverandører og endringslogg' },
      { name: 'Dokumenter' },
      { name: 'Dashbord' },
      { name: 'Import/eksport' },
      { name: 'Oppfølging' },
      { name: 'Kunngjøringer' },
      { name: 'Innkjøpsanalyse' },
      { name: 'Offentlig katalog', description: 'Åpne data, uten innlogging' },
      { name: 'Offentlig katalog (sider)' },
      { name: 'Teams-fane' },
      { name: 'Bot' },
    ],
    components: {
      securitySchemes: {
        entra: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' },
        devUser: {
          type: 'apiKey',
          in: 'header',
          name: 'X-Dev-User',
          description: 'Bare i utviklingsmodus: demobrukerens id',
        },
        botFramework: {
          type: 'http',
          scheme: 'bearer',
          bearerFormat: 'JWT',
          description: 'Token fra Bot Connector-tjenesten (sjekkes av Bot Framework-adapteren)',
        },
      },
      schemas: {
        ContractInput: jsonSchema(contractInputSchema),
        Contract: contractSchema(),
        AuditEntry: auditEntrySchema,
        Unit: jsonSchema(unitSchema),
        User: jsonSchema(userSchema),
        Error: errorSchema,
      },
      responses: errorComponents,
    },
    paths: completePaths(mergePaths(MODULE_PATHS)),
  };
}

export type OpenApiDocument = ReturnType<typeof buildDocument>;
