import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { tabDeepLink } from '../../src/cards/render.ts';
import { createHarness, type Harness, SECRET_TITLE, SECRET_VALUE_ORE, TABS } from './harness.ts';
import { BotDriver, type Who } from './teams-adapter.ts';
import { cardTexts, executeAction, findActions } from './validate-card.ts';

const eier1: Who = { userId: 'eier1' };
const forvalter1: Who = { userId: 'forvalter1' };
const eier2: Who = { userId: 'eier2' };

const texts = (card: unknown) => cardTexts(card).join('\n');

describe('Teams bot through the TestAdapter', () => {
  let h: Harness;
  let bot: BotDriver;

  before(async () => {
    h = await createHarness();
    bot = new BotDriver(h.deps, TABS);
    // A second contract with confidential title and value (owner eier1).
    await h.register.contracts.create(
      {
        ...(await import('./harness.ts')).contractInput({
          referenceNumber: '2026-SECRET',
          title: SECRET_TITLE,
          maxValueOre: SECRET_VALUE_ORE,
          estimatedValueOre: 1,
          confidential: {
            title: { legalBasis: 'Offl. § 13 jf. fvl. § 13 første ledd nr. 2' },
            maxValueOre: { legalBasis: 'Offl. § 23 første ledd' },
          },
        }),
      },
      'test',
    );
  });
  after(async () => {
    await h.close();
  });

  describe('installation', () => {
    it('saves the personal conversation reference on install and welcomes the user', async () => {
      const r = await bot.run(eier1, {
        type: 'conversationUpdate',
        membersAdded: [{ id: '28:bot', name: 'Kontrakter' }],
      });
      const ref = await h.refs.get('eier1', 'personal');
      assert.ok(ref, 'reference saved');
      const reference = JSON.parse(ref.referenceJson);
      assert.equal(reference.conversation.id, 'a:personal-eier1');
      assert.equal(reference.serviceUrl, 'https://smba.example/teams/');
      assert.equal(reference.user.id, '29:eier1');
      assert.equal(r.cards.length, 1);
      assert.match(texts(r.cards[0]), /Hei! Jeg er boten/);
    });

    it('saves a channel reference when installed in a team, without a welcome in the channel', async () => {
      const r = await bot.run(
        { userId: 'eier2', kind: 'channel' },
        { type: 'installationUpdate', action: 'add' },
      );
      const ref = await h.refs.get('eier2', 'channel');
      assert.ok(ref);
      assert.equal(ref.conversationId, '19:channel@thread.tacv2');
      assert.equal(r.cards.length, 0);
    });

    it('removes the reference when the app is uninstalled', async () => {
      await bot.run(
        { userId: 'eier2', kind: 'channel' },
        { type: 'installationUpdate', action: 'remove' },
      );
      assert.equal(await h.refs.get('eier2', 'channel'), null);
    });
  });

  describe('commands', () => {
    it('"mine frister" lists the open deadlines, nearest first, with actions', async () => {
      const r = await bot.say(eier1, 'mine frister');
      assert.equal(r.cards.length, 1);
      const card = r.cards[0] as { refresh: { userIds: string[]; action: { verb: string } } };
      const t = texts(card);
      assert.match(t, /Mine frister/);
      assert.match(t, /Oppstartsmøte/);
      assert.match(t, /Avtale 2026-001 – Renhold av skolebygg/);
      assert.match(t, /6\. mars 2026 \(om 4 dager\)/);
      assert.ok(findActions(card, 'Merk som utført').length > 0);
      assert.ok(findActions(card, 'Utsett en uke').length > 0);
      assert.deepEqual(card.refresh.userIds, ['29:eier1']);
      assert.equal(card.refresh.action.verb, 'tasks.list');
      const open = await h.openTasksOf('eier1');
      assert.ok(t.indexOf(open[0]!.title.nb) < t.indexOf(open[1]!.title.nb), 'nearest first');
    });

    it('"my deadlines" answers in English for an English client', async () => {
      const r = await bot.say({ userId: 'eier1', locale: 'en-US' }, 'my deadlines');
      const t = texts(r.cards[0]);
      assert.match(t, /My deadlines/);
      assert.ok(findActions(r.cards[0], 'Mark as done').length > 0);
    });

    it("answers in the language of the command, and card actions keep the card's language", async () => {
      // The Agents Playground (like some clients) always says en-US.
      const r = await bot.say({ userId: 'eier1', locale: 'en-US' }, 'mine frister');
      assert.match(texts(r.cards[0]), /Mine frister/);
      const snooze = executeAction(r.cards[0], 'Utsett en uke');
      assert.equal(snooze.data?.lang, 'nb');
      const answer = await bot.execute(
        { userId: 'eier1', locale: 'en-US' },
        { verb: 'tasks.list', data: { verb: 'tasks.list', lang: 'nb' } },
      );
      assert.match(texts(answer.cards[0]), /Mine frister/);
      const unknown = await bot.say({ userId: 'eier1', locale: 'en-US' }, 'blah');
      assert.match(texts(unknown.cards[0]), /I did not understand/);
    });

    it('answers in nynorsk for a nynorsk client', async () => {
      const r = await bot.say({ userId: 'eier1', locale: 'nn-NO' }, 'mine frister');
      assert.match(texts(r.cards[0]), /Mine fristar/);
    });

    it('keeps deadlines out of channels', async () => {
      const r = await bot.say({ userId: 'eier1', kind: 'channel' }, 'mine frister');
      assert.match(texts(r.cards[0]), /Fristene dine er personlige/);
      assert.equal(findActions(r.cards[0], 'Merk som utført').length, 0);
    });

    it('tells an unknown user how to get access', async () => {
      const r = await bot.say({ userId: 'ukjent' }, 'mine frister');
      assert.match(texts(r.cards[0]), /fant deg ikke i avtaleregisterets brukerliste/);
    });

    it('"søk <tekst>" and "search <text>" search the register', async () => {
      const nb = await bot.say(eier1, 'søk renhold');
      assert.match(texts(nb.cards[0]), /Søk: «renhold»/);
      assert.match(texts(nb.cards[0]), /Renhold av skolebygg/);
      const en = await bot.say({ userId: 'eier1', locale: 'en-US' }, 'search renhold');
      assert.match(texts(en.cards[0]), /Search: “renhold”/);
      assert.match(texts(en.cards[0]), /Renhold av skolebygg/);
      const none = await bot.say(eier1, 'søk finnesikke');
      assert.match(texts(none.cards[0]), /Ingen treff/);
      const missing = await bot.say(eier1, 'søk');
      assert.match(texts(missing.cards[0]), /Skriv hva du leter etter/);
    });

    it('"avtale <nummer>" and "contract <reference>" show one contract', async () => {
      const nb = await bot.say(eier1, 'avtale 2026-001');
      const t = texts(nb.cards[0]);
      assert.match(t, /Renhold av skolebygg/);
      assert.match(t, /Enkeltkontrakt/);
      assert.match(t, /Rent AS/);
      const link = findActions(nb.cards[0], 'Åpne i fanen')[0];
      assert.equal(link?.url, tabDeepLink('app-123', 'register', `contract:${h.contract.id}`));
      const en = await bot.say({ userId: 'eier1', locale: 'en-US' }, 'contract 2026-001');
      assert.match(texts(en.cards[0]), /Single contract/);
      const missing = await bot.say(eier1, 'avtale 1999-999');
      assert.match(texts(missing.cards[0]), /Fant ingen avtale med avtalenummer «1999-999»/);
      const noRef = await bot.say(eier1, 'avtale');
      assert.match(texts(noRef.cards[0]), /Skriv avtalenummeret/);
    });

    it('never shows confidential values to those who may not see them, and never in channels', async () => {
      const secretKr = /987[\s\u00a0.]?654[\s\u00a0.]?321/;
      const owner = JSON.stringify((await bot.say(eier1, 'avtale 2026-SECRET')).cards[0]);
      assert.ok(owner.includes(SECRET_TITLE), 'the owner sees the title');
      assert.match(owner, secretKr, 'the owner sees the value');

      for (const [who, label] of [
        [{ userId: 'leser' } as Who, 'reader in personal chat'],
        [{ userId: 'eier1', kind: 'channel' } as Who, 'owner in a channel (public viewer)'],
        [{ userId: 'kontraktservice', kind: 'groupChat' } as Who, 'admin in a group chat'],
      ] as const) {
        const card = (await bot.say(who, 'avtale 2026-SECRET')).cards[0];
        const json = JSON.stringify(card);
        assert.ok(!json.includes('Ørn'), `${label}: title withheld`);
        assert.doesNotMatch(json, secretKr, `${label}: value withheld`);
        assert.match(texts(card), /\(skjermet\)/);
        assert.match(texts(card), /Offl\. § 13 jf\. fvl\. § 13/);
        const search = JSON.stringify((await bot.say(who, 'søk Ørn')).cards[0]);
        assert.ok(!search.includes('Ørn»') || !search.includes(SECRET_TITLE), `${label}: search`);
        assert.ok(!search.includes(SECRET_TITLE), `${label}: search does not reveal the title`);
      }
    });

    it('"hjelp" and "help" explain the commands', async () => {
      assert.match(texts((await bot.say(eier1, 'hjelp')).cards[0]), /Dette kan jeg hjelpe med/);
      const en = await bot.say({ userId: 'eier1', locale: 'en-US' }, 'help');
      assert.match(texts(en.cards[0]), /Here is what I can do/);
    });

    it('answers unknown text helpfully, with a search for it', async () => {
      const r = await bot.say(eier1, 'hvor er brøytekontrakten');
      const t = texts(r.cards[0]);
      assert.match(t, /Jeg forstod ikke «hvor er brøytekontrakten»/);
      const search = executeAction(r.cards[0], 'Søk etter «hvor er brøytekontrakten»');
      const s = await bot.execute(eier1, search);
      assert.equal(s.invokeStatus, 200);
      assert.match(texts(s.cards[0]), /Søk: «hvor er brøytekontrakten»/);
    });

    it('keeps hostile text as plain text (no markdown, no template expressions, no markup)', async () => {
      // biome-ignore lint/suspicious/noTemplateCurlyInString: a template expression as hostile input
      const evil = '<script>alert(1)</script> [klikk](https://evil.example) ${$root} **fet**';
      const r = await bot.say(eier1, evil);
      const card = r.cards[0] as Record<string, unknown>;
      const json = JSON.stringify(card);
      assert.ok(!json.includes('<script>'), 'tags are stripped from the message');
      // The user's words appear only in TextRuns (never markdown-rendered TextBlocks).
      const blocks: string[] = [];
      const walk = (n: unknown) => {
        if (Array.isArray(n)) n.forEach(walk);
        else if (n && typeof n === 'object') {
          const o = n as Record<string, unknown>;
          if (o.type === 'TextBlock' && typeof o.text === 'string') blocks.push(o.text);
          Object.values(o).forEach(walk);
        }
      };
      walk(card.body);
      assert.ok(
        blocks.every((b) => !b.includes('evil.example')),
        'not in a markdown TextBlock',
      );
      assert.match(texts(card), /\[klikk\]\(https:\/\/evil\.example\) \$\{\$root\} \*\*fet\*\*/);
    });
  });

  describe('card actions', () => {
    it('marks a task done from the list (Action.Execute with a comment) and refreshes the list', async () => {
      const before = await h.openTasksOf('eier1');
      const first = before[0]!;
      const list = (await bot.say(eier1, 'mine frister')).cards[0];
      const showCard = findActions(list, 'Merk som utført')[0]!;
      assert.equal(showCard.type, 'Action.ShowCard');
      const save = executeAction(showCard.card, 'Lagre som utført');
      assert.equal(save.data?.taskId, first.id);
      assert.equal(save.fallback?.type, 'Action.Submit', 'Action.Submit fallback for old clients');
      const r = await bot.execute(eier1, save, { 'comment-0': 'Oppstartsmøtet er holdt' });
      assert.equal(r.invokeStatus, 200);
      assert.match(texts(r.cards[0]), /«Oppstartsmøte» er merket som utført/);
      const done = await h.followup.getTask(
        (await h.register.directory.getUser('eier1'))!,
        first.id,
      );
      assert.equal(done.state, 'done');
      assert.equal(done.comment, 'Oppstartsmøtet er holdt');
      assert.equal(done.completedBy, 'eier1');
      assert.ok(
        !texts(r.cards[0]).includes(`\n${first.title.nb}\n`),
        'the done task left the list',
      );
    });

    it('asks for a comment instead of completing without one', async () => {
      const task = (await h.openTasksOf('eier1'))[0]!;
      const list = (await bot.say(eier1, 'mine frister')).cards[0];
      const save = executeAction(findActions(list, 'Merk som utført')[0]!.card, 'Lagre som utført');
      const r = await bot.execute(eier1, save, { 'comment-0': '   ' });
      assert.match(texts(r.cards[0]), /Skriv en kort kommentar/);
      assert.equal((await h.openTasksOf('eier1'))[0]!.id, task.id, 'still open');
    });

    it('snoozes a task one week from the list', async () => {
      const task = (await h.openTasksOf('eier1'))[0]!;
      const list = (await bot.say(eier1, 'mine frister')).cards[0];
      const r = await bot.execute(eier1, executeAction(list, 'Utsett en uke'));
      assert.match(texts(r.cards[0]), /Oppgaven er utsatt til 9\. mars 2026/);
      const stored = h.followup;
      const view = await stored.getTask((await h.register.directory.getUser('eier1'))!, task.id);
      assert.equal(view.state, 'snoozed');
      assert.equal(view.snoozedUntil, '2026-03-09');
    });

    it('opens a task card with every action, and snoozes it one month there', async () => {
      const list = (await bot.say(eier1, 'mine frister')).cards[0];
      const details = executeAction(list, 'Detaljer', 1);
      const taskId = String(details.data?.taskId);
      const r = await bot.execute(eier1, details);
      const card = r.cards[0] as {
        refresh: { action: { verb: string; data: { taskId: string } } };
      };
      const t = texts(card);
      assert.match(t, /Oppfølgingsoppgave/);
      assert.match(t, /Ansvarlig/);
      assert.match(t, /Eirik Eier/);
      for (const title of [
        'Merk som utført',
        'Utsett en uke',
        'Utsett en måned',
        'Tildel til en annen',
        'Åpne i fanen',
        'Tilbake til mine frister',
      ]) {
        assert.ok(findActions(card, title).length > 0, `has "${title}"`);
      }
      assert.equal(card.refresh.action.verb, 'task.refresh');
      assert.equal(card.refresh.action.data.taskId, taskId);
      const link = findActions(card, 'Åpne i fanen')[0]!.url!;
      assert.equal(
        link,
        `https://teams.microsoft.com/l/entity/app-123/tasks?context=${encodeURIComponent(JSON.stringify({ subEntityId: `task:${taskId}` }))}`,
      );
      assert.deepEqual(JSON.parse(decodeURIComponent(new URL(link).searchParams.get('context')!)), {
        subEntityId: `task:${taskId}`,
      });
      const snoozed = await bot.execute(eier1, executeAction(card, 'Utsett en måned'));
      assert.match(texts(snoozed.cards[0]), /utsatt til 2\. april 2026/);
      assert.match(texts(snoozed.cards[0]), /Utsatt/);
      const back = await bot.execute(
        eier1,
        executeAction(snoozed.cards[0], 'Tilbake til mine frister'),
      );
      assert.match(texts(back.cards[0]), /Mine frister/);
    });

    it('reassigns a task to a colleague', async () => {
      const task = (await h.openTasksOf('eier1')).find((t) => t.state === 'open')!;
      const card = (
        await bot.execute(eier1, {
          verb: 'task.show',
          data: { verb: 'task.show', taskId: task.id },
        })
      ).cards[0];
      const show = findActions(card, 'Tildel til en annen')[0]!;
      const choices = JSON.stringify(show.card);
      assert.ok(choices.includes('forvalter1'), 'a colleague of the unit is offered');
      assert.ok(!choices.includes('"leser"'), 'readers are not offered');
      const r = await bot.execute(eier1, executeAction(show.card, 'Tildel'), {
        'assignee-0': 'forvalter1',
      });
      assert.match(texts(r.cards[0]), /Oppgaven er tildelt Frida Forvalter/);
      const view = await h.followup.getTask(
        (await h.register.directory.getUser('eier1'))!,
        task.id,
      );
      assert.equal(view.assigneeId, 'forvalter1');
    });

    it('refreshes a task card to the current state for whoever views it', async () => {
      const task = (await h.openTasksOf('eier1')).find((t) => t.assigneeId === 'eier1')!;
      const refresh = {
        verb: 'task.refresh',
        data: { verb: 'task.refresh', taskId: task.id, origin: 'task' },
      };
      const mine = await bot.execute(eier1, refresh, {}, 'automatic');
      assert.ok(findActions(mine.cards[0], 'Merk som utført').length > 0);
      // A colleague in the unit may see the task but not act on it: no actions on their view.
      const colleague = await bot.execute(forvalter1, refresh, {}, 'automatic');
      assert.match(texts(colleague.cards[0]), /Oppfølgingsoppgave/);
      assert.equal(findActions(colleague.cards[0], 'Merk som utført').length, 0);
      assert.equal(findActions(colleague.cards[0], 'Utsett en uke').length, 0);
    });

    it("refuses a user who may not complete someone else's task, with a message", async () => {
      const task = (await h.openTasksOf('eier1')).find((t) => t.assigneeId === 'eier1')!;
      const forged = {
        verb: 'task.complete',
        data: {
          verb: 'task.complete',
          taskId: task.id,
          version: task.version,
          origin: 'task',
          commentField: 'comment-0',
        },
      };
      const r = await bot.execute(forvalter1, forged, { 'comment-0': 'Jeg tar den' });
      assert.equal(r.invokeStatus, 200);
      assert.match(
        texts(r.cards[0]),
        /Du kan ikke merke denne oppgaven som utført: den er tildelt en annen/,
      );
      const other = await bot.execute(eier2, forged, { 'comment-0': 'Jeg tar den' });
      assert.match(texts(other.cards[0]), /Du kan ikke merke denne oppgaven som utført/);
      assert.ok(!texts(other.cards[0]).includes(task.title.nb), 'no task details for a stranger');
      const after = await h.followup.getTask(
        (await h.register.directory.getUser('eier1'))!,
        task.id,
      );
      assert.equal(after.state, task.state, 'the task is unchanged');
      assert.equal(after.version, task.version);
    });

    it('shows the current state when the card was stale or the task already closed', async () => {
      const task = (await h.openTasksOf('eier1')).find((t) => t.assigneeId === 'eier1')!;
      const stale = {
        verb: 'task.snooze',
        data: {
          verb: 'task.snooze',
          taskId: task.id,
          version: task.version - 1,
          origin: 'task',
          period: 'week',
        },
      };
      const r = await bot.execute(eier1, stale);
      assert.match(texts(r.cards[0]), /endret siden kortet ble vist/);
      const complete = {
        verb: 'task.complete',
        data: {
          verb: 'task.complete',
          taskId: task.id,
          version: task.version,
          origin: 'task',
          commentField: 'comment-0',
        },
      };
      await bot.execute(eier1, complete, { 'comment-0': 'Ferdig' });
      const again = await bot.execute(
        eier1,
        { ...complete, data: { ...complete.data, version: undefined } },
        { 'comment-0': 'Igjen' },
      );
      assert.match(texts(again.cards[0]), /allerede avsluttet/);
      assert.match(texts(again.cards[0]), /Utført/);
    });

    it('handles the Action.Submit fallback from old clients in onMessage', async () => {
      const list = (await bot.say(eier1, 'mine frister')).cards[0];
      const save = executeAction(findActions(list, 'Merk som utført')[0]!.card, 'Lagre som utført');
      const taskId = String(save.data?.taskId);
      const r = await bot.submit(eier1, save.fallback!, { 'comment-0': 'Gjort (gammel klient)' });
      assert.equal(r.cards.length, 1);
      assert.match(texts(r.cards[0]), /er merket som utført/);
      const view = await h.followup.getTask((await h.register.directory.getUser('eier1'))!, taskId);
      assert.equal(view.state, 'done');
      assert.equal(view.comment, 'Gjort (gammel klient)');
      // The other fallbacks: search and contract from the unknown-command card.
      const unknown = (await bot.say(eier1, 'xyz')).cards[0];
      const searchFallback = executeAction(unknown, 'Søk etter «xyz»').fallback!;
      assert.match(texts((await bot.submit(eier1, searchFallback)).cards[0]), /Søk: «xyz»/);
    });

    it('shows a contract from a search result (Action.Execute)', async () => {
      const search = (await bot.say(eier1, 'søk skolebygg')).cards[0];
      const r = await bot.execute(eier1, executeAction(search, 'Vis avtalen'));
      assert.match(texts(r.cards[0]), /Avtalenummer/);
      assert.match(texts(r.cards[0]), /2026-001/);
    });

    it('refuses forged or malformed action data', async () => {
      const task = (await h.openTasksOf('eier1'))[0]!;
      const bad = [
        { verb: 'task.complete', data: { taskId: task.id, commentField: 'taskId' } },
        { verb: 'task.delete', data: { taskId: task.id } },
        { verb: 'task.snooze', data: { taskId: task.id, period: 'year' } },
        { verb: 'search', data: { text: 'x'.repeat(5000) } },
      ];
      for (const action of bad) {
        const r = await bot.execute(eier1, action, { taskId: 'Ferdig' });
        assert.equal(r.invokeStatus, 200);
        assert.match(texts(r.cards[0]), /Det du sendte var ikke gyldig/);
      }
      const unknownTask = await bot.execute(eier1, {
        verb: 'task.show',
        data: { taskId: 'finnes|ikke|1' },
      });
      assert.match(texts(unknownTask.cards[0]), /Oppgaven finnes ikke lenger/);
      assert.equal((await h.openTasksOf('eier1'))[0]!.id, task.id);
    });
  });

  it('every card the bot sent parsed with the adaptivecards SDK without errors or warnings', () => {
    assert.ok(bot.allCards.length > 30, `checked ${bot.allCards.length} cards`);
  });
});
