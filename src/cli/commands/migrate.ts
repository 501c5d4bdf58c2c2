import { join } from 'node:path';
import { parseArgs } from 'node:util';
import type { AuditEntry, Contract } from '../../core/index.ts';
import type { RegisterStore, SearchScope } from '../../store/register.port.ts';
import { sharePointFromEnv } from '../../store/sharepoint/connect.ts';
import { openSharePointRegister } from '../../store/sharepoint/register-store.ts';
import { openSqliteRegister, type SqliteRegisterStore } from '../../store/sqlite/register-store.ts';
import type { CliCommand } from '../command.ts';

const ALL: SearchScope = {
  today: '1970-01-01',
  expiringWindowDays: 1,
  seesAllConfidential: true,
  userId: null,
};

export interface MigrationReport {
  readonly contracts: number;
  readonly audit: number;
  readonly units: number;
  readonly users: number;
  readonly suppliers: number;
}

async function collect(
  store: RegisterStore,
): Promise<{ contracts: Contract[]; audit: AuditEntry[] }> {
  const contracts: Contract[] = [];
  for await (const c of store.contracts.all()) contracts.push(c);
  const audit: AuditEntry[] = [];
  for (let after = 0; ; ) {
    const page = await store.audit.since(after, 1000);
    audit.push(...page);
    if (page.length < 1000) break;
    after = (page.at(-1) as AuditEntry).id;
  }
  return { contracts, audit };
}

/**
 * Copies the directory (units, users, suppliers) from one store to another. `skipSupplier`: suppliers
 * not to copy (known from the contracts anyway).
 */
async function copyDirectory(
  from: RegisterStore,
  to: RegisterStore,
  actorId: string,
  skipSupplier: (orgnr: string) => boolean = () => false,
) {
  const units = await from.directory.listUnits();
  // Parents before children, so a unit's parent exists when it is written.
  const done = new Set<string>();
  const ordered: typeof units = [];
  while (ordered.length < units.length) {
    const before = ordered.length;
    for (const u of units) {
      if (
        !done.has(u.id) &&
        (!u.parentId || done.has(u.parentId) || !units.some((x) => x.id === u.parentId))
      ) {
        ordered.push(u);
        done.add(u.id);
      }
    }
    if (ordered.length === before) break;
  }
  for (const u of ordered) await to.directory.saveUnit(u, actorId);
  const users = await from.directory.listUsers();
  for (const u of users) await to.directory.saveUser(u, actorId);
  const suppliers = (await from.directory.listSuppliers(ALL)).filter((s) => !skipSupplier(s.orgnr));
  for (const s of suppliers)
    await to.directory.saveSupplier({ orgnr: s.orgnr, name: s.name }, actorId);
  return { units: ordered.length, users: users.length, suppliers: suppliers.length };
}

/**
 * SQLite → SharePoint: every contract as it is (ids, versions and timestamps kept) and the whole
 * audit log with its ids; then each contract is read back and compared. Safe to re-run.
 */
export async function sqliteToSharePoint(
  from: RegisterStore,
  to: Awaited<ReturnType<typeof openSharePointRegister>>,
  actorId = 'migrering',
): Promise<MigrationReport> {
  const { contracts, audit } = await collect(from);
  // A supplier of a contract whose suppliers are confidential is not copied into the supplier list
  // (Leverandører holds names in clear): SharePoint knows it from the contract, sealed there.
  const confidentialSuppliers = new Set(
    contracts
      .filter((c) => c.confidential.suppliers)
      .flatMap((c) => c.suppliers.map((s) => s.orgnr)),
  );
  const directory = await copyDirectory(from, to, actorId, (orgnr) =>
    confidentialSuppliers.has(orgnr),
  );
  const written = await to.restore(contracts, audit);
  for (const c of contracts) {
    const back = await to.contracts.get(c.id);
    if (JSON.stringify(back) !== JSON.stringify(c)) {
      throw new Error(`Avtale ${c.referenceNumber} ble ikke kopiert likt`);
    }
  }
  return { ...directory, contracts: written.contracts, audit: written.audit };
}

/**
 * SharePoint → SQLite without loss: every contract as it is (ids, versions, timestamps, option ids)
 * and the whole audit log with its ids, restored in one SQLite transaction (all or nothing); then
 * the directory is copied and each contract is read back and compared. An SQLite register that
 * already holds contracts or audit entries is refused unless `replace` is set.
 */
export async function sharePointToSqlite(
  from: RegisterStore,
  to: SqliteRegisterStore,
  actorId = 'migrering',
  options: { readonly replace?: boolean } = {},
): Promise<MigrationReport> {
  const { contracts, audit } = await collect(from);
  // The restore first: the directory copy appends audit entries of its own, after the restored ones.
  const written = await to.restore(contracts, audit, { replace: options.replace === true });
  const directory = await copyDirectory(from, to, actorId);
  for (const c of contracts) {
    const back = await to.contracts.get(c.id);
    if (JSON.stringify(back) !== JSON.stringify(c))
      throw new Error(`Avtale ${c.referenceNumber} ble ikke kopiert likt`);
  }
  return { ...directory, contracts: written.contracts, audit: written.audit };
}

const command: CliCommand = {
  name: 'migrate',
  summary:
    'Kopierer registeret: migrate --from sqlite --to sharepoint (eller omvendt) [--site <id>] [--file <db>] [--replace]',
  async run(args, config) {
    const { values } = parseArgs({
      args,
      options: {
        from: { type: 'string' },
        to: { type: 'string' },
        site: { type: 'string' },
        file: { type: 'string' },
        replace: { type: 'boolean' },
      },
    });
    const pair = `${values.from}>${values.to}`;
    if (pair !== 'sqlite>sharepoint' && pair !== 'sharepoint>sqlite') {
      throw new Error(
        'Bruk: npm run cli -- migrate --from sqlite --to sharepoint (eller --from sharepoint --to sqlite)',
      );
    }
    const sqlite = openSqliteRegister(values.file ?? join(config.dataDir, 'register.db'));
    const { graph, siteId, seal } = sharePointFromEnv(process.env, { siteId: values.site });
    // SharePoint holds confidential values sealed with SHAREPOINT_SEAL_KEY (when set); SQLite plain.
    const sp = await openSharePointRegister({ graph, siteId, seal });
    try {
      if (pair === 'sharepoint>sqlite') {
        await sp.sync();
        const bad = sp.unreadable();
        if (bad.length > 0) {
          throw new Error(
            `Avbrutt: ${bad.length} avtaler kan ikke leses fra SharePoint (${bad
              .slice(0, 10)
              .map((u) => u.referenceNumber)
              .join(', ')}): ${bad[0]?.error.message}. Ingenting er kopiert.`,
          );
        }
      }
      const report =
        pair === 'sqlite>sharepoint'
          ? await sqliteToSharePoint(sqlite, sp)
          : await sharePointToSqlite(sp, sqlite, 'migrering', { replace: values.replace === true });
      console.log(
        `Kopiert: ${report.contracts} avtaler, ${report.audit} loggoppføringer, ${report.units} enheter, ${report.users} brukere, ${report.suppliers} leverandører.`,
      );
      return 0;
    } finally {
      await sqlite.close();
      await sp.close();
    }
  },
};

export default command;
