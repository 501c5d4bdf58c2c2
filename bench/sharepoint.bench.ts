// Request economy and timing of the SharePoint adapter against the local Graph server.
// Prints figures; never fails on timing. Run: npm run bench:sharepoint

import { openStore, provisionedServer } from '../tests/sharepoint/helpers.ts';
import { contractInput } from '../tests/support/fixtures.ts';

const N = Number(process.env.BENCH_CONTRACTS ?? 5000);
const PAGE = 1000;
const server = await provisionedServer();
try {
  const writer = await openStore(server, 'writer', { pageSize: PAGE, maxStalenessMs: 60_000 });
  await writer.contracts.count();
  const inputs = Array.from({ length: N }, (_, i) =>
    contractInput({ referenceNumber: `B-${i}`, title: `Avtale ${i} om renhold og vakthold` }),
  );
  server.resetStats();
  let t = performance.now();
  await writer.contracts.importMany(inputs, 'bench');
  console.log(
    `import ${N}: ${server.stats.writeRequests} write requests (${server.stats.subRequests} in batches), ${(performance.now() - t).toFixed(0)} ms`,
  );
  const reader = await openStore(server, 'reader', { pageSize: PAGE, maxStalenessMs: 60_000 });
  server.resetStats();
  t = performance.now();
  await reader.contracts.count();
  console.log(
    `full sync ${N} at page size ${PAGE}: ${server.stats.requests} requests (bound ${Math.ceil(N / PAGE) + 1}), ${(performance.now() - t).toFixed(0)} ms`,
  );
  const scope = {
    today: '2026-01-15',
    expiringWindowDays: 180,
    seesAllConfidential: true,
    userId: null,
  };
  t = performance.now();
  for (let i = 0; i < 100; i++) await reader.contracts.search({ text: `renhold ${i}` }, scope);
  console.log(`search from the cache: ${((performance.now() - t) / 100).toFixed(2)} ms per query`);
  for (let i = 0; i < 10; i++) {
    const c = await writer.contracts.getByReference(`B-${i}`);
    if (!c) throw new Error('missing');
    const { id, version, createdAt, updatedAt, ...input } = c;
    await writer.contracts.update(id, { ...input, title: `Endret ${i}` }, version, 'bench');
  }
  const fresh = await openStore(server, 'reader2', { pageSize: PAGE, maxStalenessMs: 0 });
  await fresh.contracts.count();
  server.resetStats();
  await fresh.contracts.search({ text: 'endret' }, scope);
  console.log(`delta sync after 10 changes: ${server.stats.requests} requests`);
  server.resetStats();
  server.throttle({ rate: 0.3, retryAfterSeconds: 1 });
  t = performance.now();
  await writer.contracts.importMany(
    Array.from({ length: 500 }, (_, i) => contractInput({ referenceNumber: `T-${i}` })),
    'bench',
  );
  server.throttle(null);
  console.log(
    `import 500 under 30 % throttling: ${server.stats.requests} requests, ${server.stats.throttled} answered 429, ${server.stats.earlyRetries} early retries, ${(performance.now() - t).toFixed(0)} ms`,
  );
} finally {
  await server.close();
}
