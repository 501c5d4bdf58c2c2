import type { ArchiveKeys, ContractDocumentType, EntryType } from '../core/archive/index.ts';

/** A file of a package: read from local storage, written under `packageName`. */
export interface ArchivePackageFile {
  readonly packageName: string;
  /** Absolute path of the stored file. */
  readonly path: string;
  readonly size: number;
  readonly sha256: string;
  readonly mediaType: string;
}

/** Metadata an adapter may set on the filed item (SharePoint list item fields, for example). */
export interface ArchiveItemMetadata {
  /** The public title: screened words are masked. The full title travels only in the XML. */
  readonly publicTitle: string;
  readonly entryType: EntryType;
  readonly documentType: ContractDocumentType;
  readonly accessCode: string | null;
  readonly legalBasis: string | null;
  readonly contractReference: string;
  readonly caseNumber: string | null;
  readonly correspondentName: string | null;
  readonly correspondentOrgnr: string | null;
}

/** One registry entry: its arkivmelding and its document files. */
export interface ArchivePackage {
  readonly keys: ArchiveKeys;
  /** Folder name of the entry: derived from the entry key, the same on every retry. */
  readonly folderName: string;
  readonly arkivmelding: string;
  readonly files: readonly ArchivePackageFile[];
  readonly metadata: ArchiveItemMetadata;
}

export interface ArchiveReceipt {
  /** Where the entry now lives (outbox path or the library item's URL). */
  readonly reference: string;
  /** True when the entry was already there from an earlier attempt (nothing was written twice). */
  readonly alreadyFiled: boolean;
  readonly keys: ArchiveKeys;
}

/** A filing that did not succeed; `reason` is shown to the user (bokmål). */
export class ArchiveError extends Error {
  constructor(
    readonly reason: string,
    readonly retryable: boolean,
    options?: { cause?: unknown },
  ) {
    super(reason, options);
    this.name = 'ArchiveError';
  }
}

/**
 * The archive behind the product. `file` is idempotent: filing the same package again (same
 * entry key) never creates a second entry. Adapters: `folder/` (embedded default: arkivmelding
 * packages in the data folder's outbox) and `sharepoint/` (a document library through Graph).
 */
export interface ArchiveGateway {
  readonly kind: string;
  file(pkg: ArchivePackage): Promise<ArchiveReceipt>;
  /** Removes what an interrupted filing left behind (temporary folders); safe to call at start. */
  recover(): Promise<void>;
}

const SAFE_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,199}$/;

/** Package and folder names are built by the product; this guards every adapter anyway. */
export function assertSafeName(name: string): void {
  if (!SAFE_NAME.test(name) || name.includes('..')) {
    throw new ArchiveError(`Ugyldig navn i arkivpakken: ${JSON.stringify(name)}`, false);
  }
}
