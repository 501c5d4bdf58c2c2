import { Readable } from 'node:stream';
import type { DocumentView } from '../../core/archive/index.ts';
import type { Contract, User } from '../../core/index.ts';
import type { DocumentService } from '../documents/document-service.ts';

/**
 * A small, valid one-page PDF (PDF 1.7, Helvetica with WinAnsi encoding so Norwegian letters show)
 * for demo documents. Lines are plain text; parentheses and backslashes are escaped.
 */
export function simplePdf(lines: readonly string[]): Buffer {
  const pdfText = (s: string) =>
    s.replace(/[^\x20-\x7E\u00A0-\u00FF]/g, '?').replace(/([()\\])/g, '\\$1');
  const text = lines
    .map((l, i) => `BT /F1 ${i === 0 ? 16 : 11} Tf 72 ${760 - i * 22} Td (${pdfText(l)}) Tj ET`)
    .join('\n');
  const objects = [
    '<< /Type /Catalog /Pages 2 0 R >>',
    '<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
    '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>',
    `<< /Length ${Buffer.byteLength(text, 'latin1')} >>\nstream\n${text}\nendstream`,
    '<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>',
  ];
  let body = '%PDF-1.7\n%\xE2\xE3\xCF\xD3\n';
  const offsets: number[] = [];
  objects.forEach((o, i) => {
    offsets.push(Buffer.byteLength(body, 'latin1'));
    body += `${i + 1} 0 obj\n${o}\nendobj\n`;
  });
  const xref = Buffer.byteLength(body, 'latin1');
  body += `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n`;
  for (const off of offsets) body += `${String(off).padStart(10, '0')} 00000 n \n`;
  body += `trailer\n<< /Size ${objects.length + 1} /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`;
  return Buffer.from(body, 'latin1');
}

export interface SeedDocumentsOptions {
  /** How many contracts get a signed agreement (those with a supplier first). Default 4. */
  readonly count?: number;
  /** Which of them (0-based) is filed under screening. Default 1. */
  readonly screenedIndex?: number;
}

/**
 * Files the signed agreement of several demo contracts (one of them screened) so a new user finds
 * real arkivmelding packages under `<dataDir>/archive/outbox/` right after the quick start.
 * Safe to run on every start: each document has an idempotency key per contract.
 */
export async function seedDemoDocuments(
  documents: DocumentService,
  contracts: readonly Contract[],
  actor: User,
  options: SeedDocumentsOptions = {},
): Promise<DocumentView[]> {
  const count = options.count ?? 4;
  const screenedIndex = options.screenedIndex ?? 1;
  const chosen = contracts.filter((c) => c.suppliers.length > 0 && !c.draft).slice(0, count);
  const out: DocumentView[] = [];
  for (const [i, c] of chosen.entries()) {
    const supplier = c.suppliers[0]!;
    const screened = i === screenedIndex;
    const title = screened
      ? `Signert avtale med prisbilag – ${c.referenceNumber}`
      : `Signert avtale – ${c.referenceNumber}`;
    const pdf = simplePdf([
      title,
      c.title,
      `Leverandør: ${supplier.name} (org.nr. ${supplier.orgnr})`,
      `Avtaleperiode: ${c.startDate ?? '–'} til ${c.endDate ?? '–'}`,
      screened ? 'Prisbilaget er unntatt offentlighet (forretningshemmeligheter).' : '',
      'Demodokument fra Kontraktsoppfølging.',
    ]);
    const staged = await documents.stage(
      Readable.from([pdf]),
      `Signert avtale ${c.referenceNumber}.pdf`,
    );
    out.push(
      await documents.create(actor, {
        contractId: c.id,
        idempotencyKey: 'demo-signed-agreement',
        files: [staged],
        metadata: {
          title,
          entryType: 'U',
          documentType: 'AVTALE',
          documentDate: c.startDate,
          correspondent: { name: supplier.name, orgnr: supplier.orgnr },
          screening: screened
            ? {
                accessCode: '13',
                legalBasis: 'Offl. § 13 jf. fvl. § 13 første ledd nr. 2',
                screenedWords: ['prisbilag'],
              }
            : null,
        },
      }),
    );
  }
  return out;
}
