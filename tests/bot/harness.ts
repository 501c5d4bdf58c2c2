/**
 * A real follow-up setup for bot tests: a SQLite file in a temp folder with the register, the
 * follow-up engine (default routines), the outbox and the conversation references; demo users;
 * and one contract owned by `eier1` whose plan has tasks due soon.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BotLogic, type BotLogicDeps } from '../../src/bot/logic.ts';
import type { Contract, ContractInput } from '../../src/core/index.ts';
import { contractInputSchema } from '../../src/core/index.ts';
import type { TaskView } from '../../src/followup/followup.port.ts';
import { FollowUpService } from '../../src/followup/followup-service.ts';
import { SqliteFollowUpStore } from '../../src/followup/sqlite-followup-store.ts';
import { SqliteConversationRefs, SqliteOutbox } from '../../src/followup/sqlite-outbox.ts';
import {
  openSqliteRegister,
  type SqliteRegisterStore,
} from '../../src/store/sqlite/register-store.ts';

/** A fixed instant: 2026-03-02 10:00 in Oslo. */
export const NOW = new Date('2026-03-02T09:00:00Z');
export const TODAY = '2026-03-02';

export const TABS = { teamsAppId: 'app-123', tasksEntityId: 'tasks', registerEntityId: 'register' };

export interface Harness {
  readonly dir: string;
  readonly register: SqliteRegisterStore;
  readonly followup: FollowUpService;
  readonly outbox: SqliteOutbox;
  readonly refs: SqliteConversationRefs;
  readonly contract: Contract;
  readonly deps: Omit<BotLogicDeps, 'tabs' | 'devUserId'>;
  readonly logic: BotLogic;
  readonly logs: { level: string; message: string }[];
  /** eier1's open tasks, nearest first. */
  openTasksOf(userId: string): Promise<TaskView[]>;
  close(): Promise<void>;
}

export const SECRET_VALUE_ORE = 987_654_321_00;
export const SECRET_TITLE = 'Hemmelig drift av «Prosjekt Ørn»';

export function contractInput(overrides: Partial<ContractInput> = {}): ContractInput {
  return contractInputSchema.parse({
    referenceNumber: '2026-001',
    title: 'Renhold av skolebygg',
    description: 'Daglig renhold av 14 skoler.',
    kind: 'single',
    type: 'services',
    procedure: 'open',
    cpvCodes: ['90911200-8'],
    owningUnitId: 'u-helse',
    ownerId: 'eier1',
    suppliers: [{ orgnr: '123456785', name: 'Rent AS' }],
    startDate: '2026-02-20',
    endDate: '2028-02-19',
    estimatedValueOre: 1_000_000_00,
    maxValueOre: 2_000_000_00,
    riskLevel: 'high',
    payConditionsControl: true,
    sector: 'cleaning',
    ...overrides,
  });
}

export async function createHarness(
  options: { clock?: () => Date; contract?: Partial<ContractInput> } = {},
): Promise<Harness> {
  const clock = options.clock ?? (() => NOW);
  const dir = mkdtempSync(join(tmpdir(), 'ko-bot-'));
  const register = openSqliteRegister(join(dir, 'register.db'), clock);
  const dirStore = register.directory;
  await dirStore.saveUnit(
    { id: 'u-innkjop', name: 'Innkjøp konsern', parentId: null, sector: null },
    'test',
  );
  await dirStore.saveUnit(
    { id: 'u-helse', name: 'Helse og omsorg', parentId: null, sector: 'Helse' },
    'test',
  );
  await dirStore.saveUnit(
    { id: 'u-skole', name: 'Skole', parentId: null, sector: 'Oppvekst' },
    'test',
  );
  const users = [
    {
      id: 'kontraktservice',
      name: 'Kari Kontraktservice',
      role: 'kontraktservice',
      unitId: 'u-innkjop',
    },
    { id: 'eier1', name: 'Eirik Eier', role: 'contract_owner', unitId: 'u-helse' },
    { id: 'forvalter1', name: 'Frida Forvalter', role: 'contract_owner', unitId: 'u-helse' },
    { id: 'eier2', name: 'Eva Eier', role: 'contract_owner', unitId: 'u-skole' },
    { id: 'leser', name: 'Lars Leser', role: 'reader', unitId: 'u-skole' },
  ] as const;
  for (const u of users)
    await dirStore.saveUser({ ...u, email: `${u.id}@kommune.example` }, 'test');

  const store = new SqliteFollowUpStore(register.db);
  const outbox = new SqliteOutbox(register.db, clock);
  const refs = new SqliteConversationRefs(register.db, clock);
  const followup = new FollowUpService({ store, outbox, register, clock });
  await followup.ensureDefaults();
  const contract = await register.contracts.create(contractInput(options.contract), 'test');
  await followup.onContractChanged(contract, contract.id);

  const logs: { level: string; message: string }[] = [];
  const deps: Omit<BotLogicDeps, 'tabs' | 'devUserId'> = {
    tasks: followup,
    register,
    refs,
    clock,
    expiringWindowDays: 180,
    log: (level, message) => {
      logs.push({ level, message });
    },
  };
  const logic = new BotLogic({ ...deps, tabs: TABS });
  return {
    dir,
    register,
    followup,
    outbox,
    refs,
    contract,
    deps,
    logic,
    logs,
    async openTasksOf(userId) {
      const user = await register.directory.getUser(userId);
      if (!user) throw new Error(`no user ${userId}`);
      const tasks = await followup.myTasks(user, { states: ['open', 'snoozed'] });
      return tasks.sort((a, b) =>
        a.dueDate === b.dueDate ? a.id.localeCompare(b.id) : a.dueDate < b.dueDate ? -1 : 1,
      );
    },
    async close() {
      await register.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
