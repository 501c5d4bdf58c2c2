import type { AppConfig } from '../config.ts';

/** One CLI command: `npm run cli -- <name> [args]`. Throw an Error with a clear message on bad input. */
export interface CliCommand {
  readonly name: string;
  /** One line for `npm run cli -- help`. */
  readonly summary: string;
  run(args: string[], config: AppConfig): Promise<number | undefined>;
}
