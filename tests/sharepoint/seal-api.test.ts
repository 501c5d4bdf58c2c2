// Sealing end to end: the API with STORE=sharepoint and SHAREPOINT_SEAL_KEY on the local Graph
// server. Kontraktservice gets every confidential value back, a reader gets them withheld, and no
// list item of the register holds one in clear; a tampered contract answers 500 with a message while
// the rest of the register is served; `npm run cli -- reseal` re-seals after a key rotation.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { fromChunks } from '../../src/store/sharepoint/schema.ts';
import { envelopeKeyIds, parseSealKey } from '../../src/store/sharepoint/seal.ts';
import type { GraphServer } from '../graph/server.ts';
import {
  contractInput,
  leakedMarkers,
  type SecretMarkers,
  secretContractInput,
} from '../support/fixtures.ts';
import { startTestServer, type TestServer } from '../support/server.ts';
import { graphFor, provisionedServer } from './helpers.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const SECRET = 'HEMMELIG9c1d';
const SECRET_VALUE = 876_543_210_09;
const SECRET_DATE = '2032-03-17';
const MARKERS: SecretMarkers = { text: SECRET, value: SECRET_VALUE, date: SECRET_DATE };
const KEY_A = Buffer.alloc(32, 11).toString('base64');
const KEY_B = Buffer.alloc(32, 12).toString('base64');
const leaks = (text: string) => leakedMarkers(text, MARKERS);

describe('API on SharePoint with sealed confidential values', () => {
  let graph: GraphServer;
  let s: TestServer;
  let id = '';
  before(async () => {
    graph = await provisionedServer();
    s = await startTestServer(
      {
        STORE: 'sharepoint',
        SHAREPOINT_SITE_ID: graph.siteId,
        GRAPH_BASE_URL: graph.baseUrl,
        GRAPH_TOKEN: 'test-token',
        SHAREPOINT_SEAL_KEY: KEY_A,
      },
      { clock: () => new Date('2026-01-15T10:00:00Z') },
    );
    const input = secretContractInput('KONF-SP', MARKERS);
    const r = await s.request('kontraktservice', 'POST', '/api/contracts', input);
    assert.equal(r.status, 201, r.text);
    id = (r.json() as { id: string }).id;
    const p = await s.request(
      'eier1',
      'PATCH',
      `/api/contracts/${id}`,
      { description: `Ny ${SECRET}` },
      { 'if-match': '"1"' },
    );
    assert.equal(p.status, 200, p.text);
    const other = await s.request(
      'kontraktservice',
      'POST',
      '/api/contracts',
      contractInput({ referenceNumber: 'OPEN-SP', title: 'Åpen avtale', owningUnitId: 'u-helse' }),
    );
    assert.equal(other.status, 201, other.text);
  });
  after(async () => {
    await s.close();
    await graph.close();
  });

  /** Runs the CLI in a child process against the local Graph server. */
  const cli = (env: Record<string, string>, ...args: string[]) =>
    new Promise<{ status: number; stdout: string; stderr: string }>((resolve) => {
      execFile(
        process.execPath,
        ['--import', 'tsx', 'src/cli/main.ts', ...args],
        {
          cwd: ROOT,
          encoding: 'utf8',
          env: {
            ...process.env,
            DATA_DIR: s.dataDir,
            GRAPH_BASE_URL: graph.baseUrl,
            GRAPH_TOKEN: 'test-token',
            SHAREPOINT_SITE_ID: graph.siteId,
            SHAREPOINT_SEAL_KEY: '',
            SHAREPOINT_SEAL_KEY_PREVIOUS: '',
            ...env,
          },
        },
        (error, stdout, stderr) => {
          const code = error && typeof error.code === 'number' ? error.code : error ? 1 : 0;
          resolve({ status: code, stdout, stderr });
        },
      );
    });

  const everything = () =>
    graph
      .lists()
      .map((l) => JSON.stringify(graph.items(l.displayName)))
      .join('\n');

  it('no list of the site holds a confidential value in clear; Kontraktservice and the owner read them, a reader not', async () => {
    assert.deepEqual(leaks(everything()), [], 'no marker in any item of any list');
    for (const user of ['kontraktservice', 'eier1']) {
      const r = await s.request(user, 'GET', `/api/contracts/${id}`);
      assert.equal(r.status, 200, r.text);
      const c = r.json() as {
        title: string;
        description: string;
        maxValueOre: number;
        suppliers: { terms: string }[];
        options: { newEndDate: string }[];
      };
      assert.equal(c.title, `Tittel ${SECRET}`);
      assert.equal(c.description, `Ny ${SECRET}`);
      assert.equal(c.maxValueOre, SECRET_VALUE);
      assert.equal(c.suppliers[0]?.terms, `Vilkår ${SECRET}`);
      assert.equal(c.options[0]?.newEndDate, SECRET_DATE);
    }
    const found = await s.request('kontraktservice', 'GET', `/api/contracts?q=${SECRET}`);
    assert.equal((found.json() as { total: number }).total, 1);
    const history = await s.request('kontraktservice', 'GET', `/api/contracts/${id}/history`);
    assert.ok(
      history.text.includes(`Beskrivelse ${SECRET}`) && history.text.includes(`Ny ${SECRET}`),
    );
    for (const path of [
      `/api/contracts/${id}`,
      `/api/contracts/${id}/history`,
      `/api/contracts?q=${SECRET}`,
    ]) {
      const r = await s.request('leser', 'GET', path);
      assert.deepEqual(leaks(r.text), [], path);
    }
  });

  it('a tampered contract answers 500 with a message; the rest is served; repaired, it is back', async () => {
    const item = graph.items('Kontrakter').find((i) => i.fields.ReferenceNumber === 'KONF-SP');
    assert.ok(item);
    const original = item.fields.Data0 as string;
    const data = JSON.parse(original) as { maxValueOre: { $sealed: string } };
    const env = data.maxValueOre.$sealed;
    const tampered = {
      ...data,
      maxValueOre: { $sealed: `${env.slice(0, -3)}${env.endsWith('AAA') ? 'BBB' : 'AAA'}` },
    };
    const g = graphFor(graph, 'tamper');
    const lists = await g.get<{ value: { id: string; displayName: string }[] }>(
      `/sites/${encodeURIComponent(graph.siteId)}/lists`,
    );
    const listId = lists.value.find((l) => l.displayName === 'Kontrakter')?.id;
    const path = `/sites/${encodeURIComponent(graph.siteId)}/lists/${listId}/items/${item.id}/fields`;
    await g.request('PATCH', path, { Data0: JSON.stringify(tampered) });
    await (s.services.store as unknown as { sync(): Promise<void> }).sync();

    const r = await s.request('kontraktservice', 'GET', `/api/contracts/${id}`);
    assert.equal(r.status, 500);
    assert.match(
      (r.json() as { error: string }).error,
      /Avtale KONF-SP kan ikke leses fra SharePoint: en forseglet verdi er endret/,
    );
    assert.deepEqual(leaks(r.text), []);
    const write = await s.request(
      'kontraktservice',
      'PATCH',
      `/api/contracts/${id}`,
      { riskLevel: 'high' },
      { 'if-match': '"2"' },
    );
    assert.equal(write.status, 500, 'never written over from what could not be read');
    const list = (await s.request('kontraktservice', 'GET', '/api/contracts')).json() as {
      items: { referenceNumber: string }[];
    };
    assert.deepEqual(
      list.items.map((c) => c.referenceNumber),
      ['OPEN-SP'],
    );
    const health = await s.request(null, 'GET', '/api/health');
    assert.equal(health.status, 200);
    assert.equal(
      (health.json() as { store: { detail: { unreadableContracts: number } } }).store.detail
        .unreadableContracts,
      1,
    );
    assert.ok(!health.text.includes('KONF-SP'));

    await g.request('PATCH', path, { Data0: original });
    await (s.services.store as unknown as { sync(): Promise<void> }).sync();
    const back = await s.request('kontraktservice', 'GET', `/api/contracts/${id}`);
    assert.equal(back.status, 200, back.text);
    assert.equal((back.json() as { maxValueOre: number }).maxValueOre, SECRET_VALUE);
  });

  it('npm run cli -- reseal: refuses an unknown key untouched, re-seals with the new key, then has nothing to do', async () => {
    const keyA = parseSealKey(KEY_A, 'A').id;
    const keyB = parseSealKey(KEY_B, 'B').id;
    const ids = () =>
      envelopeKeyIds([
        ...graph
          .items('Kontrakter')
          .flatMap((i) => [
            JSON.parse(fromChunks('Data', i.fields) ?? 'null'),
            JSON.parse(fromChunks('LastChange', i.fields) ?? 'null'),
          ]),
        ...graph
          .items('Endringslogg')
          .map((i) => JSON.parse(fromChunks('Entry', i.fields) ?? 'null')),
      ]);
    assert.ok(ids().length > 10 && ids().every((k) => k === keyA));

    const none = await cli({}, 'reseal');
    assert.notEqual(none.status, 0);
    assert.match(none.stderr, /Mangler SHAREPOINT_SEAL_KEY/);
    const bad = await cli({ SHAREPOINT_SEAL_KEY: 'ikke-en-nøkkel' }, 'reseal');
    assert.notEqual(bad.status, 0);
    assert.match(bad.stderr, /SHAREPOINT_SEAL_KEY er ugyldig/);
    assert.ok(!bad.stderr.includes('ikke-en-nøkkel'));

    const withoutPrevious = await cli({ SHAREPOINT_SEAL_KEY: KEY_B }, 'reseal');
    assert.equal(withoutPrevious.status, 1, withoutPrevious.stderr);
    assert.match(withoutPrevious.stderr, /Kunne ikke åpnes \(urørt\): KONF-SP/);
    assert.ok(
      ids().every((k) => k === keyA),
      'nothing it could not open was touched',
    );

    const rotated = await cli(
      { SHAREPOINT_SEAL_KEY: KEY_B, SHAREPOINT_SEAL_KEY_PREVIOUS: KEY_A },
      'reseal',
    );
    assert.equal(rotated.status, 0, rotated.stderr);
    assert.match(
      rotated.stdout,
      new RegExp(
        `Nøkkel ${keyB}: 1 av 2 avtaler og \\d+ av \\d+ loggoppføringer forseglet på nytt`,
      ),
    );
    assert.ok(ids().length > 10 && ids().every((k) => k === keyB));
    assert.deepEqual(leaks(everything()), []);
    const again = await cli(
      { SHAREPOINT_SEAL_KEY: KEY_B, SHAREPOINT_SEAL_KEY_PREVIOUS: KEY_A },
      'reseal',
    );
    assert.equal(again.status, 0, again.stderr);
    assert.match(again.stdout, /: 0 av 2 avtaler og 0 av \d+ loggoppføringer/);
  });
});
