import { parseArgs } from 'node:util';
import { sharePointFromEnv } from '../../store/sharepoint/connect.ts';
import { openSharePointRegister } from '../../store/sharepoint/register-store.ts';
import type { CliCommand } from '../command.ts';

/**
 * `npm run cli -- reseal`: after a key rotation (SHAREPOINT_SEAL_KEY new, SHAREPOINT_SEAL_KEY_PREVIOUS
 * the old one), or once sealing is turned on for a site with plain data, writes every contract item
 * and audit entry that is not sealed with the current key again, sealed with it. Safe to re-run; a
 * second run finds nothing to do. See docs/deploy.md, "Sealing key".
 */
const command: CliCommand = {
  name: 'reseal',
  summary:
    'Forsegler konfidensielle verdier i SharePoint på nytt med SHAREPOINT_SEAL_KEY (etter nøkkelbytte): reseal [--site <id>]',
  async run(args) {
    const { values } = parseArgs({ args, options: { site: { type: 'string' } } });
    const { graph, siteId, seal } = sharePointFromEnv(process.env, { siteId: values.site });
    if (!seal)
      throw new Error('Mangler SHAREPOINT_SEAL_KEY: det er nøkkelen verdiene forsegles med');
    const store = await openSharePointRegister({ graph, siteId, seal, maxStalenessMs: 0 });
    try {
      const r = await store.reseal();
      console.log(
        `Nøkkel ${seal.keyId}: ${r.resealed.contracts} av ${r.checked.contracts} avtaler og ` +
          `${r.resealed.audit} av ${r.checked.audit} loggoppføringer forseglet på nytt.`,
      );
      if (r.unreadable.length > 0) {
        console.error(
          `Kunne ikke åpnes (urørt): ${r.unreadable.join(', ')}. Sjekk SHAREPOINT_SEAL_KEY_PREVIOUS.`,
        );
        return 1;
      }
      return 0;
    } finally {
      await store.close();
    }
  },
};

export default command;
