// The register store conformance suite (tests/store/conformance.ts) against the SharePoint adapter,
// talking HTTP to the local Graph server.
import type { GraphServer } from '../graph/server.ts';
import { registerConformance } from '../store/conformance.ts';
import { openStore, provisionedServer } from './helpers.ts';

let server: GraphServer | null = null;
registerConformance('sharepoint', {
  async open() {
    server = await provisionedServer();
    return openStore(server);
  },
  async cleanup() {
    await server?.close();
  },
});
