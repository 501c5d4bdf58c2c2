/** Worker thread: runs the batches the pool sends (read, parse, rows, chunk files; `batch.ts`). */
import { parentPort, workerData } from 'node:worker_threads';
import { AgreementMatcher } from '../../core/spend/matching.ts';
import { RateTable } from '../../core/spend/rates.ts';
import { BatchProcessor, type BatchRequest } from './batch.ts';
import type { WorkerSetup } from './pool.ts';

if (parentPort) {
  const port = parentPort;
  const { setup, tag } = workerData as { setup: WorkerSetup; tag: string };
  const processor = new BatchProcessor(
    new RateTable(setup.rates),
    setup.agreements ? new AgreementMatcher(setup.agreements) : null,
    tag,
  );
  port.on('message', (req: BatchRequest) => {
    port.postMessage(processor.run(req));
  });
}
