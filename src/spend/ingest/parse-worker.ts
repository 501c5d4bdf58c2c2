/** Worker thread: parses EHF files and builds their rows, as the pool asks. */
import { parentPort, workerData } from 'node:worker_threads';
import { AgreementMatcher } from '../../core/spend/matching.ts';
import { RateTable } from '../../core/spend/rates.ts';
import { parseEhf } from '../ehf/parser.ts';
import { reasonOf, type WorkerSetup } from './pool.ts';
import { prepareDocument, RowBuilder } from './rows.ts';

export interface ParseRequest {
  readonly id: number;
  readonly name: string;
  readonly bytes: Uint8Array;
}

if (parentPort) {
  const port = parentPort;
  const setup = workerData as WorkerSetup;
  const builder = new RowBuilder(
    new RateTable(setup.rates),
    setup.agreements ? new AgreementMatcher(setup.agreements) : null,
  );
  port.on('message', (m: ParseRequest) => {
    try {
      port.postMessage({
        id: m.id,
        prepared: prepareDocument(builder, parseEhf(m.bytes), 'ehf', m.name),
      });
    } catch (e) {
      port.postMessage({ id: m.id, error: reasonOf(e) });
    }
  });
}
