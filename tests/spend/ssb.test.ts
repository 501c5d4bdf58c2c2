/**
 * The SSB KPI adapter (PxWebApi v2, table 03013, JSON-stat 2.0) against a local HTTP server that
 * answers like the documented API: it checks the query and refuses what SSB would refuse.
 */
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { loadIndexSeries } from '../../src/spend/context.ts';
import { parseKpiJsonStat, SsbKpi } from '../../src/spend/rates/ssb-kpi.ts';
import { SpendService } from '../../src/spend/service.ts';

const MONTHS = ['2024M07', '2024M08', '2024M09', '2024M10'];

/** A JSON-stat 2.0 dataset shaped like PxWebApi v2's answer for table 03013. */
function dataset(n: number) {
  const months = MONTHS.slice(-n);
  return {
    version: '2.0',
    class: 'dataset',
    label: '03013: Konsumprisindeks, etter konsumgruppe, statistikkvariabel og måned',
    source: 'Statistisk sentralbyrå',
    updated: '2024-11-11T07:00:00Z',
    id: ['Konsumgrp', 'ContentsCode', 'Tid'],
    size: [1, 1, months.length],
    dimension: {
      Konsumgrp: {
        label: 'konsumgruppe',
        category: { index: { TOTAL: 0 }, label: { TOTAL: 'Totalindeks' } },
      },
      ContentsCode: {
        label: 'statistikkvariabel',
        category: {
          index: { KpiIndMnd: 0 },
          label: { KpiIndMnd: 'Konsumprisindeks (2015=100)' },
          unit: { KpiIndMnd: { base: 'indeks', decimals: 1 } },
        },
      },
      Tid: {
        label: 'måned',
        category: {
          index: Object.fromEntries(months.map((m, i) => [m, i])),
          label: Object.fromEntries(months.map((m) => [m, m])),
        },
      },
    },
    // 2024M09 is not published yet in this answer (null with a status).
    value: [135.7, 136.0, null, 136.8].slice(-months.length),
    status: { '2': '..' },
    role: { time: ['Tid'], metric: ['ContentsCode'] },
  };
}

let server: Server;
let base: string;
let seen: URL[] = [];

before(async () => {
  server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    seen.push(url);
    const q = url.searchParams;
    const json = (status: number, body: unknown) => {
      res.statusCode = status;
      res.setHeader('content-type', 'application/json; charset=utf-8');
      res.end(JSON.stringify(body));
    };
    if (url.pathname !== '/api/pxwebapi/v2/tables/03013/data')
      return json(404, { title: 'Not found' });
    const top = /^top\((\d+)\)$/.exec(q.get('valueCodes[Tid]') ?? '');
    if (
      q.get('outputFormat') !== 'json-stat2' ||
      q.get('lang') !== 'no' ||
      q.get('valueCodes[Konsumgrp]') !== 'TOTAL' ||
      q.get('valueCodes[ContentsCode]') !== 'KpiIndMnd' ||
      !top
    )
      return json(400, { title: 'Bad request' });
    json(200, dataset(Math.min(MONTHS.length, Number(top[1]))));
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
after(() => server.close());

describe('SSB KPI adapter (PxWebApi v2, JSON-stat 2.0)', () => {
  it('asks for table 03013 as documented and reads the monthly totals, skipping a missing month', async () => {
    seen = [];
    const values = await new SsbKpi(base).fetch(4);
    assert.equal(seen.length, 1);
    assert.equal(seen[0]?.searchParams.get('valueCodes[Tid]'), 'top(4)');
    assert.deepEqual(values, [
      { index: 'KPI', period: '2024-07', valueX10: 1357 },
      { index: 'KPI', period: '2024-08', valueX10: 1360 },
      { index: 'KPI', period: '2024-10', valueX10: 1368 },
    ]);
  });

  it('reads the other JSON-stat shapes: category index as a list, sparse values, other order', () => {
    const values = parseKpiJsonStat({
      class: 'dataset',
      id: ['Tid', 'ContentsCode', 'Konsumgrp'],
      size: [2, 2, 1],
      dimension: {
        Tid: { category: { index: ['2023M12', '2024M01'] } },
        ContentsCode: { category: { index: ['KpiVektMnd', 'KpiIndMnd'] } },
        Konsumgrp: { category: { index: { TOTAL: 0 } } },
      },
      // row-major: (Tid 0, weight), (Tid 0, index), (Tid 1, weight), (Tid 1, index)
      value: { '1': 131.5, '3': 131.8 },
    });
    assert.deepEqual(
      values.map((v) => [v.period, v.valueX10]),
      [
        ['2023-12', 1315],
        ['2024-01', 1318],
      ],
    );
  });

  it('refuses answers that are not the documented dataset', async () => {
    assert.throws(() => parseKpiJsonStat({ class: 'collection' }), /JSON-stat/);
    assert.throws(
      () =>
        parseKpiJsonStat({
          class: 'dataset',
          id: ['Konsumgrp', 'Tid'],
          size: [1, 1],
          dimension: {
            Konsumgrp: { category: { index: { '01': 0 } } },
            Tid: { category: { index: { '2024M01': 0 } } },
          },
          value: [1],
        }),
      /TOTAL/,
    );
    const broken = createServer((_req, res) => {
      res.statusCode = 503;
      res.end('<html>vedlikehold</html>');
    });
    broken.listen(0, '127.0.0.1');
    await once(broken, 'listening');
    try {
      const port = (broken.address() as AddressInfo).port;
      await assert.rejects(new SsbKpi(`http://127.0.0.1:${port}`).fetch(3), /SSB svarte 503/);
    } finally {
      broken.close();
    }
  });

  it('stores fetched months beside the shipped series; a value entered by hand wins', async () => {
    const spend = await SpendService.open({
      file: ':memory:',
      contracts: { all: async function* () {} },
    });
    try {
      await spend.addIndexValue('KPI', '2024-08', 1999);
      const r = await spend.fetchIndexValues(new SsbKpi(base), 4);
      assert.deepEqual(r, { fetched: 3, stored: 2 });
      const kpi = (await loadIndexSeries(spend.store)).get('KPI');
      assert.equal(kpi?.values.get('2024-07'), 1357);
      assert.equal(kpi?.values.get('2024-08'), 1999); // by hand
      assert.equal(kpi?.values.get('2024-10'), 1368);
      assert.equal(kpi?.values.get('2024-09'), 1336); // not published: the shipped yearly average
      assert.equal(kpi?.values.get('2022-05'), 1228); // shipped series untouched
      // Fetching again replaces fetched values, never duplicates them.
      assert.deepEqual(await spend.fetchIndexValues(new SsbKpi(base), 4), {
        fetched: 3,
        stored: 2,
      });
      const [n] = await spend.store.rows<{ n: bigint }>(
        "SELECT count(*) AS n FROM spend_index_value WHERE source = 'ssb'",
      );
      assert.equal(Number(n?.n), 2);
    } finally {
      spend.close();
    }
  });
});
