import type { ContractInput, User } from '../../src/core/index.ts';
import { contractInput } from '../support/fixtures.ts';
import { startTestServer, type TestServer } from '../support/server.ts';

export const TODAY = '2026-01-15';
export const clock = () => new Date(`${TODAY}T10:00:00Z`);
export const BASIS = 'Offl. § 13 jf. fvl. § 13 første ledd nr. 2';
export const XSS_TITLE = 'Rammeavtale <script>alert("x")</script> & <b>fet</b>';

export async function admin(s: TestServer): Promise<User> {
  const u = await s.services.store.directory.getUser('kontraktservice');
  if (!u) throw new Error('seedUsers has not run');
  return u;
}

export async function create(s: TestServer, overrides: Parameters<typeof contractInput>[0]) {
  return s.services.contracts.create(await admin(s), contractInput(overrides) as ContractInput);
}

const TOPICS = [
  ['Kontorrekvisita', 'Papir, penner og annet kontormateriell.', '30192000-1'],
  ['Skolemøbler', 'Pulter, stoler og tavler til skolene.', '39160000-1'],
  ['Rengjøringsmidler', 'Såpe og rengjøringsutstyr til byggene.', '39830000-9'],
  ['Tolketjenester', 'Tolking på fremmedspråk og tegnspråk.', '79540000-1'],
  ['Bøker til skolebibliotek', 'Skjønnlitteratur og fagbøker.', '22113000-5'],
  ['Snøbrøyting', 'Brøyting og strøing av kommunale veier.', '90620000-9'],
  ['Håndverkertjenester rørlegger', 'Rørleggerarbeid i kommunale bygg.', '45330000-9'],
  ['Datautstyr', 'PC-er, skjermer og tilbehør.', '30200000-1'],
] as const;

/**
 * A catalogue of 30 agreements: 24 published framework agreements (two pages at 20 a page), some
 * expiring, one expired, some open to partners; plus unpublished and non-framework ones that must
 * never show.
 */
export async function seedCatalogue(s: TestServer): Promise<void> {
  const suppliers = [
    { orgnr: '974760673', name: 'Østlandske Kontor AS' },
    { orgnr: '986105174', name: 'Bjørnstad & Sønner AS' },
    { orgnr: '923609016', name: 'Ærlig Tolk AS' },
  ];
  for (let i = 0; i < 24; i++) {
    const [title, description, cpv] = TOPICS[i % TOPICS.length] as (typeof TOPICS)[number];
    const expiring = i % 6 === 1;
    const expired = i === 23;
    await create(s, {
      referenceNumber: `RA-2025-${String(i + 1).padStart(3, '0')}`,
      title:
        `${title} ${i < TOPICS.length ? '' : `del ${Math.floor(i / TOPICS.length) + 1}`}`.trim(),
      description,
      cpvCodes: [cpv],
      suppliers: [
        { ...(suppliers[i % 3] as (typeof suppliers)[number]), rank: 1, terms: null },
        ...(i % 2 === 0
          ? [{ ...(suppliers[(i + 1) % 3] as (typeof suppliers)[number]), rank: 2, terms: null }]
          : []),
      ],
      startDate: expired ? '2022-01-01' : '2025-01-01',
      endDate: expired ? '2025-06-30' : expiring ? '2026-04-30' : '2028-12-31',
      options: expired || expiring ? [] : undefined,
      partnerOrganisations: i % 4 === 0 ? ['Askøy kommune', 'Vestland fylkeskommune'] : [],
      allowedUnitIds: i % 5 === 0 ? ['u-skole'] : [],
      published: true,
    });
  }
  await create(s, {
    referenceNumber: 'RA-INTERN-1',
    title: 'Upublisert avtale om kaffemaskiner',
    published: false,
  });
  await create(s, {
    referenceNumber: 'EK-2025-1',
    title: 'Enkeltkontrakt om kaffemaskiner',
    kind: 'single',
    published: true,
  });
}

/**
 * The catalogue's own settings (PUBLIC_*, OCDS_*) are read from the process environment when the
 * router is built; they are set only while the server starts.
 */
export async function startCatalogue(env: Record<string, string> = {}, seed = true) {
  const saved = new Map<string, string | undefined>();
  for (const [k, v] of Object.entries(env)) {
    saved.set(k, process.env[k]);
    process.env[k] = v;
  }
  try {
    const s = await startTestServer({ ORGANISATION_NAME: 'Testby kommune', ...env }, { clock });
    if (seed) await seedCatalogue(s);
    return s;
  } finally {
    for (const [k, v] of saved) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  }
}
