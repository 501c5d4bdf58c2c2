// Builds the Teams app package: reads env/.env.<env> (then env/.env.<env>.user, then the process
// environment), substitutes `${{NAME}}` in the manifest and its localization files, validates each
// against the official JSON schema shipped by @microsoft/app-manifest (offline), and writes a zip
// with the manifest, the language files and both icons.
// Usage: `npm run package -- [--env local|dev|…] [--out dist/appPackage.local.zip]`.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import AjvDraft04Module from 'ajv-draft-04';
import addFormatsModule from 'ajv-formats';
import { PNG } from 'pngjs';
import yazl from 'yazl';

// CommonJS modules: the default import is module.exports; the class sits on `.default` too.
const AjvDraft04 = AjvDraft04Module.default;
const addFormats = addFormatsModule.default;

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
export const APP_PACKAGE_DIR = join(ROOT, 'appPackage');
export const MANIFEST_VERSION = '1.30';
const PLACEHOLDER = /\$\{\{([A-Z][A-Z0-9_]*)\}\}/g;
/** Variables that may be empty (every other one must have a value). */
const MAY_BE_EMPTY = new Set(['APP_NAME_SUFFIX']);

type Json = string | number | boolean | null | Json[] | { [key: string]: Json };

/** Parses a dotenv file: `KEY=value`, `# comments`, optional single or double quotes. */
export function parseEnvFile(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (!line || line.startsWith('#')) continue;
    const m = /^([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(.*)$/.exec(line);
    if (!m) throw new Error(`Ugyldig linje i miljøfilen: ${line.slice(0, 80)}`);
    let value = m[2] ?? '';
    const quoted = /^(['"])(.*)\1$/.exec(value);
    if (quoted) value = quoted[2] ?? '';
    else value = value.replace(/\s+#.*$/, '');
    out[m[1] as string] = value;
  }
  return out;
}

/** The variables of one environment: the env file, its `.user` file, then the process environment. */
export function loadEnvironment(
  envName: string,
  envDir = join(ROOT, 'env'),
): Record<string, string> {
  if (!/^[a-z0-9-]+$/.test(envName)) throw new Error(`Ugyldig miljønavn: ${envName}`);
  const file = join(envDir, `.env.${envName}`);
  if (!existsSync(file)) throw new Error(`Fant ikke ${file}`);
  const vars = parseEnvFile(readFileSync(file, 'utf8'));
  const user = `${file}.user`;
  if (existsSync(user)) Object.assign(vars, parseEnvFile(readFileSync(user, 'utf8')));
  for (const key of Object.keys(vars)) {
    const fromProcess = process.env[key];
    if (fromProcess !== undefined && fromProcess !== '') vars[key] = fromProcess;
  }
  return vars;
}

/**
 * Replaces `${{NAME}}` in every string of a JSON document. Substitution works on parsed strings, so
 * a value can never break out of its JSON string. Throws listing every missing or empty variable.
 */
export function substitute(doc: Json, vars: Record<string, string>): Json {
  const missing = new Set<string>();
  const walk = (v: Json): Json => {
    if (typeof v === 'string') {
      return v.replace(PLACEHOLDER, (_m, name: string) => {
        const value = vars[name];
        if (value === undefined || (value === '' && !MAY_BE_EMPTY.has(name))) missing.add(name);
        return value ?? '';
      });
    }
    if (Array.isArray(v)) return v.map(walk);
    if (v && typeof v === 'object') {
      return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, walk(x)]));
    }
    return v;
  };
  const out = walk(doc);
  if (missing.size > 0) {
    throw new Error(`Mangler verdi for ${[...missing].sort().join(', ')} i miljøfilen`);
  }
  return out;
}

const require = createRequire(import.meta.url);
function schemaPath(file: string): string {
  return require.resolve(
    `@microsoft/app-manifest/build/json-schemas/teams/v${MANIFEST_VERSION}/${file}`,
  );
}

export interface SchemaIssue {
  readonly path: string;
  readonly message: string;
}

let validators: {
  manifest: (d: unknown) => SchemaIssue[];
  language: (d: unknown) => SchemaIssue[];
};
/** Validators for the manifest and for a localization file (the official draft-04 schemas). */
export function schemaValidators(): typeof validators {
  if (validators) return validators;
  const ajv = new AjvDraft04({ allErrors: true, strict: false, unicodeRegExp: false });
  addFormats(ajv);
  const compile = (file: string) => {
    const validate = ajv.compile(JSON.parse(readFileSync(schemaPath(file), 'utf8')));
    return (d: unknown): SchemaIssue[] =>
      validate(d)
        ? []
        : (validate.errors ?? []).map((e) => ({
            path: e.instancePath || '/',
            message: e.message ?? e.keyword,
          }));
  };
  validators = {
    manifest: compile('MicrosoftTeams.schema.json'),
    language: compile('MicrosoftTeams.Localization.schema.json'),
  };
  return validators;
}

export interface RenderedPackage {
  readonly files: ReadonlyMap<string, Buffer>;
  readonly manifest: Record<string, Json>;
}

function readJson(path: string): Json {
  return JSON.parse(readFileSync(path, 'utf8')) as Json;
}

/** Renders and validates the package contents in memory; throws with every schema issue. */
export function renderPackage(
  vars: Record<string, string>,
  dir = APP_PACKAGE_DIR,
): RenderedPackage {
  const v = schemaValidators();
  const manifest = substitute(readJson(join(dir, 'manifest.json')), vars) as Record<string, Json>;
  const issues = v.manifest(manifest).map((i) => `manifest.json ${i.path}: ${i.message}`);
  const files = new Map<string, Buffer>();
  const info = manifest.localizationInfo as
    | { additionalLanguages?: { file: string }[] }
    | undefined;
  for (const { file } of info?.additionalLanguages ?? []) {
    const lang = substitute(readJson(join(dir, file)), vars);
    issues.push(...v.language(lang).map((i) => `${file} ${i.path}: ${i.message}`));
    files.set(file, Buffer.from(`${JSON.stringify(lang, null, 2)}\n`));
  }
  const icons = manifest.icons as { color: string; outline: string };
  for (const [name, size] of [
    [icons.color, 192],
    [icons.outline, 32],
  ] as const) {
    const data = readFileSync(join(dir, name));
    const png = PNG.sync.read(data);
    if (png.width !== size || png.height !== size) {
      issues.push(`${name}: må være ${size}×${size}, er ${png.width}×${png.height}`);
    }
    files.set(name, data);
  }
  issues.push(...outlineIssues(PNG.sync.read(files.get(icons.outline) as Buffer), icons.outline));
  if (issues.length > 0) throw new Error(`Apppakken er ugyldig:\n${issues.join('\n')}`);
  files.set('manifest.json', Buffer.from(`${JSON.stringify(manifest, null, 2)}\n`));
  return { files, manifest };
}

/** Teams wants the outline icon white on transparency: every pixel white or fully transparent. */
export function outlineIssues(png: PNG, name = 'outline.png'): string[] {
  let bad = 0;
  for (let i = 0; i < png.data.length; i += 4) {
    const [r, g, b, a] = [png.data[i], png.data[i + 1], png.data[i + 2], png.data[i + 3]];
    if (a !== 0 && (r !== 255 || g !== 255 || b !== 255)) bad++;
  }
  return bad > 0 ? [`${name}: ${bad} piksler er verken hvite eller gjennomsiktige`] : [];
}

/** Writes the zip (files at its root, as Teams requires) and resolves to its path. */
export function writeZip(pkg: RenderedPackage, out: string): Promise<string> {
  mkdirSync(dirname(out), { recursive: true });
  const zip = new yazl.ZipFile();
  const fixed = new Date('2020-01-01T00:00:00Z'); // reproducible archives
  for (const [name, data] of [...pkg.files].sort(([a], [b]) => a.localeCompare(b))) {
    zip.addBuffer(data, name, { mtime: fixed });
  }
  const chunks: Buffer[] = [];
  return new Promise((res, rej) => {
    zip.outputStream.on('data', (c: Buffer) => chunks.push(c));
    zip.outputStream.on('error', rej);
    zip.outputStream.on('end', () => {
      writeFileSync(out, Buffer.concat(chunks));
      res(out);
    });
    zip.end();
  });
}

function argValue(args: readonly string[], name: string): string | undefined {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const args = process.argv.slice(2);
  const env = argValue(args, '--env') ?? 'local';
  const out = resolve(argValue(args, '--out') ?? join(ROOT, 'dist', `appPackage.${env}.zip`));
  try {
    const pkg = renderPackage(loadEnvironment(env));
    await writeZip(pkg, out);
    console.log(`Skrev ${out} (${[...pkg.files.keys()].join(', ')})`);
  } catch (e) {
    console.error(e instanceof Error ? e.message : e);
    process.exit(1);
  }
}
