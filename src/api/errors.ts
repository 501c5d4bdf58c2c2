import type { ErrorRequestHandler, RequestHandler } from 'express';
import { DomainError, type ErrorCode } from '../core/index.ts';
import { SealError } from '../store/sharepoint/seal.ts';

const STATUS: Record<ErrorCode, number> = {
  validation: 400,
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  precondition_failed: 412,
};

/** HTTP errors that are not domain rules (body too large, missing If-Match, …). */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly issues: readonly { field: string; message: string }[] = [],
  ) {
    super(message);
  }
}

export const notFoundRoute: RequestHandler = (req, _res, next) => {
  next(new HttpError(404, `Finner ikke ${req.method} ${req.path}`));
};

/** One place maps every error to a clear JSON answer; internals never reach the client. */
export function errorHandler(log: (message: string, error: unknown) => void): ErrorRequestHandler {
  return (error, _req, res, _next) => {
    let status = 500;
    let body: { error: string; code?: string; issues?: readonly unknown[] } = {
      error: 'Det oppstod en intern feil. Prøv igjen senere.',
    };
    if (error instanceof DomainError) {
      status = STATUS[error.code];
      body = { error: error.message, code: error.code, issues: error.issues };
    } else if (error instanceof HttpError) {
      status = error.status;
      body = { error: error.message, issues: error.issues };
    } else if (error instanceof SealError) {
      // A contract whose sealed values cannot be opened: say which, never the key (seal.ts).
      log('Forseglet verdi kunne ikke åpnes', error);
      body = { error: error.message, code: 'unreadable' };
    } else if (isBodyParserError(error)) {
      status = error.status;
      body =
        error.type === 'entity.too.large'
          ? { error: `Forespørselen er for stor (over ${error.limit} byte)`, code: 'too_large' }
          : error.type === 'entity.parse.failed'
            ? {
                error: 'Ugyldig JSON i forespørselen',
                code: 'invalid_json',
                issues: [{ field: '(body)', message: 'er ikke gyldig JSON' }],
              }
            : { error: error.message, code: error.type };
    } else {
      log('Uventet feil', error);
    }
    if (res.headersSent) return;
    res.status(status).json(body);
  };
}

interface BodyParserError {
  status: number;
  type: string;
  limit?: number;
  message: string;
}

function isBodyParserError(e: unknown): e is BodyParserError {
  return (
    typeof e === 'object' &&
    e !== null &&
    'type' in e &&
    'status' in e &&
    typeof (e as BodyParserError).status === 'number' &&
    (e as BodyParserError).status < 500
  );
}
