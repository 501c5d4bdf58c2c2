import type { ActionDataInput } from './actions.ts';
import { type Lang, messages } from './i18n.ts';
import { type AdaptiveCardJson, clip, expand } from './render.ts';
import helpTemplate from './templates/help.json' with { type: 'json' };
import messageTemplate from './templates/message.json' with { type: 'json' };

/** What the bot can do; `welcome` adds a greeting (sent on install). */
export function helpCard(lang: Lang, options: { welcome?: boolean } = {}): AdaptiveCardJson {
  const m = messages(lang);
  return expand(helpTemplate, {
    lang,
    fallbackText: `${m.helpTitle}: ${m.helpCommands.map(([c]) => c).join(', ')}`,
    greetings: options.welcome ? [{ text: m.welcome }] : [],
    heading: m.helpTitle,
    intro: m.helpIntro,
    commands: m.helpCommands.map(([command, description]) => ({ command, description })),
    notifications: m.helpNotifications,
    actions: [
      { title: m.showMyTasks, data: { verb: 'tasks.list', lang } satisfies ActionDataInput },
    ],
  });
}

export type MessageStyle = 'default' | 'emphasis' | 'good' | 'attention' | 'warning';

export interface MessageAction {
  readonly title: string;
  readonly data: ActionDataInput;
}

/** A short answer (not found, refused, unknown command) with optional follow-up buttons. */
export function messageCard(
  lang: Lang,
  heading: string,
  text: string,
  style: MessageStyle = 'default',
  actions: readonly MessageAction[] = [],
): AdaptiveCardJson {
  return expand(messageTemplate, {
    lang,
    fallbackText: clip(text, 300),
    heading,
    text: clip(text, 1000),
    style,
    actions: actions.map((a) => ({ title: clip(a.title, 60), data: { ...a.data, lang } })),
  });
}

/** The answer to text the bot did not understand: what it can do, and a search for the text. */
export function unknownCommandCard(lang: Lang, text: string): AdaptiveCardJson {
  const m = messages(lang);
  const t = clip(text, 100);
  const actions: MessageAction[] = [{ title: m.showMyTasks, data: { verb: 'tasks.list' } }];
  if (t) actions.unshift({ title: m.searchFor(clip(t, 30)), data: { verb: 'search', text: t } });
  return messageCard(lang, m.unknownTitle, m.unknownText(t), 'default', actions);
}
