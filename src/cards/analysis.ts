/**
 * The card that tells a requester their ordered purchasing analysis ("Bestill innkjøpsanalyse") is
 * ready: question, scope, the key figures, Kontraktservice's answer and where the Excel file is.
 * Untrusted text (question, answer, unit, names) goes only into TextRuns; the FactSet holds only
 * figures the product formats itself.
 */
import { formatDate, type Lang } from './i18n.ts';
import {
  type AdaptiveCardJson,
  clip,
  clipMultiline,
  expand,
  type TabLinkConfig,
  tabDeepLink,
} from './render.ts';
import template from './templates/analysis.json' with { type: 'json' };

export interface AnalysisCardInput {
  readonly orderId: string;
  readonly question: string;
  readonly comment: string | null;
  readonly handledBy: string | null;
  readonly scope: {
    readonly from: string;
    readonly to: string;
    readonly unit: string | null;
    readonly cpv: string | null;
    readonly supplierOrgnr: string | null;
    /** Reference and (projected) title of the agreement, if the order names one. */
    readonly agreement: string | null;
  };
  readonly summary: {
    readonly totalOre: number;
    readonly matchedOre: number;
    readonly unmatchedOre: number;
    readonly leakageOre: number;
    readonly overpaymentOre: number;
    readonly invoices: number;
    readonly lines: number;
  };
  /** Whether the Excel file was filed in the archive on the agreement. */
  readonly filed: boolean;
}

const TEXTS = {
  nb: {
    heading: 'Innkjøpsanalysen er klar',
    intro: 'Kontraktservice har kjørt analysen du bestilte.',
    question: 'Spørsmålet ditt',
    period: 'Periode',
    unit: 'Enhet',
    cpv: 'Kategori (CPV)',
    supplier: 'Leverandør (org.nr.)',
    agreement: 'Avtale',
    figures: 'Hovedtall',
    total: 'Totalt forbruk',
    matched: 'På avtale',
    unmatched: 'Utenfor avtale',
    leakage: 'Lekkasje fra avtaler',
    overpayment: 'Merbetaling mot avtalte priser',
    counts: 'Fakturaer / linjer',
    answer: 'Svar fra Kontraktservice',
    excelFiled:
      'Excel-filen med alle tall ligger i fanen Innkjøpsanalyse og er arkivert som notat på avtalen.',
    excel: 'Excel-filen med alle tall ligger i fanen Innkjøpsanalyse.',
    open: 'Åpne i fanen',
    fallback: 'Innkjøpsanalysen du bestilte er klar',
  },
  nn: {
    heading: 'Innkjøpsanalysen er klar',
    intro: 'Kontraktservice har køyrt analysen du bestilte.',
    question: 'Spørsmålet ditt',
    period: 'Periode',
    unit: 'Eining',
    cpv: 'Kategori (CPV)',
    supplier: 'Leverandør (org.nr.)',
    agreement: 'Avtale',
    figures: 'Hovudtal',
    total: 'Totalt forbruk',
    matched: 'På avtale',
    unmatched: 'Utanfor avtale',
    leakage: 'Lekkasje frå avtalar',
    overpayment: 'Meirbetaling mot avtalte prisar',
    counts: 'Fakturaer / linjer',
    answer: 'Svar frå Kontraktservice',
    excelFiled:
      'Excel-fila med alle tal ligg i fana Innkjøpsanalyse og er arkivert som notat på avtalen.',
    excel: 'Excel-fila med alle tal ligg i fana Innkjøpsanalyse.',
    open: 'Opne i fana',
    fallback: 'Innkjøpsanalysen du bestilte er klar',
  },
  en: {
    heading: 'Your purchasing analysis is ready',
    intro: 'Kontraktservice has run the analysis you ordered.',
    question: 'Your question',
    period: 'Period',
    unit: 'Unit',
    cpv: 'Category (CPV)',
    supplier: 'Supplier (org. no.)',
    agreement: 'Agreement',
    figures: 'Key figures',
    total: 'Total spend',
    matched: 'On agreement',
    unmatched: 'Off agreement',
    leakage: 'Leakage from agreements',
    overpayment: 'Over-payment against agreed prices',
    counts: 'Invoices / lines',
    answer: 'Answer from Kontraktservice',
    excelFiled:
      'The Excel file with all figures is in the Purchasing analysis tab and filed as a note on the agreement.',
    excel: 'The Excel file with all figures is in the Purchasing analysis tab.',
    open: 'Open in the tab',
    fallback: 'The purchasing analysis you ordered is ready',
  },
} as const;

const LOCALE: Record<Lang, string> = { nb: 'nb-NO', nn: 'nn-NO', en: 'en-GB' };

/** Øre as kroner with two decimals, exactly (no floating point): "kr 1 234 567,89". */
export function formatOre(ore: number, lang: Lang): string {
  const sign = ore < 0 ? '−' : '';
  const abs = Math.abs(Math.trunc(ore));
  const kr = new Intl.NumberFormat(LOCALE[lang], { maximumFractionDigits: 0 }).format(
    Math.floor(abs / 100),
  );
  const decimals = String(abs % 100).padStart(2, '0');
  return lang === 'en' ? `${sign}NOK ${kr}.${decimals}` : `${sign}kr ${kr},${decimals}`;
}

/** Entity id of the tab where the order's result is shown (a sub-entity `analysis:<order id>`). */
export const ANALYSIS_SUB_ENTITY = (orderId: string) => `analysis:${orderId}`;

export function analysisReadyCard(
  a: AnalysisCardInput,
  lang: Lang,
  tabs: TabLinkConfig | null,
): AdaptiveCardJson {
  const t = TEXTS[lang];
  const s = a.summary;
  const count = new Intl.NumberFormat(LOCALE[lang]);
  const scope = [
    {
      label: t.period,
      value: `${formatDate(a.scope.from, lang)} – ${formatDate(a.scope.to, lang)}`,
    },
    ...(a.scope.unit ? [{ label: t.unit, value: clip(a.scope.unit, 100) }] : []),
    ...(a.scope.cpv ? [{ label: t.cpv, value: a.scope.cpv }] : []),
    ...(a.scope.supplierOrgnr ? [{ label: t.supplier, value: a.scope.supplierOrgnr }] : []),
    ...(a.scope.agreement ? [{ label: t.agreement, value: clip(a.scope.agreement, 200) }] : []),
  ];
  return expand(template, {
    fallbackText: t.fallback,
    style: 'good',
    heading: t.heading,
    intro: t.intro,
    questionLabel: t.question,
    question: clipMultiline(a.question, 2000),
    scope,
    figuresLabel: t.figures,
    figures: [
      { label: t.total, value: formatOre(s.totalOre, lang) },
      { label: t.matched, value: formatOre(s.matchedOre, lang) },
      { label: t.unmatched, value: formatOre(s.unmatchedOre, lang) },
      { label: t.leakage, value: formatOre(s.leakageOre, lang) },
      { label: t.overpayment, value: formatOre(s.overpaymentOre, lang) },
      { label: t.counts, value: `${count.format(s.invoices)} / ${count.format(s.lines)}` },
    ],
    // The name is untrusted text too: it goes into the TextRun, never into the TextBlock label.
    comments: a.comment
      ? [
          {
            label: t.answer,
            text: `${clipMultiline(a.comment, 2000)}${a.handledBy ? `\n— ${clip(a.handledBy, 80)}` : ''}`,
          },
        ]
      : [],
    excelNote: a.filed ? t.excelFiled : t.excel,
    links: tabs
      ? [
          {
            title: t.open,
            url: tabDeepLink(
              tabs.teamsAppId,
              tabs.registerEntityId,
              ANALYSIS_SUB_ENTITY(a.orderId),
            ),
          },
        ]
      : [],
  });
}
