import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Router } from 'express';
import { asViewer, type ContractView, projectContract, type User } from '../../core/index.ts';
import { type CeilingUsage, spentFor, summarisePortfolio } from '../../core/portfolio.ts';
import { followUpFor } from '../../followup/wire.ts';
import type { Services } from '../../services.ts';
import { spendServiceFor } from '../../spend/wire.ts';
import { currentUser } from '../auth.ts';
import { errors, type OpenApiPaths, ok, pathParameter } from '../openapi-parts.ts';

/**
 * Where the dashboard's figures come from besides the register. Both are optional: without a spend
 * source the ceiling shows maximum values only (`spendConnected: false`); without a task source the
 * overdue figure is null. `sourcesFrom(services)` finds them in the composed services.
 */
export interface DashboardSources {
  /** Turnover per contract id in øre (summed invoice lines matched to each agreement); null: no data. */
  readonly turnover?: (() => Promise<ReadonlyMap<string, number> | null>) | undefined;
  /** Open tasks past due that the user may see. */
  readonly overdueTasks?: ((user: User) => Promise<readonly { unitId: string }[]>) | undefined;
}

/**
 * The composed sources: overdue tasks from the follow-up engine, turnover from the spend analysis
 * (matched invoice lines per agreement) once spend data exists on this instance.
 */
export function sourcesFrom(services: Services): DashboardSources {
  const spendFile = join(services.config.dataDir, 'spend.duckdb');
  return {
    overdueTasks: services.sqlite
      ? async (user) => followUpFor(services).service.overdue(user, { limit: 100_000 })
      : undefined,
    turnover: async () =>
      existsSync(spendFile) ? (await spendServiceFor(services)).turnoverByAgreement() : null,
  };
}

/** GET /api/dashboard (portfolio summary) and GET /api/dashboard/ceiling/:id (one agreement). */
export function dashboardRoutes(
  services: Services,
  sources: DashboardSources = sourcesFrom(services),
): Router {
  const router = Router();

  router.get('/dashboard', async (req, res) => {
    const user = currentUser(req);
    const viewer = asViewer(user);
    const views: ContractView[] = [];
    for await (const c of services.store.contracts.all()) views.push(projectContract(viewer, c));
    const [turnover, overdue] = await Promise.all([
      sources.turnover ? sources.turnover() : Promise.resolve(null),
      sources.overdueTasks ? sources.overdueTasks(user) : Promise.resolve(null),
    ]);
    res.setHeader('Cache-Control', 'private, no-store');
    res.json(
      summarisePortfolio(views, {
        today: services.contracts.today(),
        expiringWindowDays: services.config.EXPIRING_WINDOW_DAYS,
        turnover,
        overdueTaskUnits: overdue ? overdue.map((t) => t.unitId) : null,
      }),
    );
  });

  router.get('/dashboard/ceiling/:id', async (req, res) => {
    const user = currentUser(req);
    const { view } = await services.contracts.get(asViewer(user), req.params.id);
    const turnover = sources.turnover ? await sources.turnover() : null;
    const spent = turnover ? spentFor(view, turnover) : null;
    const max = view.maxValueOre;
    const usage: CeilingUsage = {
      contractId: view.id,
      referenceNumber: view.referenceNumber,
      title: view.title,
      maxValueOre: max,
      spentOre: spent,
      ratio: spent !== null && max !== null && max > 0 ? spent / max : null,
    };
    res.json(usage);
  });

  return router;
}

/** OpenAPI paths of the dashboard. */
export const openApi: OpenApiPaths = {
  '/api/dashboard': {
    get: {
      tags: ['Dashbord'],
      summary: 'Porteføljeoversikt for brukeren (status, utløp, tak, forfalte oppgaver)',
      responses: { 200: ok('Oppsummeringen, beregnet fra brukerens projiserte avtaler') },
    },
  },
  '/api/dashboard/ceiling/{id}': {
    get: {
      tags: ['Dashbord'],
      summary: 'Forbruk mot maksimalverdi for én avtale',
      parameters: [pathParameter('id', 'Avtalens id')],
      responses: {
        200: ok('Forbruk i øre (null uten innkjøpsdata) og andel av maksimalverdien', {
          type: 'object',
          required: ['contractId', 'referenceNumber', 'title', 'maxValueOre', 'spentOre', 'ratio'],
          properties: {
            contractId: { type: 'string' },
            referenceNumber: { type: 'string' },
            title: { type: 'string' },
            maxValueOre: { type: ['integer', 'null'] },
            spentOre: { type: ['integer', 'null'] },
            ratio: { type: ['number', 'null'] },
          },
        }),
        ...errors(404),
      },
    },
  },
};
