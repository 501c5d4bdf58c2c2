import type { Request, Response } from 'express';
import { z } from 'zod';
import { validationError } from '../register/contract-service.ts';
import { HttpError } from './errors.ts';

/** Strong ETag from a record version. */
export const etagOf = (version: number): string => `"${version}"`;

/**
 * Optimistic concurrency: a change must name the version it was based on (If-Match). A missing
 * header is 428, a malformed one 400; a stale one becomes 412 in the store.
 */
export function requiredVersion(req: Request): number {
  const header = req.header('if-match');
  if (!header) {
    throw new HttpError(428, 'Endringer krever If-Match med ETag fra siste henting av avtalen', [
      { field: 'If-Match', message: 'mangler' },
    ]);
  }
  const match = /^(?:W\/)?"(\d+)"$/.exec(header.trim());
  if (!match) {
    throw new HttpError(400, 'If-Match må være en ETag som "3"', [
      { field: 'If-Match', message: 'har feil format' },
    ]);
  }
  return Number(match[1]);
}

/** Parses query parameters (or a body) with a zod schema; errors name each bad field. */
export function parseWith<S extends z.ZodType>(
  schema: S,
  value: unknown,
  prefix = '',
): z.output<S> {
  const parsed = schema.safeParse(value);
  if (!parsed.success) throw validationError(parsed.error.issues, prefix);
  return parsed.data;
}

export function sendWithEtag(res: Response, version: number, body: unknown, status = 200): void {
  res.status(status).setHeader('ETag', etagOf(version)).json(body);
}

/** Comma-separated lists in query strings: `status=active,expiring`. */
export const csvList = <const T extends readonly [string, ...string[]]>(values: T) =>
  z
    .string()
    .transform((s) =>
      s
        .split(',')
        .map((x) => x.trim())
        .filter(Boolean),
    )
    .pipe(z.array(z.enum(values)));

export const queryBoolean = z
  .enum(['true', 'false', '1', '0'])
  .transform((v) => v === 'true' || v === '1');
