import type { ContractStatus, ContractView } from '../core/index.ts';
import type { ActionDataInput } from './actions.ts';
import { formatDate, formatKroner, type Lang, messages } from './i18n.ts';
import {
  type AdaptiveCardJson,
  clip,
  clipMultiline,
  expand,
  type TabLinkConfig,
  tabDeepLink,
} from './render.ts';
import contractTemplate from './templates/contract.json' with { type: 'json' };
import searchTemplate from './templates/search.json' with { type: 'json' };

/** A contract as the card shows it: the viewer's projection plus facts derived from it. */
export interface ContractCardInput {
  readonly view: ContractView;
  readonly status: ContractStatus;
  readonly currentEndDate: string | null;
}

export interface ContractCardContext {
  readonly lang: Lang;
  readonly tabs: TabLinkConfig | null;
}

/** At most this many search results in a card (the rest are in the tab). */
export const SEARCH_LIMIT = 8;

type Color = 'default' | 'attention' | 'warning' | 'good';

function statusColor(s: ContractStatus): Color {
  if (s === 'expiring') return 'warning';
  if (s === 'expired' || s === 'terminated') return 'attention';
  if (s === 'active') return 'good';
  return 'default';
}

function titleOf(view: ContractView, lang: Lang): string {
  return view.title ? clip(view.title, 200) : messages(lang).withheldTitle;
}

function period(c: ContractCardInput, lang: Lang): string {
  const m = messages(lang);
  const start = c.view.startDate ? formatDate(c.view.startDate, lang) : '';
  const end = c.currentEndDate ? formatDate(c.currentEndDate, lang) : m.noEndDate;
  return start ? `${start} – ${end}` : end;
}

/** One contract: what the viewer may see, and a notice naming what was withheld and why. */
export function contractCard(c: ContractCardInput, ctx: ContractCardContext): AdaptiveCardJson {
  const m = messages(ctx.lang);
  const v = c.view;
  const facts: { label: string; value: string; color: Color }[] = [
    { label: m.referenceNumber, value: clip(v.referenceNumber, 64), color: 'default' },
    { label: m.contractHeading, value: m.kind[v.kind], color: 'default' },
    { label: m.statusLabel, value: m.contractStatus[c.status], color: statusColor(c.status) },
    { label: m.period, value: period(c, ctx.lang), color: 'default' },
  ];
  if (v.suppliers.length > 0) {
    const names = v.suppliers.slice(0, 10).map((s) => clip(s.name, 80));
    const more = v.suppliers.length > 10 ? ` (+${v.suppliers.length - 10})` : '';
    facts.push({ label: m.suppliers, value: names.join(', ') + more, color: 'default' });
  }
  if (v.maxValueOre != null) {
    facts.push({
      label: m.maxValue,
      value: formatKroner(v.maxValueOre, ctx.lang),
      color: 'default',
    });
  }
  if (v.options.length > 0) {
    facts.push({
      label: m.options,
      value: v.options
        .slice(0, 10)
        .map((o) =>
          m.optionLine(
            formatDate(o.newEndDate, ctx.lang),
            formatDate(o.decisionDeadline, ctx.lang),
            m.optionStates[o.state],
          ),
        )
        .join('\n'),
      color: 'default',
    });
  }
  const withheld =
    v.withheld.length > 0
      ? [
          {
            text: m.withheldNotice(
              v.withheld
                .map((w) => `${m.withheldFieldNames[w.field]} (${clip(w.legalBasis, 120)})`)
                .join('; '),
            ),
          },
        ]
      : [];
  const links = ctx.tabs?.teamsAppId
    ? [
        {
          title: m.openInTab,
          url: tabDeepLink(ctx.tabs.teamsAppId, ctx.tabs.registerEntityId, `contract:${v.id}`),
        },
      ]
    : [];
  return expand(contractTemplate, {
    lang: ctx.lang,
    fallbackText: `${m.contractHeading} ${clip(v.referenceNumber, 64)}`,
    heading: m.contractHeading,
    title: titleOf(v, ctx.lang),
    facts,
    descriptions: v.description ? [{ text: clipMultiline(v.description, 600) }] : [],
    withheld,
    links,
  });
}

/** Search results: title, reference, status and end date, each with a button to show it. */
export function searchCard(
  query: string,
  items: readonly ContractCardInput[],
  total: number,
  ctx: ContractCardContext,
): AdaptiveCardJson {
  const m = messages(ctx.lang);
  const shown = items.slice(0, SEARCH_LIMIT);
  const q = clip(query, 100);
  return expand(searchTemplate, {
    lang: ctx.lang,
    fallbackText: m.searchCount(total, shown.length),
    heading: m.searchTitle(q),
    summary: m.searchCount(total, shown.length),
    items: shown.map((c) => ({
      title: titleOf(c.view, ctx.lang),
      line: `${clip(c.view.referenceNumber, 64)} · ${m.contractStatus[c.status]} · ${period(c, ctx.lang)}`,
      actionTitle: m.showContract,
      data: {
        verb: 'contract.show',
        lang: ctx.lang,
        reference: clip(c.view.referenceNumber, 64),
      } satisfies ActionDataInput,
    })),
  });
}
