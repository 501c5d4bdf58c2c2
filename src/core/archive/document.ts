import { z } from 'zod';
import { canSeeConfidential, type Viewer } from '../access.ts';
import type { Contract } from '../contract.ts';
import { orgnrSchema } from '../contract.ts';
import { isIsoDate } from '../dates.ts';
import {
  CONTRACT_DOCUMENT_TYPES,
  type ContractDocumentType,
  type Dokumentstatus,
  ENTRY_TYPES,
  type EntryType,
  type Variantformat,
} from './codelists.ts';
import { hasIllegalXmlChars } from './xml.ts';

/** What replaces a screened word in the public title (Noark practice: asterisks). */
export const SCREEN_MASK = '*****';

/**
 * Text that may travel to the archive, the API and the tab: no characters XML cannot carry, no
 * C1 controls and no bidirectional overrides (which can make a title read differently than it is).
 */
export function isCleanText(value: string): boolean {
  return !hasIllegalXmlChars(value) && !/[\u007F-\u009F\u202A-\u202E\u2066-\u2069]/.test(value);
}

const cleanText = (max: number) =>
  z
    .string()
    .trim()
    .max(max, `kan ha høyst ${max} tegn`)
    .refine(isCleanText, 'inneholder kontrolltegn som ikke er tillatt');

const isoDate = z.string().refine(isIsoDate, 'må være en dato på formen ÅÅÅÅ-MM-DD');

export const screeningSchema = z.object({
  /** Access code (tilgangsrestriksjon), from the archive's configured list. */
  accessCode: z.string().trim().min(1, 'mangler tilgangskode').max(20),
  /** Legal basis (skjermingshjemmel), e.g. "Offl. § 13 jf. fvl. § 13 første ledd nr. 2". */
  legalBasis: cleanText(300).pipe(z.string().min(1, 'mangler skjermingshjemmel')),
  /** Words or phrases of the title that are screened in the public title. */
  screenedWords: z
    .array(cleanText(200).pipe(z.string().min(1)))
    .max(20)
    .default([]),
});
export type Screening = z.output<typeof screeningSchema>;

export const correspondentSchema = z.object({
  name: cleanText(200).pipe(z.string().min(1, 'mangler navn')),
  orgnr: orgnrSchema,
});
export type Correspondent = z.output<typeof correspondentSchema>;

export const documentMetadataSchema = z
  .object({
    title: cleanText(500).pipe(z.string().min(1, 'mangler tittel')),
    entryType: z.enum(ENTRY_TYPES, 'må være I, U, N eller X'),
    documentType: z.enum(CONTRACT_DOCUMENT_TYPES).default('DOKUMENT'),
    documentStatus: z.enum(['B', 'F']).default('F'),
    documentDate: isoDate.nullable().default(null),
    description: cleanText(2000).nullable().default(null),
    taskId: z.string().trim().min(1).max(100).nullable().default(null),
    screening: screeningSchema.nullable().default(null),
    /** The supplier (or other external party) for incoming and outgoing entries. */
    correspondent: correspondentSchema.nullable().default(null),
  })
  .strict()
  .superRefine((m, ctx) => {
    const lower = m.title.toLocaleLowerCase('nb');
    m.screening?.screenedWords.forEach((w, i) => {
      if (!lower.includes(w.toLocaleLowerCase('nb'))) {
        ctx.addIssue({
          code: 'custom',
          path: ['screening', 'screenedWords', i],
          message: 'ordet finnes ikke i tittelen',
        });
      }
    });
  });
export type DocumentMetadataInput = z.input<typeof documentMetadataSchema>;
export type DocumentMetadata = z.output<typeof documentMetadataSchema>;

/** The public title: every screened word replaced by asterisks, case-insensitively. */
export function publicTitle(title: string, screening: Pick<Screening, 'screenedWords'> | null) {
  if (!screening || screening.screenedWords.length === 0) return title;
  const words = [...screening.screenedWords].sort((a, b) => b.length - a.length);
  const pattern = new RegExp(
    words.map((w) => w.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|'),
    'giu',
  );
  return title.replace(pattern, SCREEN_MASK);
}

export const DOCUMENT_STATUSES = ['pending', 'filed', 'failed'] as const;
export type DocumentStatus = (typeof DOCUMENT_STATUSES)[number];

export interface DocumentFile {
  /** 1-based position; 1 is the main document (hoveddokument), the rest are attachments. */
  readonly n: number;
  /** The sanitised original name, with the extension of the detected type. */
  readonly fileName: string;
  /** The name inside the archive package (ASCII, unique within the entry). */
  readonly packageName: string;
  readonly mediaType: string;
  readonly extension: string;
  readonly size: number;
  readonly sha256: string;
  /** P production format, A archive format (PDF/A). */
  readonly variant: Extract<Variantformat, 'P' | 'A'>;
  /** E.g. "PDF/A-2b" when the file declares conformance. */
  readonly formatDetails: string | null;
}

export interface ArchiveKeys {
  readonly fagsystem: string;
  /** External key of the case folder (one per contract). */
  readonly caseKey: string;
  /** External key of the registry entry (one per document, stable across retries). */
  readonly entryKey: string;
}

export interface ArchiveDocument {
  readonly id: string;
  readonly contractId: string;
  readonly taskId: string | null;
  readonly title: string;
  readonly publicTitle: string;
  readonly entryType: EntryType;
  readonly documentType: ContractDocumentType;
  readonly documentStatus: Extract<Dokumentstatus, 'B' | 'F'>;
  readonly documentDate: string | null;
  readonly description: string | null;
  readonly screening: Screening | null;
  readonly correspondent: Correspondent | null;
  readonly files: readonly DocumentFile[];
  readonly status: DocumentStatus;
  readonly archiveReference: string | null;
  readonly archiveKeys: ArchiveKeys;
  readonly failureReason: string | null;
  readonly attempts: number;
  readonly createdAt: string;
  readonly createdBy: string;
  readonly createdByName: string;
  readonly filedAt: string | null;
  readonly updatedAt: string;
}

export const isScreened = (d: Pick<ArchiveDocument, 'screening'>): boolean => d.screening !== null;

/** What a viewer may see of a document. */
export interface DocumentView {
  readonly id: string;
  readonly contractId: string;
  readonly taskId: string | null;
  /** The full title, or the public title when the viewer may not see screened words. */
  readonly title: string;
  readonly entryType: EntryType;
  readonly documentType: ContractDocumentType;
  readonly documentStatus: 'B' | 'F';
  readonly documentDate: string | null;
  readonly description: string | null;
  /** Access code and legal basis (shown to all, so a reader sees that and why it is withheld). */
  readonly screening: { readonly accessCode: string; readonly legalBasis: string } | null;
  readonly screenedWords: readonly string[] | null;
  readonly correspondent: Correspondent | null;
  readonly files: readonly {
    readonly n: number;
    readonly fileName: string | null;
    readonly mediaType: string;
    readonly size: number;
    readonly variant: 'P' | 'A';
  }[];
  readonly status: DocumentStatus;
  readonly archiveReference: string | null;
  readonly failureReason: string | null;
  readonly attempts: number;
  readonly createdAt: string;
  readonly createdByName: string | null;
  readonly filedAt: string | null;
  readonly canDownload: boolean;
  readonly withheld: boolean;
}

type ContractAccess = Pick<Contract, 'ownerId' | 'managerId' | 'published'>;

/** Whether the viewer may see the full document (title, file names, content). */
export function canSeeDocument(viewer: Viewer, contract: ContractAccess, d: ArchiveDocument) {
  if (viewer.kind === 'public') return !isScreened(d);
  return !isScreened(d) || canSeeConfidential(viewer, contract);
}

/** Content may be downloaded by signed-in users who may see the document; never anonymously. */
export function canDownloadDocument(viewer: Viewer, contract: ContractAccess, d: ArchiveDocument) {
  return viewer.kind === 'user' && canSeeDocument(viewer, contract, d);
}

/**
 * THE projection of a document for a viewer (the document-side twin of `projectContract`).
 * The public sees only unscreened, filed documents of published contracts — never a screened one;
 * a signed-in reader without rights sees a screened document with its public title only, without
 * file names, description or correspondent.
 */
export function projectDocument(
  viewer: Viewer,
  contract: ContractAccess,
  d: ArchiveDocument,
): DocumentView | null {
  if (viewer.kind === 'public') {
    if (isScreened(d) || !contract.published || d.status !== 'filed') return null;
  }
  const full = canSeeDocument(viewer, contract, d);
  const internal = viewer.kind === 'user';
  return {
    id: d.id,
    contractId: d.contractId,
    taskId: internal ? d.taskId : null,
    title: full ? d.title : d.publicTitle,
    entryType: d.entryType,
    documentType: d.documentType,
    documentStatus: d.documentStatus,
    documentDate: d.documentDate,
    description: full ? d.description : null,
    screening: d.screening
      ? { accessCode: d.screening.accessCode, legalBasis: d.screening.legalBasis }
      : null,
    screenedWords: full && d.screening ? d.screening.screenedWords : null,
    correspondent: full ? d.correspondent : null,
    files: d.files.map((f) => ({
      n: f.n,
      fileName: full ? f.fileName : null,
      mediaType: f.mediaType,
      size: f.size,
      variant: f.variant,
    })),
    status: d.status,
    archiveReference: internal ? d.archiveReference : null,
    failureReason: internal ? d.failureReason : null,
    attempts: internal ? d.attempts : 0,
    createdAt: d.createdAt,
    createdByName: internal ? d.createdByName : null,
    filedAt: d.filedAt,
    canDownload: canDownloadDocument(viewer, contract, d),
    withheld: !full,
  };
}

/** The public list of a contract's documents: only what `projectDocument` lets the public see. */
export function publicDocuments(
  contract: ContractAccess,
  docs: readonly ArchiveDocument[],
): DocumentView[] {
  return docs.flatMap((d) => {
    const v = projectDocument({ kind: 'public' }, contract, d);
    return v ? [v] : [];
  });
}
