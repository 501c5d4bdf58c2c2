import { writeFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { toContractQuery } from '../../api/routes/contracts.ts';
import { asViewer } from '../../core/index.ts';
import { exportXlsx } from '../../register-io/export.ts';
import { createServices } from '../../services.ts';
import type { CliCommand } from '../command.ts';

const command: CliCommand = {
  name: 'export',
  summary:
    'Eksporterer et søk til Excel: export <fil.xlsx> [--query "q=renhold&status=active"] [--as <bruker>]',
  async run(args, config) {
    const { values, positionals } = parseArgs({
      args,
      allowPositionals: true,
      options: {
        query: { type: 'string', default: '' },
        'include-expired': { type: 'boolean', default: false },
        as: { type: 'string', default: 'kontraktservice' },
      },
    });
    const [file] = positionals;
    if (!file || positionals.length > 1 || !file.toLowerCase().endsWith('.xlsx')) {
      throw new Error(
        'Bruk: npm run cli -- export <fil.xlsx> [--query "q=tekst&status=active,expiring"]',
      );
    }
    // "--query renhold" is free text; "--query q=renhold&unit=u-skole" uses the search API's parameters.
    const params: Record<string, unknown> = values.query.includes('=')
      ? Object.fromEntries(new URLSearchParams(values.query))
      : values.query
        ? { q: values.query }
        : {};
    if (values['include-expired']) params.includeExpired = 'true';
    const services = await createServices(config);
    try {
      const user = await services.store.directory.getUser(values.as);
      if (!user) throw new Error(`Brukeren «${values.as}» finnes ikke; oppgi en bruker med --as`);
      const { offset: _o, limit: _l, ...query } = toContractQuery(params, user.id);
      const { buffer, count } = await exportXlsx(services.contracts, asViewer(user), query);
      await writeFile(file, buffer);
      console.log(`${count} avtaler eksportert til ${file} (som ${user.id}).`);
      return 0;
    } finally {
      await services.close();
    }
  },
};

export default command;
