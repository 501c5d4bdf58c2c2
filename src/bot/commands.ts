import type { Lang } from '../cards/i18n.ts';

/** What the user asked for in a chat message. `lang` is the language the command was written in. */
export type Command =
  | { readonly kind: 'myTasks'; readonly lang: Lang }
  | { readonly kind: 'search'; readonly text: string; readonly lang: Lang }
  | { readonly kind: 'contract'; readonly reference: string; readonly lang: Lang }
  | { readonly kind: 'help'; readonly lang: Lang }
  | { readonly kind: 'unknown'; readonly text: string; readonly lang: null };

/** Longer messages are not commands; the bot answers them as unknown text (shortened). */
export const MAX_COMMAND_LENGTH = 500;

const MY_TASKS: Record<string, Lang> = {
  'mine frister': 'nb',
  'mine fristar': 'nn',
  frister: 'nb',
  fristar: 'nn',
  'mine oppgaver': 'nb',
  'mine oppgåver': 'nn',
  'my deadlines': 'en',
  deadlines: 'en',
  'my tasks': 'en',
};
const HELP: Record<string, Lang> = {
  hjelp: 'nb',
  help: 'en',
  '?': 'nb',
  hei: 'nb',
  hallo: 'nb',
  hello: 'en',
  hi: 'en',
  'hva kan du': 'nb',
  'kva kan du': 'nn',
};
const SEARCH: Record<string, Lang> = { søk: 'nb', sok: 'nb', finn: 'nb', search: 'en', find: 'en' };
const CONTRACT: Record<string, Lang> = {
  avtale: 'nb',
  kontrakt: 'nb',
  rammeavtale: 'nb',
  contract: 'en',
  agreement: 'en',
};

/**
 * Removes what Teams adds around the user's words: `<at>Bot</at>` mentions (channels), other tags,
 * HTML entities of the common kind, zero-width and control characters, and extra whitespace.
 */
export function cleanText(raw: string): string {
  return (
    raw
      .replace(/<at>[^<]*<\/at>/gi, ' ')
      .replace(/<[^>]{0,200}>/g, ' ')
      .replace(/&nbsp;/gi, ' ')
      .replace(/&amp;/gi, '&')
      .replace(/&lt;/gi, '<')
      .replace(/&gt;/gi, '>')
      .replace(/&quot;/gi, '"')
      .replace(/&#39;/gi, "'")
      // Control and format characters (zero-width, bidi overrides): line breaks become spaces.
      .replace(/[\p{Cc}\p{Cf}]/gu, (ch) => (/\s/.test(ch) ? ' ' : ''))
      .replace(/\s+/g, ' ')
      .trim()
  );
}

/** Understands Norwegian (bokmål, nynorsk) and English commands; anything else is `unknown`. */
export function parseCommand(raw: string): Command {
  const text = cleanText(raw).slice(0, MAX_COMMAND_LENGTH);
  const lower = text.toLowerCase().replace(/[.!]+$/, '');
  const myTasks = MY_TASKS[lower];
  if (myTasks) return { kind: 'myTasks', lang: myTasks };
  const help = HELP[lower];
  if (help) return { kind: 'help', lang: help };
  const space = lower.indexOf(' ');
  const head = space === -1 ? lower : lower.slice(0, space);
  const rest = space === -1 ? '' : text.slice(space + 1).trim();
  const search = SEARCH[head];
  if (search) return { kind: 'search', text: rest.slice(0, 200), lang: search };
  const contract = CONTRACT[head];
  if (contract) {
    const reference = rest.replace(/^(nr\.?|no\.?|number|nummer)\s+/i, '').slice(0, 64);
    return { kind: 'contract', reference, lang: contract };
  }
  return { kind: 'unknown', text, lang: null };
}
