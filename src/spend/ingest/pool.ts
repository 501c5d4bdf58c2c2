/**
 * A small pool of parser worker threads (two on this two-core machine). Files are handed out
 * round-robin to the least busy worker; results come back as plain objects. With size 0 the
 * parser runs inline on the calling thread (for small uploads and tests).
 */
import { Worker } from 'node:worker_threads';
import type { SpendDocument } from '../../core/spend/model.ts';
import { EhfError, parseEhf } from '../ehf/parser.ts';

export type ParseOutcome =
  | { doc: SpendDocument; error?: undefined }
  | { doc?: undefined; error: string };

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

export class ParsePool {
  private readonly workers: Worker[] = [];
  private readonly busy: number[] = [];
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;

  constructor(readonly size: number) {
    for (let i = 0; i < size; i++) {
      const w = new Worker(WORKER_BOOT, { eval: true });
      w.on('message', (m: { id: number; doc?: SpendDocument; error?: string }) => {
        this.busy[i] = (this.busy[i] as number) - 1;
        const p = this.pending.get(m.id);
        if (!p) return;
        this.pending.delete(m.id);
        p.resolve(m.doc ? { doc: m.doc } : { error: m.error ?? 'Ukjent feil' });
      });
      w.on('error', (e) => {
        for (const p of this.pending.values()) p.reject(e);
        this.pending.clear();
      });
      this.workers.push(w);
      this.busy.push(0);
    }
  }

  parse(bytes: Buffer): Promise<ParseOutcome> {
    if (this.size === 0) {
      try {
        return Promise.resolve({ doc: parseEhf(bytes) });
      } catch (e) {
        const reason = e instanceof EhfError ? e.message : `Uventet feil: ${(e as Error).message}`;
        return Promise.resolve({ error: reason });
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
      (this.workers[w] as Worker).postMessage({ id, bytes: data }, [data.buffer as ArrayBuffer]);
    });
  }

  async close(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.terminate()));
  }
}
