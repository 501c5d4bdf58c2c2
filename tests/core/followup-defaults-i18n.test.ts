import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DEFAULT_ROUTINES, routineSchema } from '../../src/core/followup/index.ts';

const LANGS = new Set(['nb', 'nn', 'en']);

interface Found {
  readonly path: string;
  readonly text: Readonly<Record<string, unknown>>;
}

/** A LocalText: a plain object with `nb`, whose keys are all among nb/nn/en and whose values are strings. */
function isLocalText(v: unknown): v is Readonly<Record<string, unknown>> {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return false;
  const entries = Object.entries(v);
  return (
    'nb' in v &&
    entries.length > 0 &&
    entries.every(([k, s]) => LANGS.has(k) && (typeof s === 'string' || s === undefined))
  );
}

/** Every LocalText anywhere in `value`, with a path such as `[0].activities[2].description`. */
function localTexts(value: unknown, path = ''): Found[] {
  if (isLocalText(value)) return [{ path, text: value }];
  if (Array.isArray(value)) return value.flatMap((v, i) => localTexts(v, `${path}[${i}]`));
  if (typeof value === 'object' && value !== null)
    return Object.entries(value).flatMap(([k, v]) => localTexts(v, `${path}.${k}`));
  return [];
}

/** The problems of one LocalText: a language missing or blank. */
function problems({ path, text }: Found): string[] {
  return ['nb', 'nn', 'en'].flatMap((lang) => {
    const s = text[lang];
    if (typeof s !== 'string') return [`${path}: ${lang} missing`];
    if (s.trim() === '') return [`${path}: ${lang} empty`];
    return [];
  });
}

describe('default routines: every text in bokmål, nynorsk and English', () => {
  const found = localTexts(DEFAULT_ROUTINES);

  it('finds the texts (routine names and descriptions, activity titles, descriptions, evidence)', () => {
    const kinds = new Set(found.map((f) => f.path.replace(/^.*\./, '')));
    assert.deepEqual([...kinds].sort(), ['description', 'evidence', 'name', 'title']);
    // Every routine has a name and every activity a title, so at least that many texts.
    const activities = DEFAULT_ROUTINES.reduce((n, r) => n + r.activities.length, 0);
    assert.ok(found.length >= DEFAULT_ROUTINES.length + activities, `only ${found.length} texts`);
  });

  it('has nb, nn and en, none empty, in every text', () => {
    assert.deepEqual(found.flatMap(problems), []);
  });

  it('has English that is not a copy of the bokmål', () => {
    const copies = found.filter((f) => f.text.en === f.text.nb).map((f) => f.path);
    assert.deepEqual(copies, []);
  });

  it('still passes the routine schema (lengths, no unknown languages)', () => {
    for (const r of DEFAULT_ROUTINES) {
      const parsed = routineSchema.safeParse(r);
      assert.ok(parsed.success, `${r.id}: ${parsed.error?.message}`);
    }
  });

  it('the check itself catches a missing, blank or absent translation', () => {
    const sample = [
      { title: { nb: 'Statusmøte', nn: 'Statusmøte' } },
      { activities: [{ evidence: { nb: 'Referat', nn: ' ', en: 'Minutes' } }] },
      { description: { nb: 'Bare bokmål' } },
      { title: { nb: 'Alt', nn: 'Alt', en: 'All' } },
    ];
    assert.deepEqual(localTexts(sample).flatMap(problems), [
      '[0].title: en missing',
      '[1].activities[0].evidence: nn empty',
      '[2].description: nn missing',
      '[2].description: en missing',
    ]);
  });
});
