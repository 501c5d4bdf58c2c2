/**
 * Kontraktservice's channel announcements: the API over real HTTP (roles, validation, hostile
 * text), the channel card (adaptivecards SDK), and delivery through the channel outbox to a local
 * Bot Connector with the outbox sender (rate limits, retries, exactly once) — on the embedded
 * SQLite store and with STORE=sharepoint on the local Graph server (Kunngjøringer, Kanalutboks).
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { teamsBotFor } from '../../src/bot/wire.ts';
import { announcementCard } from '../../src/cards/announcement.ts';
import { LANGS } from '../../src/cards/i18n.ts';
import { cardBytes, MAX_CARD_BYTES } from '../../src/cards/render.ts';
import type { Announcement } from '../../src/core/followup/index.ts';
import type { AnnouncementView } from '../../src/followup/announcements.ts';
import type { ChannelDelivery } from '../../src/followup/followup.port.ts';
import { OutboxSender } from '../../src/followup/sender.ts';
import { followUpFor } from '../../src/followup/wire.ts';
import { SharePointChannelOutbox } from '../../src/store/sharepoint/announcements.ts';
import { type FakeConnector, startConnector } from '../bot/connector.ts';
import { cardProblems, cardTexts } from '../bot/validate-card.ts';
import type { GraphServer } from '../graph/server.ts';
import { provisionedServer } from '../sharepoint/helpers.ts';
import { startTestServer, type TestServer } from '../support/server.ts';

const NOW = new Date('2026-03-01T09:00:00Z');
// biome-ignore lint/suspicious/noTemplateCurlyInString: a template expression that must stay text
const EVIL = '<script>alert(1)</script> ${$root} [x](javascript:alert(1)) **fet** \u0060kode\u0060';
const CHANNEL_A = '19:kanal-a@thread.tacv2';
const CHANNEL_B = '19:kanal-b@thread.tacv2';
let server: TestServer;
let connector: FakeConnector;

/** A channel reference as the bot saves it on install (TurnContext.getConversationReference). */
async function installIn(conversationId: string, name: string, locale = 'nb-NO') {
  await followUpFor(server.services).conversations.save({
    userId: 'kontraktservice',
    conversationId,
    kind: 'channel',
    referenceJson: JSON.stringify({
      activityId: 'a-1',
      user: { id: '29:ks', aadObjectId: 'kontraktservice' },
      bot: { id: '28:bot', name: 'Kontrakter' },
      conversation: { id: conversationId, conversationType: 'channel', name, isGroup: true },
      channelId: 'msteams',
      locale,
      serviceUrl: connector.url,
    }),
  });
}

function sender() {
  return new OutboxSender<ChannelDelivery>({
    outbox: followUpFor(server.services).channelOutbox,
    deliver: teamsBotFor(server.services).deliverToChannel,
    conversationKey: (d) => d.conversationId,
    workerId: 'test',
    baseBackoffMs: 1,
    maxBackoffMs: 5,
    random: () => 0,
  });
}

before(async () => {
  connector = await startConnector();
});
after(async () => {
  await connector.close();
});

for (const store of ['sqlite', 'sharepoint'] as const)
  describe(`announcements API over HTTP (STORE=${store})`, () => {
    let graph: GraphServer | null = null;
    before(async () => {
      let env: Record<string, string> = {};
      if (store === 'sharepoint') {
        graph = await provisionedServer();
        env = {
          STORE: 'sharepoint',
          SHAREPOINT_SITE_ID: graph.siteId,
          GRAPH_BASE_URL: graph.baseUrl,
          GRAPH_TOKEN: 'test-token',
        };
      }
      server = await startTestServer(env, { clock: () => NOW });
      assert.equal(
        followUpFor(server.services).channelOutbox instanceof SharePointChannelOutbox,
        store === 'sharepoint',
      );
    });
    after(async () => {
      await server.close();
      await graph?.close();
    });

    it('refuses everyone but Kontraktservice (403)', async () => {
      for (const [method, path] of [
        ['POST', '/api/announcements'],
        ['GET', '/api/announcements'],
        ['GET', '/api/announcements/channels'],
      ] as const) {
        const body = { kind: 'general', title: 'Hei', text: 'Tekst' };
        const r = await server.request('eier1', method, path, method === 'POST' ? body : undefined);
        assert.equal(r.status, 403, `${method} ${path}: ${r.text}`);
      }
    });

    it('refuses bad input with field issues (400)', async () => {
      await installIn(CHANNEL_A, 'Innkjøp');
      const bad: [Record<string, unknown>, string][] = [
        [{ kind: 'general', text: 'x' }, 'title'],
        [{ kind: 'general', title: 'x', text: '' }, 'text'],
        [{ kind: 'nyhet', title: 'x', text: 'y' }, 'kind'],
        [{ kind: 'general', title: 'x', text: 'y', link: 'javascript:alert(1)' }, 'link'],
        [{ kind: 'general', title: 'x', text: 'y', link: 'https://u:p@example.org/' }, 'link'],
        [{ kind: 'course', title: 'x', text: 'y' }, 'course'],
        [
          { kind: 'course', title: 'x', text: 'y', course: { date: '2026-02-30', place: 'A' } },
          'course.date',
        ],
        [{ kind: 'general', title: 'x\u0007', text: 'y' }, 'title'],
        [{ kind: 'general', title: 'x\u202e', text: 'y' }, 'title'],
        [{ kind: 'general', title: 'x'.repeat(201), text: 'y' }, 'title'],
        [{ kind: 'general', title: 'x', text: 'y'.repeat(4001) }, 'text'],
        [{ kind: 'general', title: 'x', text: 'y', extra: 1 }, ''],
        [
          { kind: 'general', title: 'x', text: 'y', channelIds: ['19:ukjent@thread.tacv2'] },
          'channelIds.0',
        ],
      ];
      for (const [body, field] of bad) {
        const r = await server.request('kontraktservice', 'POST', '/api/announcements', body);
        assert.equal(r.status, 400, `${JSON.stringify(body)}: ${r.text}`);
        const issues = (r.json() as { issues: { field: string }[] }).issues;
        assert.ok(
          issues.some((i) => i.field === field),
          `${JSON.stringify(body)} → ${JSON.stringify(issues)}`,
        );
      }
      assert.deepEqual(
        (await followUpFor(server.services).announcements.list(await ks())).length,
        0,
      );
    });

    it('posts a course to every channel, keeps script as text, and delivers each exactly once', async () => {
      await installIn(CHANNEL_B, 'Kontraktforvaltere', 'en-US');
      // A reference saved from a thread in channel A is the same channel.
      await installIn(`${CHANNEL_A};messageid=1700000000000`, 'Innkjøp');
      const channels = await server.request(
        'kontraktservice',
        'GET',
        '/api/announcements/channels',
      );
      assert.deepEqual(
        (channels.json() as { items: { conversationId: string }[] }).items
          .map((c) => c.conversationId)
          .sort(),
        [CHANNEL_A, CHANNEL_B],
      );
      const r = await server.request('kontraktservice', 'POST', '/api/announcements', {
        kind: 'course',
        title: `Kurs i avrop ${EVIL}`,
        text: `Velkommen!\n\n${EVIL}`,
        link: 'https://intranett.example.kommune.no/kurs/avrop',
        course: { date: '2026-04-15', time: '09:00', place: 'Rådhuset, møterom 3' },
      });
      assert.equal(r.status, 201, r.text);
      const created = r.json() as AnnouncementView;
      assert.equal(created.title, `Kurs i avrop ${EVIL}`);
      assert.deepEqual(created.counts, { pending: 2, sent: 0, dead: 0 });

      connector.posted.splice(0);
      connector.failures.push({ status: 502 }, { status: 429, headers: { 'retry-after': '0' } });
      const s = sender();
      for (
        let i = 0;
        i < 20 && connector.posted.filter((p) => p.path.includes('/v3/')).length < 4;
        i++
      )
        await s.runOnce();
      await s.runOnce();
      const posts = connector.posted.filter((p) => p.path.includes('/v3/conversations/'));
      // Two failures retried, then one accepted post per channel.
      assert.equal(posts.length, 4);
      const paths = posts.map((p) => decodeURIComponent(p.path)).sort();
      assert.ok(paths.every((p) => p.endsWith('/activities')));
      assert.deepEqual(
        [...new Set(paths)],
        [`/v3/conversations/${CHANNEL_A}/activities`, `/v3/conversations/${CHANNEL_B}/activities`],
      );
      const accepted = posts.slice(2);
      const keys = accepted.map(
        (p) => (p.body.channelData as { idempotencyKey?: string } | undefined)?.idempotencyKey,
      );
      assert.deepEqual(
        keys.sort(),
        [`${created.id}|${CHANNEL_A}`, `${created.id}|${CHANNEL_B}`].sort(),
      );
      for (const p of accepted) {
        const card = (p.body.attachments as { content: unknown }[])[0]?.content;
        assert.deepEqual(cardProblems(card), []);
        const texts = cardTexts(card);
        assert.ok(
          texts.some((t) => t.includes('<script>alert(1)</script>')),
          'script stays text',
        );
        assert.ok(texts.some((t) => t.includes('[x](javascript:alert(1))')));
      }
      const english = accepted.find((p) => decodeURIComponent(p.path).includes(CHANNEL_B));
      assert.ok(cardTexts(english?.body.attachments).includes('Course'));

      const list = await server.request('kontraktservice', 'GET', '/api/announcements');
      assert.equal(list.status, 200);
      const item = (list.json() as { items: AnnouncementView[] }).items[0];
      assert.equal(item?.id, created.id);
      assert.deepEqual(item?.counts, { pending: 0, sent: 2, dead: 0 });
      assert.ok(item?.deliveries.every((d) => d.state === 'sent' && d.sentAt));
      // Nothing is sent twice.
      assert.equal(await sender().runOnce(), 0);
    });

    it('posts to chosen channels only, and a removed bot ends the delivery as dead', async () => {
      const r = await server.request('kontraktservice', 'POST', '/api/announcements', {
        kind: 'general',
        title: 'Ny rammeavtale på kontorrekvisita',
        text: 'Se fanen Avtaler.',
        channelIds: [CHANNEL_B],
      });
      assert.equal(r.status, 201, r.text);
      const id = (r.json() as AnnouncementView).id;
      await followUpFor(server.services).conversations.remove('kontraktservice', CHANNEL_B);
      await sender().runOnce();
      const got = await server.request('kontraktservice', 'GET', `/api/announcements/${id}`);
      const view = got.json() as AnnouncementView;
      assert.deepEqual(
        view.deliveries.map((d) => [d.conversationId, d.state]),
        [[CHANNEL_B, 'dead']],
      );
      assert.equal(
        (await server.request('kontraktservice', 'GET', '/api/announcements/nope')).status,
        404,
      );
    });

    it('announces a routine change when the routines API is asked to', async () => {
      const get = await server.request(
        'kontraktservice',
        'GET',
        '/api/followup/routines/basis-enkeltkjop',
      );
      assert.equal(get.status, 200, get.text);
      const routine = get.json() as Record<string, unknown>;
      const { version: _v, updatedAt: _u, updatedBy: _b, ...body } = routine;
      const r = await server.request(
        'kontraktservice',
        'PUT',
        '/api/followup/routines/basis-enkeltkjop?announce=true',
        body,
        { 'if-match': get.headers.get('etag') ?? '' },
      );
      assert.equal(r.status, 200, r.text);
      const a = (r.json() as { announcement: AnnouncementView }).announcement;
      assert.equal(a.kind, 'routine_update');
      assert.equal(a.routineId, 'basis-enkeltkjop');
      assert.deepEqual(
        a.deliveries.map((d) => d.conversationId),
        [CHANNEL_A],
      );
      const bad = await server.request(
        'kontraktservice',
        'PUT',
        '/api/followup/routines/basis-enkeltkjop?announce=maybe',
        body,
        { 'if-match': r.headers.get('etag') ?? '' },
      );
      assert.equal(bad.status, 400);
    });
  });

async function ks() {
  return (await server.services.store.directory.getUser('kontraktservice'))!;
}

describe('announcement card', () => {
  const base: Announcement = {
    id: 'a1',
    kind: 'course',
    title: 'T'.repeat(200),
    text: `${'Avsnitt med mye tekst. '.repeat(40)}\n\n`.repeat(8).slice(0, 4000),
    link: 'https://example.org/kurs?x=1&y=2',
    course: { date: '2026-04-15', time: '13:30', place: 'P'.repeat(200) },
    routineId: null,
    createdAt: NOW.toISOString(),
    createdBy: 'kontraktservice',
  };
  it('parses with the adaptivecards SDK in every language and kind, 1.5, under 40 KB', () => {
    for (const lang of LANGS) {
      for (const a of [
        base,
        { ...base, kind: 'routine_update' as const, course: null, link: null },
        { ...base, kind: 'general' as const, course: null, title: EVIL, text: EVIL },
      ]) {
        const card = announcementCard(a, lang);
        assert.deepEqual(cardProblems(card), [], `${lang} ${a.kind}`);
        assert.equal(card.version, '1.5');
        assert.ok(cardBytes(card) < MAX_CARD_BYTES);
        assert.ok(!JSON.stringify(card).includes('"refresh"'), 'no user-specific view in channels');
      }
    }
    const nn = cardTexts(announcementCard(base, 'nn'));
    assert.ok(nn.includes('Frå Kontraktservice') && nn.includes('Les meir'));
    assert.ok(cardTexts(announcementCard(base, 'nb')).includes('15.04.2026'));
  });
  it('drops a link that is not http(s), and keeps hostile text literal', () => {
    const card = announcementCard(
      { ...base, kind: 'general', course: null, link: 'javascript:alert(1)', title: EVIL },
      'nb',
    );
    assert.ok(!JSON.stringify(card).includes('javascript:alert(1)"'), 'no javascript: action');
    assert.equal((card.actions as unknown[]).length, 0);
    assert.ok(cardTexts(card).includes(EVIL));
    assert.deepEqual(cardProblems(card), []);
  });
});
