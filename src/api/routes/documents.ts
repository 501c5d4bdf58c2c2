import type { IncomingMessage } from 'node:http';
import { pipeline } from 'node:stream/promises';
import busboy from 'busboy';
import { type Request, type Response, Router } from 'express';
import { documentsOf } from '../../archive/documents/compose.ts';
import {
  type DocumentService,
  FileTooLargeError,
  formatBytes,
  type StagedFile,
} from '../../archive/documents/document-service.ts';
import { documentMetadataSchema } from '../../core/archive/document.ts';
import { contentDisposition } from '../../core/archive/index.ts';
import { asViewer, DomainError } from '../../core/index.ts';
import type { Services } from '../../services.ts';
import { currentUser } from '../auth.ts';
import { HttpError } from '../errors.ts';
import { errors, jsonSchema, type OpenApiPaths, ok, pathParameter } from '../openapi-parts.ts';

/** Bytes of multipart framing and metadata allowed on top of the files themselves. */
const MULTIPART_OVERHEAD = 1024 * 1024;
/** After a 413, at most this much more of the body is read and discarded before the socket closes. */
const DRAIN_LIMIT = 8 * 1024 * 1024;

/**
 * Documents of a contract and their archive status:
 * - `POST /contracts/:contractId/documents` multipart upload: a `metadata` field (JSON) and one or
 *   more `file` parts (the first is the main document). Streams to disk with the size limit enforced
 *   while streaming (413 as soon as a file passes it). `Idempotency-Key` makes a retried upload safe.
 * - `GET /contracts/:contractId/documents`, `GET /documents/:id`, `GET /documents/:id/status`
 * - `GET /documents/:id/files/:n` download (only for those who may see the document)
 * - `POST /documents/:id/retry` files a failed document again (never twice)
 */
export function documentRoutes(services: Services): Router {
  const router = Router();
  const docs = () => documentsOf(services);

  router.post('/contracts/:contractId/documents', async (req, res, next) => {
    try {
      const user = currentUser(req);
      const service = docs();
      await service.assertMayUpload(user, String(req.params.contractId));
      const upload = await receiveUpload(req, res, service);
      if (!upload) return; // already answered (413)
      const view = await service.create(user, {
        contractId: String(req.params.contractId),
        metadata: upload.metadata,
        files: upload.files,
        idempotencyKey: req.header('idempotency-key') ?? null,
      });
      res.status(201).location(`${req.baseUrl}/documents/${view.id}`).json(view);
    } catch (error) {
      next(error);
    }
  });

  router.get('/contracts/:contractId/documents', async (req, res, next) => {
    try {
      const viewer = asViewer(currentUser(req));
      const items = await docs().list(viewer, String(req.params.contractId));
      res.json({ items, total: items.length });
    } catch (error) {
      next(error);
    }
  });

  router.get('/documents/:id', async (req, res, next) => {
    try {
      res.json(await docs().get(asViewer(currentUser(req)), String(req.params.id)));
    } catch (error) {
      next(error);
    }
  });

  router.get('/documents/:id/status', async (req, res, next) => {
    try {
      const v = await docs().get(asViewer(currentUser(req)), String(req.params.id));
      res.json({
        id: v.id,
        status: v.status,
        archiveReference: v.archiveReference,
        failureReason: v.failureReason,
        attempts: v.attempts,
        filedAt: v.filedAt,
      });
    } catch (error) {
      next(error);
    }
  });

  router.get('/documents/:id/files/:n', async (req, res, next) => {
    try {
      const n = Number(req.params.n);
      if (!Number.isInteger(n) || n < 1 || n > 1000) {
        throw new DomainError('validation', 'Ugyldig filnummer', [
          { field: 'n', message: 'må være 1 eller høyere' },
        ]);
      }
      const content = await docs().content(asViewer(currentUser(req)), String(req.params.id), n);
      res.status(200);
      res.setHeader('Content-Type', content.mediaType);
      res.setHeader('Content-Length', String(content.size));
      res.setHeader('Content-Disposition', contentDisposition(content.fileName));
      res.setHeader('X-Content-Type-Options', 'nosniff');
      res.setHeader('Content-Security-Policy', "sandbox; default-src 'none'");
      res.setHeader('Cache-Control', 'private, no-store');
      res.setHeader('ETag', `"${content.sha256}"`);
      await pipeline(content.stream, res);
    } catch (error) {
      if (res.headersSent) res.destroy(error as Error);
      else next(error);
    }
  });

  router.post('/documents/:id/retry', async (req, res, next) => {
    try {
      res.json(await docs().retry(currentUser(req), String(req.params.id)));
    } catch (error) {
      next(error);
    }
  });

  return router;
}

interface Upload {
  readonly metadata: unknown;
  readonly files: StagedFile[];
}

/**
 * Reads the multipart body with busboy, staging each `file` part through the service while it
 * streams. Answers 413 itself (and returns null) when a file or the body passes the limit.
 */
async function receiveUpload(
  req: Request,
  res: Response,
  service: DocumentService,
): Promise<Upload | null> {
  const type = req.headers['content-type'] ?? '';
  if (!/^multipart\/form-data/i.test(type)) {
    throw new HttpError(415, 'Opplasting må sendes som multipart/form-data', [
      { field: 'Content-Type', message: 'må være multipart/form-data' },
    ]);
  }
  const limit = service.maxFileBytes;
  const bodyLimit = limit * service.maxFiles + MULTIPART_OVERHEAD;
  const declared = Number(req.headers['content-length'] ?? Number.NaN);
  if (Number.isFinite(declared) && declared > bodyLimit) {
    refuseTooLarge(req, res, limit);
    return null;
  }

  return new Promise<Upload | null>((resolve, reject) => {
    // Slots in part order: the first file is the main document, whatever finishes first.
    const slots: (StagedFile | null)[] = [];
    const files = () => slots.filter((f): f is StagedFile => f !== null);
    const staging: Promise<void>[] = [];
    let metadata: unknown;
    let metadataError: DomainError | null = null;
    let failed = false;
    let bb: busboy.Busboy;
    try {
      bb = busboy({
        headers: req.headers,
        limits: {
          fileSize: limit,
          files: service.maxFiles,
          fields: 5,
          fieldSize: 64 * 1024,
          parts: service.maxFiles + 5,
        },
        defParamCharset: 'utf8',
      });
    } catch {
      reject(new HttpError(400, 'Ugyldig multipart-forespørsel'));
      return;
    }

    const active = new Set<NodeJS.ReadableStream & { destroy(error?: Error): void }>();
    const fail = async (error: unknown, tooLarge: boolean) => {
      if (failed) return;
      failed = true;
      req.unpipe(bb);
      // Stop the files still streaming (with an error: a plain destroy leaves the pipeline
      // pending); their staging removes the partial file.
      for (const stream of active) stream.destroy(new Error('Opplastingen ble avbrutt'));
      await Promise.allSettled(staging);
      await service.discard(files());
      if (tooLarge) {
        refuseTooLarge(req, res, limit);
        resolve(null);
      } else {
        req.resume();
        reject(error);
      }
    };

    bb.on('field', (name, value, info) => {
      if (name !== 'metadata') return;
      if (info.valueTruncated) {
        metadataError = new DomainError('validation', 'Metadata er for store', [
          { field: 'metadata', message: 'er for lang' },
        ]);
        return;
      }
      try {
        metadata = JSON.parse(value);
      } catch {
        metadataError = new DomainError('validation', 'Metadata må være gyldig JSON', [
          { field: 'metadata', message: 'er ikke gyldig JSON' },
        ]);
      }
    });
    bb.on('file', (name, stream, info) => {
      if (name !== 'file' || failed) {
        stream.resume();
        return;
      }
      active.add(stream);
      stream.on('limit', () => void fail(new FileTooLargeError(limit), true));
      const slot = slots.push(null) - 1;
      staging.push(
        service.stage(stream, info.filename ?? '').then(
          async (staged) => {
            active.delete(stream);
            if ((stream as typeof stream & { truncated?: boolean }).truncated || failed) {
              await service.discard([staged]);
            } else slots[slot] = staged;
          },
          (error: unknown) => {
            active.delete(stream);
            if (!failed) void fail(error, error instanceof FileTooLargeError);
          },
        ),
      );
    });
    bb.on('filesLimit', () => {
      void fail(
        new DomainError('validation', 'For mange filer', [
          { field: 'file', message: `høyst ${service.maxFiles} filer per dokument` },
        ]),
        false,
      );
    });
    bb.on(
      'partsLimit',
      () => void fail(new HttpError(400, 'For mange deler i forespørselen'), false),
    );
    bb.on(
      'fieldsLimit',
      () => void fail(new HttpError(400, 'For mange felt i forespørselen'), false),
    );
    bb.on(
      'error',
      (error) =>
        void fail(
          new HttpError(400, `Ugyldig multipart-forespørsel: ${(error as Error).message}`),
          false,
        ),
    );
    bb.on('close', async () => {
      await Promise.allSettled(staging);
      if (failed) return;
      if (metadataError) {
        await service.discard(files());
        reject(metadataError);
        return;
      }
      resolve({ metadata, files: files() });
    });
    req.pipe(bb);
  });
}

function refuseTooLarge(req: IncomingMessage, res: Response, limit: number): void {
  if (!res.headersSent) {
    res
      .status(413)
      .set('Connection', 'close')
      .json({
        error: `Filen er for stor. Grensen er ${formatBytes(limit)} per fil.`,
        code: 'too_large',
      });
  }
  // Read and discard a bounded amount so the client can receive the answer, then close.
  let drained = 0;
  req.on('data', (chunk: Buffer) => {
    drained += chunk.length;
    if (drained > DRAIN_LIMIT) req.destroy();
  });
  req.resume();
}

const tags = ['Dokumenter'];
const documentId = pathParameter('id', 'Dokumentets id');
const contractId = pathParameter('contractId', 'Avtalens id');

/** OpenAPI paths of a contract's documents and their archive status. */
export const openApi: OpenApiPaths = {
  '/api/contracts/{contractId}/documents': {
    post: {
      tags,
      summary: 'Last opp et dokument (hoveddokument og vedlegg) til arkivering',
      description:
        'Filene strømmes til disk med størrelsesgrensen håndhevet underveis (413 straks en fil passerer den).',
      parameters: [
        contractId,
        {
          name: 'Idempotency-Key',
          in: 'header',
          required: false,
          description: 'Gjør en gjentatt opplasting trygg: samme nøkkel gir samme dokument',
          schema: { type: 'string', minLength: 8, maxLength: 100, pattern: '^[\\w.:-]+$' },
        },
      ],
      requestBody: {
        required: true,
        content: {
          'multipart/form-data': {
            schema: {
              type: 'object',
              required: ['metadata', 'file'],
              properties: {
                metadata: jsonSchema(documentMetadataSchema),
                file: {
                  type: 'array',
                  description: 'Første fil er hoveddokumentet, resten vedlegg',
                  items: { type: 'string', contentMediaType: 'application/octet-stream' },
                },
              },
            },
            encoding: { metadata: { contentType: 'application/json' } },
          },
        },
      },
      responses: {
        201: ok('Dokumentet, med arkivstatus (Location)'),
        ...errors(400, 403, 404, 409, 413, 415),
      },
    },
    get: {
      tags,
      summary: 'Avtalens dokumenter brukeren kan se',
      parameters: [contractId],
      responses: {
        200: ok('Dokumenter', {
          type: 'object',
          required: ['items', 'total'],
          properties: { items: { type: 'array' }, total: { type: 'integer' } },
        }),
        ...errors(404),
      },
    },
  },
  '/api/documents/{id}': {
    get: {
      tags,
      summary: 'Ett dokument (skjermede ord og tilbakeholdte felt projisert for brukeren)',
      parameters: [documentId],
      responses: { 200: ok('Dokumentet'), ...errors(404) },
    },
  },
  '/api/documents/{id}/status': {
    get: {
      tags,
      summary: 'Arkivstatus for et dokument',
      parameters: [documentId],
      responses: {
        200: ok('Status', {
          type: 'object',
          properties: {
            id: { type: 'string' },
            status: { enum: ['pending', 'filed', 'failed'] },
            archiveReference: { type: ['string', 'null'] },
            failureReason: { type: ['string', 'null'] },
            attempts: { type: 'integer' },
            filedAt: { type: ['string', 'null'] },
          },
        }),
        ...errors(404),
      },
    },
  },
  '/api/documents/{id}/files/{n}': {
    get: {
      tags,
      summary: 'Last ned fil nummer n (1 er hoveddokumentet)',
      parameters: [
        documentId,
        pathParameter('n', 'Filnummer', { type: 'integer', minimum: 1, maximum: 1000 }),
      ],
      responses: {
        200: {
          description: 'Filen, med sin egen innholdstype (ETag er SHA-256)',
          content: {
            'application/octet-stream': {
              schema: { type: 'string', contentMediaType: 'application/octet-stream' },
            },
          },
        },
        ...errors(400, 404),
      },
    },
  },
  '/api/documents/{id}/retry': {
    post: {
      tags,
      summary: 'Arkiver et feilet dokument på nytt (aldri to ganger)',
      parameters: [documentId],
      responses: { 200: ok('Dokumentet med ny status'), ...errors(403, 404, 409) },
    },
  },
};
