import { spawnSync } from 'node:child_process';

const REPO = new URL('../..', import.meta.url).pathname;

/** `npm run cli -- <args>` as a user runs it: a real process on a data folder of its own. */
export const runCli = (args: string[], dataDir: string) =>
  spawnSync(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', ...args], {
    cwd: REPO,
    env: { ...process.env, DATA_DIR: dataDir, LOG_LEVEL: 'silent' },
    encoding: 'utf8',
  });
