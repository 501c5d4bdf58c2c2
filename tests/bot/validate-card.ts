import * as AC from 'adaptivecards';

/**
 * Parses a card with the `adaptivecards` SDK (the renderer Teams and the Agents Playground build on)
 * and returns every parse event and validation failure. Parsing and validation need no DOM (only
 * rendering does), so no DOM shim is installed.
 */
export function cardProblems(json: unknown): string[] {
  const card = new AC.AdaptiveCard();
  const context = new AC.SerializationContext();
  // Teams' limit: the SDK reports elements newer than the target version.
  context.targetVersion = AC.Versions.v1_5;
  card.parse(json, context);
  const problems: string[] = [];
  for (let i = 0; i < context.eventCount; i++) {
    const e = context.getEventAt(i);
    problems.push(`parse: ${e.message}`);
  }
  const results = card.validateProperties();
  for (const e of results.validationEvents) problems.push(`validate: ${e.message}`);
  return problems;
}

type Json = unknown;

/** Every `text` (TextBlock, TextRun), `title` and `fallbackText` in a card, in order. */
export function cardTexts(card: Json): string[] {
  const out: string[] = [];
  const walk = (node: Json) => {
    if (Array.isArray(node)) {
      for (const n of node) walk(n);
    } else if (node && typeof node === 'object') {
      for (const [k, v] of Object.entries(node)) {
        if ((k === 'text' || k === 'title' || k === 'label') && typeof v === 'string') out.push(v);
        else walk(v);
      }
    }
  };
  walk(card);
  return out;
}

export interface CardAction {
  readonly type: string;
  readonly title: string;
  readonly verb?: string;
  readonly data?: Record<string, unknown>;
  readonly url?: string;
  readonly card?: Json;
  readonly fallback?: CardAction;
}

/** All actions (also inside ShowCards and ActionSets) with the given title. */
export function findActions(card: Json, title: string): CardAction[] {
  const out: CardAction[] = [];
  const walk = (node: Json) => {
    if (Array.isArray(node)) {
      for (const n of node) walk(n);
    } else if (node && typeof node === 'object') {
      const o = node as Record<string, unknown>;
      if (typeof o.type === 'string' && o.type.startsWith('Action.') && o.title === title) {
        out.push(o as unknown as CardAction);
      }
      for (const [k, v] of Object.entries(o)) if (k !== 'fallback') walk(v);
    }
  };
  walk(card);
  return out;
}

/** The one Action.Execute with this title (throws if there is none or more than one). */
export function executeAction(card: Json, title: string, index = 0): CardAction {
  const found = findActions(card, title).filter((a) => a.type === 'Action.Execute');
  const action = found[index];
  if (!action)
    throw new Error(
      `no Action.Execute "${title}" (#${index}) in card: ${cardTexts(card).join(' | ')}`,
    );
  return action;
}
