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
import {
  errors,
  fileBody,
  fileResponse,
  type OpenApiPaths,
  ok,
  queryParameters,
  XLSX,
} from '../openapi-parts.ts';
import { contractQuerySchema, toContractQuery } from './contracts.ts';

export const importQuery = z.object({ dryRun: queryBoolean.default(true) }).strict();

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

/** OpenAPI paths of the bulk import and the Excel export. */
export const openApi: OpenApiPaths = {
  '/api/import': {
    post: {
      tags: ['Import/eksport'],
      summary: 'Masseimport av avtaler fra CSV eller Excel (prøvekjøring som standard)',
      description:
        'Alt eller ingenting: med dryRun=false lagres ingenting hvis én rad har feil (422 med rapporten).',
      parameters: queryParameters(importQuery),
      requestBody: fileBody('Filen selv (CSV eller .xlsx; skilles på innholdet)', [
        'text/csv',
        XLSX,
        'application/octet-stream',
      ]),
      responses: {
        200: ok('Rapporten (rad, kolonne, årsak); importert hvis dryRun=false'),
        422: ok('Importen ble avvist på grunn av feil i filen; ingenting er endret'),
        ...errors(400, 403, 413, 415),
      },
    },
  },
  '/api/export.xlsx': {
    get: {
      tags: ['Import/eksport'],
      summary: 'Et søkeresultat som Excel-arbeidsbok, projisert for brukeren',
      description:
        'Samme parametre som søket; offset og limit godtas, men hele resultatet eksporteres.',
      parameters: queryParameters(contractQuerySchema).filter(
        (p) => p.name !== 'offset' && p.name !== 'limit',
      ),
      responses: {
        200: {
          ...fileResponse('Arbeidsboken (X-Total-Count: antall avtaler)', XLSX),
          headers: {
            'X-Total-Count': { description: 'Antall avtaler', schema: { type: 'integer' } },
          },
        },
        ...errors(400),
      },
    },
  },
};
