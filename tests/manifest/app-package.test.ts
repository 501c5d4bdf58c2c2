import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { PNG } from 'pngjs';
import yauzl from 'yauzl';
import {
  loadEnvironment,
  outlineIssues,
  parseEnvFile,
  renderPackage,
  schemaValidators,
  substitute,
} from '../../scripts/package-app.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const tmp = mkdtempSync(join(tmpdir(), 'apppkg-'));
after(() => rmSync(tmp, { recursive: true, force: true }));

function unzip(file: string): Promise<Map<string, Buffer>> {
  return new Promise((resolve, reject) => {
    yauzl.open(file, { lazyEntries: true }, (err, zip) => {
      if (err || !zip) return reject(err);
      const out = new Map<string, Buffer>();
      zip.on('entry', (entry: yauzl.Entry) => {
        zip.openReadStream(entry, (e, stream) => {
          if (e || !stream) return reject(e);
          const chunks: Buffer[] = [];
          stream.on('data', (c: Buffer) => chunks.push(c));
          stream.on('end', () => {
            out.set(entry.fileName, Buffer.concat(chunks));
            zip.readEntry();
          });
        });
      });
      zip.on('end', () => resolve(out));
      zip.on('error', reject);
      zip.readEntry();
    });
  });
}

describe('Teams app package', () => {
  const localVars = loadEnvironment('local');

  it('uses the newest manifest schema shipped (at least 1.22)', () => {
    const raw = JSON.parse(readFileSync(join(ROOT, 'appPackage/manifest.json'), 'utf8'));
    const [major, minor] = String(raw.manifestVersion).split('.').map(Number);
    assert.equal(major, 1);
    assert.ok((minor ?? 0) >= 22, `manifestVersion ${raw.manifestVersion}`);
    assert.match(raw.$schema, new RegExp(`/v${raw.manifestVersion}/MicrosoftTeams.schema.json$`));
    const shipped = readdirSync(
      join(ROOT, 'node_modules/@microsoft/app-manifest/build/json-schemas/teams'),
    )
      .map((d) => /^v1\.(\d+)$/.exec(d)?.[1])
      .filter((n): n is string => n !== undefined)
      .map(Number);
    assert.equal(minor, Math.max(...shipped), 'the newest schema the package ships');
  });

  it('validates against the official schema once the local variables are substituted', () => {
    const { manifest } = renderPackage(localVars);
    assert.equal(manifest.id, localVars.TEAMS_APP_ID);
    const tabs = manifest.staticTabs as { entityId: string; contentUrl?: string }[];
    assert.deepEqual(
      tabs.filter((t) => t.contentUrl).map((t) => t.contentUrl),
      [`${localVars.TAB_ENDPOINT}/tab/#/register`, `${localVars.TAB_ENDPOINT}/tab/#/tasks`],
    );
    const bot = (
      manifest.bots as { botId: string; commandLists: { commands: { title: string }[] }[] }[]
    )[0];
    assert.equal(bot?.botId, localVars.BOT_ID);
    assert.deepEqual(
      bot?.commandLists[0]?.commands.map((c) => c.title),
      ['mine frister', 'søk', 'avtale', 'hjelp'],
    );
    const web = manifest.webApplicationInfo as { id: string; resource: string };
    assert.equal(web.id, localVars.AAD_APP_CLIENT_ID);
    assert.equal(web.resource, `api://${localVars.TAB_DOMAIN}/${localVars.AAD_APP_CLIENT_ID}`);
    assert.deepEqual(manifest.validDomains, [localVars.TAB_DOMAIN]);
  });

  it('the schema check is real: a broken manifest is refused with the field named', () => {
    const v = schemaValidators();
    const { manifest } = renderPackage(localVars);
    assert.deepEqual(v.manifest(manifest), []);
    const bad = { ...manifest, id: 'not-a-guid', accentColor: 'blue', extra: true };
    const issues = v.manifest(bad);
    assert.ok(
      issues.some((i) => i.path === '/id'),
      JSON.stringify(issues),
    );
    assert.ok(issues.some((i) => i.path === '/accentColor'));
    assert.ok(issues.length >= 3);
    const longName = { ...manifest, name: { short: 'x'.repeat(31) } };
    assert.ok(v.manifest(longName).some((i) => i.path === '/name/short'));
  });

  it('refuses to build with an unset variable (the dev environment before provisioning)', () => {
    assert.throws(
      () => renderPackage(loadEnvironment('dev', join(ROOT, 'env'))),
      /Mangler verdi for .*BOT_ID.*TEAMS_APP_ID/,
    );
  });

  it('substitutes inside JSON strings, so a hostile value cannot break out of its string', () => {
    // biome-ignore lint/suspicious/noTemplateCurlyInString: the toolkit's placeholder syntax
    const out = substitute({ a: 'x${{V}}y', b: ['${{V}}'] }, { V: '","evil":"1' });
    assert.deepEqual(out, { a: 'x","evil":"1y', b: ['","evil":"1'] });
    const vars = { ...localVars, TAB_DOMAIN: 'evil.example"},"id":"x' };
    // The value lands in a string; the resource URI stays a string and the id stays the GUID.
    const { manifest } = renderPackage(vars);
    assert.equal(manifest.id, localVars.TEAMS_APP_ID);
  });

  it('parses env files with comments and quotes and refuses garbage lines', () => {
    assert.deepEqual(parseEnvFile('# c\nA=1\nB="x y"\nC=z # note\n\n'), {
      A: '1',
      B: 'x y',
      C: 'z',
    });
    assert.throws(() => parseEnvFile('not a line'), /Ugyldig linje/);
    assert.throws(() => loadEnvironment('../etc'), /Ugyldig miljønavn/);
  });

  it('the outline icon is white on transparency and the check catches a coloured pixel', () => {
    const png = PNG.sync.read(readFileSync(join(ROOT, 'appPackage/outline.png')));
    assert.deepEqual(outlineIssues(png), []);
    let opaque = 0;
    for (let i = 3; i < png.data.length; i += 4) if (png.data[i] !== 0) opaque++;
    assert.ok(opaque > 50 && opaque < (32 * 32) / 2, `opaque pixels: ${opaque}`);
    png.data.set([255, 0, 0, 255], 0);
    assert.equal(outlineIssues(png).length, 1);
  });

  it('npm run package writes a zip with the manifest, the languages and both icons at the right sizes', async () => {
    const out = join(tmp, 'pkg.zip');
    const r = spawnSync(
      process.execPath,
      ['--import', 'tsx', 'scripts/package-app.ts', '--env', 'local', '--out', out],
      { cwd: ROOT, encoding: 'utf8' },
    );
    assert.equal(r.status, 0, r.stderr);
    const files = await unzip(out);
    assert.deepEqual([...files.keys()].sort(), [
      'color.png',
      'en-US.json',
      'manifest.json',
      'nn-NO.json',
      'outline.png',
    ]);
    const manifest = JSON.parse(files.get('manifest.json')!.toString('utf8'));
    assert.deepEqual(schemaValidators().manifest(manifest), []);
    assert.doesNotMatch(files.get('manifest.json')!.toString('utf8'), /\$\{\{/);
    const color = PNG.sync.read(files.get('color.png')!);
    assert.deepEqual([color.width, color.height], [192, 192]);
    const outline = PNG.sync.read(files.get('outline.png')!);
    assert.deepEqual([outline.width, outline.height], [32, 32]);
    for (const lang of ['nn-NO.json', 'en-US.json']) {
      const doc = JSON.parse(files.get(lang)!.toString('utf8'));
      assert.deepEqual(schemaValidators().language(doc), [], lang);
    }
  });
});
