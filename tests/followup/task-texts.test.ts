/**
 * The API's task views carry what to do (`description`) and what to document (`evidence`) as
 * localised texts: the kick-off task of a new contract has the default routine's texts in nb/nn/en;
 * a routine edit shows at once; a deleted routine leaves its tasks without evidence and every task
 * view still answers. Every answer is checked against the schema the OpenAPI document states.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import { DEFAULT_ROUTINES } from '../../src/core/followup/defaults.ts';
import type { LocalText, Routine } from '../../src/core/followup/index.ts';
import { contractInput } from '../support/fixtures.ts';
import { startTestServer, type TestServer } from '../support/server.ts';

interface TaskJson {
  id: string;
  routineId: string;
  activityId: string;
  state: string;
  description: LocalText | null;
  evidence: LocalText | null;
}

const NOW = new Date('2026-03-01T09:00:00Z');
const enc = encodeURIComponent;
const activities = new Map(
  DEFAULT_ROUTINES.flatMap((r) => r.activities.map((a) => [a.id, { routine: r.id, a }] as const)),
);
const kickoff = activities.get('oppstartsmote')?.a;
if (!kickoff?.evidence || !kickoff.description) throw new Error('kick-off has no texts');

type Json = Record<string, unknown>;

describe('follow-up API: task views carry the activity’s description and evidence', () => {
  let server: TestServer;
  let contractId: string;
  let kickoffId: string;
  let validateTask: ValidateFunction;
  let validateList: ValidateFunction;

  async function get<T>(user: string, path: string, validate?: ValidateFunction): Promise<T> {
    const r = await server.request(user, 'GET', path);
    assert.equal(r.status, 200, `${path}: ${r.text}`);
    const body = r.json();
    if (validate) assert.ok(validate(body), `${path}: ${JSON.stringify(validate.errors)}`);
    return body as T;
  }
  const task = (user = 'eier1') =>
    get<TaskJson>(user, `/api/followup/tasks/${enc(kickoffId)}`, validateTask);
  const plan = (user = 'eier1') =>
    get<{ items: TaskJson[] }>(
      user,
      `/api/followup/contracts/${contractId}/plan`,
      validateList,
    ).then((b) => b.items);

  before(async () => {
    server = await startTestServer({}, { clock: () => NOW });
    const r = await server.request(
      'kontraktservice',
      'POST',
      '/api/contracts',
      contractInput({
        ownerId: 'eier1',
        owningUnitId: 'u-helse',
        startDate: '2026-02-20',
        endDate: '2028-02-19',
        options: [],
      }),
    );
    assert.equal(r.status, 201, r.text);
    contractId = (r.json() as { id: string }).id;
    // The schemas the OpenAPI document states for one task and for task lists.
    const doc = (await server.request(null, 'GET', '/api/openapi.json')).json() as {
      paths: Record<string, Record<string, { responses: Record<string, Json> }>>;
    };
    const schemaOf = (path: string) => {
      const ok = doc.paths[path]?.get?.responses['200'] as {
        content: { 'application/json': { schema: Json } };
      };
      return ok.content['application/json'].schema;
    };
    const ajv = new Ajv2020({ strict: false, allErrors: true });
    validateTask = ajv.compile(schemaOf('/api/followup/tasks/{id}'));
    validateList = ajv.compile(schemaOf('/api/followup/tasks/mine'));
    const taskSchema = schemaOf('/api/followup/tasks/{id}') as {
      required?: string[];
      properties: Json;
    };
    assert.ok(taskSchema.required?.includes('evidence'), 'evidence is documented as always there');
    assert.ok('description' in taskSchema.properties);
  });
  after(() => server?.close());

  it('my tasks, one task and the plan carry the kick-off description and evidence in nb/nn/en', async () => {
    const mine = await get<{ items: TaskJson[] }>(
      'eier1',
      '/api/followup/tasks/mine',
      validateList,
    );
    const k = mine.items.find((t) => t.activityId === 'oppstartsmote');
    assert.ok(k, 'the kick-off task is in my tasks');
    kickoffId = k.id;
    for (const view of [k, await task(), await task('kontraktservice')]) {
      assert.deepEqual(view.description, kickoff.description);
      assert.deepEqual(view.evidence, kickoff.evidence);
      assert.ok(view.evidence?.nn && view.evidence.en, 'all three languages');
    }
    const tasks = await plan();
    assert.ok(tasks.length > 5);
    // Every planned task's evidence is its own activity's (or null when the activity names none).
    for (const t of tasks) {
      const source = activities.get(t.activityId);
      assert.ok(source, t.activityId);
      assert.equal(t.routineId, source.routine);
      assert.deepEqual(t.evidence, source.a.evidence ?? null, t.activityId);
      assert.deepEqual(t.description, source.a.description ?? null, t.activityId);
    }
    for (const path of ['/api/followup/tasks/overdue', '/api/followup/tasks/upcoming?days=60']) {
      const list = await get<{ items: TaskJson[] }>('eier1', path, validateList);
      for (const t of list.items) assert.ok('evidence' in t && 'description' in t, path);
    }
  });

  it('an edited routine shows its new texts at once (evidence read, description replanned)', async () => {
    const r = await server.request('kontraktservice', 'GET', '/api/followup/routines/basis-felles');
    const routine = r.json() as Routine;
    const { version: _v, updatedAt: _u, updatedBy: _b, ...data } = routine;
    const edited = {
      ...data,
      activities: routine.activities.map((a) =>
        a.id === 'oppstartsmote'
          ? {
              ...a,
              description: { nb: 'Ny beskrivelse <b>fet</b>' },
              evidence: { nb: 'Referat i arkivet', en: 'Minutes in the archive' },
            }
          : a,
      ),
    };
    const put = await server.request(
      'kontraktservice',
      'PUT',
      '/api/followup/routines/basis-felles',
      edited,
      { 'if-match': r.headers.get('etag') as string },
    );
    assert.equal(put.status, 200, put.text);
    const view = await task();
    assert.deepEqual(view.evidence, { nb: 'Referat i arkivet', en: 'Minutes in the archive' });
    assert.deepEqual(view.description, { nb: 'Ny beskrivelse <b>fet</b>' });
  });

  it('a deleted routine: its tasks have no evidence, and every view still answers', async () => {
    const del = await server.request(
      'kontraktservice',
      'DELETE',
      '/api/followup/routines/basis-felles',
    );
    assert.equal(del.status, 204, del.text);
    const view = await task();
    assert.equal(view.evidence, null);
    assert.equal(view.state, 'cancelled');
    const tasks = await plan();
    const orphans = tasks.filter((t) => t.routineId === 'basis-felles');
    assert.ok(orphans.length > 0);
    for (const t of orphans) assert.equal(t.evidence, null, t.activityId);
    // Tasks of the routines that remain still carry theirs.
    const others = tasks.filter((t) => t.routineId !== 'basis-felles' && t.state === 'open');
    assert.ok(others.length > 0);
    for (const t of others) {
      assert.deepEqual(t.evidence, activities.get(t.activityId)?.a.evidence ?? null);
    }
    await get('kontraktservice', '/api/followup/units/u-helse/tasks', validateList);
    await get('eier1', '/api/followup/tasks/mine?states=open,snoozed,cancelled', validateList);
  });
});
