/**
 * A tiny HTML template tag that escapes every interpolated value unless it is already `Html`
 * (the output of another `html` template). Nothing reaches a page as markup by accident: a title
 * with `<script>` is shown as text.
 */
export class Html {
  constructor(readonly value: string) {}
  toString(): string {
    return this.value;
  }
}

const ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
  '`': '&#96;',
};

const SPECIAL = /[&<>"'`]/;

export function escapeHtml(value: string): string {
  return SPECIAL.test(value) ? value.replace(/[&<>"'`]/g, (c) => ESCAPES[c] as string) : value;
}

export type Renderable =
  | Html
  | string
  | number
  | boolean
  | null
  | undefined
  | readonly Renderable[];

function render(value: Renderable): string {
  if (value === null || value === undefined || value === false || value === true) return '';
  if (value instanceof Html) return value.value;
  if (Array.isArray(value)) return value.map(render).join('');
  return escapeHtml(String(value));
}

export function html(strings: TemplateStringsArray, ...values: Renderable[]): Html {
  let out = strings[0] ?? '';
  values.forEach((v, i) => {
    out += render(v) + (strings[i + 1] ?? '');
  });
  return new Html(out);
}

/** Trusted markup built by this module's callers from constants only (never user input). */
export const raw = (markup: string): Html => new Html(markup);
