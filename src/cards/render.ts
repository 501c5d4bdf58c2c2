import * as ACData from 'adaptivecards-templating';

/** An Adaptive Card as JSON (what goes into an attachment's `content`). */
export type AdaptiveCardJson = { readonly type: 'AdaptiveCard'; readonly version: string } & Record<
  string,
  unknown
>;

export const CARD_CONTENT_TYPE = 'application/vnd.microsoft.card.adaptive';
/** Teams' limit for a message is about 40 KB including the envelope; cards stay below this. */
export const MAX_CARD_BYTES = 40 * 1024;
/** Teams (and the Agents Playground) render Adaptive Cards up to schema 1.5. */
export const CARD_VERSION = '1.5';

/**
 * Expands a template with `adaptivecards-templating`. Data values are inserted as values, never
 * evaluated as expressions, so `${...}` in a contract title stays text. Optional parts of a
 * template are written as arrays with zero or one element (`$data` over an empty array drops the
 * element), because `$when` on an object property leaves `null` behind.
 */
export function expand(template: object, data: object): AdaptiveCardJson {
  const card = new ACData.Template(template).expand({ $root: data }) as AdaptiveCardJson;
  if (card?.type !== 'AdaptiveCard') throw new Error('Template did not produce an Adaptive Card');
  return card;
}

export const cardBytes = (card: object): number => Buffer.byteLength(JSON.stringify(card), 'utf8');

/** Shortens untrusted text for a card: trims, folds whitespace and cuts at `max` characters. */
export function clip(text: string | null | undefined, max: number): string {
  const folded = (text ?? '').replace(/\s+/g, ' ').trim();
  return folded.length > max ? `${folded.slice(0, max - 1)}…` : folded;
}

/** Longer text keeps its line breaks (comments, descriptions) but is still bounded. */
export function clipMultiline(text: string | null | undefined, max: number): string {
  const t = (text ?? '')
    .replace(/\r\n?/g, '\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
  return t.length > max ? `${t.slice(0, max - 1)}…` : t;
}

export interface TabLinkConfig {
  /** The Teams app id (manifest `id`); without it no deep link is built. */
  readonly teamsAppId: string;
  /** Entity id of the static tab for tasks (manifest `staticTabs[].entityId`). */
  readonly tasksEntityId: string;
  /** Entity id of the static tab for the register. */
  readonly registerEntityId: string;
}

/**
 * A Teams deep link to a static tab of the app with a sub-entity the tab opens
 * (`https://teams.microsoft.com/l/entity/<appId>/<entityId>?context={"subEntityId":"task:<id>"}`,
 * with the context URL-encoded as Teams requires).
 */
export function tabDeepLink(appId: string, entityId: string, subEntityId: string): string {
  const context = encodeURIComponent(JSON.stringify({ subEntityId }));
  return `https://teams.microsoft.com/l/entity/${encodeURIComponent(appId)}/${encodeURIComponent(entityId)}?context=${context}`;
}
