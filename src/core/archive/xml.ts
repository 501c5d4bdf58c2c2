/**
 * A tiny, strict XML writer: an element tree serialised with escaping of every text and attribute
 * value. Pure (no I/O) so the arkivmelding builder can stay in the core.
 *
 * Why not a library: the core may import only zod and js-joda, and the arkivmelding needs nothing
 * beyond elements, text, attributes and namespace declarations. What matters is done here and
 * tested: `& < > " '` are escaped, and characters XML 1.0 cannot carry at all (most C0 controls,
 * lone surrogates, U+FFFE/U+FFFF) are refused — escaping cannot make them legal.
 */

export interface XmlElement {
  readonly name: string;
  readonly attributes?: Readonly<Record<string, string>>;
  readonly children: readonly XmlNode[];
}
export type XmlNode = XmlElement | string;

/**
 * True when the string holds a character XML 1.0 cannot carry at all, not even as a reference:
 * C0 controls other than tab, line feed and carriage return; lone surrogates; U+FFFE and U+FFFF.
 */
export function hasIllegalXmlChars(value: string): boolean {
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if (c < 0x20 && c !== 0x09 && c !== 0x0a && c !== 0x0d) return true;
    if (c === 0xfffe || c === 0xffff) return true;
    if (c >= 0xd800 && c <= 0xdbff) {
      const next = value.charCodeAt(i + 1);
      if (!(next >= 0xdc00 && next <= 0xdfff)) return true;
      i++;
    } else if (c >= 0xdc00 && c <= 0xdfff) return true;
  }
  return false;
}

export class XmlCharacterError extends Error {
  constructor(readonly element: string) {
    super(`Ugyldig tegn i XML-verdi for <${element}>`);
    this.name = 'XmlCharacterError';
  }
}

const NAME = /^[A-Za-z_][\w.-]*(:[A-Za-z_][\w.-]*)?$/;

export function escapeXmlText(value: string, element = 'tekst'): string {
  if (hasIllegalXmlChars(value)) throw new XmlCharacterError(element);
  return value
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/\r/g, '&#13;');
}

export function escapeXmlAttribute(value: string, element = 'attributt'): string {
  return escapeXmlText(value, element)
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;')
    .replace(/\t/g, '&#9;')
    .replace(/\n/g, '&#10;');
}

/** Builds an element; `undefined`/`null`/`false` children are dropped so optional parts read well. */
export function el(
  name: string,
  ...children: (XmlNode | readonly XmlNode[] | null | undefined | false)[]
): XmlElement {
  return { name, children: flatten(children) };
}

export function elAttr(
  name: string,
  attributes: Record<string, string>,
  ...children: (XmlNode | readonly XmlNode[] | null | undefined | false)[]
): XmlElement {
  return { name, attributes, children: flatten(children) };
}

function flatten(children: (XmlNode | readonly XmlNode[] | null | undefined | false)[]): XmlNode[] {
  const out: XmlNode[] = [];
  for (const c of children) {
    if (c === null || c === undefined || c === false) continue;
    if (Array.isArray(c)) out.push(...(c as readonly XmlNode[]));
    else out.push(c as XmlNode);
  }
  return out;
}

/** Serialises with two-space indentation; text-only elements stay on one line. */
export function serializeXml(root: XmlElement): string {
  const lines: string[] = ['<?xml version="1.0" encoding="UTF-8"?>'];
  write(root, 0, lines);
  return `${lines.join('\n')}\n`;
}

function write(node: XmlElement, depth: number, lines: string[]): void {
  if (!NAME.test(node.name)) throw new Error(`Ugyldig elementnavn: ${node.name}`);
  const pad = '  '.repeat(depth);
  const attrs = Object.entries(node.attributes ?? {})
    .map(([k, v]) => {
      if (!NAME.test(k)) throw new Error(`Ugyldig attributtnavn: ${k}`);
      return ` ${k}="${escapeXmlAttribute(v, node.name)}"`;
    })
    .join('');
  if (node.children.length === 0) {
    lines.push(`${pad}<${node.name}${attrs}/>`);
    return;
  }
  if (node.children.every((c) => typeof c === 'string')) {
    const text = node.children.map((c) => escapeXmlText(c as string, node.name)).join('');
    lines.push(`${pad}<${node.name}${attrs}>${text}</${node.name}>`);
    return;
  }
  lines.push(`${pad}<${node.name}${attrs}>`);
  for (const c of node.children) {
    if (typeof c === 'string') lines.push(`${pad}  ${escapeXmlText(c, node.name)}`);
    else write(c, depth + 1, lines);
  }
  lines.push(`${pad}</${node.name}>`);
}
