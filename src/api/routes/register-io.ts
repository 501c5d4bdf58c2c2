import express, { Router } from 'express';
import { z } from 'zod';
import { asViewer } from '../../core/index.ts';
import { exportXlsx, XLSX_MIME } from '../../register-io/export.ts';
import { importRegister } from '../../register-io/import.ts';
import { DEFAULT_LIMITS, FileRefusedError } from '../../register-io/read.ts';
import type { Services } from '../../services.ts';
import { currentUser } from '../auth.ts';
import { HttpError } from '../errors.ts';
import { parseWith, queryBoolean } from '../http.ts';
import { toContractQuery } from './contracts.ts';

const importQuery = z.object({ dryRun: queryBoolean.default(true) }).strict();

/**
 * Bulk import and Excel export of the register.
 * - `POST /api/import?dryRun=true|false`: the body is the file itself (CSV or .xlsx, told apart by
 *   content). Answers the report: 200 for a dry run or a committed import, 422 when a commit was
 *   refused because of problems (nothing changed), 413 for a file over the limits.
 * - `GET /api/export.xlsx?<the search's parameters>`: the search result as a workbook, projected
 *   for the signed-in user.
 */
export function registerIoRoutes(services: Services): Router {
  const router = Router();

  router.post(
    '/import',
    express.raw({ type: () => true, limit: DEFAULT_LIMITS.maxBytes }),
    async (req, res) => {
      const user = currentUser(req);
      const { dryRun } = parseWith(importQuery, req.query);
      if (!Buffer.isBuffer(req.body)) {
        throw new HttpError(
          415,
          'Send filen som CSV (text/csv) eller Excel (.xlsx) i forespørselen',
          [{ field: '(body)', message: 'må være en CSV- eller xlsx-fil' }],
        );
      }
      try {
        const report = await importRegister(services.contracts, user, req.body, { dryRun });
        res.status(!dryRun && !report.committed ? 422 : 200).json(report);
      } catch (error) {
        if (error instanceof FileRefusedError) {
          throw new HttpError(error.status, error.message, [
            { field: '(body)', message: error.message },
          ]);
        }
        throw error;
      }
    },
  );

  router.get('/export.xlsx', async (req, res) => {
    const user = currentUser(req);
    const { offset: _offset, limit: _limit, ...query } = toContractQuery(req.query, user.id);
    const { buffer, count } = await exportXlsx(services.contracts, asViewer(user), query);
    res
      .status(200)
      .setHeader('Content-Type', XLSX_MIME)
      .setHeader(
        'Content-Disposition',
        `attachment; filename="avtaler-${services.contracts.today()}.xlsx"`,
      )
      .setHeader('X-Total-Count', String(count))
      .setHeader('Cache-Control', 'no-store')
      .send(buffer);
  });

  return router;
}
