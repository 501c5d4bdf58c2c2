/**
 * Spend analysis on the shared services: one spend store per process, the ordered analyses with
 * archive filing and bot notification, and the follow-up of ceiling alerts after data changed.
 */
import { Readable } from 'node:stream';
import { documentsOf } from '../archive/documents/compose.ts';
import { type AnalysisCardInput, analysisReadyCard } from '../cards/analysis.ts';
import type { Lang } from '../cards/i18n.ts';
import type { AdaptiveCardJson, TabLinkConfig } from '../cards/render.ts';
import { asViewer, projectContract } from '../core/access.ts';
import type { User } from '../core/users.ts';
import { ceilingAlertsFor } from '../followup/ceiling-alerts.ts';
import type { Notification } from '../followup/followup.port.ts';
import { followUpFor } from '../followup/wire.ts';
import type { Services } from '../services.ts';
import { ensureAggregates } from './aggregates.ts';
import {
  ORDER_TASK_PREFIX,
  type OrderFiling,
  SpendOrderService,
  SqliteOrderRecords,
} from './orders.ts';
import { SpendService } from './service.ts';

const spendServices = new WeakMap<Services, Promise<SpendService>>();
const orderServices = new WeakMap<Services, SpendOrderService>();

/** The spend service of a `Services` object (`<dataDir>/spend.duckdb`), opened once on first use. */
export function spendServiceFor(services: Services): Promise<SpendService> {
  let s = spendServices.get(services);
  if (!s) {
    s = SpendService.open({
      file: SpendService.defaultFile(services.config.dataDir),
      contracts: services.store.contracts,
      clock: services.clock,
    });
    spendServices.set(services, s);
  }
  return s;
}

/** Closes the spend store if it was opened (DuckDB checkpoints and releases its file). */
export async function closeSpendServiceFor(services: Services): Promise<void> {
  const s = spendServices.get(services);
  if (!s) return;
  spendServices.delete(services);
  (await s).close();
}

/**
 * After spend data changed (ingest, refresh): brings the report tables up to date and turns the
 * turnover report's ceiling alerts (80 % / 100 % of the maximum value) into follow-up tasks.
 */
export async function afterSpendChange(
  services: Services,
  spend: SpendService,
): Promise<{ ceilingTasks: number }> {
  await ensureAggregates(spend.store);
  const report = await spend.turnover();
  const r = await ceilingAlertsFor(services)(
    report.alerts.map((a) => ({ agreementId: a.agreementId, maxUsedPermille: a.maxUsedPermille })),
  );
  return { ceilingTasks: r.created.length };
}

/** Files an order's Excel result as an internal note (N) on its agreement. */
async function fileOrder(services: Services, user: User, f: OrderFiling) {
  const documents = documentsOf(services);
  const staged = await documents.stage(Readable.from([f.workbook]), f.fileName);
  const doc = await documents.create(user, {
    contractId: f.contractId,
    metadata: {
      title: `Innkjøpsanalyse ${f.order.scope.from} – ${f.order.scope.to}`,
      entryType: 'N',
      documentType: 'RAPPORT',
      documentDate: f.order.createdAt.slice(0, 10),
      description: `Bestilt av ${f.order.requestedBy.name}. Spørsmål: ${f.order.question}`.slice(
        0,
        2000,
      ),
    },
    files: [staged],
    idempotencyKey: `spend-order:${f.order.id}`,
  });
  return { id: doc.id, status: doc.status, failureReason: doc.failureReason ?? null };
}

/** The ordered analyses of a `Services` object; `open` overrides the spend store (tests). */
export function spendOrdersFor(
  services: Services,
  open?: () => Promise<SpendService>,
): SpendOrderService {
  let orders = orderServices.get(services);
  if (orders) return orders;
  // STORE=sharepoint: orders on a SharePoint list shared by every instance; else the embedded database.
  const records = services.sharePoint
    ? services.sharePoint.spendOrders
    : services.sqlite
      ? new SqliteOrderRecords(services.sqlite)
      : null;
  if (!records) throw new Error('Bestilte analyser mangler et lager');
  orders = new SpendOrderService({
    records,
    register: services.store,
    clock: services.clock,
    spend: open ?? (() => spendServiceFor(services)),
    file: (user, f) => fileOrder(services, user, f),
    notify: async (order) => {
      const followUp = followUpFor(services);
      const at = services.clock().toISOString();
      await followUp.outbox.enqueue([
        {
          idempotencyKey: `${ORDER_TASK_PREFIX}${order.id}|ready|${order.requestedBy.id}`,
          recipientUserId: order.requestedBy.id,
          taskId: `${ORDER_TASK_PREFIX}${order.id}`,
          kind: 'due',
          dueDate: at.slice(0, 10),
          leadDays: 0,
          notBefore: at,
        },
      ]);
    },
    log: (level, message, extra) => services.log(level, message, extra),
  });
  orderServices.set(services, orders);
  return orders;
}

/**
 * The bot card of an order notification (task id `spend-order:<id>`) for its recipient, or null
 * when there is nothing to send (unknown order, not done, or not the requester's any more).
 */
export async function orderNotificationCard(
  services: Services,
  n: Pick<Notification, 'taskId' | 'recipientUserId'>,
  lang: Lang,
  tabs: TabLinkConfig | null,
): Promise<AdaptiveCardJson | null> {
  if (!n.taskId.startsWith(ORDER_TASK_PREFIX)) return null;
  const order = await spendOrdersFor(services).stored(n.taskId.slice(ORDER_TASK_PREFIX.length));
  if (order?.state !== 'done' || !order.summary) return null;
  if (order.requestedBy.id !== n.recipientUserId) return null;
  const user = await services.store.directory.getUser(n.recipientUserId);
  if (!user) return null;
  let agreement: string | null = null;
  if (order.scope.agreementId) {
    const c = await services.store.contracts.get(order.scope.agreementId);
    if (c) {
      const p = projectContract(asViewer(user), c);
      agreement = p.title ? `${p.referenceNumber} ${p.title}` : p.referenceNumber;
    }
  }
  const input: AnalysisCardInput = {
    orderId: order.id,
    question: order.question,
    comment: order.comment,
    handledBy: order.handledBy?.name ?? null,
    scope: { ...order.scope, agreement },
    summary: order.summary,
    filed: order.document?.status === 'filed',
  };
  return analysisReadyCard(input, lang, tabs);
}
