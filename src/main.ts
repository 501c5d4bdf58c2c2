import type { Server } from 'node:http';
import { createApp } from './api/app.ts';
import { seedDemoDocuments } from './archive/demo/seed-documents.ts';
import { documentsOf } from './archive/documents/compose.ts';
import { teamsBotFor } from './bot/wire.ts';
import { type AppConfig, isLoopback, loadConfig } from './config.ts';
import type { Contract } from './core/index.ts';
import { prepareDemoFollowUp } from './demo/followup-history.ts';
import { seedDemo } from './demo/seed.ts';
import { demoSpendLine, loadDemoSpend } from './demo/spend.ts';
import { followUpFor } from './followup/wire.ts';
import { createServices, type Services } from './services.ts';
import { closeSpendServiceFor } from './spend/wire.ts';

/** Starts the product: services, demo data on first start, HTTP server. */
export async function start(config: AppConfig): Promise<{ server: Server; services: Services }> {
  if (config.AUTH_MODE === 'dev') {
    if (!isLoopback(config.HOST)) {
      throw new Error(
        `AUTH_MODE=dev er bare tillatt når serveren lytter på loopback (HOST=127.0.0.1), ikke HOST=${config.HOST}`,
      );
    }
    console.warn(
      [
        '',
        '!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!',
        '!!  UTVIKLINGSMODUS (AUTH_MODE=dev): ingen ekte innlogging.                   !!',
        '!!  Brukeren velges med X-Dev-User. Bare på loopback; aldri i produksjon.      !!',
        '!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!',
        '',
      ].join('\n'),
    );
  }
  const services = await createServices(config);
  await loadDemoData(services);
  await documentsOf(services).recover();
  const app = createApp(services);
  const server = await new Promise<Server>((resolve, reject) => {
    const s = app.listen(config.PORT, config.HOST, () => resolve(s));
    s.once('error', reject);
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : config.PORT;
  services.log(
    'info',
    `Kontraktsoppfølging kjører på http://${config.HOST}:${port} (data: ${config.dataDir})`,
  );
  const stopFollowUp = followUpFor(services).start(teamsBotFor(services).deliver);
  server.once('close', () => void stopFollowUp());
  return { server, services };
}

/**
 * On first start (an empty register, DEMO_DATA=on): the demo portfolio, filed documents, the
 * follow-up plans with most of their older tasks done, and a demo year and a half of e-invoices
 * for the spend analysis.
 */
async function loadDemoData(services: Services): Promise<void> {
  if (services.config.DEMO_DATA !== 'on') return;
  const result = await seedDemo(services);
  if (!result.seeded) return;
  const admin = await services.store.directory.getUser('kontraktservice');
  const contracts: Contract[] = [];
  for await (const c of services.store.contracts.all()) {
    contracts.push(c);
    if (contracts.length >= 50) break;
  }
  if (admin) await seedDemoDocuments(documentsOf(services), contracts, admin);
  let done = 0;
  try {
    done = await prepareDemoFollowUp(
      followUpFor(services).service,
      services.store.directory,
      services.contracts.today(),
    );
  } catch (e) {
    // The product starts all the same; the plans then come with the scheduler's first run.
    services.log('error', 'Demo-oppfølgingen kunne ikke forberedes', e);
  }
  services.log(
    'info',
    `Demodata lastet: ${result.created} avtaler, ${result.units} enheter, ${result.users} brukere, ${done} oppgaver utført`,
  );
  try {
    services.log('info', demoSpendLine(await loadDemoSpend(services)));
  } catch (e) {
    // The product starts without demo spend; the analysis then shows no data, as on a fresh install.
    services.log('error', 'Demo-innkjøpsdata kunne ikke lastes', e);
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  start(loadConfig()).then(
    ({ server, services }) => {
      const stop = () => {
        server.close();
        void closeSpendServiceFor(services)
          .catch((e: unknown) => services.log('error', 'Innkjøpsdata ble ikke lukket', e))
          .then(() => services.close())
          .then(() => process.exit(0));
      };
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
    },
    (error: unknown) => {
      console.error(error instanceof Error ? error.message : error);
      process.exit(1);
    },
  );
}
