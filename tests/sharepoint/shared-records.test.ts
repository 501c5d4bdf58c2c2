// Two API instances composed by `createServices` with STORE=sharepoint and ARCHIVE_DRIVE_ID against
// one local Graph server and one local drive server: channel announcements and document records
// (with the kept copies of uploaded files) are shared, so what one instance stores the other lists,
// downloads, sends or files — and each channel post is sent once, each document filed once.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import { documentsOf } from '../../src/archive/documents/compose.ts';
import { SqliteDocumentStore } from '../../src/archive/documents/document-store.ts';
import { LibraryKeptFiles } from '../../src/archive/documents/kept-files.ts';
import { ARCHIVE_COLUMNS } from '../../src/archive/sharepoint/sharepoint-archive.ts';
import { loadConfig } from '../../src/config.ts';
import { asViewer, type User } from '../../src/core/index.ts';
import type { ChannelDelivery } from '../../src/followup/followup.port.ts';
import { OutboxSender } from '../../src/followup/sender.ts';
import { SqliteChannelOutbox } from '../../src/followup/sqlite-announcements.ts';
import { followUpFor } from '../../src/followup/wire.ts';
import { createServices, type Services } from '../../src/services.ts';
import {
  deliveryKey,
  SharePointAnnouncementStore,
  SharePointChannelOutbox,
} from '../../src/store/sharepoint/announcements.ts';
import { SharePointDocumentRecords } from '../../src/store/sharepoint/documents.ts';
import { findLists } from '../../src/store/sharepoint/provision.ts';
import { SMALL_CHUNKS, toChunks } from '../../src/store/sharepoint/schema.ts';
import { type DriveServer, startDriveServer } from '../archive/graph-drive-server.ts';
import { pdf } from '../archive/samples.ts';
import type { GraphServer } from '../graph/server.ts';
import { contractInput } from '../support/fixtures.ts';
import { seedUsers } from '../support/server.ts';
import { graphFor, provisionedServer } from './helpers.ts';

const ks: User = {
  id: 'kontraktservice',
  name: 'Kari Service',
  email: 'kontraktservice@kommune.example',
  role: 'kontraktservice',
  unitId: 'u-innkjop',
};
const eier1: User = {
  id: 'eier1',
  name: 'Eva Eier',
  email: 'e@x.no',
  role: 'contract_owner',
  unitId: null,
};
const CHANNELS = [
  '19:innkjop@thread.tacv2',
  '19:forvaltere@thread.tacv2',
  '19:ledere@thread.tacv2',
];
const ROOT = 'Arkiv/Kontrakter';
const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');

/** Waits until an instance's register cache has a contract made on another (≤ 2 s staleness). */
async function seenBy(s: Services, id: string): Promise<void> {
  for (let i = 0; i < 100 && !(await s.store.contracts.get(id)); i++)
    await new Promise((r) => setTimeout(r, 50));
}

describe('announcements and documents shared by two instances (STORE=sharepoint)', () => {
  let graph: GraphServer;
  let drive: DriveServer;
  const dirs: string[] = [];
  const instances: Services[] = [];
  let now = new Date('2026-03-02T08:00:00Z');
  const clock = () => now;

  async function instance(store: 'sharepoint' | 'sqlite' = 'sharepoint'): Promise<Services> {
    const dataDir = mkdtempSync(join(tmpdir(), 'ko-shared-sp-'));
    dirs.push(dataDir);
    const env = {
      STORE: store,
      SHAREPOINT_SITE_ID: graph.siteId,
      GRAPH_BASE_URL: graph.baseUrl,
      GRAPH_TOKEN: 'test-token',
      ARCHIVE_DRIVE_ID: 'drive-1',
      ARCHIVE_ROOT_FOLDER: ROOT,
      ARCHIVE_GRAPH_BASE_URL: `${drive.url}/v1.0`,
    };
    const config = loadConfig({
      DATA_DIR: dataDir,
      DEMO_DATA: 'off',
      LOG_LEVEL: 'silent',
      AUTH_MODE: 'dev',
      ...env,
    });
    const s = await createServices(config, { clock, env: { ...process.env, ...env } });
    instances.push(s);
    return s;
  }

  let a: Services;
  let b: Services;
  before(async () => {
    graph = await provisionedServer({ seed: 7 });
    drive = await startDriveServer({ columns: Object.values(ARCHIVE_COLUMNS) });
    a = await instance();
    b = await instance();
    await seedUsers(a);
  });
  after(async () => {
    for (const s of instances) await s.close();
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
    await drive.close();
    await graph.close();
  });

  it('composes the SharePoint adapters in SharePoint mode, the SQLite ones otherwise', async () => {
    assert.ok(followUpFor(a).channelOutbox instanceof SharePointChannelOutbox);
    assert.ok(a.sharePoint?.announcements instanceof SharePointAnnouncementStore);
    const docs = documentsOf(a);
    assert.equal(docs.files.kind, 'library');
    assert.ok(docs.files instanceof LibraryKeptFiles);
    assert.ok(a.sharePoint?.documents instanceof SharePointDocumentRecords);
    const local = await instance('sqlite');
    assert.ok(followUpFor(local).channelOutbox instanceof SqliteChannelOutbox);
    assert.equal(documentsOf(local).files.kind, 'local');
    assert.ok(new SqliteDocumentStore(local.sqlite!) instanceof SqliteDocumentStore);
  });

  it('an announcement made on one instance is listed on the other, each channel post sent once', async () => {
    // The bot was installed in three channels; the references were saved through instance A.
    for (const [i, id] of CHANNELS.entries()) {
      await followUpFor(a).conversations.save({
        userId: 'kontraktservice',
        conversationId: i === 0 ? `${id};messageid=17000` : id,
        kind: 'channel',
        referenceJson: JSON.stringify({
          conversation: { id, conversationType: 'channel', name: `Kanal ${i}` },
          serviceUrl: 'https://smba.example/',
        }),
      });
    }
    const channels = await followUpFor(b).announcements.channels(ks);
    assert.deepEqual(channels.map((c) => c.conversationId).sort(), [...CHANNELS].sort());

    const made = [];
    for (let i = 0; i < 4; i++) {
      now = new Date(now.getTime() + 1000);
      const on = i % 2 ? a : b;
      made.push(
        await followUpFor(on).announcements.create(ks, {
          kind: 'general',
          title: `Melding ${i} <script>x</script>`,
          text: 'Se fanen Avtaler.',
        }),
      );
    }
    const listedOnA = await followUpFor(a).announcements.list(ks);
    assert.deepEqual(
      listedOnA.map((x) => x.id),
      made.map((x) => x.id).reverse(),
      'newest first, from both instances',
    );
    assert.equal((await followUpFor(a).announcements.get(ks, made[0]!.id)).title, made[0]!.title);

    // A crash after the announcement item was written but before its deliveries: any instance's
    // sender completes it (and the deliveries are still written once).
    const client = graphFor(graph, 'crash');
    const lists = await findLists(client, graph.siteId);
    const crashedId = 'a0000000-0000-4000-8000-000000000001';
    const crashedAt = new Date(now.getTime() - 5 * 60_000).toISOString();
    await client.request('POST', `/sites/${graph.siteId}/lists/${lists.announcements}/items`, {
      fields: {
        Title: 'Etter krasj',
        AnnouncementId: crashedId,
        Kind: 'general',
        State: 'enqueuing',
        CreatedAt: crashedAt,
        CreatedBy: 'kontraktservice',
        ...toChunks(
          'Data',
          JSON.stringify({
            title: 'Etter krasj',
            text: 'x',
            link: null,
            course: null,
            routineId: null,
          }),
          SMALL_CHUNKS,
        ),
        Targets: JSON.stringify({
          notBefore: crashedAt,
          targets: [{ conversationId: CHANNELS[1], name: 'Kanal 1' }],
        }),
      },
    });
    // …and one of its deliveries had been written already.
    await client.request('POST', `/sites/${graph.siteId}/lists/${lists.channelOutbox}/items`, {
      fields: {
        IdempotencyKey: deliveryKey(crashedId, CHANNELS[1]!),
        AnnouncementId: crashedId,
        State: 'pending',
        ConversationId: CHANNELS[1],
        NotBefore: crashedAt,
        Attempts: 0,
      },
    });

    const sends = new Map<string, number>();
    const noReference: string[] = [];
    const senders = [a, b].map(
      (s) =>
        new OutboxSender<ChannelDelivery>({
          outbox: followUpFor(s).channelOutbox,
          conversationKey: (d) => d.conversationId,
          workerId: followUpFor(s).instanceId,
          clock,
          limits: [],
          deliver: async (d) => {
            sends.set(d.idempotencyKey, (sends.get(d.idempotencyKey) ?? 0) + 1);
            if (!d.referenceJson) noReference.push(d.idempotencyKey);
            return { status: 201 };
          },
        }),
    );
    graph.throttle({ rate: 0.1, retryAfterSeconds: 0 });
    try {
      for (let round = 0; round < 4; round++) await Promise.all(senders.map((s) => s.runOnce()));
    } finally {
      graph.throttle(null);
    }
    const expected = [
      ...made.flatMap((m) => CHANNELS.map((c) => `${m.id}|${c}`)),
      `${crashedId}|${CHANNELS[1]}`,
    ].sort();
    assert.deepEqual([...sends.keys()].sort(), expected, 'every channel post sent');
    assert.deepEqual(
      [...sends.entries()].filter(([, n]) => n !== 1),
      [],
      'each channel post sent exactly once',
    );
    assert.deepEqual(noReference, [], 'each delivery carried its channel reference');
    const views = await followUpFor(b).announcements.list(ks);
    assert.equal(views.length, 5);
    for (const v of views) assert.deepEqual(v.counts.pending + v.counts.dead, 0, v.id);
    assert.equal(views.find((v) => v.id === crashedId)?.deliveries.length, 1);
  });

  it('a document uploaded on one instance is listed, downloaded and its failed filing retried on the other, filed once', async () => {
    const contract = await a.contracts.create(ks, contractInput({ referenceNumber: 'SR-1' }));
    const onA = documentsOf(a);
    const onB = documentsOf(b);
    const marker = (id: string) =>
      `/v1.0/drives/drive-1/root:/${ROOT}/${id}/arkivmelding.xml:/content`;
    await seenBy(b, contract.id);
    // The library refuses the commit mark for a while: the filing fails (retryable).
    const failNextFilings = () => {
      for (let i = 0; i < 6; i++) drive.throttleOnce('PUT', /arkivmelding\.xml/, 503, 0);
    };
    const upload = async (name: string, content: Buffer) => {
      failNextFilings();
      now = new Date(now.getTime() + 1000);
      const doc = await onA.create(eier1, {
        contractId: contract.id,
        metadata: { title: name, entryType: 'U', documentType: 'AVTALE' },
        files: [await onA.stage(Readable.from([content]), `${name}.pdf`)],
      });
      assert.equal(doc.status, 'failed');
      assert.equal(doc.attempts, 1);
      return doc;
    };
    const first = pdf('Første');
    const d1 = await upload('Avtale 1', first);
    const d2 = await upload('Avtale 2', pdf('Andre'));

    // Listed and downloaded on B.
    const listed = await onB.list(asViewer(eier1), contract.id);
    assert.deepEqual(
      listed.map((d) => [d.id, d.status]),
      [
        [d1.id, 'failed'],
        [d2.id, 'failed'],
      ],
    );
    const content = await onB.content(asViewer(eier1), d1.id, 1);
    const chunks: Buffer[] = [];
    for await (const c of content.stream) chunks.push(c as Buffer);
    assert.equal(sha(Buffer.concat(chunks)), sha(first));

    // Retried on B alone: B fetches the kept copy from the library and files it.
    const puts = (id: string) =>
      drive.log.filter((l) => l.method === 'PUT' && l.path === marker(id) && l.status < 300).length;
    const r1 = await onB.retry(eier1, d1.id);
    assert.equal(r1.status, 'filed', r1.failureReason ?? '');
    assert.equal(r1.attempts, 2);
    assert.equal(puts(d1.id), 1);
    assert.ok(drive.itemAt(`${ROOT}/${d1.id}/01-avtale-1.pdf`));

    // Retried on both at once: one claims the filing (ETag), the other waits for it.
    const both = await Promise.all([onA.retry(eier1, d2.id), onB.retry(eier1, d2.id)]);
    assert.deepEqual(
      both.map((d) => d.status),
      ['filed', 'filed'],
    );
    assert.equal(puts(d2.id), 1, 'filed once');
    assert.equal((await onA.get(asViewer(eier1), d2.id)).attempts, 2);
    const again = await onA.retry(eier1, d2.id);
    assert.equal(again.attempts, 2);
    assert.equal(puts(d2.id), 1);
    // A filing claimed by a third instance: the start-up sweep on B leaves it alone; once the
    // claim has run out (10 minutes on the services' clock) a retry takes it over and files it.
    const d3 = await upload('Avtale 3', pdf('Tredje'));
    const claim = await b.sharePoint?.documents.claimFiling(d3.id, 'instance-c', now, 600_000);
    assert.equal(claim?.claimed, true);
    assert.equal(
      (await b.sharePoint?.documents.claimFiling(d3.id, 'instance-d', now, 1))?.claimed,
      false,
    );
    const swept = await onB.fileUnfiled();
    assert.equal(swept.filed, 0);
    assert.equal(puts(d3.id), 0, 'not filed past the live claim');
    now = new Date(now.getTime() + 11 * 60_000);
    const r3 = await onB.retry(eier1, d3.id);
    assert.equal(r3.status, 'filed', r3.failureReason ?? '');
    assert.equal(puts(d3.id), 1);
    // The local copies made for filing are gone once filed.
    for (const s of [a, b])
      for (const d of [d1, d2, d3])
        assert.ok(!existsSync(join(s.config.dataDir, 'uploads', 'cache', d.id)));
  });

  it('ids that try to widen the list filter find nothing', async () => {
    const hostile = ["x' or fields/DocumentId ne 'y", "') or (1 eq 1", '%27 or 1 eq 1'];
    for (const id of hostile) {
      await assert.rejects(documentsOf(b).get(asViewer(eier1), id), /finnes ikke/, id);
      await assert.rejects(followUpFor(b).announcements.get(ks, id), /finnes ikke/, id);
    }
  });

  it('the same Idempotency-Key sent to both instances at once stores one document', async () => {
    const contract = await a.contracts.create(ks, contractInput({ referenceNumber: 'SR-2' }));
    const key = 'dobbel-opplasting-1';
    await seenBy(b, contract.id);
    const send = async (s: Services) => {
      const docs = documentsOf(s);
      return docs.create(eier1, {
        contractId: contract.id,
        metadata: { title: 'Samme', entryType: 'N', documentType: 'NOTAT' },
        files: [await docs.stage(Readable.from([pdf('Samme')]), 'samme.pdf')],
        idempotencyKey: key,
      });
    };
    const [x, y] = await Promise.all([send(a), send(b)]);
    assert.equal(x.id, y.id);
    const listed = await documentsOf(b).list(asViewer(eier1), contract.id);
    assert.deepEqual(
      listed.map((d) => d.id),
      [x.id],
    );
    // The loser's kept copy was removed from the library again.
    const kept = [...drive.items.values()].filter(
      (i) => i.path.startsWith(`${ROOT}/Opplastinger/`) && i.path.endsWith('samme.pdf'),
    );
    assert.deepEqual(
      kept.map((i) => i.path.split('/')[3]),
      [x.id],
    );
  });
});
