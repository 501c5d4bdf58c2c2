import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import i18next from 'i18next';
import type { Dict } from '../../src/tab/strings/add.ts';
import { coreStrings } from '../../src/tab/strings/core.ts';

/**
 * The tab's UI texts: every key present in bokmål must be present and non-empty in nynorsk and
 * English, with the same interpolation variables ({{x}}). The string modules are loaded as the tab
 * loads them (core at init, the lazy modules through `addStrings` into the same i18next instance).
 */

type Lng = 'nb' | 'nn' | 'en';
type Sets = { readonly nb: Dict; readonly nn: Dict; readonly en: Dict };

const TAB = fileURLToPath(new URL('../../src/tab/', import.meta.url));

function flatten(dict: Dict, prefix = '', out = new Map<string, string>()): Map<string, string> {
  for (const [key, value] of Object.entries(dict)) {
    if (typeof value === 'string') out.set(prefix + key, value);
    else flatten(value, `${prefix}${key}.`, out);
  }
  return out;
}

/** The interpolation variables of a text, sorted: `{{count}} of {{max, number}}` → count, max. */
function variables(text: string): string[] {
  return [...text.matchAll(/\{\{\s*([^},\s]+)[^}]*\}\}/g)].map((m) => m[1] ?? '').sort();
}

/** Every problem of one resource set against bokmål, as readable lines (empty when all is well). */
function problems(sets: Sets): string[] {
  const nb = flatten(sets.nb);
  const found: string[] = [];
  for (const [key, text] of nb) {
    if (!text.trim()) found.push(`nb ${key}: empty`);
  }
  for (const lng of ['nn', 'en'] as const) {
    const other = flatten(sets[lng]);
    for (const [key, text] of nb) {
      const translated = other.get(key);
      if (translated === undefined) found.push(`${lng} ${key}: missing`);
      else if (!translated.trim()) found.push(`${lng} ${key}: empty`);
      else if (variables(translated).join() !== variables(text).join()) {
        found.push(
          `${lng} ${key}: variables {${variables(translated).join(', ')}} ≠ nb {${variables(text).join(', ')}}`,
        );
      }
    }
    for (const key of other.keys()) {
      if (!nb.has(key)) found.push(`${lng} ${key}: not in bokmål`);
    }
  }
  return found;
}

/**
 * Whole words that are bokmål and not nynorsk: a nynorsk text containing one was most likely copied
 * from bokmål and not translated.
 */
const BOKMAL_ONLY =
  /\b(ikke|hva|hvem|hvor|hver|hvis|fra|være|ble|navn|enhet(en|er)?|oppgave(n|r|ne)?|bruker(e|en)?|leser|utløper|utløpt|gjeldende|beskrivelse|unntatt|offentlighet|tjenester?|dager|måned(er|en)?|mangler|avtaler|leverandører|opsjoner|endringer|innhold|seneste|senere|lagrer|laster|velg)\b/i;

function tsFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return tsFiles(path);
    return /\.tsx?$/.test(name) ? [path] : [];
  });
}

const modules: Record<string, Sets> = { core: coreStrings };

before(async () => {
  await i18next.init({
    resources: {
      nb: { translation: coreStrings.nb },
      nn: { translation: coreStrings.nn },
      en: { translation: coreStrings.en },
    },
    lng: 'nb',
    fallbackLng: false,
    initAsync: false,
    interpolation: { escapeValue: false },
  });
  // The lazy string modules add themselves to i18next on import, as in the tab's chunks.
  modules.documents = (await import('../../src/tab/strings/documents.ts')).documentStrings;
  modules.routines = (await import('../../src/tab/strings/routines.ts')).routineStrings;
  modules.spend = (await import('../../src/tab/strings/spend.ts')).spendStrings;
  modules.cpv = (await import('../../src/tab/strings/cpv.ts')).cpvStrings;
});

describe('tab i18n resources', () => {
  it('finds missing, empty, extra and mismatched texts (the check itself)', () => {
    const found = problems({
      nb: { a: 'Avtaler', b: { c: '{{count}} dager', d: 'Hei {{name}}' }, e: 'Lagre' },
      nn: { a: 'Avtalar', b: { c: '{{n}} dagar', d: ' ' }, x: 'ekstra' },
      en: { a: 'Contracts', b: { c: '{{count}} days', d: 'Hi {{name}}' }, e: 'Save' },
    });
    assert.deepEqual(found.sort(), [
      'nn b.c: variables {n} ≠ nb {count}',
      'nn b.d: empty',
      'nn e: missing',
      'nn x: not in bokmål',
    ]);
    assert.deepEqual(variables('{{ spent }} av {{max, number}} ({{pct}})'), [
      'max',
      'pct',
      'spent',
    ]);
    assert.match('Kunne ikke starte', BOKMAL_ONLY);
    assert.doesNotMatch('Kunne ikkje starte', BOKMAL_ONLY);
  });

  it('every module: nynorsk and English have every bokmål key, non-empty, with the same variables', () => {
    assert.deepEqual(Object.keys(modules).sort(), [
      'core',
      'cpv',
      'documents',
      'routines',
      'spend',
    ]);
    for (const [name, sets] of Object.entries(modules)) {
      assert.deepEqual(problems(sets), [], `strings/${name}.ts`);
    }
  });

  it('the merged i18next resources are complete in nn and en (nothing falls back to bokmål)', () => {
    const merged = (lng: Lng) => i18next.getResourceBundle(lng, 'translation') as Dict;
    assert.deepEqual(problems({ nb: merged('nb'), nn: merged('nn'), en: merged('en') }), []);
    const nb = flatten(merged('nb'));
    // Every key of every module reached i18next (a module that forgot addStrings would miss here).
    for (const sets of Object.values(modules)) {
      for (const key of flatten(sets.nb).keys()) assert.ok(nb.has(key), key);
    }
    assert.ok(nb.size > 500, `only ${nb.size} keys`);
  });

  it('i18next resolves nynorsk and English texts, plurals and variables without falling back', () => {
    const t = (key: string, lng: Lng, options: Record<string, unknown> = {}) =>
      i18next.t(key, { lng, ...options });
    assert.equal(t('nav.register', 'nn'), 'Avtalar');
    assert.equal(t('common.months', 'nn', { count: 1 }), '1 månad');
    assert.equal(t('common.months', 'nn', { count: 3 }), '3 månader');
    assert.equal(t('task.overdueDays', 'en', { count: 2 }), '2 days overdue');
    assert.equal(
      t('docs.uploaded', 'nn', { title: 'X', status: 'Arkivert' }),
      '«X» er lasta opp: Arkivert.',
    );
    assert.equal(t('cpv.45', 'nn'), 'Byggje- og anleggsarbeid');
    assert.equal(
      t('settingValue.expiryWarningMonths', 'en'),
      'Expiry warning (months before the end date)',
    );
    // With no fallback language configured here, a missing key would come back as the key itself.
    for (const lng of ['nn', 'en'] as const) {
      const own = flatten(i18next.getResourceBundle(lng, 'translation') as Dict);
      for (const key of flatten(i18next.getResourceBundle('nb', 'translation') as Dict).keys()) {
        const plural = /_(one|other)$/.exec(key);
        const base = plural ? key.slice(0, -plural[0].length) : key;
        const text = t(base, lng, plural ? { count: plural[1] === 'one' ? 1 : 2 } : {});
        assert.notEqual(text, base, `${lng} ${key}`);
        assert.ok(own.has(key), `${lng} ${key}`);
      }
    }
  });

  it('nynorsk texts contain no bokmål-only words (untranslated copies)', () => {
    const nn = flatten(i18next.getResourceBundle('nn', 'translation') as Dict);
    const bokmal = [...nn]
      .filter(([key, text]) => key !== 'admin.titleNb' && BOKMAL_ONLY.test(text))
      .map(([key, text]) => `${key}: ${text}`);
    assert.deepEqual(bokmal, []);
  });

  it('every static key the tab uses exists in bokmål (and so, by the tests above, in nn and en)', () => {
    const nb = flatten(i18next.getResourceBundle('nb', 'translation') as Dict);
    const unknown: string[] = [];
    let seen = 0;
    for (const file of tsFiles(TAB)) {
      if (file.includes(`${join('strings', '')}`)) continue;
      const source = readFileSync(file, 'utf8');
      for (const m of source.matchAll(/\bt\(\s*(['"`])([^'"`$]+)\1/g)) {
        const key = m[2] ?? '';
        seen++;
        if (!nb.has(key) && !nb.has(`${key}_one`))
          unknown.push(`${file.slice(TAB.length)}: ${key}`);
      }
    }
    assert.ok(seen > 300, `only ${seen} t() calls found`);
    assert.deepEqual(unknown, []);
  });
});
