/**
 * Building blocks for the OpenAPI 3.1 document. Each route module exports an `openApi` paths
 * object built with these, from the same zod schemas its handlers validate with; the one document
 * builder (openapi.ts) puts them together. This module imports no route module, so routes can use
 * it without an import cycle.
 */
import { z } from 'zod';

export type JsonSchema = { readonly [key: string]: unknown };
export interface Ref {
  readonly $ref: string;
}

export interface Parameter {
  readonly name: string;
  readonly in: 'query' | 'path' | 'header';
  readonly required?: boolean;
  readonly description?: string;
  readonly schema: JsonSchema;
}

export interface MediaType {
  readonly schema: JsonSchema | Ref;
  /** For multipart bodies: the media type of each part. */
  readonly encoding?: Readonly<Record<string, { readonly contentType: string }>>;
}

export interface RequestBody {
  readonly required?: boolean;
  readonly description?: string;
  readonly content: Readonly<Record<string, MediaType>>;
}

export interface Response {
  readonly description: string;
  readonly headers?: Readonly<Record<string, { description: string; schema: JsonSchema }>>;
  readonly content?: Readonly<Record<string, MediaType>>;
}

export type SecurityRequirement = Readonly<Record<string, readonly string[]>>;

export interface Operation {
  readonly summary: string;
  readonly description?: string;
  readonly tags?: readonly string[];
  readonly operationId?: string;
  readonly parameters?: readonly (Parameter | Ref)[];
  readonly requestBody?: RequestBody;
  readonly responses: Readonly<Record<string, Response | Ref>>;
  /** `[]` for routes without sign-in; omitted: the document's (Entra bearer or dev header). */
  readonly security?: readonly SecurityRequirement[];
}

export const HTTP_METHODS = ['get', 'put', 'post', 'delete', 'patch', 'head', 'options'] as const;
export type HttpMethod = (typeof HTTP_METHODS)[number];
export type PathItem = Partial<Record<HttpMethod, Operation>>;
/** Path templates as the server exposes them (`/api/contracts/{id}`), each with its operations. */
export type OpenApiPaths = Readonly<Record<string, PathItem>>;

/** No sign-in: public catalogue, health, tab start-up facts. */
export const PUBLIC_ACCESS: readonly SecurityRequirement[] = [];

/** JSON Schema (2020-12, the dialect of OpenAPI 3.1) of what a client sends for a zod schema. */
export function jsonSchema(schema: z.ZodType): JsonSchema {
  const { $schema: _dialect, ...rest } = z.toJSONSchema(schema, {
    io: 'input',
    unrepresentable: 'any',
  }) as Record<string, unknown>;
  return rest;
}

/** The same schema with nothing required (PATCH bodies merged into the stored record). */
export function withoutRequired(schema: JsonSchema): JsonSchema {
  const { required: _required, ...rest } = schema;
  return rest;
}

/**
 * Query parameters from the object schema a route validates `req.query` with; a strict schema
 * (unknown parameters refused with 400) is said in each description.
 */
export function queryParameters(schema: z.ZodType): Parameter[] {
  const js = jsonSchema(schema) as {
    properties?: Record<string, JsonSchema>;
    required?: string[];
    additionalProperties?: unknown;
  };
  if (!js.properties) throw new Error('queryParameters: expected an object schema');
  const required = new Set(js.required ?? []);
  return Object.entries(js.properties).map(([name, s]) => {
    const { description, ...rest } = s as { description?: string };
    return {
      name,
      in: 'query' as const,
      required: required.has(name),
      ...(description ? { description } : {}),
      schema: rest,
    };
  });
}

export function pathParameter(
  name: string,
  description?: string,
  schema: JsonSchema = { type: 'string' },
): Parameter {
  return { name, in: 'path', required: true, ...(description ? { description } : {}), schema };
}

/** `If-Match: "3"` (optimistic concurrency: 412 when stale, 428 when required and missing). */
export function ifMatch(required = true): Parameter {
  return {
    name: 'If-Match',
    in: 'header',
    required,
    description: required
      ? 'ETag fra siste henting (optimistisk samtidighet: 412 hvis posten er endret, 428 hvis den mangler)'
      : 'ETag fra siste henting; uten den brukes expectedVersion i kroppen (412 hvis posten er endret)',
    schema: { type: 'string', pattern: '^(W/)?"\\d+"$' },
  };
}

const isZod = (s: unknown): s is z.ZodType => s instanceof z.ZodType;
const asSchema = (s: z.ZodType | JsonSchema | Ref): JsonSchema | Ref =>
  isZod(s) ? jsonSchema(s) : s;

/** A JSON request body (from a zod schema, a JSON Schema or a `$ref`). */
export function jsonBody(
  schema: z.ZodType | JsonSchema | Ref,
  options: { required?: boolean; description?: string } = {},
): RequestBody {
  return {
    required: options.required ?? true,
    ...(options.description ? { description: options.description } : {}),
    content: { 'application/json': { schema: asSchema(schema) } },
  };
}

/** A raw upload (the body is the file itself), in the given media types. */
export function fileBody(description: string, mediaTypes: readonly string[]): RequestBody {
  return {
    required: true,
    description,
    content: Object.fromEntries(
      mediaTypes.map((m) => [m, { schema: { type: 'string', contentMediaType: m } }]),
    ),
  };
}

/** A JSON answer; without a schema, any JSON value. */
export function ok(description: string, schema?: z.ZodType | JsonSchema | Ref): Response {
  return {
    description,
    content: { 'application/json': { schema: schema ? asSchema(schema) : {} } },
  };
}

/** A non-JSON answer (a workbook, a CSV file, a page). */
export function fileResponse(description: string, mediaType: string): Response {
  return {
    description,
    content: { [mediaType]: { schema: { type: 'string', contentMediaType: mediaType } } },
  };
}

export const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

/** No body (204, 202 without content, 304). */
export function empty(description: string): Response {
  return { description };
}

/** Reusable error answers, all in the error middleware's shape `{ error, code?, issues? }`. */
export const ERROR_RESPONSES = {
  400: {
    name: 'BadRequest',
    description: 'Ugyldig forespørsel; `issues` navngir hvert ugyldig felt',
  },
  401: { name: 'Unauthorized', description: 'Ikke innlogget (mangler eller ugyldig token)' },
  403: { name: 'Forbidden', description: 'Brukeren har ikke tilgang' },
  404: { name: 'NotFound', description: 'Finnes ikke (eller brukeren kan ikke se den)' },
  409: { name: 'Conflict', description: 'Konflikt med lagrede data' },
  412: { name: 'PreconditionFailed', description: 'If-Match er utdatert: posten er endret' },
  413: { name: 'TooLarge', description: 'Forespørselen eller filen er for stor' },
  415: { name: 'UnsupportedMediaType', description: 'Feil innholdstype' },
  428: { name: 'PreconditionRequired', description: 'Endringen krever If-Match' },
  429: { name: 'TooManyRequests', description: 'For mange forespørsler; prøv igjen senere' },
  500: { name: 'InternalError', description: 'Intern feil (detaljer logges, sendes ikke ut)' },
  502: { name: 'BadGateway', description: 'En ekstern kilde (Norges Bank, SSB) kunne ikke nås' },
  503: { name: 'Unavailable', description: 'Tjenesten er ikke tilgjengelig' },
} as const;
export type ErrorStatus = keyof typeof ERROR_RESPONSES;

/** `$ref`s to the shared error answers for the given status codes. */
export function errors(...codes: ErrorStatus[]): Record<string, Ref> {
  return Object.fromEntries(
    codes.map((c) => [String(c), { $ref: `#/components/responses/${ERROR_RESPONSES[c].name}` }]),
  );
}

export const schemaRef = (name: string): Ref => ({ $ref: `#/components/schemas/${name}` });

/** `{ items: [...] }`, the shape of the API's lists. */
export function itemsOf(item: JsonSchema | Ref = {}): JsonSchema {
  return {
    type: 'object',
    required: ['items'],
    properties: { items: { type: 'array', items: item } },
  };
}
