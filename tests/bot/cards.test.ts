/**
 * Every card the bot can send, in every language and state, with worst-case data: parses with the
 * `adaptivecards` SDK without errors or warnings, is Adaptive Card 1.5 at most, and stays under
 * 40 KB.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  cardBytes,
  contractCard,
  helpCard,
  LANGS,
  type Lang,
  MAX_CARD_BYTES,
  messageCard,
  searchCard,
  taskCard,
  taskListCard,
  unknownCommandCard,
} from '../../src/cards/index.ts';
import type { ContractView } from '../../src/core/index.ts';
import type { TaskState, TaskView } from '../../src/followup/followup.port.ts';
import { cardProblems, cardTexts, findActions } from './validate-card.ts';

const long = (n: number, word = 'Prisregulering') =>
  `${word} `.repeat(Math.ceil(n / (word.length + 1))).slice(0, n);
// biome-ignore lint/suspicious/noTemplateCurlyInString: a template expression as hostile input
const EVIL = '${$root} <script>x</script> [a](javascript:alert(1)) **b** \u202e';

function task(i: number, state: TaskState = 'open', title = long(300)): TaskView {
  return {
    id: `${'c'.repeat(36)}|${'activity'.repeat(8)}|${i}`,
    contractId: 'c',
    routineId: 'r',
    activityId: 'a',
    occurrence: String(i),
    title: { nb: title, nn: title, en: title },
    description: { nb: long(4000, 'Beskrivelse'), nn: long(4000, 'Skildring'), en: long(4000) },
    evidence: { nb: long(300, 'Referat'), nn: long(300, 'Referat'), en: long(300, 'Minutes') },
    responsibleRole: 'owner',
    assigneeId: 'eier1',
    unitId: 'u',
    dueDate: '2026-03-06',
    state,
    snoozedUntil: state === 'snoozed' ? '2026-03-20' : null,
    leadTimesDays: [30, 7],
    completedAt: state === 'done' ? '2026-03-02T10:00:00Z' : null,
    completedBy: state === 'done' ? 'eier1' : null,
    comment: state === 'done' ? long(2000, 'Kommentar') : null,
    evidenceDocumentId: null,
    reason: state === 'skipped' || state === 'cancelled' ? long(2000, 'Begrunnelse') : null,
    history: [],
    version: 4,
    createdAt: '',
    updatedAt: '',
    contract: {
      id: 'c',
      referenceNumber: 'R'.repeat(64),
      title: long(300, 'Rammeavtale'),
      currentEndDate: '2027-12-31',
      ownerId: 'eier1',
      managerId: 'forvalter1',
    },
    daysUntilDue: i - 3,
    overdue: i < 3,
    permissions: {
      canView: true,
      canComplete: true,
      canSnooze: true,
      canSkip: true,
      canReassign: true,
    },
  };
}

const people = Array.from({ length: 100 }, (_, i) => ({
  id: `person-${i}`,
  name: long(200, `Navn${i}`),
}));
const tabs = {
  teamsAppId: '5d0f0a3e-9d55-4a38-9a4f-6f2d6a1c0b01',
  tasksEntityId: 'tasks',
  registerEntityId: 'register',
};
const ctx = (lang: Lang) => ({
  lang,
  refreshUserIds: Array.from({ length: 80 }, (_, i) => `29:${'x'.repeat(60)}${i}`),
  names: new Map([['eier1', long(200, 'Eirik')]]),
  tabs,
});

function contract(withheld: boolean): ContractView {
  return {
    id: 'c1',
    referenceNumber: 'R'.repeat(64),
    caseNumber: null,
    title: withheld ? '' : long(300, 'Renhold'),
    description: withheld ? '' : long(10_000, 'Beskrivelse'),
    kind: 'framework',
    type: 'services',
    procedure: 'open',
    cpvCodes: [],
    owningUnitId: 'u',
    ownerId: 'eier1',
    managerId: null,
    suppliers: withheld
      ? []
      : Array.from({ length: 200 }, (_, i) => ({
          orgnr: '123456785',
          name: long(200, `Leverandør${i}`),
          rank: i + 1,
          terms: long(2000),
        })),
    allowedUnitIds: [],
    partnerOrganisations: [],
    startDate: '2024-01-01',
    endDate: '2026-12-31',
    options: withheld
      ? []
      : Array.from({ length: 20 }, (_, i) => ({
          id: `o${i}`,
          newEndDate: `${2027 + i}-12-31`,
          decisionDeadline: `${2027 + i}-06-30`,
          state: 'open' as const,
          decidedAt: null,
          decidedBy: null,
        })),
    noticePeriodMonths: 3,
    estimatedValueOre: withheld ? null : 1_000_00,
    maxValueOre: withheld ? null : Number.MAX_SAFE_INTEGER,
    priceAdjustment: null,
    riskLevel: 'high',
    payConditionsControl: true,
    sector: null,
    published: true,
    draft: false,
    terminatedOn: null,
    terminationReason: null,
    confidential: null,
    withheld: withheld
      ? (
          [
            'title',
            'description',
            'suppliers',
            'supplierTerms',
            'estimatedValueOre',
            'maxValueOre',
            'priceAdjustment',
            'options',
          ] as const
        ).map((field) => ({ field, legalBasis: long(300, 'Offl. § 13') }))
      : [],
    version: 1,
    createdAt: '',
    updatedAt: '',
  };
}

/** Every card the bot can send, with the largest data it will ever put in them. */
function allCards(lang: Lang): [string, Record<string, unknown>][] {
  const c = ctx(lang);
  const cards: [string, Record<string, unknown>][] = [
    ['help', helpCard(lang)],
    ['welcome', helpCard(lang, { welcome: true })],
    ['unknown', unknownCommandCard(lang, long(500, EVIL))],
    [
      'message',
      messageCard(lang, 'Overskrift', long(5000, EVIL), 'attention', [
        { title: long(200), data: { verb: 'search', text: 'x' } },
      ]),
    ],
    [
      'list (10 tasks, worst case)',
      taskListCard(
        Array.from({ length: 30 }, (_, i) => task(i)),
        30,
        { ...c, notice: { text: long(1000), style: 'good' } },
      ),
    ],
    ['list (empty)', taskListCard([], 0, c)],
    [
      'search (8 results)',
      searchCard(
        long(200, EVIL),
        Array.from({ length: 20 }, () => ({
          view: contract(false),
          status: 'expiring' as const,
          currentEndDate: '2026-12-31',
        })),
        5000,
        c,
      ),
    ],
    ['search (none)', searchCard('x', [], 0, c)],
    [
      'contract (all fields)',
      contractCard({ view: contract(false), status: 'active', currentEndDate: '2046-12-31' }, c),
    ],
    [
      'contract (withheld)',
      contractCard({ view: contract(true), status: 'terminated', currentEndDate: null }, c),
    ],
  ];
  for (const state of ['open', 'snoozed', 'done', 'skipped', 'cancelled'] as const) {
    for (const notification of [undefined, 'upcoming', 'due', 'overdue'] as const) {
      cards.push([
        `task ${state} ${notification ?? ''}`,
        taskCard(task(1, state, long(300, EVIL)), {
          ...c,
          candidates: people,
          notification,
          fromList: state === 'open',
          notice: { text: long(1000), style: 'attention' },
        }),
      ]);
    }
  }
  return cards;
}

describe('Adaptive Cards', () => {
  for (const lang of LANGS) {
    it(`every card in "${lang}" parses with the adaptivecards SDK without errors or warnings, is 1.5 and under 40 KB`, () => {
      for (const [name, card] of allCards(lang)) {
        assert.deepEqual(cardProblems(card), [], `${name} (${lang})`);
        assert.equal(card.version, '1.5', name);
        assert.ok(cardBytes(card) < MAX_CARD_BYTES, `${name} (${lang}): ${cardBytes(card)} bytes`);
        // A field left as a whole template expression ("${title}") means missing data.
        assert.doesNotMatch(JSON.stringify(card), /"\$\{[\w.$]+\}"/, `${name}: all expanded`);
      }
    });
  }

  it('the SDK check can fail: it reports unknown elements, bad values and too many actions', () => {
    assert.ok(
      cardProblems({ type: 'AdaptiveCard', version: '1.5', body: [{ type: 'Bogus' }] }).length > 0,
    );
    assert.ok(
      cardProblems({
        type: 'AdaptiveCard',
        version: '1.5',
        body: [{ type: 'TextBlock', text: 'x', color: 'pink' }],
      }).length > 0,
    );
    const six = Array.from({ length: 6 }, (_, i) => ({ type: 'Action.Submit', title: `${i}` }));
    assert.ok(cardProblems({ type: 'AdaptiveCard', version: '1.5', actions: six }).length > 0);
  });

  it('the list shows at most 10 tasks and every card stays in its language', () => {
    const list = taskListCard(
      Array.from({ length: 30 }, (_, i) => task(i, 'open', `Oppgave ${i}`)),
      30,
      ctx('nb'),
    );
    assert.equal(findActions(list, 'Detaljer').length, 10);
    assert.match(cardTexts(list).join('\n'), /Du har 30 åpne frister\. Her er de 10 nærmeste/);
    const en = taskListCard([task(5, 'open', 'T')], 1, ctx('en'));
    assert.match(cardTexts(en).join('\n'), /You have 1 open deadline, nearest first/);
    const nn = taskCard(task(1, 'open', 'T'), ctx('nn'));
    assert.match(cardTexts(nn).join('\n'), /Oppfølgingsoppgåve/);
  });

  it('untrusted text is never markdown: it only appears in TextRuns', () => {
    for (const [name, card] of allCards('nb')) {
      const walk = (n: unknown) => {
        if (Array.isArray(n)) n.forEach(walk);
        else if (n && typeof n === 'object') {
          const o = n as Record<string, unknown>;
          if (o.type === 'TextBlock')
            assert.ok(!String(o.text).includes('javascript:'), `${name}: ${o.text}`);
          Object.values(o).forEach(walk);
        }
      };
      walk(card.body);
    }
  });

  it('a done task has no actions left but shows who did it and the comment', () => {
    const card = taskCard(task(1, 'done', 'Statusmøte'), ctx('nb'));
    assert.equal(findActions(card, 'Merk som utført').length, 0);
    assert.equal(findActions(card, 'Utsett en uke').length, 0);
    const t = cardTexts(card).join('\n');
    assert.match(t, /Utført av/);
    assert.match(t, /Kommentar/);
  });
});
