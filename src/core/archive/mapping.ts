import { PUBLIC, projectContract } from '../access.ts';
import type { Contract } from '../contract.ts';
import { osloToday } from '../dates.ts';
import type {
  ArchiveClassification,
  ArchiveScreening,
  ArkivmeldingInput,
  ArkivmeldingParty,
} from './arkivmelding.ts';
import { type Code, DEFAULT_ACCESS_CODES } from './codelists.ts';
import type { ArchiveDocument, ArchiveKeys, Screening } from './document.ts';

/** How the product identifies itself to the archive and which local codes it uses. */
export interface ArchiveProfile {
  /** `system` in the arkivmelding, e.g. "Kontraktsoppfølging". */
  readonly system: string;
  /** `fagsystem` in every external key; must never change once documents are filed. */
  readonly fagsystem: string;
  /** The archive's access codes (tilgangsrestriksjon); the default list is UNCONFIRMED. */
  readonly accessCodes: readonly Code[];
  /** Access code used on the case folder when the contract's title is confidential. */
  readonly caseAccessCode: string;
  /** Optional classification of the case folder (e.g. the municipality's K-code for procurement). */
  readonly classification: ArchiveClassification | null;
}

export const DEFAULT_ARCHIVE_PROFILE: ArchiveProfile = {
  system: 'Kontraktsoppfølging',
  fagsystem: 'kontraktsoppfolging',
  accessCodes: DEFAULT_ACCESS_CODES.map(({ kode, beskrivelse }) => ({ kode, beskrivelse })),
  caseAccessCode: '13',
  classification: null,
};

/** Stable external keys: one per contract (the case), one per document (the entry). */
export function archiveKeys(
  fagsystem: string,
  contractId: string,
  documentId: string,
): ArchiveKeys {
  return { fagsystem, caseKey: `kontrakt:${contractId}`, entryKey: `dokument:${documentId}` };
}

export function accessCode(profile: ArchiveProfile, kode: string): Code | null {
  return profile.accessCodes.find((c) => c.kode === kode) ?? null;
}

function screeningOf(profile: ArchiveProfile, s: Screening | null): ArchiveScreening | null {
  if (!s) return null;
  const code = accessCode(profile, s.accessCode);
  if (!code) throw new Error(`Ukjent tilgangskode ${s.accessCode}`);
  return { accessCode: code, legalBasis: s.legalBasis };
}

/** The case folder's public title: the contract as the public sees it. */
export function casePublicTitle(contract: Contract): string {
  const seen = projectContract(PUBLIC, contract);
  return seen.title
    ? `${contract.referenceNumber} ${seen.title}`
    : `Avtale ${contract.referenceNumber}`;
}

export function arkivmeldingFor(
  profile: ArchiveProfile,
  contract: Contract,
  doc: ArchiveDocument,
): ArkivmeldingInput {
  const suppliersScreened = Boolean(contract.confidential.suppliers);
  const titleMark = contract.confidential.title;
  const caseCode = titleMark ? accessCode(profile, profile.caseAccessCode) : null;
  if (titleMark && !caseCode) throw new Error(`Ukjent tilgangskode ${profile.caseAccessCode}`);
  const parts: ArkivmeldingParty[] = contract.suppliers.map((s) => ({
    name: s.name,
    orgnr: s.orgnr,
    screened: suppliersScreened,
  }));
  const correspondent = doc.correspondent
    ? {
        ...doc.correspondent,
        screened:
          suppliersScreened && contract.suppliers.some((s) => s.orgnr === doc.correspondent?.orgnr),
      }
    : null;
  return {
    system: profile.system,
    fagsystem: doc.archiveKeys.fagsystem,
    case: {
      key: doc.archiveKeys.caseKey,
      title: `${contract.referenceNumber} ${contract.title}`,
      publicTitle: casePublicTitle(contract),
      description: null,
      caseNumber: contract.caseNumber,
      caseDate: contract.startDate,
      administrativeUnit: contract.owningUnitId,
      responsible: contract.ownerId,
      parts,
      screening:
        titleMark && caseCode ? { accessCode: caseCode, legalBasis: titleMark.legalBasis } : null,
      classification: profile.classification,
    },
    entry: {
      key: doc.archiveKeys.entryKey,
      title: doc.title,
      publicTitle: doc.publicTitle,
      description: doc.description,
      entryType: doc.entryType,
      documentDate: doc.documentDate,
      // The journal date is the day of upload, so a retried message is identical to the first.
      journalDate: osloToday(new Date(doc.createdAt)),
      createdAt: doc.createdAt,
      createdBy: doc.createdByName,
      screening: screeningOf(profile, doc.screening),
      correspondent,
      files: doc.files.map((f, i) => ({
        key: `${doc.archiveKeys.entryKey}/${f.n}`,
        n: f.n,
        title: i === 0 ? doc.title : f.fileName,
        documentType: i === 0 ? doc.documentType : 'VEDLEGG',
        documentStatus: doc.documentStatus,
        fileName: f.fileName,
        packageName: f.packageName,
        mediaType: f.mediaType,
        size: f.size,
        sha256: f.sha256,
        variant: f.variant,
        formatDetails: f.formatDetails,
      })),
    },
  };
}
