import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { cleanText, parseCommand } from '../../src/bot/commands.ts';
import { loadBotSettings } from '../../src/bot/config.ts';
import { answerLanguage } from '../../src/bot/logic.ts';
import { langFromLocale } from '../../src/cards/i18n.ts';

describe('chat commands', () => {
  it('understands Norwegian and English commands', () => {
    assert.deepEqual(parseCommand('mine frister'), { kind: 'myTasks', lang: 'nb' });
    assert.deepEqual(parseCommand('  Mine   Frister! '), { kind: 'myTasks', lang: 'nb' });
    assert.deepEqual(parseCommand('mine fristar'), { kind: 'myTasks', lang: 'nn' });
    assert.deepEqual(parseCommand('My deadlines'), { kind: 'myTasks', lang: 'en' });
    assert.deepEqual(parseCommand('søk renhold skole'), {
      kind: 'search',
      text: 'renhold skole',
      lang: 'nb',
    });
    assert.deepEqual(parseCommand('search Cleaning'), {
      kind: 'search',
      text: 'Cleaning',
      lang: 'en',
    });
    assert.deepEqual(parseCommand('avtale 2024-017'), {
      kind: 'contract',
      reference: '2024-017',
      lang: 'nb',
    });
    assert.deepEqual(parseCommand('avtale nr. 2024-017'), {
      kind: 'contract',
      reference: '2024-017',
      lang: 'nb',
    });
    assert.deepEqual(parseCommand('contract 2024-017'), {
      kind: 'contract',
      reference: '2024-017',
      lang: 'en',
    });
    assert.deepEqual(parseCommand('hjelp'), { kind: 'help', lang: 'nb' });
    assert.deepEqual(parseCommand('help'), { kind: 'help', lang: 'en' });
    assert.deepEqual(parseCommand('hva med brøyting?'), {
      kind: 'unknown',
      text: 'hva med brøyting?',
      lang: null,
    });
  });

  it('removes mentions, tags, entities and invisible characters', () => {
    assert.deepEqual(parseCommand('<at>Kontrakter</at> mine frister'), {
      kind: 'myTasks',
      lang: 'nb',
    });
    assert.equal(cleanText('søk&nbsp;a&amp;b <b>x</b>'), 'søk a&b x');
    assert.equal(cleanText('mine\u200b frister\u202e'), 'mine frister');
    assert.equal(cleanText('linje1\nlinje2\ttab'), 'linje1 linje2 tab');
    const huge = parseCommand(`søk ${'a'.repeat(10_000)}`);
    assert.equal(huge.kind, 'search');
    assert.ok(huge.kind === 'search' && huge.text.length <= 200);
    const unknown = parseCommand('x'.repeat(10_000));
    assert.ok(unknown.kind === 'unknown' && unknown.text.length <= 500);
  });

  it("answers in the command's language, else the client's", () => {
    assert.equal(langFromLocale('nb-NO'), 'nb');
    assert.equal(langFromLocale('no'), 'nb');
    assert.equal(langFromLocale('nn-NO'), 'nn');
    assert.equal(langFromLocale('en-US'), 'en');
    assert.equal(langFromLocale('de-DE'), 'nb');
    assert.equal(langFromLocale(undefined), 'nb');
    assert.equal(answerLanguage('nb', 'en-US'), 'nb');
    assert.equal(answerLanguage('nb', 'nn-NO'), 'nn');
    assert.equal(answerLanguage('en', 'nb-NO'), 'en');
    assert.equal(answerLanguage(null, 'en-US'), 'en');
  });
});

describe('bot settings', () => {
  it('runs without Bot Framework authentication only in dev mode', () => {
    const dev = loadBotSettings({ AUTH_MODE: 'dev', BOT_DEV_USER: 'eier1' });
    assert.deepEqual(dev.auth, { mode: 'dev', appId: '' });
    assert.equal(dev.devUserId, 'eier1');
    const off = loadBotSettings({ AUTH_MODE: 'entra', BOT_DEV_USER: 'eier1' });
    assert.equal(off.auth.mode, 'disabled');
    assert.equal(off.devUserId, null, 'no demo user outside dev mode');
    const prod = loadBotSettings({
      MicrosoftAppId: 'app',
      MicrosoftAppPassword: 'secret',
      MicrosoftAppTenantId: 'tenant',
      TEAMS_APP_ID: 'teams-app',
    });
    assert.deepEqual(prod.auth, {
      mode: 'botframework',
      appId: 'app',
      password: 'secret',
      tenantId: 'tenant',
      appType: 'SingleTenant',
    });
    assert.deepEqual(prod.tabs, {
      teamsAppId: 'teams-app',
      tasksEntityId: 'tasks',
      registerEntityId: 'register',
    });
    const toolkit = loadBotSettings({ BOT_ID: 'b', BOT_PASSWORD: 'p' });
    assert.equal(toolkit.auth.mode === 'botframework' && toolkit.auth.appType, 'MultiTenant');
  });
});
