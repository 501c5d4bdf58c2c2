// Only the supplier terms confidential: suppliers are open, their terms are not — in the contract
// view and in its history (a change to the suppliers shows the list without terms).
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { contractInput } from '../support/fixtures.ts';
import { startTestServer, type TestServer } from '../support/server.ts';

const TERMS = 'Rabatt 17,5 % VILKÅR9c1e';
const NEW_TERMS = 'Rabatt 21 % VILKÅR4b7d';
const BASIS = 'Offl. § 13 jf. fvl. § 13 første ledd nr. 2';

describe('confidential supplier terms, open suppliers', () => {
  let s: TestServer;
  let id = '';
  before(async () => {
    s = await startTestServer({}, { clock: () => new Date('2026-01-15T10:00:00Z') });
    const created = await s.request(
      'kontraktservice',
      'POST',
      '/api/contracts',
      contractInput({
        referenceNumber: 'VILK-1',
        ownerId: 'eier1',
        suppliers: [{ orgnr: '914994780', name: 'Åpen Leverandør AS', rank: 1, terms: TERMS }],
        confidential: { supplierTerms: { legalBasis: BASIS } },
      }),
    );
    assert.equal(created.status, 201, created.text);
    id = (created.json() as { id: string }).id;
    const changed = await s.request(
      'eier1',
      'PATCH',
      `/api/contracts/${id}`,
      {
        suppliers: [
          { orgnr: '914994780', name: 'Åpen Leverandør AS', rank: 1, terms: NEW_TERMS },
          { orgnr: '923609016', name: 'Ny Leverandør AS', rank: 2, terms: null },
        ],
      },
      { 'if-match': '"1"' },
    );
    assert.equal(changed.status, 200, changed.text);
  });
  after(() => s.close());

  it('a reader sees the suppliers and their changes, never the terms', async () => {
    for (const path of [`/api/contracts/${id}`, `/api/contracts/${id}/history`]) {
      const r = await s.request('leser', 'GET', path);
      assert.equal(r.status, 200, r.text);
      assert.ok(!r.text.includes('VILKÅR'), `${path} leaks the terms`);
      assert.ok(r.text.includes('Ny Leverandør AS'), `${path} shows the suppliers`);
    }
    const history = (await s.request('leser', 'GET', `/api/contracts/${id}/history`)).json() as {
      items: { changes: { field: string; to: { name: string; terms: string | null }[] }[] }[];
    };
    const change = history.items
      .flatMap((e) => e.changes)
      .find((c) => c.field === 'suppliers' && Array.isArray(c.to) && c.to.length === 2);
    assert.deepEqual(
      change?.to.map((x) => [x.name, x.terms]),
      [
        ['Åpen Leverandør AS', null],
        ['Ny Leverandør AS', null],
      ],
    );
  });

  it('the owner and Kontraktservice see the terms in the history', async () => {
    for (const user of ['eier1', 'kontraktservice']) {
      const r = await s.request(user, 'GET', `/api/contracts/${id}/history`);
      assert.equal(r.status, 200, r.text);
      assert.ok(r.text.includes(NEW_TERMS) && r.text.includes(TERMS), user);
    }
  });
});
