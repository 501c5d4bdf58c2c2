/**
 * The bot endpoint over real HTTP: the product's Express app (dev mode, no Bot Framework token) on
 * 127.0.0.1, and a local connector service as the activity's `serviceUrl`.
 */
import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import express from 'express';
import { createTeamsBot } from '../../src/bot/index.ts';
import { teamsBotFor } from '../../src/bot/wire.ts';
import type { Notification } from '../../src/followup/followup.port.ts';
import { followUpFor } from '../../src/followup/wire.ts';
import { startTestServer, type TestServer } from '../support/server.ts';
import { type FakeConnector, startConnector } from './connector.ts';
import { contractInput, NOW } from './harness.ts';
import { cardProblems, cardTexts } from './validate-card.ts';

let server: TestServer;
let connector: FakeConnector;
let taskId: string;

function activity(text: string, overrides: Record<string, unknown> = {}) {
  return {
    type: 'message',
    id: 'incoming-1',
    text,
    locale: 'nb-NO',
    channelId: 'msteams',
    serviceUrl: connector.url,
    timestamp: new Date().toISOString(),
    from: { id: '29:eier1', name: 'Eirik Eier', aadObjectId: 'eier1' },
    recipient: { id: '28:bot', name: 'Kontrakter' },
    conversation: { id: 'a:1-personal/eier1', conversationType: 'personal' },
    ...overrides,
  };
}

async function post(body: unknown, headers: Record<string, string> = {}) {
  const res = await fetch(`${server.url}/api/messages`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  return { status: res.status, text: await res.text() };
}

function notification(overrides: Partial<Notification> = {}): Notification {
  return {
    id: 1,
    idempotencyKey: `${taskId}|upcoming|7|2026-03-06`,
    recipientUserId: 'eier1',
    taskId,
    kind: 'upcoming',
    dueDate: '2026-03-06',
    leadDays: 7,
    notBefore: NOW.toISOString(),
    attempts: 0,
    createdAt: NOW.toISOString(),
    ...overrides,
  };
}

before(async () => {
  connector = await startConnector();
  server = await startTestServer({}, { clock: () => NOW });
  const r = await server.request('kontraktservice', 'POST', '/api/contracts', contractInput());
  assert.equal(r.status, 201, r.text);
  const eier1 = (await server.services.store.directory.getUser('eier1'))!;
  const tasks = await followUpFor(server.services).service.myTasks(eier1);
  taskId = tasks.find((t) => t.activityId === 'oppstartsmote')!.id;
});
after(async () => {
  await server.close();
  await connector.close();
});

describe('POST /api/messages (Bot Framework protocol)', () => {
  it('posts the reply to {serviceUrl}/v3/conversations/{id}/activities', async () => {
    const r = await post(activity('mine frister'));
    assert.equal(r.status, 200, r.text);
    assert.equal(connector.posted.length, 1);
    const reply = connector.posted[0]!;
    assert.equal(reply.method, 'POST');
    assert.equal(
      reply.path,
      `/v3/conversations/${encodeURIComponent('a:1-personal/eier1')}/activities`,
    );
    assert.equal(reply.authorization, undefined, 'dev mode sends no token');
    assert.equal(reply.body.type, 'message');
    assert.deepEqual(reply.body.conversation, {
      id: 'a:1-personal/eier1',
      conversationType: 'personal',
    });
    assert.equal((reply.body.recipient as { id: string }).id, '29:eier1');
    const attachments = reply.body.attachments as { contentType: string; content: unknown }[];
    assert.equal(attachments[0]!.contentType, 'application/vnd.microsoft.card.adaptive');
    assert.deepEqual(cardProblems(attachments[0]!.content), []);
    assert.match(cardTexts(attachments[0]!.content).join('\n'), /Mine frister[\s\S]*Oppstartsmøte/);
    // The personal conversation reference is kept for proactive messages.
    const ref = await followUpFor(server.services).conversations.get('eier1', 'personal');
    assert.equal(JSON.parse(ref!.referenceJson).serviceUrl, connector.url);
  });

  it('threads replies in a channel (…/activities/{replyToId}) and uses the public view there', async () => {
    connector.posted.splice(0);
    const r = await post(
      activity('<at>Kontrakter</at> avtale 2026-001', {
        id: 'channel-msg-7',
        conversation: {
          id: '19:abc@thread.tacv2;messageid=7',
          conversationType: 'channel',
          isGroup: true,
        },
      }),
    );
    assert.equal(r.status, 200, r.text);
    const reply = connector.posted[0]!;
    assert.equal(
      reply.path,
      `/v3/conversations/${encodeURIComponent('19:abc@thread.tacv2;messageid=7')}/activities/channel-msg-7`,
    );
    assert.match(JSON.stringify(reply.body), /Renhold av skolebygg/);
  });

  it('answers an Action.Execute invoke with the refreshed card in the HTTP response', async () => {
    connector.posted.splice(0);
    const r = await post({
      ...activity(''),
      type: 'invoke',
      name: 'adaptiveCard/action',
      value: {
        action: {
          type: 'Action.Execute',
          verb: 'task.complete',
          data: {
            verb: 'task.complete',
            taskId,
            origin: 'task',
            commentField: 'comment-0',
            'comment-0': 'Holdt 2. mars',
          },
        },
        trigger: 'manual',
      },
    });
    assert.equal(r.status, 200, r.text);
    const body = JSON.parse(r.text) as { statusCode: number; type: string; value: unknown };
    assert.equal(body.statusCode, 200);
    assert.equal(body.type, 'application/vnd.microsoft.card.adaptive');
    assert.deepEqual(cardProblems(body.value), []);
    assert.match(cardTexts(body.value).join('\n'), /er merket som utført/);
    assert.equal(connector.posted.length, 0, 'an invoke is answered in the response, not posted');
    const eier1 = (await server.services.store.directory.getUser('eier1'))!;
    const task = await followUpFor(server.services).service.getTask(eier1, taskId);
    assert.equal(task.state, 'done');
    assert.equal(task.comment, 'Holdt 2. mars');
  });

  it('refuses bad requests without running the bot', async () => {
    assert.equal((await post('{not json')).status, 400);
    assert.equal((await post({ type: 'message', text: 'x'.repeat(300 * 1024) })).status, 413);
    const before = connector.posted.length;
    assert.equal((await post([1, 2, 3])).status, 400);
    assert.equal(connector.posted.length, before);
  });
});

describe('deliver (proactive, for the outbox sender)', () => {
  let openTaskId: string;
  before(async () => {
    const eier1 = (await server.services.store.directory.getUser('eier1'))!;
    const tasks = await followUpFor(server.services).service.myTasks(eier1);
    openTaskId = tasks.find((t) => t.state === 'open')!.id;
  });

  it("posts the reminder card to the user's conversation and returns the connector status", async () => {
    connector.posted.splice(0);
    const { deliver } = teamsBotFor(server.services);
    const result = await deliver(notification({ taskId: openTaskId }));
    assert.deepEqual(result, { status: 201 });
    const sent = connector.posted[0]!;
    assert.equal(
      sent.path,
      `/v3/conversations/${encodeURIComponent('a:1-personal/eier1')}/activities`,
    );
    const card = (sent.body.attachments as { content: Record<string, unknown> }[])[0]!.content;
    assert.deepEqual(cardProblems(card), []);
    assert.match(cardTexts(card).join('\n'), /Påminnelse: fristen er om \d+ dager/);
    assert.deepEqual((card.refresh as { userIds: string[] }).userIds, ['29:eier1']);
  });

  it('passes 429 with Retry-After, 412 and 5xx through to the sender', async () => {
    const { deliver } = teamsBotFor(server.services);
    connector.failures.push({ status: 429, headers: { 'retry-after': '7' } });
    assert.deepEqual(await deliver(notification({ taskId: openTaskId })), {
      status: 429,
      retryAfterMs: 7000,
    });
    connector.failures.push({ status: 412 });
    assert.equal((await deliver(notification({ taskId: openTaskId }))).status, 412);
    connector.failures.push({ status: 502 });
    assert.equal((await deliver(notification({ taskId: openTaskId }))).status, 502);
    connector.failures.push({ status: 403 });
    assert.equal((await deliver(notification({ taskId: openTaskId }))).status, 403);
  });

  it('says 404 when the user has no conversation with the bot, 204 when the task is closed', async () => {
    const { deliver } = teamsBotFor(server.services);
    assert.equal(
      (await deliver(notification({ recipientUserId: 'eier2', taskId: openTaskId }))).status,
      404,
    );
    const before = connector.posted.length;
    assert.equal(
      (await deliver(notification({ taskId }))).status,
      204,
      'done task: nothing to send',
    );
    assert.equal((await deliver(notification({ taskId: 'finnes|ikke|1' }))).status, 204);
    assert.equal(connector.posted.length, before);
  });

  it('reports an unreachable connector as 502 (retried by the sender)', async () => {
    const down = await startConnector();
    await down.close();
    const refs = followUpFor(server.services).conversations;
    const ref = (await refs.get('eier1', 'personal'))!;
    await refs.save({
      ...ref,
      referenceJson: JSON.stringify({ ...JSON.parse(ref.referenceJson), serviceUrl: down.url }),
    });
    const result = await teamsBotFor(server.services).deliver(notification({ taskId: openTaskId }));
    assert.equal(result.status, 502);
    await refs.save(ref);
  });
});

describe('production mode', () => {
  it('refuses activities without a Bot Framework token (401)', async () => {
    const bot = createTeamsBot(
      {
        tasks: followUpFor(server.services).service,
        register: server.services.store,
        refs: followUpFor(server.services).conversations,
        clock: () => NOW,
        expiringWindowDays: 180,
        log: () => {},
      },
      {
        auth: {
          mode: 'botframework',
          appId: 'app-id',
          password: 'secret',
          tenantId: 'tenant',
          appType: 'SingleTenant',
        },
        tabs: null,
        devUserId: null,
      },
    );
    const app = express();
    app.use(bot.router());
    const s = await new Promise<import('node:http').Server>((resolve) => {
      const srv = app.listen(0, '127.0.0.1', () => resolve(srv));
    });
    try {
      connector.posted.splice(0);
      const url = `http://127.0.0.1:${(s.address() as AddressInfo).port}/api/messages`;
      const res = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(activity('mine frister')),
      });
      assert.equal(res.status, 401);
      assert.equal(connector.posted.length, 0);
    } finally {
      await new Promise((resolve) => s.close(resolve));
    }
  });

  it('answers 503 when the bot has no app registration', async () => {
    const bot = createTeamsBot(
      {
        tasks: followUpFor(server.services).service,
        register: server.services.store,
        refs: followUpFor(server.services).conversations,
        clock: () => NOW,
        expiringWindowDays: 180,
        log: () => {},
      },
      { auth: { mode: 'disabled', reason: 'ingen app-id' }, tabs: null, devUserId: null },
    );
    assert.deepEqual(await bot.deliver(notification()), { status: 503 });
  });
});
