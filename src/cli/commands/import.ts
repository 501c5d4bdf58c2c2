import { readFile, stat } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { importRegister } from '../../register-io/import.ts';
import { DEFAULT_LIMITS } from '../../register-io/read.ts';
import { createServices } from '../../services.ts';
import type { CliCommand } from '../command.ts';

const command: CliCommand = {
  name: 'import',
  summary: 'Importerer avtaler fra CSV eller Excel: import <fil> [--dry-run] [--as <bruker>]',
  async run(args, config) {
    const { values, positionals } = parseArgs({
      args,
      allowPositionals: true,
      options: {
        'dry-run': { type: 'boolean', default: false },
        as: { type: 'string', default: 'kontraktservice' },
      },
    });
    const [file] = positionals;
    if (!file || positionals.length > 1) {
      throw new Error('Bruk: npm run cli -- import <fil.csv|fil.xlsx> [--dry-run] [--as <bruker>]');
    }
    const size = (await stat(file)).size;
    if (size > DEFAULT_LIMITS.maxBytes) {
      throw new Error(
        `Filen er for stor (${size} byte); grensen er ${DEFAULT_LIMITS.maxBytes} byte per import`,
      );
    }
    const bytes = await readFile(file);
    const services = await createServices(config);
    try {
      const user = await services.store.directory.getUser(values.as);
      if (!user) throw new Error(`Brukeren «${values.as}» finnes ikke; oppgi en bruker med --as`);
      const report = await importRegister(services.contracts, user, bytes, {
        dryRun: values['dry-run'],
      });
      for (const i of report.issues) {
        const where =
          i.line !== undefined && i.line !== i.row
            ? `rad ${i.row} (linje ${i.line})`
            : `rad ${i.row}`;
        const column = i.columnLetter
          ? `kolonne ${i.columnLetter} «${i.column}»`
          : `kolonne «${i.column}»`;
        console.error(`${file}:${i.line ?? i.row}: ${where}, ${column}: ${i.message}`);
      }
      if (report.issueCount > report.issues.length) {
        console.error(`… og ${report.issueCount - report.issues.length} problemer til`);
      }
      const summary = `${report.rows} rader lest (${report.format}), ${report.valid} uten feil`;
      if (report.issueCount > 0) {
        console.error(`${summary}; ${report.issueCount} problemer. Ingenting er endret.`);
        return 1;
      }
      if (report.dryRun) {
        console.log(
          `${summary}. Prøvekjøring: ${report.created} ville blitt opprettet og ${report.updated} oppdatert; ingenting er endret.`,
        );
      } else {
        console.log(
          `${summary}. Importert: ${report.created} opprettet, ${report.updated} oppdatert.`,
        );
      }
      return 0;
    } finally {
      await services.close();
    }
  },
};

export default command;
