import { loadConfig } from '../config.ts';
import type { CliCommand } from './command.ts';

/** The command registry: each area adds its command file here with one line. */
const commands: Record<string, () => Promise<CliCommand>> = {
  seed: async () => (await import('./commands/seed.ts')).default,
  ingest: async () => (await import('./commands/ingest.ts')).default,
  spend: async () => (await import('./commands/spend.ts')).default,
  import: async () => (await import('./commands/import.ts')).default,
  export: async () => (await import('./commands/export.ts')).default,
  provision: async () => (await import('./commands/provision.ts')).default,
  migrate: async () => (await import('./commands/migrate.ts')).default,
  reseal: async () => (await import('./commands/reseal.ts')).default,
};

async function main(argv: string[]): Promise<number> {
  const [name, ...args] = argv;
  if (!name || name === 'help' || name === '--help') {
    console.log('Bruk: npm run cli -- <kommando> [argumenter]\n');
    for (const [key, load] of Object.entries(commands)) {
      console.log(`  ${key.padEnd(12)} ${(await load()).summary}`);
    }
    return name ? 0 : 1;
  }
  const load = commands[name];
  if (!load) {
    console.error(`Ukjent kommando «${name}». Se: npm run cli -- help`);
    return 2;
  }
  const command = await load();
  return (await command.run(args, loadConfig())) ?? 0;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error instanceof Error ? error.message : String(error));
    process.exit(1);
  },
);
