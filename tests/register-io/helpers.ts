import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import yauzl from 'yauzl';
import { loadConfig } from '../../src/config.ts';
import type { Contract } from '../../src/core/index.ts';
import { seedDemo } from '../../src/demo/seed.ts';
import { createServices, type Services } from '../../src/services.ts';

export const TODAY = '2026-11-26';
export const clock = () => new Date(`${TODAY}T09:00:00Z`);

/** Services on a real SQLite file in a fresh temp folder, with the demo directory (and contracts). */
export async function demoServices(
  contracts?: number,
): Promise<Services & { cleanup(): Promise<void> }> {
  const dir = mkdtempSync(join(tmpdir(), 'ko-io-'));
  const services = await createServices(loadConfig({ DATA_DIR: dir, LOG_LEVEL: 'silent' }), {
    clock,
  });
  await seedDemo(services, { contracts: contracts ?? 320 });
  return Object.assign(services, {
    async cleanup() {
      await services.close();
      rmSync(dir, { recursive: true, force: true });
    },
  });
}

/** Every file of a zip (an .xlsx) as text, concatenated: for asserting on the raw bytes. */
export async function unzipText(buffer: Buffer): Promise<string> {
  const zip = await yauzl.fromBufferPromise(buffer, { lazyEntries: true });
  const parts: string[] = [];
  await new Promise<void>((resolve, reject) => {
    zip.on('end', () => resolve());
    zip.on('error', reject);
    zip.on('entry', (entry: yauzl.Entry) => {
      zip.openReadStream(entry, (err, stream) => {
        if (err || !stream) return reject(err);
        const chunks: Buffer[] = [];
        stream.on('data', (c: Buffer) => chunks.push(c));
        stream.on('end', () => {
          parts.push(Buffer.concat(chunks).toString('utf8'));
          zip.readEntry();
        });
      });
    });
    zip.readEntry();
  });
  return parts.join('\n');
}

/** A contract without the fields the store sets (id, version, timestamps). */
export function comparable(c: Contract): Record<string, unknown> {
  const { id: _i, version: _v, createdAt: _c, updatedAt: _u, ...rest } = c;
  return rest;
}

export async function allContracts(services: Services): Promise<Map<string, Contract>> {
  const map = new Map<string, Contract>();
  for await (const c of services.store.contracts.all()) map.set(c.referenceNumber, c);
  return map;
}

/** A CSV file (semicolon-separated, quoted where needed) from header and rows. */
export function csv(header: readonly string[], rows: readonly (readonly string[])[]): Buffer {
  const cell = (s: string) => (/[;"\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s);
  return Buffer.from(
    `${[header, ...rows].map((r) => r.map(cell).join(';')).join('\r\n')}\r\n`,
    'utf8',
  );
}

export const HEADER = [
  'Avtalenummer',
  'Tittel',
  'Avtaleform',
  'Kontraktstype',
  'Prosedyre',
  'CPV-koder',
  'Eierenhet',
  'Kontraktseier',
  'Leverandør orgnr',
  'Leverandørnavn',
  'Rangering',
  'Startdato',
  'Sluttdato',
  'Opsjoner',
  'Anslått verdi (NOK)',
  'Maksimal verdi (NOK)',
  'Prisregulering indeks',
  'Prisregulering basisperiode',
  'Prisregulering måned',
  'Skjermede felt',
] as const;

/** A valid row for HEADER; override cells by header name. */
export function row(over: Partial<Record<(typeof HEADER)[number], string>> = {}): string[] {
  const base: Record<(typeof HEADER)[number], string> = {
    Avtalenummer: 'IMP-0001',
    Tittel: 'Rammeavtale om snøbrøyting',
    Avtaleform: 'rammeavtale',
    Kontraktstype: 'tjenester',
    Prosedyre: 'åpen anbudskonkurranse',
    'CPV-koder': '90620000-9',
    Eierenhet: 'u-bymiljo',
    Kontraktseier: 'eier1',
    'Leverandør orgnr': '974760673; 986105174',
    Leverandørnavn: 'Brøyt & Strø AS\nVestland Maskin AS',
    Rangering: '1;2',
    Startdato: '01.01.2026',
    Sluttdato: '31.12.2027',
    Opsjoner: '31.12.2028 (frist 30.09.2027); 31.12.2029 (frist 30.09.2028)',
    'Anslått verdi (NOK)': '1 250 000,50',
    'Maksimal verdi (NOK)': '2 000 000',
    'Prisregulering indeks': 'KPI',
    'Prisregulering basisperiode': '2025-10',
    'Prisregulering måned': 'januar',
    'Skjermede felt': '',
  };
  return HEADER.map((h) => over[h] ?? base[h]);
}
