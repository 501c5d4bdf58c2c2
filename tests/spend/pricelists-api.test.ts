/**
 * Price lists over HTTP: every agreement with the size of its price list, one agreement's items as
 * imported (prices as decimal text), a new import replacing the old list, a bad file refused whole,
 * unknown agreements 404, Kontraktservice only.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { User } from '../../src/core/index.ts';
import { contractInput } from '../support/fixtures.ts';
import { type SpendApi, startSpendApi } from './spend-api-server.ts';

const users: Record<string, User> = {
  ks: { id: 'ks', name: 'Kari', email: 'ks@example.no', role: 'kontraktservice', unitId: null },
  owner: { id: 'o', name: 'Ola', email: 'o@example.no', role: 'contract_owner', unitId: 'u1' },
};

interface Summary {
  agreementId: string;
  referenceNumber: string;
  title: string | null;
  items: number;
  firstValidFrom: string | null;
  lastValidFrom: string | null;
  currencies: string[];
}

describe('spend API: price lists', () => {
  let api: SpendApi;
  let paper: string;

  before(async () => {
    api = await startSpendApi(users);
    const contracts = api.services.store.contracts;
    paper = (await contracts.create(contractInput({ referenceNumber: 'RA-2025-0001' }), 'test')).id;
    await contracts.create(
      contractInput({
        referenceNumber: 'RA-2025-0002',
        title: 'Rammeavtale om <script>x</script>',
      }),
      'test',
    );
  });

  after(() => api.close());

  const upload = (agreement: string, name: string, body: string) =>
    api.call('ks', `/spend/pricelists/${agreement}?name=${encodeURIComponent(name)}`, {
      method: 'POST',
      headers: { 'content-type': 'text/csv' },
      body,
    });
  const list = async () =>
    ((await (await api.call('ks', '/spend/pricelists')).json()) as { agreements: Summary[] })
      .agreements;

  it('is for Kontraktservice only', async () => {
    assert.equal((await api.call('owner', '/spend/pricelists')).status, 403);
    assert.equal((await api.call('owner', `/spend/pricelists/${paper}`)).status, 403);
  });

  it('lists every agreement, none with a price list yet', async () => {
    const all = await list();
    assert.deepEqual(
      all.map((a) => [a.referenceNumber, a.title, a.items, a.firstValidFrom, a.currencies]),
      [
        ['RA-2025-0001', 'Rammeavtale om kontorrekvisita', 0, null, []],
        ['RA-2025-0002', 'Rammeavtale om <script>x</script>', 0, null, []],
      ],
    );
  });

  it('shows an imported list; a new import replaces it; a bad file changes nothing', async () => {
    const first = await upload(
      paper,
      'prisliste.csv',
      'varenummer;gtin;beskrivelse;enhet;pris;gyldig fra\n' +
        'A4-1;7031234567890;Kopipapir A4;PK;49,50;2025-01-01\n' +
        'PEN-2;;Kulepenn, blå;EA;0,125;2025-03-01\n',
    );
    assert.equal(first.status, 201, await first.clone().text());
    assert.deepEqual(await first.json(), { imported: 2 });
    const one = (await list()).find((a) => a.agreementId === paper);
    assert.deepEqual(
      [one?.items, one?.firstValidFrom, one?.lastValidFrom, one?.currencies],
      [2, '2025-01-01', '2025-03-01', ['NOK']],
    );
    const items = await (await api.call('ks', '/spend/pricelists/RA-2025-0001')).json();
    assert.deepEqual(items, {
      agreementId: paper,
      referenceNumber: 'RA-2025-0001',
      title: 'Rammeavtale om kontorrekvisita',
      items: [
        {
          itemNumber: 'A4-1',
          gtin: '7031234567890',
          description: 'Kopipapir A4',
          unit: 'PK',
          price: '49.50',
          currency: 'NOK',
          validFrom: '2025-01-01',
        },
        {
          itemNumber: 'PEN-2',
          gtin: null,
          description: 'Kulepenn, blå',
          unit: 'EA',
          price: '0.125',
          currency: 'NOK',
          validFrom: '2025-03-01',
        },
      ],
    });

    const bad = await upload(
      paper,
      'prisliste.csv',
      'varenummer;beskrivelse;enhet;pris;gyldig fra\nA4-1;Kopipapir;PK;49,50;2026-01-01\nX;Y;PK;gratis;2026-01-01\n',
    );
    assert.equal(bad.status, 400);
    assert.deepEqual(((await bad.json()) as { issues: unknown[] }).issues, [
      { field: 'rad 3', message: 'ugyldig pris' },
    ]);
    assert.equal((await list()).find((a) => a.agreementId === paper)?.items, 2);

    const replaced = await upload(
      paper,
      'prisliste.csv',
      'varenummer;beskrivelse;enhet;pris;gyldig fra\nA4-1;Kopipapir A4;PK;51,00;2026-01-01\n',
    );
    assert.equal(replaced.status, 201);
    const after = (await (await api.call('ks', `/spend/pricelists/${paper}`)).json()) as {
      items: { price: string; validFrom: string }[];
    };
    assert.deepEqual(
      after.items.map((i) => [i.price, i.validFrom]),
      [['51.00', '2026-01-01']],
    );
  });

  it('answers requests that arrive together (each refreshes the agreements)', async () => {
    // A read used to run inside another request's refresh transaction now and then (≈ 1 round in
    // 75) and find the agreement table emptied: many rounds, so that it would show.
    for (let round = 0; round < 60; round++) {
      const answers = await Promise.all(
        Array.from({ length: 6 }, (_, i) =>
          api.call('ks', i % 2 === 0 ? '/spend/pricelists' : `/spend/pricelists/${paper}`),
        ),
      );
      assert.deepEqual(
        answers.map((r) => r.status),
        [200, 200, 200, 200, 200, 200],
        `round ${round}`,
      );
    }
  });

  it('an unknown agreement is 404', async () => {
    assert.equal((await api.call('ks', '/spend/pricelists/finnes-ikke')).status, 404);
    assert.equal((await upload('finnes-ikke', 'p.csv', 'x')).status, 404);
  });
});
