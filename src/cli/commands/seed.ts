import { parseArgs } from 'node:util';
import { prepareDemoFollowUp } from '../../demo/followup-history.ts';
import { seedDemo } from '../../demo/seed.ts';
import { demoSpendLine, loadDemoSpend } from '../../demo/spend.ts';
import { followUpFor } from '../../followup/wire.ts';
import { createServices } from '../../services.ts';
import { spendServiceFor } from '../../spend/wire.ts';
import type { CliCommand } from '../command.ts';

/** Demo spend is generated for portfolios up to this size. */
const MAX_SPEND_CONTRACTS = 5000;

const command: CliCommand = {
  name: 'seed',
  summary:
    'Legger inn demodata (enheter, brukere, avtaler, demofakturaer): seed [--contracts N] [--force] [--skip-spend]',
  async run(args, config) {
    const { values } = parseArgs({
      args,
      options: {
        contracts: { type: 'string' },
        force: { type: 'boolean', default: false },
        'skip-spend': { type: 'boolean', default: false },
      },
    });
    const contracts = values.contracts === undefined ? undefined : Number(values.contracts);
    if (
      contracts !== undefined &&
      (!Number.isInteger(contracts) || contracts < 10 || contracts > 200_000)
    ) {
      throw new Error('--contracts må være et heltall mellom 10 og 200 000');
    }
    const services = await createServices(config);
    try {
      const started = performance.now();
      const result = await seedDemo(services, {
        ...(contracts === undefined ? {} : { contracts }),
        force: values.force,
      });
      if (!result.seeded) {
        const n = await services.store.contracts.count();
        console.log(`Registeret har allerede ${n} avtaler; ingenting lagt inn (bruk --force).`);
        return 0;
      }
      const ms = Math.round(performance.now() - started);
      console.log(
        `Demodata lagt inn i ${config.dataDir}: ${result.units} enheter, ${result.users} brukere, ` +
          `${result.created} nye og ${result.updated} oppdaterte avtaler (${ms} ms).`,
      );
      // Demo e-invoices and the follow-up history; a portfolio of many thousand contracts would
      // make hundreds of thousands of invoices and tasks, so only the demo's own size gets them.
      // Only into a register that was empty: never complete tasks of contracts that were there.
      if (result.updated === 0 && result.created <= MAX_SPEND_CONTRACTS) {
        const done = await prepareDemoFollowUp(
          followUpFor(services).service,
          services.store.directory,
          services.contracts.today(),
        );
        console.log(`Oppfølgingsplaner lagt inn; ${done} eldre oppgaver merket som utført.`);
      }
      if (values['skip-spend'] || result.created + result.updated > MAX_SPEND_CONTRACTS) {
        console.log('Demofakturaer for innkjøpsanalysen er ikke lagt inn.');
        return 0;
      }
      try {
        console.log(`${demoSpendLine(await loadDemoSpend(services))}.`);
      } finally {
        (await spendServiceFor(services)).close();
      }
      return 0;
    } finally {
      await services.close();
    }
  },
};

export default command;
