// What the HTTP benchmarks share: a server in a child process, a load of GET requests with
// autocannon, and latency percentiles from every response.
import { type ChildProcess, spawn } from 'node:child_process';
import autocannon from 'autocannon';

export interface Figures {
  readonly p50: number;
  readonly p95: number;
  readonly p99: number;
  readonly rps: number;
  readonly requests: number;
  readonly errors: number;
  readonly non2xx: number;
}

export interface Target {
  readonly path: string;
  readonly headers?: Readonly<Record<string, string>>;
}

const percentile = (sorted: number[], p: number) =>
  sorted.length === 0
    ? Number.NaN
    : (sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] as number);

/** GETs the targets in turn on `connections` connections for `seconds`. */
export async function load(
  url: string,
  mix: readonly Target[],
  seconds: number,
  connections: number,
): Promise<Figures> {
  let i = 0;
  const latencies: number[] = [];
  let finish: (r: autocannon.Result) => void = () => {};
  let fail: (e: unknown) => void = () => {};
  const done = new Promise<autocannon.Result>((resolve, reject) => {
    finish = resolve;
    fail = reject;
  });
  const instance = autocannon(
    {
      url,
      connections,
      duration: seconds,
      requests: [
        {
          setupRequest: (req) => {
            const t = mix[i++ % mix.length] as Target;
            return {
              ...req,
              method: 'GET',
              path: t.path,
              headers: { ...req.headers, ...t.headers },
            };
          },
        },
      ],
    },
    (err: unknown, result: autocannon.Result) => (err ? fail(err) : finish(result)),
  );
  instance.on('response', (_client: unknown, _status: number, _bytes: number, ms: number) => {
    latencies.push(ms);
  });
  const result = await done;
  latencies.sort((a, b) => a - b);
  return {
    p50: percentile(latencies, 50),
    p95: percentile(latencies, 95),
    p99: percentile(latencies, 99),
    rps: result.requests.average,
    requests: result.requests.total,
    errors: result.errors + result.timeouts,
    non2xx: result.non2xx,
  };
}

export const ms = (n: number) =>
  Number.isNaN(n) ? '      – ms' : `${n.toFixed(1).padStart(7)} ms`;

/** Runs `script --serve ...args` in a child process that prints `PORT n` once it listens. */
export function startServer(
  script: string,
  args: readonly string[],
): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', script, '--serve', ...args], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout?.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const m = /PORT (\d+)/.exec(out);
      if (m) resolve({ child, url: `http://127.0.0.1:${m[1]}` });
    });
    child.once('exit', (code) => reject(new Error(`server exited (${code})`)));
  });
}
