/**
 * File names from uploads are hostile input. `sanitiseFileName` keeps a readable name for display
 * and for the archive's `filnavn`: only the last path segment survives (no traversal), control and
 * bidirectional-override characters are removed, characters that are reserved on Windows or in
 * SharePoint are replaced, and reserved device names are defused. The name used on disk and in the
 * package (`packageFileName`) is built by the product from ASCII only and never from user input.
 */

const MAX_NAME = 180;
const FALLBACK = 'dokument';

// biome-ignore lint/suspicious/noControlCharactersInRegex: removing control characters is the point
const CONTROL = /[\u0000-\u001F\u007F-\u009F\u200B-\u200F\u202A-\u202E\u2066-\u2069\uFEFF]/g;
const RESERVED = /[<>:"/\\|?*#%]/g;
const WINDOWS_DEVICE = /^(con|prn|aux|nul|com\d|lpt\d)(\..*)?$/i;

export function sanitiseFileName(input: string): string {
  // Only the last segment of either kind of path separator counts.
  const last = input.split(/[/\\]/).pop() ?? '';
  let name = last.normalize('NFC').replace(CONTROL, '').replace(RESERVED, '_');
  name = name.replace(/\s+/g, ' ').replace(/^[\s.]+|[\s.]+$/g, '');
  if (name === '' || /^_*$/.test(name)) return FALLBACK;
  if (WINDOWS_DEVICE.test(name)) name = `_${name}`;
  if (name.length > MAX_NAME) {
    const { stem, ext } = splitExtension(name);
    name = `${stem.slice(0, MAX_NAME - ext.length - 1).trimEnd()}${ext ? `.${ext}` : ''}`;
  }
  return name;
}

export function splitExtension(name: string): { stem: string; ext: string } {
  const dot = name.lastIndexOf('.');
  if (dot <= 0 || dot === name.length - 1) return { stem: name, ext: '' };
  return { stem: name.slice(0, dot), ext: name.slice(dot + 1) };
}

const EXTENSION_ALIASES: Readonly<Record<string, readonly string[]>> = {
  jpg: ['jpg', 'jpeg', 'jpe'],
  tif: ['tif', 'tiff'],
};

/** The display name with the extension of the detected type (kept if it is already an alias). */
export function withDetectedExtension(name: string, detected: string): string {
  const { stem, ext } = splitExtension(name);
  const aliases = EXTENSION_ALIASES[detected] ?? [detected];
  if (aliases.includes(ext.toLowerCase())) return name;
  return `${ext ? name : stem}.${detected}`;
}

/** ASCII-only, unique name for the file inside an archive package: `02-moetereferat.pdf`. */
export function packageFileName(n: number, displayName: string, extension: string): string {
  const { stem } = splitExtension(displayName);
  const ascii = stem
    .replace(/æ/g, 'ae')
    .replace(/Æ/g, 'AE')
    .replace(/ø/g, 'o')
    .replace(/Ø/g, 'O')
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[^A-Za-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .toLowerCase()
    .slice(0, 60)
    .replace(/-+$/, '');
  const ext = extension.replace(/[^a-z0-9]/gi, '').toLowerCase() || 'bin';
  return `${String(n).padStart(2, '0')}-${ascii || FALLBACK}.${ext}`;
}

/** RFC 6266 / RFC 5987 Content-Disposition value: an ASCII fallback plus the UTF-8 name. */
export function contentDisposition(fileName: string, kind: 'attachment' | 'inline' = 'attachment') {
  const ascii = fileName.replace(/[^\x20-\x7E]/g, '_').replace(/["\\]/g, '_');
  const encoded = encodeURIComponent(fileName).replace(
    /['()*]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
  );
  return `${kind}; filename="${ascii}"; filename*=UTF-8''${encoded}`;
}
