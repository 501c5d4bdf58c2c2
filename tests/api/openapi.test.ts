/**
 * The OpenAPI document against the server it describes: every route the Express app registers is
 * documented (method by method, `:id` ↔ `{id}`) and nothing documented is missing from the app;
 * the document hangs together (every `$ref` resolves, path parameters match their templates,
 * every schema compiles as JSON Schema 2020-12); the security it states is what the server does;
 * and the error shape it states is what the server answers.
 *
 * No OpenAPI 3.1 meta-schema ships with an installed package, so the document's structure is
 * checked here rule by rule (the rules of the specification that a hand-built document can break).
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { createApp } from '../../src/api/app.ts';
import { mergePaths } from '../../src/api/openapi.ts';
import { HTTP_METHODS, queryParameters } from '../../src/api/openapi-parts.ts';
import { contractQuerySchema } from '../../src/api/routes/contracts.ts';
import { startTestServer, type TestServer } from '../support/server.ts';

type Json = { [key: string]: unknown };
interface Operation {
  operationId?: string;
  tags?: string[];
  parameters?: Json[];
  requestBody?: { content: Record<string, { schema: Json }> };
  responses: Record<string, Json>;
  security?: Record<string, string[]>[];
}
interface Document {
  openapi: string;
  info: { title: string; version: string };
  security: Record<string, string[]>[];
  tags: { name: string }[];
  components: {
    schemas: Record<string, Json>;
    responses: Record<string, Json>;
    securitySchemes: Record<string, Json>;
  };
  paths: Record<string, Record<string, Operation>>;
}

// --- walking the Express app -----------------------------------------------------------------

interface Layer {
  readonly route?: { path: unknown; methods: Record<string, boolean> };
  readonly handle?: unknown;
  readonly rawPath?: unknown;
}
const isRouter = (h: unknown): h is { stack: Layer[] } =>
  typeof h === 'function' && Array.isArray((h as { stack?: unknown }).stack);

/** Express 5 path syntax to an OpenAPI template: `/documents/:id/files/:n` → `{id}`, `{n}`. */
export function toTemplate(path: string): string {
  if (/[*?()[\]]|\{/.test(path)) throw new Error(`Rutesyntaks testen ikke kan oversette: ${path}`);
  return path.replace(/:([A-Za-z_$][\w$]*)/g, '{$1}');
}

function join(prefix: string, path: string): string {
  const joined = `${prefix}/${path}`.replace(/\/+/g, '/');
  return joined.length > 1 ? joined.replace(/\/$/, '') : joined;
}

/** `METHOD /template` of every route in a router stack, through mounted routers. */
function routesOf(stack: readonly Layer[], prefix = ''): string[] {
  const found: string[] = [];
  for (const layer of stack) {
    if (layer.route) {
      const { path, methods } = layer.route;
      if (typeof path !== 'string') throw new Error(`Rute uten tekststi: ${String(path)}`);
      for (const method of Object.keys(methods)) {
        if (method === '_all') throw new Error(`router.all på ${path}: beskriv metodene enkeltvis`);
        found.push(`${method.toUpperCase()} ${toTemplate(join(prefix, path))}`);
      }
    } else if (isRouter(layer.handle)) {
      const mount = typeof layer.rawPath === 'string' ? layer.rawPath : '/';
      if (mount.includes(':')) throw new Error(`Router montert på en sti med parameter: ${mount}`);
      found.push(...routesOf(layer.handle.stack, join(prefix, mount)));
    }
  }
  return found;
}

function documentedOperations(doc: Document): string[] {
  return Object.entries(doc.paths).flatMap(([path, item]) =>
    Object.keys(item)
      .filter((m) => (HTTP_METHODS as readonly string[]).includes(m))
      .map((m) => `${m.toUpperCase()} ${path}`),
  );
}

function* operations(doc: Document): Generator<[string, string, Operation]> {
  for (const [path, item] of Object.entries(doc.paths)) {
    for (const [method, op] of Object.entries(item)) yield [path, method, op];
  }
}

/** Every `$ref` in a JSON value, with where it was found. */
function refs(value: unknown, at = '#'): [string, string][] {
  if (Array.isArray(value)) return value.flatMap((v, i) => refs(v, `${at}/${i}`));
  if (value && typeof value === 'object') {
    return Object.entries(value).flatMap(([k, v]) =>
      k === '$ref' && typeof v === 'string' ? [[at, v] as [string, string]] : refs(v, `${at}/${k}`),
    );
  }
  return [];
}

function resolvePointer(doc: unknown, ref: string): unknown {
  if (!ref.startsWith('#/')) return undefined;
  let node: unknown = doc;
  for (const raw of ref.slice(2).split('/')) {
    const key = decodeURIComponent(raw).replace(/~1/g, '/').replace(/~0/g, '~');
    if (!node || typeof node !== 'object' || !Object.hasOwn(node, key)) return undefined;
    node = (node as Json)[key];
  }
  return node;
}

// --- the tests -------------------------------------------------------------------------------

describe('OpenAPI document', () => {
  let s: TestServer;
  let doc: Document;
  let registered: string[];

  before(async () => {
    s = await startTestServer();
    const res = await s.request(null, 'GET', '/api/openapi.json');
    assert.equal(res.status, 200);
    doc = res.json() as Document;
    // The same composition the server runs, walked layer by layer.
    const app = createApp(s.services) as unknown as { router: { stack: Layer[] } };
    registered = routesOf(app.router.stack);
  });
  after(async () => {
    await s.close();
  });

  it('finds the routes of every router app.ts mounts', () => {
    // Guards the walk itself: one route from each kind of mount.
    for (const route of [
      'GET /api/health', // on the app
      'POST /api/messages', // bot router at /
      'GET /api/tab-config', // tab router at /
      'GET /api/public/agreements/{reference}', // public router at /
      'GET /api/contracts/{id}', // authenticated router at /api
      'GET /api/spend/reports/{kind}.xlsx',
      'POST /api/followup/tasks/{id}/complete',
    ]) {
      assert.ok(registered.includes(route), `${route} ble ikke funnet i ruterstakken`);
    }
    assert.ok(registered.length > 80, `bare ${registered.length} ruter funnet`);
  });

  it('documents every route the server registers, method by method', () => {
    const documented = new Set(documentedOperations(doc));
    const missing = [...new Set(registered)].filter((r) => !documented.has(r));
    assert.deepEqual(missing, [], `mangler i /api/openapi.json:\n${missing.join('\n')}`);
  });

  it('documents no route the server does not have', () => {
    const known = new Set(registered);
    const stale = documentedOperations(doc).filter((r) => !known.has(r));
    assert.deepEqual(stale, [], `beskrevet, men finnes ikke:\n${stale.join('\n')}`);
  });

  it('refuses two modules documenting the same operation', () => {
    const op = { summary: 'x', responses: { 200: { description: 'ok' } } };
    assert.throws(
      () => mergePaths({ a: { '/api/x': { get: op } }, b: { '/api/x': { get: op } } }),
      /GET \/api\/x.*a og b/,
    );
    assert.deepEqual(
      Object.keys(
        mergePaths({ a: { '/api/x': { get: op } }, b: { '/api/x': { post: op } } })['/api/x'] ?? {},
      ),
      ['get', 'post'],
    );
  });

  it('resolves every $ref', () => {
    const all = refs(doc);
    assert.ok(all.length > 100, `bare ${all.length} $ref`);
    const broken = all.filter(([, ref]) => resolvePointer(doc, ref) === undefined);
    assert.deepEqual(
      broken.map(([at, ref]) => `${at}: ${ref}`),
      [],
    );
  });

  it('follows the OpenAPI 3.1 rules a hand-built document can break', () => {
    const problems: string[] = [];
    assert.equal(doc.openapi, '3.1.0');
    assert.ok(doc.info.title && doc.info.version);
    const tags = new Set(doc.tags.map((t) => t.name));
    const schemes = new Set(Object.keys(doc.components.securitySchemes));
    const ids = new Map<string, string>();
    for (const req of doc.security) {
      for (const name of Object.keys(req))
        if (!schemes.has(name)) problems.push(`security ${name}`);
    }
    for (const [path, method, op] of operations(doc)) {
      const where = `${method.toUpperCase()} ${path}`;
      if (!path.startsWith('/')) problems.push(`${where}: stien må starte med /`);
      if (!(HTTP_METHODS as readonly string[]).includes(method)) problems.push(`${where}: metode`);
      if (!op.operationId) problems.push(`${where}: mangler operationId`);
      else if (ids.has(op.operationId))
        problems.push(`${where}: operationId som ${ids.get(op.operationId)}`);
      else ids.set(op.operationId, where);
      for (const t of op.tags ?? []) if (!tags.has(t)) problems.push(`${where}: ukjent tag ${t}`);
      for (const req of op.security ?? []) {
        for (const name of Object.keys(req)) {
          if (!schemes.has(name)) problems.push(`${where}: ukjent sikkerhetsskjema ${name}`);
        }
      }

      // Path parameters match the template exactly, and are required.
      const template = [...path.matchAll(/\{([^}]+)\}/g)].map((m) => m[1]);
      const params = op.parameters ?? [];
      const inPath = params.filter((p) => p.in === 'path').map((p) => p.name);
      assert.deepEqual([...inPath].sort(), [...template].sort(), `${where}: stiparametre`);
      const seen = new Set<string>();
      for (const p of params) {
        if (!['query', 'header', 'path', 'cookie'].includes(String(p.in)))
          problems.push(`${where}: ${String(p.name)} in=${String(p.in)}`);
        if (typeof p.name !== 'string' || !p.schema)
          problems.push(`${where}: parameter uten navn/skjema`);
        if (p.in === 'path' && p.required !== true)
          problems.push(`${where}: ${p.name} må være required`);
        const key = `${String(p.in)}:${String(p.name)}`;
        if (seen.has(key)) problems.push(`${where}: parameteren ${key} to ganger`);
        seen.add(key);
      }

      // Responses: at least one success or redirect; each has a description or is a $ref.
      const codes = Object.keys(op.responses);
      if (!codes.some((c) => /^[23]\d\d$/.test(c))) problems.push(`${where}: ingen 2xx/3xx`);
      for (const [code, r] of Object.entries(op.responses)) {
        if (!/^([1-5]\d\d|[1-5]XX|default)$/.test(code))
          problems.push(`${where}: svarkode ${code}`);
        if (!('$ref' in r) && typeof r.description !== 'string')
          problems.push(`${where} ${code}: mangler description`);
      }
      // Every signed-in route can answer 401; every route 500, in the error shape.
      const signedIn = op.security === undefined || op.security.length > 0;
      if (signedIn && !op.responses['401']) problems.push(`${where}: mangler 401`);
      if (!op.responses['500']) problems.push(`${where}: mangler 500`);
    }
    assert.deepEqual(problems, []);
  });

  it('has schemas that compile as JSON Schema 2020-12 (the dialect of OpenAPI 3.1)', () => {
    const ajv = new Ajv2020({ strict: true, strictTypes: false, allErrors: true });
    addFormats.default(ajv);
    const base = 'https://kontraktsoppfolging.test/openapi.json';
    const rewrite = (value: unknown): unknown =>
      JSON.parse(JSON.stringify(value), (k, v) =>
        k === '$ref' && typeof v === 'string' && v.startsWith('#/') ? `${base}${v}` : v,
      );
    for (const [name, schema] of Object.entries(doc.components.schemas)) {
      ajv.addSchema(rewrite(schema) as Json, `${base}#/components/schemas/${name}`);
    }
    let compiled = 0;
    const problems: string[] = [];
    const compile = (where: string, schema: unknown) => {
      try {
        ajv.compile(rewrite(schema) as Json);
        compiled++;
      } catch (error) {
        problems.push(`${where}: ${(error as Error).message}`);
      }
    };
    for (const name of Object.keys(doc.components.schemas)) {
      compile(name, { $ref: `#/components/schemas/${name}` });
    }
    for (const [path, method, op] of operations(doc)) {
      const where = `${method.toUpperCase()} ${path}`;
      for (const p of op.parameters ?? []) compile(`${where} ${String(p.name)}`, p.schema);
      for (const [type, m] of Object.entries(op.requestBody?.content ?? {}))
        compile(`${where} ${type}`, m.schema);
      for (const [code, r] of Object.entries(op.responses)) {
        const content = (r.content ?? {}) as Record<string, { schema?: unknown }>;
        for (const [type, m] of Object.entries(content))
          if (m.schema) compile(`${where} ${code} ${type}`, m.schema);
      }
    }
    assert.deepEqual(problems, []);
    assert.ok(compiled > 150, `bare ${compiled} skjemaer`);
  });

  it('generates query parameters and bodies from the schemas the routes validate with', async () => {
    const list = doc.paths['/api/contracts']?.get;
    assert.deepEqual(
      list?.parameters?.map((p) => p.name),
      queryParameters(contractQuerySchema).map((p) => p.name),
    );
    const limit = list?.parameters?.find((p) => p.name === 'limit')?.schema as Json;
    assert.equal(limit.maximum, 200);
    // What the document says is out of range, the route refuses, naming the parameter.
    const tooMany = await s.request('leser', 'GET', '/api/contracts?limit=201');
    assert.equal(tooMany.status, 400);
    assert.deepEqual(
      (tooMany.json() as { issues: { field: string }[] }).issues.map((i) => i.field),
      ['limit'],
    );

    const complete = doc.paths['/api/followup/tasks/{id}/complete']?.post;
    const body = complete?.requestBody?.content['application/json']?.schema as Json;
    assert.deepEqual(body.required, ['comment']);
    assert.equal(body.additionalProperties, false);

    const order = doc.paths['/api/spend/orders']?.post?.requestBody?.content['application/json']
      ?.schema as { properties: Record<string, unknown> };
    assert.deepEqual(Object.keys(order.properties).sort(), ['question', 'scope', 'unitId']);
    const put = doc.paths['/api/contracts/{id}']?.put?.requestBody?.content['application/json'];
    assert.deepEqual(put?.schema, { $ref: '#/components/schemas/ContractInput' });
    assert.ok(
      (doc.components.schemas.ContractInput?.properties as Json | undefined)?.referenceNumber,
    );
  });

  it('states the security the server enforces, and its error shape', async () => {
    const ajv = new Ajv2020({ strict: false });
    const isError = ajv.compile(doc.components.schemas.Error as Json);
    const checked: string[] = [];
    for (const [path, method, op] of operations(doc)) {
      const open = op.security !== undefined && op.security.length === 0;
      const signedIn = op.security === undefined;
      if (!open && !signedIn) continue; // the bot: the Bot Framework adapter decides
      if (!path.startsWith('/api/')) continue; // pages and the tab answer HTML
      const url = path.replace(/\{[^}]+\}/g, 'x');
      const res = await s.request(null, method.toUpperCase(), url);
      if (signedIn) {
        assert.equal(res.status, 401, `${method.toUpperCase()} ${path} uten bruker`);
        assert.ok(isError(res.json()), `${path}: 401 i feilformen`);
      } else {
        assert.notEqual(res.status, 401, `${method.toUpperCase()} ${path} er dokumentert som åpen`);
      }
      checked.push(path);
    }
    assert.ok(checked.length > 60, `bare ${checked.length} sjekket`);
    const missing = await s.request('leser', 'GET', '/api/contracts/finnes-ikke');
    assert.equal(missing.status, 404);
    assert.ok(isError(missing.json()));
    assert.ok(doc.paths['/api/contracts/{id}']?.get?.responses['404']);
  });
});
