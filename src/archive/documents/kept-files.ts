// Where the document service keeps its copy of an uploaded file (to download it and to file it
// again): the data folder (`LocalKeptFiles`, the embedded default), or with STORE=sharepoint and an
// archive library the library itself (`LibraryKeptFiles`: `<root>/Opplastinger/<document>/`), so
// any instance can download the file and retry its filing.
import { createHash, randomUUID } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, open, readdir, rename, rm, stat } from 'node:fs/promises';
import { join, relative, resolve, sep } from 'node:path';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import { notFound } from '../../core/index.ts';
import { ArchiveError, assertSafeName } from '../archive-gateway.port.ts';
import { defaultSleep, type RetryPolicy, withRetry } from '../sharepoint/graph-retry.ts';
import { fragmentSize, type UploadSession, uploadInSession } from '../sharepoint/upload-session.ts';
import type { StoredFile } from './document-store.ts';

/** A checked upload, ready to be kept under its package name. */
export interface FileToKeep {
  readonly packageName: string;
  /** The staged file (consumed: moved or removed). */
  readonly path: string;
  readonly size: number;
  readonly sha256: string;
}

export interface KeptFileStore {
  readonly kind: 'local' | 'library';
  /**
   * Keeps the files of a new document and returns each file's `storedPath`. When it throws, what
   * it kept is removed again.
   */
  keep(documentId: string, files: readonly FileToKeep[]): Promise<string[]>;
  /** Removes a document's kept files (a document whose record was never stored). */
  discard(documentId: string): Promise<void>;
  /** A local file with the kept content (downloaded and checked when it is not on this instance). */
  localPath(documentId: string, file: StoredFile): Promise<string>;
  /** A filing attempt is over: local copies made for it are no longer needed. */
  settled(documentId: string): Promise<void>;
  /** The content, for download. */
  open(file: StoredFile): Promise<Readable>;
  /** At start: removes what does not belong to a stored document (or local caches). */
  recover(knownIds: () => Promise<Set<string>>): Promise<void>;
}

async function fsync(path: string): Promise<void> {
  const handle = await open(path, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/** `<dataDir>/uploads/documents/<id>/<package name>`; `storedPath` is relative to the data folder. */
export class LocalKeptFiles implements KeptFileStore {
  readonly kind = 'local';

  constructor(private readonly dataDir: string) {}

  private get documentsDir(): string {
    return join(this.dataDir, 'uploads', 'documents');
  }

  async keep(documentId: string, files: readonly FileToKeep[]): Promise<string[]> {
    const dir = join(this.documentsDir, documentId);
    await mkdir(dir, { recursive: true });
    const out: string[] = [];
    try {
      for (const f of files) {
        const target = join(dir, f.packageName);
        await rename(f.path, target);
        await fsync(target);
        out.push(relative(this.dataDir, target));
      }
      await fsync(dir);
    } catch (e) {
      await this.discard(documentId);
      throw e;
    }
    return out;
  }

  async discard(documentId: string): Promise<void> {
    await rm(join(this.documentsDir, documentId), { recursive: true, force: true });
  }

  private resolved(file: StoredFile): string {
    const path = resolve(this.dataDir, file.storedPath);
    if (!path.startsWith(resolve(this.dataDir) + sep)) throw notFound('Filen');
    return path;
  }

  async localPath(_documentId: string, file: StoredFile): Promise<string> {
    return this.resolved(file);
  }

  async settled(): Promise<void> {}

  async open(file: StoredFile): Promise<Readable> {
    return createReadStream(this.resolved(file));
  }

  async recover(knownIds: () => Promise<Set<string>>): Promise<void> {
    const known = await knownIds();
    let names: string[] = [];
    try {
      names = await readdir(this.documentsDir);
    } catch {
      names = [];
    }
    for (const name of names) {
      if (!known.has(name))
        await rm(join(this.documentsDir, name), { recursive: true, force: true });
    }
  }
}

export interface LibraryKeptFilesOptions {
  /** Graph host without the version, e.g. https://graph.microsoft.com. */
  readonly graphBaseUrl: string;
  readonly getToken: () => Promise<string>;
  readonly driveId: string;
  /** Folder in the library for the kept copies, e.g. `Arkiv/Kontraktsoppfølging/Opplastinger`. */
  readonly folder: string;
  /** Local folder for copies downloaded to file a document (emptied at start). */
  readonly cacheDir: string;
  /** Files up to this size go in one PUT; larger ones through an upload session. Default 4 MiB. */
  readonly simpleUploadMaxBytes?: number;
  /** A multiple of 320 KiB; default 10 × 320 KiB. */
  readonly fragmentBytes?: number;
  readonly retry?: Partial<RetryPolicy>;
}

interface DriveItem {
  readonly id: string;
  readonly size?: number;
}

/**
 * The kept copies in the archive's document library through Graph: small files in one PUT, large
 * ones through an upload session (320 KiB multiples, resumed from `nextExpectedRanges`). A download
 * follows Graph's 302 to the pre-authenticated URL without the bearer token. Every copy made on an
 * instance to file a document is checked against the stored size and SHA-256.
 */
export class LibraryKeptFiles implements KeptFileStore {
  readonly kind = 'library';
  private readonly policy: RetryPolicy;
  private readonly simpleMax: number;
  private readonly fragment: number;
  private readonly base: string;

  constructor(private readonly o: LibraryKeptFilesOptions) {
    this.policy = {
      maxRetries: o.retry?.maxRetries ?? 5,
      maxDelayMs: o.retry?.maxDelayMs ?? 60_000,
      sleep: o.retry?.sleep ?? defaultSleep,
    };
    this.simpleMax = o.simpleUploadMaxBytes ?? 4 * 1024 * 1024;
    this.fragment = fragmentSize(o.fragmentBytes);
    this.base = `${o.graphBaseUrl.replace(/\/+$/, '')}/v1.0`;
  }

  private folderOf(documentId: string): string {
    assertSafeName(documentId);
    return `${this.o.folder.replace(/^\/+|\/+$/g, '')}/${documentId}`;
  }

  private url(path: string, suffix = ''): string {
    const encoded = path.split('/').map(encodeURIComponent).join('/');
    return `${this.base}/drives/${encodeURIComponent(this.o.driveId)}/root:/${encoded}${suffix}`;
  }

  private async graph(url: string, init: RequestInit = {}): Promise<Response> {
    const token = await this.o.getToken();
    return withRetry(this.policy, () =>
      fetch(url, {
        ...init,
        headers: { ...(init.headers as Record<string, string>), Authorization: `Bearer ${token}` },
      }),
    );
  }

  private async fail(what: string, response: Response): Promise<never> {
    const text = await response.text().catch(() => '');
    throw new ArchiveError(
      `Biblioteket svarte ${response.status} på ${what}: ${text.slice(0, 300)}`,
      response.status >= 500 || response.status === 429,
    );
  }

  private cachePath(documentId: string, file: StoredFile): string {
    assertSafeName(documentId);
    assertSafeName(file.packageName);
    return join(this.o.cacheDir, documentId, file.packageName);
  }

  async keep(documentId: string, files: readonly FileToKeep[]): Promise<string[]> {
    const folder = this.folderOf(documentId);
    const out: string[] = [];
    try {
      for (const f of files) {
        assertSafeName(f.packageName);
        const path = `${folder}/${f.packageName}`;
        const item =
          f.size <= this.simpleMax ? await this.putSmall(path, f) : await this.putLarge(path, f);
        if (item.size !== undefined && item.size !== f.size) {
          throw new ArchiveError(`Biblioteket fikk ${item.size} av ${f.size} byte`, true);
        }
        out.push(path);
      }
      // The uploading instance keeps a local copy to file the document at once without a download.
      await mkdir(join(this.o.cacheDir, documentId), { recursive: true });
      for (const f of files) await rename(f.path, join(this.o.cacheDir, documentId, f.packageName));
    } catch (e) {
      await this.discard(documentId).catch(() => undefined);
      throw e;
    }
    return out;
  }

  private async putSmall(path: string, f: FileToKeep): Promise<DriveItem> {
    const handle = await open(f.path, 'r');
    let body: Buffer;
    try {
      body = await handle.readFile();
    } finally {
      await handle.close();
    }
    const response = await this.graph(
      `${this.url(path, ':/content')}?@microsoft.graph.conflictBehavior=replace`,
      { method: 'PUT', headers: { 'Content-Type': 'application/octet-stream' }, body },
    );
    if (!response.ok) return this.fail('opplastingen', response);
    return (await response.json()) as DriveItem;
  }

  private putLarge(path: string, f: FileToKeep): Promise<DriveItem> {
    return uploadInSession<DriveItem>(f.path, f.size, {
      policy: this.policy,
      fragmentBytes: this.fragment,
      maxResumes: 5,
      createSession: async () => {
        const created = await this.graph(this.url(path, ':/createUploadSession'), {
          method: 'POST',
          headers: { 'Content-Type': 'application/json' },
          body: JSON.stringify({ item: { '@microsoft.graph.conflictBehavior': 'replace' } }),
        });
        if (!created.ok) return this.fail('opplastingsøkten', created);
        return (await created.json()) as UploadSession;
      },
    });
  }

  async discard(documentId: string): Promise<void> {
    await rm(join(this.o.cacheDir, documentId), { recursive: true, force: true });
    const response = await this.graph(this.url(this.folderOf(documentId)), { method: 'DELETE' });
    if (!response.ok && response.status !== 404) await this.fail('slettingen', response);
  }

  /** GET …/content answers 302 to a pre-authenticated URL: follow it without the token. */
  private async download(file: StoredFile): Promise<Response> {
    // Only a kept copy of ours: `<folder>/<document>/<package name>` (a record edited by hand in
    // SharePoint cannot point the download at another file of the library).
    const parts = file.storedPath.split('/');
    const folder = this.o.folder.replace(/^\/+|\/+$/g, '');
    if (
      !file.storedPath.startsWith(`${folder}/`) ||
      parts.length !== folder.split('/').length + 2 ||
      parts.slice(-2).some((p) => p.includes('..') || !/^[A-Za-z0-9][A-Za-z0-9._-]{0,199}$/.test(p))
    ) {
      throw notFound('Filen');
    }
    const response = await this.graph(this.url(file.storedPath, ':/content'), {
      redirect: 'manual',
    });
    if (response.status === 404) throw notFound('Filen');
    if (response.status === 302 || response.status === 301 || response.status === 307) {
      const location = response.headers.get('location');
      await response.arrayBuffer().catch(() => undefined);
      if (!location) throw new ArchiveError('Biblioteket ga ingen nedlastingsadresse', true);
      const content = await withRetry(this.policy, () => fetch(location));
      if (!content.ok || !content.body) return this.fail('nedlastingen', content);
      return content;
    }
    if (!response.ok || !response.body) return this.fail('nedlastingen', response);
    return response;
  }

  async localPath(documentId: string, file: StoredFile): Promise<string> {
    const target = this.cachePath(documentId, file);
    const have = await stat(target).catch(() => null);
    if (have?.size === file.size && (await sha256Of(target)) === file.sha256) return target;
    await mkdir(join(this.o.cacheDir, documentId), { recursive: true });
    const temp = join(this.o.cacheDir, documentId, `.dl-${randomUUID()}`);
    const response = await this.download(file);
    const hash = createHash('sha256');
    let size = 0;
    const limit = file.size;
    const meter = new Transform({
      transform(chunk: Buffer, _enc, done) {
        size += chunk.length;
        if (size > limit) {
          done(new ArchiveError('Filen i biblioteket er større enn den lagrede', false));
          return;
        }
        hash.update(chunk);
        done(null, chunk);
      },
    });
    try {
      await pipeline(
        Readable.fromWeb(response.body as unknown as WebReadableStream),
        meter,
        createWriteStream(temp, { flags: 'wx' }),
      );
      if (size !== file.size || hash.digest('hex') !== file.sha256) {
        throw new ArchiveError(`Filen ${file.packageName} i biblioteket er endret`, false);
      }
      await rename(temp, target);
    } catch (e) {
      await rm(temp, { force: true });
      throw e;
    }
    return target;
  }

  async settled(documentId: string): Promise<void> {
    await rm(join(this.o.cacheDir, documentId), { recursive: true, force: true });
  }

  async open(file: StoredFile): Promise<Readable> {
    const response = await this.download(file);
    return Readable.fromWeb(response.body as unknown as WebReadableStream);
  }

  /** The cache holds only copies; the library's copies belong to their records. */
  async recover(): Promise<void> {
    await rm(this.o.cacheDir, { recursive: true, force: true });
  }
}

async function sha256Of(path: string): Promise<string> {
  const hash = createHash('sha256');
  await pipeline(createReadStream(path), hash);
  return hash.digest('hex');
}
