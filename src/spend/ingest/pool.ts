/**
 * A small pool of parser worker threads (two on this two-core machine). Each worker reads (for
 * folders), parses, converts, matches and writes its rows to chunk files itself (`batch.ts`), so the
 * main thread only checks duplicates over small per-file outcomes and runs `COPY` on finished chunks.
 * Batches go to the least busy worker. With size 0 everything runs inline on the calling thread.
 */
import { Worker } from 'node:worker_threads';
import type { Agreement } from '../../core/spend/matching.ts';
import { AgreementMatcher } from '../../core/spend/matching.ts';
import { type RatePoint, RateTable } from '../../core/spend/rates.ts';
import { BatchProcessor, type BatchRequest, type BatchResult, reasonOf } from './batch.ts';

export { reasonOf };

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
  resolve(r: BatchResult): void;
  reject(e: Error): void;
}

export type PoolRequest = Omit<BatchRequest, 'id'>;

export class ParsePool {
  private readonly workers: Worker[] = [];
  private readonly busy: number[] = [];
  private readonly pending = new Map<number, Pending>();
  private readonly inline: BatchProcessor | null;
  private nextId = 1;
  private failed: Error | null = null;

  constructor(
    readonly size: number,
    setup: WorkerSetup,
  ) {
    this.inline =
      size === 0
        ? new BatchProcessor(
            new RateTable(setup.rates),
            setup.agreements ? new AgreementMatcher(setup.agreements) : null,
            'inline',
          )
        : null;
    for (let i = 0; i < size; i++) {
      const w = new Worker(WORKER_BOOT, { eval: true, workerData: { setup, tag: `w${i}` } });
      w.on('message', (m: BatchResult) => {
        this.busy[i] = (this.busy[i] as number) - 1;
        const p = this.pending.get(m.id);
        if (!p) return;
        this.pending.delete(m.id);
        p.resolve(m);
      });
      w.on('error', (e) => {
        this.failed = e;
        for (const p of this.pending.values()) p.reject(e);
        this.pending.clear();
      });
      this.workers.push(w);
      this.busy.push(0);
    }
  }

  /** Runs a batch on the least busy worker. Byte buffers in it are transferred, not copied. */
  run(req: PoolRequest): Promise<BatchResult> {
    let w = 0;
    for (let i = 1; i < this.size; i++)
      if ((this.busy[i] as number) < (this.busy[w] as number)) w = i;
    return this.runOn(w, req);
  }

  /** Runs a batch on one worker (a flush must reach each worker). */
  runOn(w: number, req: PoolRequest): Promise<BatchResult> {
    const id = this.nextId++;
    if (this.inline) {
      try {
        return Promise.resolve(this.inline.run({ ...req, id }));
      } catch (e) {
        return Promise.reject(e);
      }
    }
    if (this.failed) return Promise.reject(this.failed);
    this.busy[w] = (this.busy[w] as number) + 1;
    const transfer: ArrayBuffer[] = [];
    for (const f of req.files)
      if (f.bytes && f.bytes.byteOffset === 0 && f.bytes.byteLength === f.bytes.buffer.byteLength)
        transfer.push(f.bytes.buffer as ArrayBuffer);
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      (this.workers[w] as Worker).postMessage({ ...req, id }, transfer);
    });
  }

  /** Writes every worker's pending rows to chunk files. */
  flushAll(req: Omit<PoolRequest, 'files' | 'flush'>): Promise<BatchResult[]> {
    const jobs: Promise<BatchResult>[] = [];
    for (let i = 0; i < Math.max(1, this.size); i++)
      jobs.push(this.runOn(i, { ...req, files: [], flush: true }));
    return Promise.all(jobs);
  }

  /**
   * Waits until every worker has started (module loading through tsx takes a moment) by having
   * each parse the given file once.
   */
  async warmUp(sample: Buffer): Promise<void> {
    const jobs: Promise<BatchResult>[] = [];
    for (let i = 0; i < Math.max(1, this.size); i++)
      jobs.push(
        this.runOn(i, {
          runId: 'warm-up',
          dir: null,
          docIdBase: 0,
          files: [{ seq: 1, name: 'warm-up', bytes: new Uint8Array(sample) }],
          flush: false,
        }),
      );
    await Promise.all(jobs);
  }

  async close(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.terminate()));
  }
}
