// A large file into a SharePoint document library through a Graph upload session: fragments sent to
// the pre-authorised `uploadUrl` without the bearer token (as Graph requires), in multiples of
// 320 KiB (Graph's documented rule). After a broken fragment the session's status tells where to go
// on (`nextExpectedRanges`); an expired session (404) starts over once. Used by the archive and by
// the document service's kept copies.
import { open } from 'node:fs/promises';
import { ArchiveError } from '../archive-gateway.port.ts';
import { RETRY_STATUSES, type RetryPolicy, retryDelayMs, withRetry } from './graph-retry.ts';

export const FRAGMENT_UNIT = 320 * 1024;

/** The fragment size to use: a positive multiple of 320 KiB (default 10 × 320 KiB). */
export function fragmentSize(bytes: number | undefined): number {
  const fragment = bytes ?? 10 * FRAGMENT_UNIT;
  if (fragment <= 0 || fragment % FRAGMENT_UNIT !== 0) {
    throw new Error('fragmentBytes må være et multiplum av 320 KiB');
  }
  return fragment;
}

export interface UploadSession {
  readonly uploadUrl: string;
  readonly nextExpectedRanges?: readonly string[];
}

export interface SessionUploadOptions {
  readonly policy: RetryPolicy;
  readonly fragmentBytes: number;
  /** How many times a broken session is resumed from `nextExpectedRanges`. */
  readonly maxResumes: number;
  /** Creates the session (the only call that carries the bearer token). */
  readonly createSession: () => Promise<UploadSession>;
}

/** Uploads the local file `path` (`size` bytes); the drive item Graph answers with at the end. */
export async function uploadInSession<T>(
  path: string,
  size: number,
  o: SessionUploadOptions,
): Promise<T> {
  let session = await o.createSession();
  let restarted = false;
  let resumes = 0;
  let next = firstStart(session.nextExpectedRanges) ?? 0;
  const handle = await open(path, 'r');
  try {
    for (;;) {
      const end = Math.min(next + o.fragmentBytes, size) - 1;
      const chunk = Buffer.alloc(end - next + 1);
      await handle.read(chunk, 0, chunk.length, next);
      let response: Response | null = null;
      try {
        response = await withRetry(o.policy, () =>
          fetch(session.uploadUrl, {
            method: 'PUT',
            headers: {
              'Content-Length': String(chunk.length),
              'Content-Range': `bytes ${next}-${end}/${size}`,
            },
            body: chunk,
          }),
        );
      } catch {
        response = null; // the connection broke mid-fragment
      }
      if (response && (response.status === 200 || response.status === 201)) {
        return (await response.json()) as T;
      }
      if (response?.status === 202) {
        const status = (await response.json()) as { nextExpectedRanges?: string[] };
        next = firstStart(status.nextExpectedRanges) ?? end + 1;
        continue;
      }
      if (response?.status === 404 && !restarted) {
        // The session expired or was lost: start a new one from the beginning.
        restarted = true;
        session = await o.createSession();
        next = 0;
        continue;
      }
      if (response && response.status < 500 && response.status !== 416) {
        throw new ArchiveError(
          `Opplastingen til biblioteket ble avvist (${response.status}): ${(await response.text()).slice(0, 300)}`,
          false,
        );
      }
      if (++resumes > o.maxResumes) {
        throw new ArchiveError('Opplastingen til biblioteket brøt sammen for mange ganger', true);
      }
      const resumeAt = await sessionStatus(session.uploadUrl, o.policy);
      if (resumeAt === null) throw new ArchiveError('Opplastingsøkten forsvant', true);
      next = resumeAt;
    }
  } finally {
    await handle.close();
  }
}

/** GET on the upload URL: where the session wants the next byte (null: the session is gone). */
async function sessionStatus(uploadUrl: string, policy: RetryPolicy): Promise<number | null> {
  for (let attempt = 0; attempt <= policy.maxRetries; attempt++) {
    let response: Response;
    try {
      response = await withRetry(policy, () => fetch(uploadUrl));
    } catch {
      await policy.sleep(retryDelayMs(null, attempt, policy.maxDelayMs));
      continue;
    }
    if (response.status === 404) return null;
    if (response.ok) {
      const body = (await response.json()) as { nextExpectedRanges?: string[] };
      return firstStart(body.nextExpectedRanges);
    }
    if (!RETRY_STATUSES.has(response.status) && response.status < 500) return null;
    await policy.sleep(retryDelayMs(null, attempt, policy.maxDelayMs));
  }
  throw new ArchiveError('Fikk ikke status for opplastingsøkten', true);
}

/** "26-" or "26-99" → 26. */
function firstStart(ranges: readonly string[] | undefined): number | null {
  const first = ranges?.[0];
  if (!first) return null;
  const start = Number(first.split('-')[0]);
  return Number.isInteger(start) && start >= 0 ? start : null;
}
