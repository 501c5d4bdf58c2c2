/**
 * End to end: the product's server (dev mode) and the Microsoft 365 Agents Playground (offline,
 * `TEAMSAPPTESTER_BROWSER=none`), driven in headless Chromium. The playground is the Teams client
 * and the Bot Connector: it renders the bot's Adaptive Cards with the real renderer and sends
 * `Action.Execute` as `adaptiveCard/action` invokes.
 */
import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, it } from 'node:test';
import { type Browser, chromium, type Page } from 'playwright-core';
import { followUpFor } from '../../src/followup/wire.ts';
import { contractInput, NOW } from '../bot/harness.ts';
import { startTestServer, type TestServer } from '../support/server.ts';

const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** The playground's mock tenant, with the signed-in user mapped to the register's `eier1`. */
const USERS = [
  ['user-id-1', 'Megan Bowen', 'meganb', '21'],
  ['user-id-2', 'Adele Vance', 'adelev', '22'],
  ['user-id-3', 'Isaiah Langer', 'isaiahl', '23'],
  ['user-id-4', 'Patti Fernandez', 'pattif', '24'],
  ['user-id-5', 'Lynne Robbins', 'lynner', '25'],
] as const;
const PLAYGROUND_CONFIG = `version: "0.1.1"
tenantId: 00000000-0000-0000-0000-0000000000001
bot:
  id: 00000000-0000-0000-0000-00000000000011
  name: Kontrakter
currentUser:
  id: user-id-0
  name: Eirik Eier
  userPrincipleName: eier1@kommune.example
  aadObjectId: eier1
  givenName: Eirik
  surname: Eier
  email: eier1@kommune.example
users:
${USERS.map(
  ([id, name, mail, n]) =>
    `  - { id: ${id}, name: ${name}, userPrincipleName: ${mail}@example.com, aadObjectId: 00000000-0000-0000-0000-00000000000${n}, givenName: ${name.split(' ')[0]}, surname: ${name.split(' ')[1]}, email: ${mail}@example.com }`,
).join('\n')}
personalChat:
  id: personal-chat-eier1
groupChat:
  id: group-chat-id
  name: Group Chat
team:
  id: team-id
  name: My Team
  aadGroupId: 00000000-0000-0000-0000-000000000031
  channels:
    - id: channel-announcements-id
      name: Announcements
`;

let server: TestServer;
let workDir: string;
let playground: ChildProcess;
let playgroundUrl: string;
let browser: Browser;
let page: Page;

function startPlayground(
  endpoint: string,
  cwd: string,
): Promise<{ child: ChildProcess; port: number }> {
  const cli = createRequire(import.meta.url).resolve('@microsoft/m365agentsplayground/cli.js');
  const child = spawn(
    process.execPath,
    [cli, '-e', endpoint, '-c', 'msteams', '-p', '0', '--disable-telemetry'],
    {
      cwd,
      env: { ...process.env, TEAMSAPPTESTER_BROWSER: 'none' },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let output = '';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`playground did not start: ${output}`)),
      60_000,
    );
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const m = /Listening on (\d+)/.exec(output);
      if (m) {
        clearTimeout(timer);
        resolve({ child, port: Number(m[1]) });
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`playground exited with ${code}: ${output}`));
    });
  });
}

before(async () => {
  server = await startTestServer({}, { clock: () => NOW });
  const created = await server.request(
    'kontraktservice',
    'POST',
    '/api/contracts',
    contractInput(),
  );
  assert.equal(created.status, 201, created.text);
  workDir = mkdtempSync(join(tmpdir(), 'ko-playground-'));
  writeFileSync(join(workDir, '.m365agentsplayground.yml'), PLAYGROUND_CONFIG);
  const started = await startPlayground(`${server.url}/api/messages`, workDir);
  playground = started.child;
  playgroundUrl = `http://localhost:${started.port}`;
  browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS });
  page = await browser.newPage({ viewport: { width: 1280, height: 900 }, locale: 'nb-NO' });
});

after(async () => {
  await browser?.close();
  if (playground && playground.exitCode === null) {
    const exited = new Promise((resolve) => playground.once('exit', resolve));
    playground.kill('SIGTERM');
    await exited;
  }
  await server?.close();
  if (workDir) rmSync(workDir, { recursive: true, force: true });
});

it('"mine frister" shows the deadline card, and "Merk som utført" completes the task in the store', async (t) => {
  try {
    await page.goto(playgroundUrl);
    // On start the playground installs the app: the bot saves the reference and says hello.
    await page.getByText('Dette kan jeg hjelpe med').first().waitFor({ timeout: 30_000 });
    const ref = await followUpFor(server.services).conversations.get('eier1', 'personal');
    assert.ok(ref, 'the install saved the personal conversation reference');

    const box = page.getByRole('textbox').first();
    await box.click();
    await box.pressSequentially('mine frister');
    await box.press('Enter');

    const card = page.locator('.ac-adaptiveCard', { hasText: 'Mine frister' }).last();
    await card.waitFor({ timeout: 30_000 });
    await card.getByText('Oppstartsmøte').first().waitFor();

    const eier1 = (await server.services.store.directory.getUser('eier1'))!;
    const task = (await followUpFor(server.services).service.myTasks(eier1)).find(
      (x) => x.activityId === 'oppstartsmote',
    )!;
    assert.equal(task.state, 'open');

    await card.getByRole('button', { name: 'Merk som utført' }).first().click();
    const comment = card.getByLabel(/Hva ble gjort/).first();
    await comment.fill('Oppstartsmøtet ble holdt, referat arkivert');
    await card.getByRole('button', { name: 'Lagre som utført' }).first().click();

    await page
      .getByText('«Oppstartsmøte» er merket som utført.')
      .first()
      .waitFor({ timeout: 30_000 });
    const done = await followUpFor(server.services).service.getTask(eier1, task.id);
    assert.equal(done.state, 'done');
    assert.equal(done.comment, 'Oppstartsmøtet ble holdt, referat arkivert');
    assert.equal(done.completedBy, 'eier1');
  } catch (error) {
    const shot = join(tmpdir(), `playground-failure-${Date.now()}.png`);
    await page.screenshot({ path: shot, fullPage: true }).catch(() => undefined);
    t.diagnostic(`screenshot: ${shot}`);
    throw error;
  }
});
