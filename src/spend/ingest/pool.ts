/**
 * A small pool of parser worker threads (two on this two-core machine). Each worker parses a file
 * and builds its rows (NOK conversion, agreement matching, unit prices, CSV text), so the main
 * thread only checks duplicates, numbers documents and writes batches. Files go to the least busy
 * worker. With size 0 everything runs inline on the calling thread (small uploads, tests).
 */
import { Worker } from 'node:worker_threads';
import type { Agreement } from '../../core/spend/matching.ts';
import type { RatePoint } from '../../core/spend/rates.ts';
import { EhfError, parseEhf } from '../ehf/parser.ts';
import { type PreparedDocument, prepareDocument, type RowBuilder } from './rows.ts';

export type ParseOutcome =
  | { prepared: PreparedDocument; error?: undefined }
  | { prepared?: undefined; error: string };

/** What every worker needs to build rows like the main thread would. */
export interface WorkerSetup {
  readonly rates: readonly RatePoint[];
  readonly agreements: readonly Agreement[] | null;
}

/**
 * The worker is TypeScript run through tsx: a small ESM bootstrap registers tsx in the worker
 * before importing the worker module (Node 20 does not apply `--import` hooks to a worker's
 * entry file).
 */
const WORKER_BOOT = `import(${JSON.stringify(import.meta.resolve('tsx/esm/api'))}).then(({ register }) => { register(); return import(${JSON.stringify(
  new URL('./parse-worker.ts', import.meta.url).href,
)}); });`;

interface Pending {
  resolve(o: ParseOutcome): void;
  reject(e: Error): void;
}

export function reasonOf(e: unknown): string {
  return e instanceof EhfError ? e.message : `Uventet feil: ${(e as Error).message}`;
}

export class ParsePool {
  private readonly workers: Worker[] = [];
  private readonly busy: number[] = [];
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;

  constructor(
    readonly size: number,
    private readonly inline: RowBuilder,
    setup: WorkerSetup,
  ) {
    for (let i = 0; i < size; i++) {
      const w = new Worker(WORKER_BOOT, { eval: true, workerData: setup });
      w.on('message', (m: { id: number; prepared?: PreparedDocument; error?: string }) => {
        this.busy[i] = (this.busy[i] as number) - 1;
        const p = this.pending.get(m.id);
        if (!p) return;
        this.pending.delete(m.id);
        p.resolve(m.prepared ? { prepared: m.prepared } : { error: m.error ?? 'Ukjent feil' });
      });
      w.on('error', (e) => {
        for (const p of this.pending.values()) p.reject(e);
        this.pending.clear();
      });
      this.workers.push(w);
      this.busy.push(0);
    }
  }

  parse(bytes: Buffer, name: string): Promise<ParseOutcome> {
    if (this.size === 0) {
      try {
        return Promise.resolve({
          prepared: prepareDocument(this.inline, parseEhf(bytes), 'ehf', name),
        });
      } catch (e) {
        return Promise.resolve({ error: reasonOf(e) });
      }
    }
    let w = 0;
    for (let i = 1; i < this.size; i++)
      if ((this.busy[i] as number) < (this.busy[w] as number)) w = i;
    const id = this.nextId++;
    this.busy[w] = (this.busy[w] as number) + 1;
    const own = bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength;
    const data = own ? new Uint8Array(bytes.buffer) : new Uint8Array(bytes);
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      (this.workers[w] as Worker).postMessage({ id, name, bytes: data }, [
        data.buffer as ArrayBuffer,
      ]);
    });
  }

  /**
   * Waits until every worker has started (module loading through tsx takes a moment) by having
   * each parse the given file once.
   */
  async warmUp(sample: Buffer): Promise<void> {
    const jobs: Promise<ParseOutcome>[] = [];
    for (let i = 0; i < Math.max(1, this.size); i++)
      jobs.push(this.parse(Buffer.from(sample), 'warm-up'));
    await Promise.all(jobs);
  }

  async close(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.terminate()));
  }
}
