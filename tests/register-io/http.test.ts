import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { seedDemo } from '../../src/demo/seed.ts';
import { startTestServer, type TestServer } from '../support/server.ts';
import { clock, csv, HEADER, row, unzipText } from './helpers.ts';

type Report = {
  committed: boolean;
  created: number;
  updated: number;
  issues: { row: number; column: string; columnLetter: string | null; message: string }[];
};

describe('import and export over HTTP', () => {
  let s: TestServer;
  before(async () => {
    s = await startTestServer({}, { clock, seed: false });
    await seedDemo(s.services);
  });
  after(() => s.close());

  const upload = (user: string, body: Uint8Array, query = '', type = 'text/csv') =>
    s.request(user, 'POST', `/api/import${query}`, body, { 'content-type': type });

  const download = async (user: string, query = '') => {
    const res = await fetch(`${s.url}/api/export.xlsx${query}`, {
      headers: { 'x-dev-user': user },
    });
    return { status: res.status, headers: res.headers, body: Buffer.from(await res.arrayBuffer()) };
  };

  it('dry run by default, then commit; one bad row changes nothing (422)', async () => {
    const good = csv(HEADER, [row({ Avtalenummer: 'HTTP-1' })]);
    const dry = await upload('kontraktservice', good);
    assert.equal(dry.status, 200, dry.text);
    assert.deepEqual((dry.json() as Report).created, 1);
    assert.equal(await s.services.store.contracts.getByReference('HTTP-1'), null);

    const count = await s.services.store.contracts.count();
    const bad = csv(HEADER, [
      row({ Avtalenummer: 'HTTP-2' }),
      row({ Avtalenummer: 'HTTP-3', 'Leverandør orgnr': '974760673; 986105175' }),
    ]);
    const refused = await upload('kontraktservice', bad, '?dryRun=false');
    assert.equal(refused.status, 422, refused.text);
    const report = refused.json() as Report;
    assert.equal(report.committed, false);
    assert.deepEqual(
      report.issues.map((i) => [i.row, i.column, i.columnLetter]),
      [[3, 'Leverandør orgnr', 'I']],
    );
    assert.equal(await s.services.store.contracts.count(), count);
    assert.equal(await s.services.store.contracts.getByReference('HTTP-2'), null);

    const done = await upload('kontraktservice', good, '?dryRun=false');
    assert.equal(done.status, 200, done.text);
    assert.equal((done.json() as Report).committed, true);
    const list = await s.request('kontraktservice', 'GET', '/api/contracts?q=HTTP-1');
    assert.equal((list.json() as { total: number }).total, 1);
  });

  it('refuses a reader (403), a bad dryRun value (400), JSON bodies (415) and huge files (413)', async () => {
    const file = csv(HEADER, [row({ Avtalenummer: 'HTTP-9' })]);
    assert.equal((await upload('leser', file)).status, 403);
    const badFlag = await upload('kontraktservice', file, '?dryRun=kanskje');
    assert.equal(badFlag.status, 400);
    assert.match(badFlag.text, /dryRun/);
    const json = await s.request('kontraktservice', 'POST', '/api/import', { a: 1 });
    assert.equal(json.status, 415);
    const huge = Buffer.alloc(21 * 1024 * 1024, 0x41);
    const tooBig = await upload('kontraktservice', huge);
    assert.equal(tooBig.status, 413);
    assert.match(tooBig.text, /for stor/);
  });

  it('exports the search result as xlsx with the same filters as the search', async () => {
    const query = '?status=expiring&kind=framework';
    const search = await s.request('kontraktservice', 'GET', `/api/contracts${query}&limit=200`);
    const total = (search.json() as { total: number }).total;
    assert.ok(total > 0);
    const res = await download('kontraktservice', query);
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type') ?? '', /spreadsheetml/);
    assert.match(res.headers.get('content-disposition') ?? '', /attachment; filename="avtaler-/);
    assert.equal(Number(res.headers.get('x-total-count')), total);
    const bad = await download('kontraktservice', '?status=tull');
    assert.equal(bad.status, 400);
  });

  it('round-trips over HTTP: export, then import the file unchanged', async () => {
    const res = await download('kontraktservice', '?includeExpired=true');
    assert.equal(res.status, 200);
    const back = await upload(
      'kontraktservice',
      res.body,
      '?dryRun=false',
      'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
    );
    assert.equal(back.status, 200, back.text);
    const report = back.json() as Report;
    assert.deepEqual(report.issues, []);
    assert.equal(report.created, 0);
    assert.equal(report.updated, await s.services.store.contracts.count());
  });

  it("a reader's export never contains a confidential value (raw bytes)", async () => {
    let n = 0;
    for await (const c of s.services.store.contracts.all()) {
      if (!c.confidential.supplierTerms) continue;
      const { id, version, createdAt: _c, updatedAt: _u, ...input } = c;
      const suppliers = input.suppliers.map((x) => ({ ...x, terms: `LEKKASJE-${++n}-vilkår` }));
      const put = await s.request(
        'kontraktservice',
        'PUT',
        `/api/contracts/${id}`,
        { ...input, suppliers },
        { 'if-match': `"${version}"` },
      );
      assert.equal(put.status, 200, put.text);
    }
    assert.ok(n > 3, 'the demo has confidential supplier terms');
    const reader = await unzipText((await download('leser', '?includeExpired=true')).body);
    assert.equal(/LEKKASJE-\d+/.test(reader), false, 'reader export leaks a confidential term');
    assert.ok(reader.includes('Offl. § 13'));
    const admin = await unzipText((await download('kontraktservice', '?includeExpired=true')).body);
    assert.equal((admin.match(/LEKKASJE-\d+-vilk/g) ?? []).length, n);
  });
});
