import { open } from 'node:fs/promises';
import { Client, GraphError, HTTPMessageHandler } from '@microsoft/microsoft-graph-client';
import { ARKIVMELDING_FILE } from '../../core/archive/index.ts';
import {
  ArchiveError,
  type ArchiveGateway,
  type ArchiveItemMetadata,
  type ArchivePackage,
  type ArchivePackageFile,
  type ArchiveReceipt,
  assertSafeName,
} from '../archive-gateway.port.ts';
import {
  AuthAndRetryMiddleware,
  defaultSleep,
  RETRY_STATUSES,
  type RetryPolicy,
} from './graph-retry.ts';
import { fragmentSize, type UploadSession, uploadInSession } from './upload-session.ts';

export interface SharePointArchiveOptions {
  /** Default https://graph.microsoft.com; tests point it at a local server. */
  readonly graphBaseUrl?: string;
  /** Access token for Graph (client credentials from @azure/msal-node in production). */
  readonly getToken: () => Promise<string>;
  /** The document library's drive id. */
  readonly driveId: string;
  /** Folder in the library that receives the packages, e.g. "Arkiv/Kontraktsoppfølging". */
  readonly rootFolder: string;
  /** Files up to this size go in one PUT; larger ones through an upload session. Default 4 MiB. */
  readonly simpleUploadMaxBytes?: number;
  /** Fragment size of upload sessions; a multiple of 320 KiB. Default 10 × 320 KiB. */
  readonly fragmentBytes?: number;
  readonly retry?: Partial<RetryPolicy>;
  /** How many times a broken upload session is resumed from `nextExpectedRanges`. Default 5. */
  readonly maxResumes?: number;
}

/** Library columns the adapter fills (internal names); provisioned with the library. */
export const ARCHIVE_COLUMNS = {
  title: 'Title',
  entryType: 'Journalposttype',
  documentType: 'Dokumenttype',
  accessCode: 'Tilgangsrestriksjon',
  legalBasis: 'Skjermingshjemmel',
  contractReference: 'Avtalenummer',
  caseNumber: 'Saksnummer',
  correspondentName: 'Korrespondansepart',
  correspondentOrgnr: 'KorrespondansepartOrgnr',
  fagsystem: 'Fagsystem',
  entryKey: 'EksternNoekkel',
} as const;

interface DriveItem {
  readonly id: string;
  readonly name: string;
  readonly size?: number;
  readonly webUrl?: string;
}

/**
 * The Microsoft 365 archive: each registry entry becomes a folder in a SharePoint document library
 * (`<rootFolder>/<entry>/`) with the document files and `arkivmelding.xml`, for the archive system
 * to pick up. Small files go in one PUT, large ones through an upload session in 320 KiB multiples
 * that resumes from `nextExpectedRanges` after a broken fragment. Archive metadata is written to
 * the list item fields (public title only: screened words never reach the library's columns).
 * `arkivmelding.xml` is written last and is the commit mark: a folder without it is an unfinished
 * attempt that a retry completes (files are replaced, never duplicated). 429/503/504 are retried
 * honouring Retry-After.
 */
export class SharePointArchiveGateway implements ArchiveGateway {
  readonly kind = 'sharepoint';
  private readonly client: Client;
  private readonly policy: RetryPolicy;
  private readonly simpleMax: number;
  private readonly fragment: number;
  private readonly maxResumes: number;

  constructor(private readonly options: SharePointArchiveOptions) {
    this.policy = {
      maxRetries: options.retry?.maxRetries ?? 5,
      maxDelayMs: options.retry?.maxDelayMs ?? 60_000,
      sleep: options.retry?.sleep ?? defaultSleep,
    };
    this.simpleMax = options.simpleUploadMaxBytes ?? 4 * 1024 * 1024;
    this.fragment = fragmentSize(options.fragmentBytes);
    this.maxResumes = options.maxResumes ?? 5;
    const auth = new AuthAndRetryMiddleware(options.getToken, this.policy);
    auth.setNext(new HTTPMessageHandler());
    this.client = Client.initWithMiddleware({
      baseUrl: `${(options.graphBaseUrl ?? 'https://graph.microsoft.com').replace(/\/$/, '')}/`,
      defaultVersion: 'v1.0',
      middleware: auth,
    });
  }

  async file(pkg: ArchivePackage): Promise<ArchiveReceipt> {
    assertSafeName(pkg.folderName);
    for (const f of pkg.files) assertSafeName(f.packageName);
    const folder = `${this.options.rootFolder.replace(/^\/+|\/+$/g, '')}/${pkg.folderName}`;
    try {
      const done = await this.find(`${folder}/${ARKIVMELDING_FILE}`);
      if (done) return { reference: done.webUrl ?? done.id, alreadyFiled: true, keys: pkg.keys };
      for (const f of pkg.files) {
        const item =
          f.size <= this.simpleMax
            ? await this.putSmall(`${folder}/${f.packageName}`, await readAll(f))
            : await this.putLarge(`${folder}/${f.packageName}`, f);
        if (item.size !== undefined && item.size !== f.size) {
          throw new ArchiveError(
            `Biblioteket fikk ${item.size} av ${f.size} byte for ${f.packageName}`,
            true,
          );
        }
        await this.setFields(item.id, pkg, pkg.metadata);
      }
      const marker = await this.putSmall(
        `${folder}/${ARKIVMELDING_FILE}`,
        Buffer.from(pkg.arkivmelding, 'utf8'),
      );
      return { reference: marker.webUrl ?? marker.id, alreadyFiled: false, keys: pkg.keys };
    } catch (e) {
      throw toArchiveError(e);
    }
  }

  /** Nothing to clean locally: unfinished folders are completed by the next attempt. */
  async recover(): Promise<void> {}

  private itemPath(path: string): string {
    const encoded = path.split('/').map(encodeURIComponent).join('/');
    return `/drives/${encodeURIComponent(this.options.driveId)}/root:/${encoded}`;
  }

  private async find(path: string): Promise<DriveItem | null> {
    try {
      return (await this.client
        .api(this.itemPath(path))
        .select('id,name,size,webUrl')
        .get()) as DriveItem;
    } catch (e) {
      if (e instanceof GraphError && e.statusCode === 404) return null;
      throw e;
    }
  }

  private async putSmall(path: string, body: Buffer): Promise<DriveItem> {
    return (await this.client
      .api(`${this.itemPath(path)}:/content`)
      .query({ '@microsoft.graph.conflictBehavior': 'replace' })
      .header('Content-Type', 'application/octet-stream')
      .put(body)) as DriveItem;
  }

  private async setFields(itemId: string, pkg: ArchivePackage, m: ArchiveItemMetadata) {
    const c = ARCHIVE_COLUMNS;
    await this.client
      .api(
        `/drives/${encodeURIComponent(this.options.driveId)}/items/${encodeURIComponent(itemId)}/listItem/fields`,
      )
      .patch({
        [c.title]: m.publicTitle,
        [c.entryType]: m.entryType,
        [c.documentType]: m.documentType,
        [c.accessCode]: m.accessCode,
        [c.legalBasis]: m.legalBasis,
        [c.contractReference]: m.contractReference,
        [c.caseNumber]: m.caseNumber,
        [c.correspondentName]: m.accessCode ? null : m.correspondentName,
        [c.correspondentOrgnr]: m.accessCode ? null : m.correspondentOrgnr,
        [c.fagsystem]: pkg.keys.fagsystem,
        [c.entryKey]: pkg.keys.entryKey,
      });
  }

  private putLarge(path: string, file: ArchivePackageFile): Promise<DriveItem> {
    return uploadInSession<DriveItem>(file.path, file.size, {
      policy: this.policy,
      fragmentBytes: this.fragment,
      maxResumes: this.maxResumes,
      createSession: async () =>
        (await this.client.api(`${this.itemPath(path)}:/createUploadSession`).post({
          item: { '@microsoft.graph.conflictBehavior': 'replace' },
        })) as UploadSession,
    });
  }
}

async function readAll(f: ArchivePackageFile): Promise<Buffer> {
  const handle = await open(f.path, 'r');
  try {
    return await handle.readFile();
  } finally {
    await handle.close();
  }
}

function toArchiveError(e: unknown): ArchiveError {
  if (e instanceof ArchiveError) return e;
  if (e instanceof GraphError) {
    const retryable = e.statusCode === 0 || e.statusCode >= 500 || RETRY_STATUSES.has(e.statusCode);
    return new ArchiveError(
      `SharePoint svarte ${e.statusCode || 'ikke'}${e.code ? ` (${e.code})` : ''}: ${e.message}`,
      retryable,
      { cause: e },
    );
  }
  return new ArchiveError(`Kunne ikke arkivere i SharePoint: ${(e as Error).message}`, true, {
    cause: e,
  });
}
