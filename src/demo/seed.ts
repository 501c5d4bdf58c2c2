import type { ContractService } from '../register/contract-service.ts';
import type { RegisterStore } from '../store/register.port.ts';
import { DEFAULT_DEMO_CONTRACTS, generateDemoPortfolio } from './portfolio.ts';

/** The audit log names this actor for everything the demo loader writes. */
export const DEMO_ACTOR = 'system:demo';

export interface SeedOptions {
  /** Number of contracts (default 320). */
  readonly contracts?: number;
  /** Seed even when the register already holds contracts (contracts are created or updated by reference). */
  readonly force?: boolean;
  readonly seed?: number;
}

export interface SeedResult {
  /** False when the register already had contracts and nothing was written. */
  readonly seeded: boolean;
  readonly units: number;
  readonly users: number;
  readonly created: number;
  readonly updated: number;
}

/**
 * Loads the demo portfolio (units, users, contracts) when the register is empty. Dates are built
 * around the services' clock, so the demo always has contracts that expire soon. The contracts are
 * written with one `importMany` call: one transaction, all or nothing.
 */
export async function seedDemo(
  services: { readonly store: RegisterStore; readonly contracts: ContractService },
  options: SeedOptions = {},
): Promise<SeedResult> {
  const { store } = services;
  if (!options.force && (await store.contracts.count()) > 0) {
    return { seeded: false, units: 0, users: 0, created: 0, updated: 0 };
  }
  const portfolio = generateDemoPortfolio({
    today: services.contracts.today(),
    contracts: options.contracts ?? DEFAULT_DEMO_CONTRACTS,
    ...(options.seed === undefined ? {} : { seed: options.seed }),
  });
  // Parents before children: the units table references its parent.
  for (const unit of portfolio.units) await store.directory.saveUnit(unit, DEMO_ACTOR);
  for (const user of portfolio.users) await store.directory.saveUser(user, DEMO_ACTOR);
  const { created, updated } = await store.contracts.importMany(portfolio.contracts, DEMO_ACTOR);
  return {
    seeded: true,
    units: portfolio.units.length,
    users: portfolio.users.length,
    created,
    updated,
  };
}
