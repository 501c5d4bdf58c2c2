import { loadConfig } from '../config.ts';
import type { CliCommand } from './command.ts';

/** The command registry: each area adds its command file here with one line. */
const commands: Record<string, () => Promise<CliCommand>> = {};

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
