import { createReadStream } from 'node:fs';
import { fileTypeFromFile } from 'file-type';

/**
 * Upload types are decided by content (magic numbers through `file-type`), never by the name or the
 * declared Content-Type. Office Open XML (.docx/.xlsx/.pptx) are zip containers: `file-type` looks
 * inside the zip for `[Content_Types].xml` and the main part, so a plain zip is still a zip.
 */

export interface DetectedType {
  readonly extension: string;
  readonly mediaType: string;
  /** A (archive format) for PDF/A, P (production format) otherwise. */
  readonly variant: 'P' | 'A';
  /** E.g. "PDF/A-2b" when the file declares PDF/A conformance in its XMP metadata. */
  readonly formatDetails: string | null;
}

export type Detection = { ok: true; type: DetectedType } | { ok: false; reason: string };

/** The accepted types: PDF (and PDF/A), Office documents (OOXML and ODF), common images. */
export const ACCEPTED: Readonly<Record<string, string>> = {
  pdf: 'application/pdf',
  docx: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  pptx: 'application/vnd.openxmlformats-officedocument.presentationml.presentation',
  odt: 'application/vnd.oasis.opendocument.text',
  ods: 'application/vnd.oasis.opendocument.spreadsheet',
  odp: 'application/vnd.oasis.opendocument.presentation',
  jpg: 'image/jpeg',
  png: 'image/png',
  tif: 'image/tiff',
  gif: 'image/gif',
  webp: 'image/webp',
};

const EXECUTABLES = new Set([
  'exe',
  'elf',
  'macho',
  'dex',
  'class',
  'wasm',
  'msi',
  'deb',
  'rpm',
  'apk',
  'dmg',
  'swf',
  'crx',
  'xpi',
  'jar',
  'lnk',
]);
const ARCHIVES = new Set([
  'zip',
  'rar',
  '7z',
  'gz',
  'tar',
  'bz2',
  'xz',
  'zst',
  'lz',
  'lzh',
  'cab',
  'ar',
  'arj',
  'cpio',
  'lz4',
  'Z',
  'iso',
  'vhd',
  'vhdx',
]);
const MACROS = new Set(['docm', 'xlsm', 'pptm', 'dotm', 'xltm', 'potm']);

export async function detectDocumentType(path: string): Promise<Detection> {
  const found = await fileTypeFromFile(path);
  if (!found) {
    return {
      ok: false,
      reason:
        'Ukjent filtype. Last opp PDF, Office-dokumenter (Word, Excel, PowerPoint, ODF) eller bilder.',
    };
  }
  const mediaType = ACCEPTED[found.ext];
  if (mediaType) {
    const formatDetails = found.ext === 'pdf' ? await pdfaConformance(path) : null;
    return {
      ok: true,
      type: { extension: found.ext, mediaType, variant: formatDetails ? 'A' : 'P', formatDetails },
    };
  }
  if (EXECUTABLES.has(found.ext) || found.ext === 'cfb') {
    // CFB covers old binary Office files but also Windows installers (.msi): refused as unsafe.
    return {
      ok: false,
      reason: `Kjørbare filer og installasjonspakker tas ikke imot (${found.ext}).`,
    };
  }
  if (ARCHIVES.has(found.ext)) {
    return {
      ok: false,
      reason: `Komprimerte arkivfiler tas ikke imot (${found.ext}). Last opp filene hver for seg.`,
    };
  }
  if (MACROS.has(found.ext)) {
    return {
      ok: false,
      reason: `Office-filer med makroer tas ikke imot (${found.ext}). Lagre uten makroer.`,
    };
  }
  return { ok: false, reason: `Filtypen ${found.ext} tas ikke imot.` };
}

/**
 * Reads the PDF's XMP metadata for `pdfaid:part` and `pdfaid:conformance` (PDF/A requires the
 * metadata stream to be unfiltered, so a text scan finds it). Returns e.g. "PDF/A-2b", or null.
 */
export async function pdfaConformance(path: string): Promise<string | null> {
  const part = /pdfaid:part(?:="|>)\s*([1-4])/;
  const conformance = /pdfaid:conformance(?:="|>)\s*([ABUabu])/;
  let tail = '';
  let foundPart: string | null = null;
  let foundConformance: string | null = null;
  for await (const chunk of createReadStream(path, {
    encoding: 'latin1',
    highWaterMark: 1 << 20,
  })) {
    const text = tail + (chunk as string);
    foundPart ??= text.match(part)?.[1] ?? null;
    foundConformance ??= text.match(conformance)?.[1] ?? null;
    if (foundPart && foundConformance) break;
    tail = text.slice(-64);
  }
  if (!foundPart) return null;
  return `PDF/A-${foundPart}${foundConformance ? foundConformance.toLowerCase() : ''}`;
}
