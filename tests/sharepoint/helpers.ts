import { Graph } from '../../src/store/sharepoint/graph.ts';
import { provision } from '../../src/store/sharepoint/provision.ts';
import {
  openSharePointRegister,
  type SharePointRegisterStore,
} from '../../src/store/sharepoint/register-store.ts';
import { parseSealKey, Sealer } from '../../src/store/sharepoint/seal.ts';
import { staticToken } from '../../src/store/sharepoint/tokens.ts';
import { type GraphServer, type GraphServerOptions, startGraphServer } from '../graph/server.ts';

/** One "second" of Retry-After lasts this long in tests, on the server and in the client alike. */
export const SECOND_MS = 5;

export function graphFor(server: GraphServer, client = 'a'): Graph {
  return new Graph({
    baseUrl: server.baseUrl,
    tokens: staticToken('test-token'),
    secondMs: SECOND_MS,
    headers: { 'x-test-client': client },
  });
}

export async function provisionedServer(options: GraphServerOptions = {}): Promise<GraphServer> {
  const server = await startGraphServer({ secondMs: SECOND_MS, token: 'test-token', ...options });
  await provision(graphFor(server, 'provision'), server.siteId);
  server.resetStats();
  return server;
}

/** The seal key the SharePoint tests store with (base64 of 32 bytes), as SHAREPOINT_SEAL_KEY. */
export const TEST_SEAL_KEY = Buffer.alloc(32, 7).toString('base64');
export const testSealer = () => new Sealer(parseSealKey(TEST_SEAL_KEY, 'SHAREPOINT_SEAL_KEY'));

/** A register store on the server; confidential values sealed with TEST_SEAL_KEY unless `seal: null`. */
export function openStore(
  server: GraphServer,
  client = 'a',
  options: {
    pageSize?: number;
    maxStalenessMs?: number;
    seal?: Sealer | null;
    log?: (message: string) => void;
  } = {},
): Promise<SharePointRegisterStore> {
  return openSharePointRegister({
    graph: graphFor(server, client),
    siteId: server.siteId,
    pageSize: options.pageSize ?? 1000,
    maxStalenessMs: options.maxStalenessMs ?? 0,
    seal: options.seal === undefined ? testSealer() : options.seal,
    ...(options.log ? { log: options.log } : {}),
  });
}
