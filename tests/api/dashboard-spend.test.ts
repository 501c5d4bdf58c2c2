// The dashboard's ceiling usage with real spend data: ledger postings uploaded through the API,
// matched to framework agreements, summed against each maximum value — and withheld from a viewer
// who may not see the maximum.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { contractInput } from '../support/fixtures.ts';
import { startTestServer, type TestServer } from '../support/server.ts';

const BASIS = 'Offl. § 13 jf. fvl. § 13 første ledd nr. 2';

interface Usage {
  contractId: string;
  maxValueOre: number | null;
  spentOre: number | null;
  ratio: number | null;
}
interface Summary {
  ceiling: Usage[];
  spendConnected: boolean;
}

describe('dashboard ceiling usage from spend data', () => {
  let s: TestServer;
  let open: string;
  let secret: string;

  const create = async (overrides: Record<string, unknown>) => {
    const r = await s.request(
      'kontraktservice',
      'POST',
      '/api/contracts',
      contractInput(overrides),
    );
    assert.equal(r.status, 201, r.text);
    return (r.json() as { id: string }).id;
  };
  const dashboard = async (user: string) => {
    const r = await s.request(user, 'GET', '/api/dashboard');
    assert.equal(r.status, 200, r.text);
    return r.json() as Summary;
  };
  const usageOf = (d: Summary, id: string) => d.ceiling.find((c) => c.contractId === id);

  before(async () => {
    s = await startTestServer({}, { clock: () => new Date('2025-06-30T10:00:00Z') });
    open = await create({
      referenceNumber: 'RA-2025-0001',
      suppliers: [{ orgnr: '974760673', name: 'Åpen AS', rank: 1, terms: null }],
    });
    secret = await create({
      referenceNumber: 'RA-2025-0002',
      suppliers: [{ orgnr: '986105174', name: 'Hemmelig AS', rank: 1, terms: null }],
      confidential: { maxValueOre: { legalBasis: BASIS } },
    });
  });
  after(async () => {
    await s?.close();
  });

  it('without spend data: maximum values only, not connected', async () => {
    const d = await dashboard('kontraktservice');
    assert.equal(d.spendConnected, false);
    assert.equal(usageOf(d, open)?.spentOre, null);
  });

  it('after a ledger upload (default column names): turnover against the ceiling, withheld with a withheld maximum', async () => {
    const csv = [
      'orgnr;leverandør;bilagsdato;beløp;bilagsnummer',
      '974760673;Åpen AS;2025-03-01;2000000,00;L1',
      '974760673;Åpen AS;2025-04-01;-400000,00;L2',
      '986105174;Hemmelig AS;2025-03-01;1000,00;L3',
    ].join('\n');
    const up = await s.request('kontraktservice', 'POST', '/api/spend/uploads?kind=ledger', csv, {
      'content-type': 'text/csv',
    });
    assert.equal(up.status, 202, up.text);
    let job = up.json() as { id: string; state: string };
    for (let i = 0; i < 400 && job.state === 'running'; i++) {
      await new Promise((r) => setTimeout(r, 25));
      job = (await s.request('kontraktservice', 'GET', `/api/spend/uploads/${job.id}`)).json() as {
        id: string;
        state: string;
      };
    }
    assert.equal(job.state, 'done');

    const ks = await dashboard('kontraktservice');
    assert.equal(ks.spendConnected, true);
    assert.deepEqual(usageOf(ks, open), {
      ...usageOf(ks, open),
      maxValueOre: 800_000_000,
      spentOre: 160_000_000,
      ratio: 0.2,
    });
    assert.equal(usageOf(ks, secret)?.spentOre, 100_000);

    const reader = await dashboard('leser');
    assert.equal(usageOf(reader, open)?.spentOre, 160_000_000);
    assert.deepEqual(
      [usageOf(reader, secret)?.maxValueOre, usageOf(reader, secret)?.spentOre],
      [null, null],
    );

    const one = await s.request('leser', 'GET', `/api/dashboard/ceiling/${secret}`);
    assert.equal(one.status, 200, one.text);
    assert.equal((one.json() as Usage).spentOre, null);
    assert.doesNotMatch(one.text, /100000/);
    const asKs = await s.request('kontraktservice', 'GET', `/api/dashboard/ceiling/${secret}`);
    assert.equal((asKs.json() as Usage).spentOre, 100_000);
  });
});
