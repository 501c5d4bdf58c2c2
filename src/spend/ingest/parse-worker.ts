/** Worker thread: parses EHF files sent by the pool and returns the extracted documents. */
import { parentPort } from 'node:worker_threads';
import { EhfError, parseEhf } from '../ehf/parser.ts';

export interface ParseRequest {
  readonly id: number;
  readonly bytes: Uint8Array;
}

if (parentPort) {
  const port = parentPort;
  port.on('message', (m: ParseRequest) => {
    try {
      port.postMessage({ id: m.id, doc: parseEhf(m.bytes) });
    } catch (e) {
      const reason = e instanceof EhfError ? e.message : `Uventet feil: ${(e as Error).message}`;
      port.postMessage({ id: m.id, error: reason });
    }
  });
}
