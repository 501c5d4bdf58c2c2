/**
 * What to do and what to document on the task card: the kick-off task of a real plan (SQLite, the
 * default routines) carries the activity's description and evidence, in the language of the user's
 * Teams client; routine texts with markup stay literal; a long description collapses; a routine
 * edited or deleted since the task was planned shows what is left and never fails.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { TurnInfo } from '../../src/bot/logic.ts';
import { LANGS, type Lang, taskCard } from '../../src/cards/index.ts';
import { DEFAULT_ROUTINES } from '../../src/core/followup/defaults.ts';
import type { Routine } from '../../src/core/followup/index.ts';
import type { User } from '../../src/core/users.ts';
import type { Notification, TaskView } from '../../src/followup/followup.port.ts';
import { createHarness, type Harness, TABS } from './harness.ts';
import { cardProblems, cardTexts } from './validate-card.ts';

type Json = Record<string, unknown>;

const kickoff = DEFAULT_ROUTINES.flatMap((r) => r.activities).find((a) => a.id === 'oppstartsmote');
if (!kickoff?.description || !kickoff.evidence) throw new Error('kick-off activity has no texts');
const DESCRIPTION = kickoff.description;
const EVIDENCE = kickoff.evidence;
const LABEL: Record<Lang, { what: string; evidence: string; more: string; less: string }> = {
  nb: {
    what: 'Hva skal gjøres',
    evidence: 'Dokumentasjon: ',
    more: 'Vis hele beskrivelsen',
    less: 'Vis mindre',
  },
  nn: {
    what: 'Kva skal gjerast',
    evidence: 'Dokumentasjon: ',
    more: 'Vis heile skildringa',
    less: 'Vis mindre',
  },
  en: {
    what: 'What to do',
    evidence: 'Documentation: ',
    more: 'Show the full description',
    less: 'Show less',
  },
};
const LOCALE: Record<Lang, string> = { nb: 'nb-NO', nn: 'nn-NO', en: 'en-US' };

/** Every node of a card (depth first). */
function nodes(card: unknown): Json[] {
  const out: Json[] = [];
  const walk = (n: unknown) => {
    if (Array.isArray(n)) n.forEach(walk);
    else if (n && typeof n === 'object') {
      out.push(n as Json);
      for (const v of Object.values(n)) walk(v);
    }
  };
  walk(card);
  return out;
}

/** The text of every TextRun, and of every TextBlock (which Teams renders as markdown). */
const runs = (card: unknown) =>
  nodes(card)
    .filter((n) => n.type === 'TextRun')
    .map((n) => String(n.text));
const blocks = (card: unknown) =>
  nodes(card)
    .filter((n) => n.type === 'TextBlock')
    .map((n) => String(n.text));

/** The SDK does not check toggle targets: every target must be an element of this card, ids unique. */
function assertTogglesResolve(card: unknown): void {
  const ids = nodes(card)
    .filter((n) => typeof n.id === 'string' && typeof n.type === 'string')
    .map((n) => n.id as string);
  assert.equal(new Set(ids).size, ids.length, `duplicate ids: ${ids.join(', ')}`);
  for (const toggle of nodes(card).filter((n) => n.type === 'Action.ToggleVisibility')) {
    const targets = toggle.targetElements as { elementId: string; isVisible: boolean }[];
    assert.ok(targets.length > 0);
    for (const t of targets) assert.ok(ids.includes(t.elementId), `unknown target ${t.elementId}`);
  }
}

describe('task card: description and evidence of the activity', () => {
  let h: Harness;
  let admin: User;
  let owner: User;
  let task: TaskView;
  let n = 0;

  const reminder = (taskId: string): Notification => ({
    id: ++n,
    idempotencyKey: `${taskId}|upcoming|${n}`,
    recipientUserId: 'eier1',
    taskId,
    kind: 'upcoming',
    dueDate: task.dueDate,
    leadDays: 14,
    notBefore: '2026-03-02T07:00:00Z',
    attempts: 0,
    createdAt: '2026-03-02T07:00:00Z',
  });
  const routine = (): Routine => {
    const r = h.followup.getRoutine('basis-felles');
    return r;
  };
  const saveKickoff = async (change: (a: Routine['activities'][number]) => object) => {
    const r = routine();
    const { version: _v, updatedAt: _u, updatedBy: _b, ...data } = r;
    await h.followup.saveRoutine(
      admin,
      {
        ...data,
        activities: r.activities.map((a) => (a.id === 'oppstartsmote' ? change(a) : a)),
      },
      { create: false, id: r.id, expectedVersion: r.version },
    );
  };

  before(async () => {
    h = await createHarness();
    admin = (await h.register.directory.getUser('kontraktservice')) as User;
    owner = (await h.register.directory.getUser('eier1')) as User;
    const found = (await h.openTasksOf('eier1')).find((t) => t.activityId === 'oppstartsmote');
    assert.ok(found, 'the contract has a kick-off task');
    task = found;
  });
  after(() => h.close());

  it('the task view carries the kick-off description and evidence in every language', () => {
    assert.deepEqual(task.description, DESCRIPTION);
    assert.deepEqual(task.evidence, EVIDENCE);
    assert.equal(task.routineId, 'basis-felles');
  });

  for (const lang of LANGS) {
    it(`a reminder to a ${lang} Teams client shows what to do and «${LABEL[lang].evidence.trim()}» in ${lang}`, async () => {
      const card = await h.logic.notificationCard(reminder(task.id), '29:eier1', LOCALE[lang]);
      assert.ok(card);
      assert.deepEqual(cardProblems(card), []);
      assertTogglesResolve(card);
      const description = DESCRIPTION[lang] as string;
      const evidence = EVIDENCE[lang] as string;
      // The kick-off text is short: shown whole, no toggle.
      assert.ok(description.length <= 300);
      assert.ok(runs(card).includes(description), runs(card).join('\n'));
      assert.ok(blocks(card).includes(LABEL[lang].what));
      const runsOf = nodes(card)
        .filter((x) => x.type === 'RichTextBlock')
        .map((x) => (x.inlines as Json[]).map((i) => String(i.text)).join(''));
      assert.ok(runsOf.includes(`${LABEL[lang].evidence}${evidence}`), runsOf.join('\n'));
      assert.equal(nodes(card).filter((x) => x.type === 'Action.ToggleVisibility').length, 0);
      // Not another language's text.
      for (const other of LANGS.filter((l) => DESCRIPTION[l] !== DESCRIPTION[lang])) {
        assert.ok(!runs(card).includes(DESCRIPTION[other] as string), `${other} text in ${lang}`);
      }
    });
  }

  const turn: TurnInfo = {
    from: { id: '29:eier1', aadObjectId: 'eier1', name: 'Eirik Eier' },
    conversationKind: 'personal',
    conversationId: 'a:eier1',
    locale: 'nb-NO',
    lookupEmail: async () => null,
  };

  it('the list card stays short: no description or evidence there (they are on the task card)', async () => {
    const card = await h.logic.onAction(turn, { verb: 'tasks.list', lang: 'nb' });
    assert.ok(cardTexts(card).some((t) => t.includes('Oppstartsmøte')));
    assert.ok(!runs(card).includes(DESCRIPTION.nb));
    const detail = await h.logic.onAction(turn, { verb: 'task.show', lang: 'nb', taskId: task.id });
    assert.ok(runs(detail).includes(DESCRIPTION.nb), 'Detaljer shows the description');
  });

  it('a routine text with markup, script and bidi control stays literal text in TextRuns', async () => {
    const evil =
      // biome-ignore lint/suspicious/noTemplateCurlyInString: a template expression as hostile input
      '**Fet** [klikk](javascript:alert(1)) <script>alert(1)</script> ${$root.lang} \u202eomvendt';
    await saveKickoff((a) => ({
      ...a,
      description: { nb: evil, nn: evil, en: evil },
      evidence: { nb: '_Referat_ <img src=x onerror=alert(1)>' },
    }));
    const view = await h.followup.getTask(owner, task.id);
    const card = taskCard(view, {
      lang: 'nn',
      refreshUserIds: [],
      names: new Map(),
      tabs: TABS,
    });
    assert.deepEqual(cardProblems(card), []);
    const literal = evil.replace('\u202e', '');
    assert.ok(runs(card).includes(literal), runs(card).join('\n'));
    // English and nynorsk evidence missing: the card falls back to bokmål.
    assert.ok(runs(card).includes('_Referat_ <img src=x onerror=alert(1)>'));
    for (const b of blocks(card)) {
      assert.ok(!b.includes('javascript:') && !b.includes('<script>') && !b.includes('onerror'), b);
    }
    // The template expression was not evaluated (that would have given "nn").
    assert.ok(!runs(card).some((r) => r.includes('\u202e')));
  });

  it('a long description is a preview that expands to the whole text (ToggleVisibility)', async () => {
    const paragraph = 'Gå gjennom leverandørens plan, møteplan og betalingsplan. '.repeat(8).trim();
    const text = `${paragraph}\n\n${paragraph}\n${'Siste avsnitt.'}`;
    await saveKickoff((a) => ({ ...a, description: { nb: text } }));
    const view = await h.followup.getTask(owner, task.id);
    for (const lang of LANGS) {
      const card = taskCard(view, {
        lang,
        refreshUserIds: [],
        names: new Map(),
        tabs: TABS,
      });
      assert.deepEqual(cardProblems(card), []);
      assertTogglesResolve(card);
      const toggles = nodes(card).filter((x) => x.type === 'Action.ToggleVisibility');
      assert.deepEqual(
        toggles.map((x) => x.title),
        [LABEL[lang].more, LABEL[lang].less],
      );
      const full = nodes(card).find((x) => x.id === 'task-0-what-full');
      assert.equal(full?.isVisible, false);
      const fullRuns = runs(full);
      assert.deepEqual(fullRuns, [paragraph, paragraph, 'Siste avsnitt.']);
      const preview = runs(nodes(card).find((x) => x.id === 'task-0-what'));
      assert.equal(preview.length, 1);
      assert.ok((preview[0] as string).length <= 300 && (preview[0] as string).endsWith('…'));
      // «Vis hele» hides the preview and shows the whole text; «Vis mindre» the other way round.
      assert.deepEqual(toggles[0]?.targetElements, [
        { elementId: 'task-0-what', isVisible: false },
        { elementId: 'task-0-what-full', isVisible: true },
      ]);
    }
  });

  it('an activity whose evidence was removed shows no «Dokumentasjon»', async () => {
    await saveKickoff(({ evidence: _e, ...a }) => a);
    const view = await h.followup.getTask(owner, task.id);
    assert.equal(view.evidence, null);
    const card = taskCard(view, { lang: 'nb', refreshUserIds: [], names: new Map(), tabs: TABS });
    assert.deepEqual(cardProblems(card), []);
    assert.ok(!runs(card).includes(LABEL.nb.evidence));
  });

  it('a deleted routine: the task card has no evidence, keeps the task’s own text, and does not fail', async () => {
    await saveKickoff((a) => ({ ...a, evidence: EVIDENCE, description: DESCRIPTION }));
    assert.deepEqual((await h.followup.getTask(owner, task.id)).evidence, EVIDENCE);
    await h.followup.removeRoutine(admin, 'basis-felles');
    const view = await h.followup.getTask(owner, task.id);
    assert.equal(view.evidence, null);
    assert.equal(view.state, 'cancelled');
    const card = taskCard(view, { lang: 'en', refreshUserIds: [], names: new Map(), tabs: TABS });
    assert.deepEqual(cardProblems(card), []);
    assert.ok(!runs(card).includes(LABEL.en.evidence));
    // The description is the task's own snapshot (kept for the record of a closed task).
    assert.ok(runs(card).includes(DESCRIPTION.en as string));
    // The reminder for it is no longer sent (closed), rather than failing.
    assert.equal(await h.logic.notificationCard(reminder(task.id), '29:eier1', 'en-US'), null);
  });
});
