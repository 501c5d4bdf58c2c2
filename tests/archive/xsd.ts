import { readFileSync } from 'node:fs';
import { validateXML } from 'xmllint-wasm';

/** The official Fiks Arkiv V1 XSDs, read from the shared data beside the repository. */
const V1 = new URL('../../../shared/data/fiks-arkiv/V1/', import.meta.url);
const MAIN = 'no.ks.fiks.arkiv.v1.arkivering.arkivmelding.opprett.xsd';

const read = (name: string) => readFileSync(new URL(name, V1), 'utf8');

/** Every XSD the message schema imports (transitively), supplied to xmllint by name. */
function importsOf(name: string, seen = new Set<string>()): Set<string> {
  for (const match of read(name).matchAll(/schemaLocation="\.?\/?([^"]+)"/g)) {
    const file = match[1] as string;
    if (!seen.has(file)) {
      seen.add(file);
      importsOf(file, seen);
    }
  }
  return seen;
}

const schema = { fileName: MAIN, contents: read(MAIN) };
const preload = [...importsOf(MAIN)].map((fileName) => ({ fileName, contents: read(fileName) }));

export async function validateArkivmelding(xml: string): Promise<string[]> {
  const result = await validateXML({
    xml: { fileName: 'arkivmelding.xml', contents: xml },
    schema,
    preload,
  });
  return result.valid ? [] : result.errors.map((e) => e.rawMessage);
}

export const sharedCodeList = (name: string): { kodeverdi: string; kodebeskrivelse: string }[] =>
  JSON.parse(
    read(
      `kodelister/no.ks.fiks.arkiv.v1.kodelister.${name}/no.ks.fiks.arkiv.v1.kodelister.${name}.json`,
    ),
  ).kodeliste;
