import { parseArgs } from 'node:util';
import { sharePointFromEnv } from '../../store/sharepoint/connect.ts';
import { provision } from '../../store/sharepoint/provision.ts';
import type { CliCommand } from '../command.ts';

const command: CliCommand = {
  name: 'provision',
  summary:
    'Oppretter SharePoint-listene, kolonnene og indeksene (trygt å kjøre på nytt): provision [--site <id>]',
  async run(args) {
    const { values } = parseArgs({ args, options: { site: { type: 'string' } } });
    const { graph, siteId } = sharePointFromEnv(process.env, { siteId: values.site });
    const report = await provision(graph, siteId);
    const line = (label: string, items: string[]) =>
      console.log(`${label}: ${items.length === 0 ? 'ingen' : items.join(', ')}`);
    line('Nye lister', report.createdLists);
    line('Nye kolonner', report.addedColumns);
    line('Nye indekser', report.indexedColumns);
    if (report.mismatches.length > 0) {
      line('Kolonner med feil type (ikke endret)', report.mismatches);
      return 1;
    }
    console.log('SharePoint-området er klart.');
    return 0;
  },
};

export default command;
