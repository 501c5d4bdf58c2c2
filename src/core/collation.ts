/**
 * A sort key that orders Norwegian text as people expect: case-insensitive, accents ignored
 * (é = e), and æ, ø, å as the last three letters of the alphabet, in that order.
 */
export function norwegianSortKey(text: string): string {
  return text
    .toLowerCase()
    .replace(/æ|ä/g, '\u007b')
    .replace(/ø|ö/g, '\u007c')
    .replace(/å/g, '\u007d')
    .normalize('NFD')
    .replace(/\p{M}/gu, '');
}
