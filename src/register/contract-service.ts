import {
  type Contract,
  type ContractInput,
  type ContractView,
  canCreateContract,
  canEditContract,
  contractInputSchema,
  DomainError,
  type FieldIssue,
  forbidden,
  isAdmin,
  notFound,
  type OptionDecision,
  osloToday,
  projectAuditEntry,
  projectContract,
  type User,
  type Viewer,
} from '../core/index.ts';
import type {
  ContractQuery,
  RegisterStore,
  SearchResult,
  SearchScope,
} from '../store/register.port.ts';

/** Called after every stored change (follow-up plans, caches); errors are logged, not thrown. */
export type ContractListener = (contract: Contract | null, id: string) => void | Promise<void>;

export interface ContractServiceOptions {
  readonly store: RegisterStore;
  readonly clock: () => Date;
  readonly expiringWindowDays: number;
  readonly onError?: (error: unknown) => void;
}

/**
 * Turns zod's issues into field issues with dotted paths: `suppliers.0.orgnr`. An unknown field is
 * named itself (`isAdmin: ukjent felt`), not the object that holds it.
 */
export function validationError(
  issues: readonly { path: readonly PropertyKey[]; message: string; keys?: readonly string[] }[],
  prefix = '',
): DomainError {
  const field = (path: readonly PropertyKey[]) =>
    [prefix, ...path.map(String)].filter(Boolean).join('.') || '(body)';
  const fields: FieldIssue[] = issues.flatMap((i) =>
    i.keys
      ? i.keys.map((k) => ({ field: field([...i.path, k]), message: 'ukjent felt' }))
      : [{ field: field(i.path), message: i.message }],
  );
  const summary = fields.map((f) => `${f.field}: ${f.message}`).join('; ');
  return new DomainError('validation', `Ugyldige felt: ${summary}`, fields);
}

export function parseContractInput(body: unknown): ContractInput {
  const parsed = contractInputSchema.safeParse(body);
  if (!parsed.success) throw validationError(parsed.error.issues);
  return parsed.data;
}

/**
 * The register's use cases: validation, references, permissions and projection around the
 * store. The API, the bot and the CLI all go through here.
 */
export class ContractService {
  private readonly listeners: ContractListener[] = [];

  constructor(private readonly options: ContractServiceOptions) {}

  get store(): RegisterStore {
    return this.options.store;
  }

  today(): string {
    return osloToday(this.options.clock());
  }

  onChange(listener: ContractListener): void {
    this.listeners.push(listener);
  }

  scopeFor(viewer: Viewer): SearchScope {
    return {
      today: this.today(),
      expiringWindowDays: this.options.expiringWindowDays,
      seesAllConfidential: viewer.kind === 'user' && isAdmin(viewer.user),
      userId: viewer.kind === 'user' ? viewer.user.id : null,
    };
  }

  async search(viewer: Viewer, query: ContractQuery) {
    return this.project(viewer, await this.searchRaw(viewer, query));
  }

  /** The store's own result (a cached store may return the same object for the same search). */
  searchRaw(viewer: Viewer, query: ContractQuery): Promise<SearchResult> {
    return this.store.contracts.search(query, this.scopeFor(viewer));
  }

  project(viewer: Viewer, result: SearchResult) {
    return { total: result.total, items: result.items.map((c) => projectContract(viewer, c)) };
  }

  async getRaw(id: string): Promise<Contract> {
    const contract = await this.store.contracts.get(id);
    if (!contract) throw notFound('Avtalen');
    return contract;
  }

  async get(viewer: Viewer, id: string): Promise<{ view: ContractView; contract: Contract }> {
    const contract = await this.getRaw(id);
    return { view: projectContract(viewer, contract), contract };
  }

  async create(user: User, body: unknown): Promise<Contract> {
    if (!canCreateContract(user)) throw forbidden('Du har ikke tilgang til å registrere avtaler');
    const input = parseContractInput(body);
    if (!isAdmin(user) && input.ownerId !== user.id && input.managerId !== user.id) {
      throw new DomainError(
        'forbidden',
        'Du kan bare registrere avtaler du selv er eier eller forvalter av',
        [{ field: 'ownerId', message: 'må være deg selv' }],
      );
    }
    await this.checkReferences(input);
    const created = await this.store.contracts.create(input, user.id);
    await this.notify(created, created.id);
    return created;
  }

  /** Replaces a contract (or, with `partial`, merges the given top-level fields into it). */
  async update(
    user: User,
    id: string,
    body: unknown,
    expectedVersion: number | null,
    partial = false,
  ): Promise<Contract> {
    const existing = await this.getRaw(id);
    if (!canEditContract(user, existing))
      throw forbidden('Du har ikke tilgang til å endre denne avtalen');
    const { id: _i, version: _v, createdAt: _c, updatedAt: _u, ...stored } = existing;
    const merged = partial ? { ...stored, ...(body as Record<string, unknown>) } : body;
    const input = parseContractInput(merged);
    await this.checkReferences(input);
    const updated = await this.store.contracts.update(id, input, expectedVersion, user.id);
    await this.notify(updated, id);
    return updated;
  }

  async remove(user: User, id: string, expectedVersion: number | null): Promise<void> {
    if (!isAdmin(user)) throw forbidden('Bare Kontraktservice kan slette avtaler');
    await this.store.contracts.remove(id, expectedVersion, user.id);
    await this.notify(null, id);
  }

  async decideOption(
    user: User,
    id: string,
    optionId: string,
    decision: OptionDecision,
    expectedVersion: number | null,
  ): Promise<Contract> {
    const existing = await this.getRaw(id);
    if (!canEditContract(user, existing))
      throw forbidden('Du har ikke tilgang til å avgjøre opsjoner på denne avtalen');
    const updated = await this.store.contracts.decideOption(
      id,
      optionId,
      decision,
      expectedVersion,
      user.id,
      this.today(),
    );
    await this.notify(updated, id);
    return updated;
  }

  async history(viewer: Viewer, id: string) {
    const contract = await this.getRaw(id);
    const entries = await this.store.audit.list('contract', id);
    return entries.map((e) => projectAuditEntry(viewer, contract, e));
  }

  /** Units and people named on a contract must exist; each missing one is a field error. */
  async checkReferences(input: ContractInput, prefix = ''): Promise<void> {
    const issues = await this.referenceIssues(input, prefix);
    if (issues.length > 0) {
      throw new DomainError(
        'validation',
        issues.map((i) => `${i.field}: ${i.message}`).join('; '),
        issues,
      );
    }
  }

  async referenceIssues(input: ContractInput, prefix = ''): Promise<FieldIssue[]> {
    const dir = this.store.directory;
    const issues: FieldIssue[] = [];
    const at = (f: string) => (prefix ? `${prefix}.${f}` : f);
    if (!(await dir.getUnit(input.owningUnitId))) {
      issues.push({
        field: at('owningUnitId'),
        message: `enheten ${input.owningUnitId} finnes ikke`,
      });
    }
    for (const [i, unitId] of input.allowedUnitIds.entries()) {
      if (!(await dir.getUnit(unitId))) {
        issues.push({ field: at(`allowedUnitIds.${i}`), message: `enheten ${unitId} finnes ikke` });
      }
    }
    if (!(await dir.getUser(input.ownerId))) {
      issues.push({ field: at('ownerId'), message: `brukeren ${input.ownerId} finnes ikke` });
    }
    if (input.managerId && !(await dir.getUser(input.managerId))) {
      issues.push({ field: at('managerId'), message: `brukeren ${input.managerId} finnes ikke` });
    }
    return issues;
  }

  async notify(contract: Contract | null, id: string): Promise<void> {
    for (const listener of this.listeners) {
      try {
        await listener(contract, id);
      } catch (error) {
        this.options.onError?.(error);
      }
    }
  }
}
