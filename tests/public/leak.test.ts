import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import { documentsOf } from '../../src/archive/documents/compose.ts';
import { CONFIDENTIAL_FIELDS } from '../../src/core/index.ts';
import { pdf } from '../archive/samples.ts';
import type { TestServer } from '../support/server.ts';
import { admin, BASIS, create, startCatalogue } from './helpers.ts';

/** One unique string in every confidential field and document title; it must appear nowhere. */
const SECRET = 'HEMMELIGzq7x';
const SECRET_ORGNR = '914994780';
const SECRET_MAX_ORE = 91_919_191_900; // 919 191 919 kr
const SECRET_EST_ORE = 81_818_181_800; // 818 181 818 kr
const SECRET_DATE = '2031-07-13';

const allConfidential = Object.fromEntries(
  CONFIDENTIAL_FIELDS.map((f) => [f, { legalBasis: BASIS }]),
);

function secretContract(reference: string, extra: Record<string, unknown>) {
  return {
    referenceNumber: reference,
    title: `Tittel ${SECRET}`,
    description: `Beskrivelse ${SECRET}`,
    suppliers: [
      { orgnr: SECRET_ORGNR, name: `Leverandør ${SECRET} AS`, rank: 1, terms: `Vilkår ${SECRET}` },
    ],
    estimatedValueOre: SECRET_EST_ORE,
    maxValueOre: SECRET_MAX_ORE,
    priceAdjustment: {
      index: `Indeks ${SECRET}`,
      basePeriod: '2025-01',
      adjustmentMonth: 3,
      sharePercent: 77,
    },
    endDate: '2030-12-31',
    options: [{ newEndDate: SECRET_DATE, decisionDeadline: '2030-06-30' }],
    ...extra,
  };
}

/** Everything that would betray a secret value, in any of its spellings. */
function leaks(body: string): string[] {
  const lower = body.toLowerCase();
  const digits = body.replace(/\D/g, '');
  const found: string[] = [];
  if (lower.includes(SECRET.toLowerCase())) found.push(SECRET);
  if (body.includes(SECRET_ORGNR) || body.includes('914 994 780')) found.push(SECRET_ORGNR);
  for (const n of ['919191919', '818181818']) if (digits.includes(n)) found.push(n);
  if (body.includes(SECRET_DATE) || /13\.? (juli|july) 2031/i.test(body)) found.push(SECRET_DATE);
  return found;
}

describe('nothing confidential reaches any public answer', () => {
  let s: TestServer;
  const crawled = new Map<string, string>();

  async function fetchAll(path: string) {
    const res = await fetch(s.url + path);
    const text = await res.text();
    crawled.set(path, text);
    return { res, text };
  }

  before(async () => {
    s = await startCatalogue();
    const user = await admin(s);
    const published = await create(
      s,
      secretContract('RA-KONF-1', { confidential: allConfidential, published: true }),
    );
    const unpublished = await create(
      s,
      secretContract(`RA-${SECRET}`, {
        caseNumber: `2025/${SECRET}`,
        partnerOrganisations: [`Partner ${SECRET}`],
        published: false,
      }),
    );
    await create(
      s,
      secretContract('RA-DRAFT-1', { confidential: allConfidential, published: true, draft: true }),
    );
    await create(
      s,
      secretContract('EK-SINGLE-1', {
        kind: 'single',
        caseNumber: `2025/${SECRET}`,
        published: true,
      }),
    );
    // documents: a screened one on the published agreement, open and screened ones on the
    // unpublished agreement, and an open one (without the secret) that the public may see
    const documents = documentsOf(s.services);
    const stage = () => documents.stage(Readable.from([pdf()]), 'dokument.pdf');
    const upload = async (contractId: string, title: string, screened: boolean) =>
      documents.create(user, {
        contractId,
        metadata: {
          title,
          entryType: 'N',
          documentType: 'AVTALE',
          ...(screened
            ? { screening: { accessCode: '13', legalBasis: BASIS, screenedWords: [SECRET] } }
            : {}),
        },
        files: [await stage()],
      });
    await upload(published.id, `Prisbilag ${SECRET}`, true);
    await upload(published.id, 'Kunngjøring av tildeling', false);
    await upload(unpublished.id, `Kontrakt ${SECRET}`, false);
    await upload(unpublished.id, `Prisbilag ${SECRET}`, true);
  });
  after(() => s.close());

  it('the published agreement is listed, with its withheld fields and public document', async () => {
    const { res, text } = await fetchAll('/rammeavtaler/avtale/RA-KONF-1');
    assert.equal(res.status, 200);
    assert.ok(text.includes('Unntatt offentlighet'), 'withheld marker shown');
    assert.ok(text.includes('Kunngjøring av tildeling'), 'public document listed');
    assert.deepEqual(leaks(text), []);
  });

  it('crawling every page in every language, every link followed', async () => {
    const queue = ['/rammeavtaler', '/rammeavtaler?lang=nn', '/rammeavtaler?lang=en'];
    for (const status of ['expired', 'expiring', 'active'])
      queue.push(`/rammeavtaler?status=${status}`);
    queue.push(
      '/rammeavtaler?partners=1',
      '/rammeavtaler?sort=endDate',
      '/rammeavtaler?sort=startDate',
    );
    const seen = new Set<string>();
    while (queue.length > 0 && seen.size < 600) {
      const path = queue.shift() as string;
      if (seen.has(path)) continue;
      seen.add(path);
      const { res, text } = await fetchAll(path);
      assert.ok(res.status === 200, `${path} → ${res.status}`);
      for (const m of text.matchAll(/href="([^"]+)"/g)) {
        const link = (m[1] as string).replaceAll('&amp;', '&');
        if (link.startsWith('/rammeavtaler') || link.startsWith('/api/public')) {
          if (!seen.has(link)) queue.push(link);
        }
      }
    }
    assert.ok(seen.size > 50, `crawled ${seen.size} pages`);
    // the filter options offered on the page lead to more pages
    const home = crawled.get('/rammeavtaler') ?? '';
    for (const m of home.matchAll(/<option value="([^"]+)"/g)) {
      const v = m[1] as string;
      const param = /^\d{9}$/.test(v) ? 'supplier' : /^\d{2}$/.test(v) ? 'category' : 'sort';
      await fetchAll(`/rammeavtaler?${param}=${encodeURIComponent(v)}`);
    }
  });

  it('open data, single agreements, searches and suggestions', async () => {
    await fetchAll('/api/public/agreements.csv');
    await fetchAll('/api/public/ocds');
    for (const status of ['current', 'expired', 'expiring', 'active']) {
      await fetchAll(`/api/public/agreements?pageSize=100&status=${status}`);
    }
    for (const ref of ['RA-KONF-1', 'RA-DRAFT-1', 'EK-SINGLE-1', 'RA-2025-001']) {
      await fetchAll(`/api/public/agreements/${ref}`);
      await fetchAll(`/rammeavtaler/avtale/${ref}?lang=en`);
    }
    // probes that contain part of the secret, or the secret with a typo: neither a hit, a
    // correction nor a completion may give it away
    const probes = [
      'hemmeligzq',
      'hemmeligzq7y',
      'hemmeligzg7x',
      'hemmelig',
      'hemm',
      'zq7x',
      'Indeks',
    ];
    for (const q of probes) {
      const e = encodeURIComponent(q);
      const list = await fetchAll(`/api/public/agreements?q=${e}&status=expired`);
      await fetchAll(`/api/public/agreements?q=${e}`);
      await fetchAll(`/rammeavtaler?q=${e}`);
      await fetchAll(`/rammeavtaler?q=${e}&lang=en&status=expired`);
      await fetchAll(`/api/public/suggest?q=${e}`);
      await fetchAll(`/api/public/suggest?q=${encodeURIComponent(`tolk ${q}`)}`);
      assert.equal((JSON.parse(list.text) as { total: number }).total, 0, `hits for ${q}`);
    }
    // the confidential supplier cannot be found, even by its organisation number
    // (not crawled: its paging links echo the number the client sent)
    const bySupplier = await fetch(`${s.url}/api/public/agreements?supplier=${SECRET_ORGNR}`);
    const found = (await bySupplier.json()) as { total: number; items: unknown[] };
    assert.equal(found.total, 0);
    assert.deepEqual(found.items, []);
    assert.equal((await fetchAll('/api/public/agreements/RA-DRAFT-1')).res.status, 404);
    assert.equal((await fetchAll('/api/public/agreements/EK-SINGLE-1')).res.status, 404);
  });

  it('the secret appears in no crawled answer', () => {
    assert.ok(crawled.size > 100, `${crawled.size} answers`);
    const found = [...crawled].flatMap(([path, body]) => leaks(body).map((l) => `${path}: ${l}`));
    assert.deepEqual(found, []);
  });
});
