import { parseArgs } from 'node:util';
import { seedDemo } from '../../demo/seed.ts';
import { createServices } from '../../services.ts';
import type { CliCommand } from '../command.ts';

const command: CliCommand = {
  name: 'seed',
  summary: 'Legger inn demodata (enheter, brukere, avtaler): seed [--contracts N] [--force]',
  async run(args, config) {
    const { values } = parseArgs({
      args,
      options: { contracts: { type: 'string' }, force: { type: 'boolean', default: false } },
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
      return 0;
    } finally {
      await services.close();
    }
  },
};

export default command;
