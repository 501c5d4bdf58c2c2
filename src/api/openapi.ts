import { z } from 'zod';
import { contractInputSchema, unitSchema, userSchema } from '../core/index.ts';
import { contractQuerySchema } from './routes/contracts.ts';

const schema = (s: z.ZodType) => z.toJSONSchema(s, { io: 'input', unrepresentable: 'any' });

const errorResponse = {
  description: 'Feil, med feltene som er ugyldige',
  content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } },
};
const json = (ref: string) => ({ content: { 'application/json': { schema: { $ref: ref } } } });
const ifMatch = {
  name: 'If-Match',
  in: 'header',
  required: true,
  schema: { type: 'string' },
  description: 'ETag fra siste henting (optimistisk samtidighet: 412 hvis avtalen er endret)',
};
const idParam = { name: 'id', in: 'path', required: true, schema: { type: 'string' } };
const errors = { 400: errorResponse, 401: errorResponse, 403: errorResponse, 404: errorResponse };

/** Query parameters straight from the schema the route validates with. */
function queryParameters() {
  const js = schema(contractQuerySchema) as { properties: Record<string, object> };
  return Object.entries(js.properties).map(([name, s]) => ({
    name,
    in: 'query',
    required: false,
    schema: s,
  }));
}

/** The OpenAPI 3.1 document, built from the same zod schemas the routes validate with. */
export function openApiDocument(extraPaths: Record<string, unknown> = {}) {
  return {
    openapi: '3.1.0',
    info: {
      title: 'Kontraktsoppfølging API',
      version: '0.1.0',
      description:
        'Kontraktsregister og oppfølging. Autentisering: Entra ID-token (Bearer); i utviklingsmodus X-Dev-User.',
    },
    servers: [{ url: '/' }],
    security: [{ entra: [] }, { devUser: [] }],
    components: {
      securitySchemes: {
        entra: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' },
        devUser: { type: 'apiKey', in: 'header', name: 'X-Dev-User' },
      },
      schemas: {
        ContractInput: schema(contractInputSchema),
        Unit: schema(unitSchema),
        User: schema(userSchema),
        Error: {
          type: 'object',
          required: ['error'],
          properties: {
            error: { type: 'string' },
            code: { type: 'string' },
            issues: {
              type: 'array',
              items: {
                type: 'object',
                properties: { field: { type: 'string' }, message: { type: 'string' } },
              },
            },
          },
        },
      },
    },
    paths: {
      '/api/health': {
        get: {
          summary: 'Tjenestens og lagerets tilstand',
          security: [],
          responses: { 200: { description: 'OK' }, 503: { description: 'Lageret svarer ikke' } },
        },
      },
      '/api/contracts': {
        get: {
          summary: 'Søk og filtrer avtaler',
          parameters: queryParameters(),
          responses: { 200: { description: 'Treff, projisert for brukeren' }, ...errors },
        },
        post: {
          summary: 'Registrer en avtale',
          requestBody: json('#/components/schemas/ContractInput'),
          responses: {
            201: { description: 'Opprettet (ETag)' },
            409: errorResponse,
            413: errorResponse,
            ...errors,
          },
        },
      },
      '/api/search': {
        get: {
          summary: 'Samme som GET /api/contracts',
          parameters: queryParameters(),
          responses: { 200: { description: 'Treff' }, ...errors },
        },
      },
      '/api/contracts/{id}': {
        get: {
          summary: 'Én avtale (ETag)',
          parameters: [idParam],
          responses: { 200: { description: 'Avtalen' }, ...errors },
        },
        put: {
          summary: 'Erstatt en avtale',
          parameters: [idParam, ifMatch],
          requestBody: json('#/components/schemas/ContractInput'),
          responses: {
            200: { description: 'Lagret' },
            409: errorResponse,
            412: errorResponse,
            428: errorResponse,
            ...errors,
          },
        },
        patch: {
          summary: 'Endre enkelte felt',
          parameters: [idParam, ifMatch],
          requestBody: { content: { 'application/json': { schema: { type: 'object' } } } },
          responses: {
            200: { description: 'Lagret' },
            412: errorResponse,
            428: errorResponse,
            ...errors,
          },
        },
        delete: {
          summary: 'Slett (Kontraktservice)',
          parameters: [idParam, ifMatch],
          responses: { 204: { description: 'Slettet' }, 412: errorResponse, ...errors },
        },
      },
      '/api/contracts/{id}/options/{optionId}/{decision}': {
        post: {
          summary: 'Utløs (exercise) eller avslå (decline) en opsjon',
          parameters: [
            idParam,
            ifMatch,
            { name: 'optionId', in: 'path', required: true, schema: { type: 'string' } },
            {
              name: 'decision',
              in: 'path',
              required: true,
              schema: { enum: ['exercise', 'decline'] },
            },
          ],
          responses: {
            200: { description: 'Avtalen med ny gjeldende sluttdato' },
            409: errorResponse,
            412: errorResponse,
            ...errors,
          },
        },
      },
      '/api/contracts/{id}/history': {
        get: {
          summary: 'Endringslogg (konfidensielle verdier skjult for lesere)',
          parameters: [idParam],
          responses: { 200: { description: 'Hendelser' }, ...errors },
        },
      },
      '/api/me': {
        get: { summary: 'Innlogget bruker', responses: { 200: json('#/components/schemas/User') } },
      },
      '/api/units': { get: { summary: 'Enheter', responses: { 200: { description: 'Enheter' } } } },
      '/api/units/{id}': {
        put: {
          summary: 'Lagre enhet (Kontraktservice)',
          parameters: [idParam],
          requestBody: json('#/components/schemas/Unit'),
          responses: { 200: { description: 'Lagret' }, ...errors },
        },
      },
      '/api/users': { get: { summary: 'Brukere', responses: { 200: { description: 'Brukere' } } } },
      '/api/users/{id}': {
        put: {
          summary: 'Lagre bruker og rolle (Kontraktservice)',
          parameters: [idParam],
          requestBody: json('#/components/schemas/User'),
          responses: { 200: { description: 'Lagret' }, ...errors },
        },
      },
      '/api/suppliers': {
        get: {
          summary: 'Leverandører',
          parameters: [{ name: 'q', in: 'query', schema: { type: 'string' } }],
          responses: { 200: { description: 'Leverandører med antall avtaler' } },
        },
      },
      '/api/suppliers/{orgnr}': {
        get: {
          summary: 'Leverandør med avtaler',
          parameters: [{ name: 'orgnr', in: 'path', required: true, schema: { type: 'string' } }],
          responses: { 200: { description: 'Leverandøren' }, ...errors },
        },
        put: {
          summary: 'Lagre leverandør (Kontraktservice)',
          parameters: [{ name: 'orgnr', in: 'path', required: true, schema: { type: 'string' } }],
          responses: { 200: { description: 'Lagret' }, ...errors },
        },
      },
      ...extraPaths,
    },
  };
}
