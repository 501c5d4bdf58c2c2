import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { CONFIDENTIAL_FIELDS } from '../../src/core/index.ts';
import {
  LEGAL_BASIS,
  leakedMarkers,
  type SecretMarkers,
  secretContractInput,
} from '../support/fixtures.ts';
import { startTestServer, type TestServer } from '../support/server.ts';

const SECRET = 'HEMMELIG7f3a';
const SECRET_VALUE = 987_654_321_07; // øre: an unusual number to look for
const SECRET_DATE = '2031-07-13';
const MARKERS: SecretMarkers = { text: SECRET, value: SECRET_VALUE, date: SECRET_DATE };

describe('confidential fields never reach a reader', () => {
  let s: TestServer;
  let id = '';
  before(async () => {
    s = await startTestServer({}, { clock: () => new Date('2026-01-15T10:00:00Z') });
    const input = secretContractInput('KONF-1', MARKERS);
    const r = await s.request('kontraktservice', 'POST', '/api/contracts', input);
    assert.equal(r.status, 201, r.text);
    id = (r.json() as { id: string }).id;
    // a change to a confidential field, so the history has something to hide
    const p = await s.request(
      'eier1',
      'PATCH',
      `/api/contracts/${id}`,
      { description: `Ny ${SECRET}` },
      { 'if-match': '"1"' },
    );
    assert.equal(p.status, 200, p.text);
  });
  after(() => s.close());

  const leaks = (text: string) => leakedMarkers(text, MARKERS);

  it('every read endpoint, as the reader, has no confidential value in the raw body', async () => {
    const paths = [
      '/api/contracts',
      '/api/contracts?includeExpired=true&limit=200',
      `/api/contracts?q=${SECRET}`,
      '/api/contracts?q=KONF-1',
      '/api/contracts?supplier=914994780',
      '/api/contracts?sort=maxValue&order=desc',
      '/api/search?q=tittel',
      `/api/contracts/${id}`,
      `/api/contracts/${id}/history`,
      '/api/suppliers',
      `/api/suppliers?q=${SECRET}`,
      '/api/suppliers/914994780',
      '/api/me',
      '/api/units',
      '/api/users',
    ];
    let checked = 0;
    for (const path of paths) {
      const r = await s.request('leser', 'GET', path);
      assert.ok([200, 404].includes(r.status), `${path}: ${r.status}`);
      assert.deepEqual(leaks(r.text), [], `${path} leaks`);
      checked++;
    }
    const one = (await s.request('leser', 'GET', `/api/contracts/${id}`)).json() as {
      withheld: { field: string; legalBasis: string }[];
      referenceNumber: string;
    };
    assert.equal(one.referenceNumber, 'KONF-1');
    assert.deepEqual(one.withheld.map((w) => w.field).sort(), [...CONFIDENTIAL_FIELDS].sort());
    assert.ok(one.withheld.every((w) => w.legalBasis === LEGAL_BASIS));
    assert.equal(checked, paths.length);
  });

  it('the owner of another contract sees nothing either, the owner and Kontraktservice see all', async () => {
    const other = await s.request('eier2', 'GET', `/api/contracts/${id}`);
    assert.deepEqual(leaks(other.text), []);
    for (const user of ['eier1', 'kontraktservice']) {
      const own = await s.request(user, 'GET', `/api/contracts/${id}`);
      assert.equal(leaks(own.text).length, 4, user);
      const search = await s.request(user, 'GET', `/api/contracts?q=${SECRET}`);
      assert.equal((search.json() as { total: number }).total, 1, user);
    }
  });

  it('write answers for a reader are refusals that carry nothing', async () => {
    const r = await s.request(
      'leser',
      'PATCH',
      `/api/contracts/${id}`,
      { riskLevel: 'low' },
      { 'if-match': '"2"' },
    );
    assert.equal(r.status, 403);
    assert.deepEqual(leaks(r.text), []);
    const o = await s.request(
      'leser',
      'POST',
      `/api/contracts/${id}/options/opsjon-1/exercise`,
      undefined,
      { 'if-match': '"2"' },
    );
    assert.equal(o.status, 403);
    assert.deepEqual(leaks(o.text), []);
  });
});
