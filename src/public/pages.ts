import type { PublicAgreement } from '../core/public-agreement.ts';
import type { CatalogueQuery, CatalogueResult, Facet, PublicDocument } from './catalogue.ts';
import { type Html, html, type Renderable } from './html.ts';
import {
  DEFAULT_LANG,
  divisionName,
  LANGS,
  type Lang,
  LOCALES,
  MESSAGES,
  type Messages,
} from './i18n.ts';
import { searchParams } from './query.ts';
import type { PublicSettings } from './settings.ts';

export const BASE_PATH = '/rammeavtaler';
export const ASSET_VERSION = '1';

const dateFormats = new Map<Lang, Intl.DateTimeFormat>();
const moneyFormats = new Map<Lang, Intl.NumberFormat>();

export function formatDate(d: string | null, lang: Lang): string {
  if (!d) return '';
  let f = dateFormats.get(lang);
  if (!f) {
    f = new Intl.DateTimeFormat(LOCALES[lang], {
      day: 'numeric',
      month: 'long',
      year: 'numeric',
      timeZone: 'UTC',
    });
    dateFormats.set(lang, f);
  }
  return f.format(new Date(`${d}T00:00:00Z`));
}

export function formatMoney(ore: number, lang: Lang): string {
  let f = moneyFormats.get(lang);
  if (!f) {
    f = new Intl.NumberFormat(LOCALES[lang], {
      style: 'currency',
      currency: 'NOK',
      maximumFractionDigits: 0,
    });
    moneyFormats.set(lang, f);
  }
  return f.format(Math.round(ore / 100));
}

const monthName = (m: number, lang: Lang) =>
  new Intl.DateTimeFormat(LOCALES[lang], { month: 'long', timeZone: 'UTC' }).format(
    new Date(Date.UTC(2000, m - 1, 1)),
  );

/** A link inside the catalogue that keeps the page language. */
export function href(path: string, lang: Lang, params?: URLSearchParams): string {
  const p = new URLSearchParams(params);
  if (lang !== DEFAULT_LANG) p.set('lang', lang);
  else p.delete('lang');
  const qs = p.toString();
  return qs ? `${path}?${qs}` : path;
}

export const agreementPath = (reference: string) =>
  `${BASE_PATH}/avtale/${encodeURIComponent(reference)}`;

interface LayoutInput {
  readonly lang: Lang;
  readonly title: string;
  readonly settings: PublicSettings;
  /** The current path and parameters, to build the language links. */
  readonly path: string;
  readonly params: URLSearchParams;
  readonly body: Html;
}

export function layout(input: LayoutInput): Html {
  const { lang, settings } = input;
  const t = MESSAGES[lang];
  const langLinks = LANGS.map((l) => {
    const p = new URLSearchParams(input.params);
    const link = href(input.path, l, p);
    return html`<li><a href="${link}" lang="${l}" hreflang="${l}"${
      l === lang ? html` aria-current="true"` : ''
    }>${MESSAGES[l].languageName}</a></li>`;
  });
  const alternates = LANGS.map(
    (l) =>
      html`<link rel="alternate" hreflang="${l}" href="${settings.baseUrl}${href(input.path, l, new URLSearchParams(input.params))}">`,
  );
  return html`<!doctype html>
<html lang="${lang}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${input.title}</title>
<meta name="referrer" content="strict-origin-when-cross-origin">
<link rel="stylesheet" href="${BASE_PATH}/assets/style.css?v=${ASSET_VERSION}">
<link rel="stylesheet" href="${BASE_PATH}/assets/theme.css?v=${ASSET_VERSION}">
<link rel="icon" href="${BASE_PATH}/assets/icon.svg?v=${ASSET_VERSION}" type="image/svg+xml">
${alternates}
</head>
<body>
<a class="skip-link" href="#main">${t.skipToContent}</a>
<header class="site-header">
<div class="wrap header-row">
<a class="brand" href="${href(BASE_PATH, lang)}">${
    settings.logoUrl ? html`<img class="logo" src="${settings.logoUrl}" alt="" height="40">` : ''
  }<span class="org">${settings.organisationName}</span><span class="site">${t.siteTitle}</span></a>
<nav class="languages" aria-label="${t.languageNav}"><ul>${langLinks}</ul></nav>
</div>
</header>
<main id="main" tabindex="-1" class="wrap">
${input.body}
</main>
<footer class="site-footer">
<div class="wrap">
<h2 class="footer-heading">${t.openData}</h2>
<p>${t.openDataText} <a href="/api/public/agreements">JSON</a>, <a href="/api/public/agreements.csv">CSV</a> ${
    lang === 'en' ? 'and' : 'og'
  } <a href="/api/public/ocds">OCDS 1.1</a>.</p>
${
  settings.accessibilityStatementUrl
    ? html`<p><a href="${settings.accessibilityStatementUrl}">${t.accessibility}</a></p>`
    : ''
}
<p>${settings.organisationName}</p>
</div>
</footer>
</body>
</html>
`;
}

function withheldNote(t: Messages, basis: string | undefined): Html {
  return html`<p class="withheld"><strong>${t.withheld}</strong>${
    basis ? html` <span class="basis">(${t.legalBasis.toLowerCase()}: ${basis})</span>` : ''
  }</p>`;
}

const basisOf = (a: PublicAgreement, field: string) =>
  a.withheld.find((w) => w.field === field)?.legalBasis;

function displayTitle(a: PublicAgreement, t: Messages): string {
  return a.title ?? `${t.titleWithheld} (${a.reference})`;
}

function options(
  values: readonly { value: string; label: string }[],
  selected: string | null,
): Html[] {
  return values.map(
    (v) =>
      html`<option value="${v.value}"${v.value === selected ? html` selected` : ''}>${v.label}</option>`,
  );
}

function period(a: PublicAgreement, lang: Lang): string {
  const start = formatDate(a.startDate, lang);
  const end = formatDate(a.currentEndDate, lang);
  if (!start && !end) return MESSAGES[lang].notStated;
  return `${start || '…'} – ${end || '…'}`;
}

function resultItem(a: PublicAgreement, lang: Lang): Html {
  const t = MESSAGES[lang];
  const suppliers: Renderable =
    a.suppliers === null
      ? html`<span class="withheld-inline">${t.withheld}</span>`
      : a.suppliers.length === 0
        ? t.notStated
        : a.suppliers.map((s) => s.name).join(', ');
  const categories = [...new Set(a.cpvCodes.map((c) => divisionName(c, lang) ?? c))].join(', ');
  return html`<li class="result"><article>
<h3><a href="${href(agreementPath(a.reference), lang)}">${displayTitle(a, t)}</a></h3>
<dl class="meta">
<div><dt>${t.reference}</dt><dd>${a.reference}</dd></div>
<div><dt>${t.suppliers}</dt><dd>${suppliers}</dd></div>
<div><dt>${t.period}</dt><dd>${period(a, lang)}</dd></div>
<div><dt>${t.status}</dt><dd><span class="status status-${a.status}">${t.statusNames[a.status]}</span></dd></div>
${categories ? html`<div><dt>${t.category}</dt><dd>${categories}</dd></div>` : ''}
${a.openToPartners ? html`<div><dt>${t.partners}</dt><dd>${t.openToPartners}</dd></div>` : ''}
</dl>
</article></li>`;
}

function pagination(q: CatalogueQuery, r: CatalogueResult, lang: Lang): Html {
  if (r.pages <= 1) return html``;
  const t = MESSAGES[lang];
  const link = (page: number) => href(BASE_PATH, lang, searchParams({ ...q, page }, lang));
  const pages = new Set<number>([1, r.pages]);
  for (let p = r.page - 2; p <= r.page + 2; p++) if (p >= 1 && p <= r.pages) pages.add(p);
  const sorted = [...pages].sort((a, b) => a - b);
  const items: Html[] = [];
  if (r.page > 1) {
    items.push(html`<li><a href="${link(r.page - 1)}" rel="prev">${t.previous}</a></li>`);
  }
  sorted.forEach((p, i) => {
    if (i > 0 && p - (sorted[i - 1] as number) > 1) {
      items.push(html`<li class="gap" aria-hidden="true">…</li>`);
    }
    items.push(
      p === r.page
        ? html`<li><a href="${link(p)}" aria-current="page" aria-label="${t.page} ${p}">${p}</a></li>`
        : html`<li><a href="${link(p)}" aria-label="${t.page} ${p}">${p}</a></li>`,
    );
  });
  if (r.page < r.pages) {
    items.push(html`<li><a href="${link(r.page + 1)}" rel="next">${t.next}</a></li>`);
  }
  return html`<nav class="pagination" aria-label="${t.pagination}"><ul>${items}</ul></nav>`;
}

export interface SearchPageInput {
  readonly lang: Lang;
  readonly settings: PublicSettings;
  readonly query: CatalogueQuery;
  readonly result: CatalogueResult;
  readonly facets: { categories: readonly Facet[]; suppliers: readonly Facet[] };
  readonly params: URLSearchParams;
}

export function searchPage(input: SearchPageInput): Html {
  const { lang, query: q, result: r, settings } = input;
  const t = MESSAGES[lang];
  const status = (value: CatalogueQuery['status'], label: string) =>
    html`<div class="radio"><input type="radio" id="status-${value}" name="status" value="${value}"${
      q.status === value ? html` checked` : ''
    }><label for="status-${value}">${label}</label></div>`;
  const sorts: { value: string; label: string }[] = [
    { value: '', label: q.text ? t.sortRelevance : t.sortTitle },
    ...(q.text ? [{ value: 'title', label: t.sortTitle }] : []),
    { value: 'endDate', label: t.sortEndDate },
    { value: 'startDate', label: t.sortStartDate },
    { value: 'reference', label: t.sortReference },
  ];
  const selectedCategory = q.category;
  const categoryOptions = input.facets.categories.map((c) => ({
    value: c.value,
    label: `${c.label} (${c.count})`,
  }));
  if (selectedCategory && !categoryOptions.some((c) => c.value === selectedCategory)) {
    categoryOptions.unshift({ value: selectedCategory, label: selectedCategory });
  }
  const supplierOptions = input.facets.suppliers.map((s) => ({
    value: s.value,
    label: `${s.label} (${s.count})`,
  }));
  if (q.supplier && !supplierOptions.some((s) => s.value === q.supplier)) {
    supplierOptions.unshift({ value: q.supplier, label: q.supplier });
  }
  const from = r.total === 0 ? 0 : (r.page - 1) * r.pageSize + 1;
  const to = Math.min(r.total, r.page * r.pageSize);
  const notice = r.correctedText
    ? html`<p class="notice">${t.correctedTo} «<strong>${r.correctedText}</strong>». ${t.noHitsFor} «${q.text}».</p>`
    : r.suggestion
      ? html`<p class="notice">${t.didYouMean} <a href="${href(
          BASE_PATH,
          lang,
          searchParams({ ...q, text: r.suggestion, page: 1 }, lang),
        )}">${r.suggestion}</a>?</p>`
      : '';
  const title = q.text ? `«${q.text}» – ${t.siteTitle}` : t.siteTitle;
  const body = html`<h1>${t.siteTitle}</h1>
<p class="intro">${t.intro}</p>
<form class="search" role="search" method="get" action="${BASE_PATH}" aria-label="${t.searchHeading}">
${lang !== DEFAULT_LANG ? html`<input type="hidden" name="lang" value="${lang}">` : ''}
<div class="field">
<label for="q">${t.searchLabel}</label>
<p class="hint" id="q-hint">${t.searchHint}</p>
<div class="search-row">
<input type="search" id="q" name="q" value="${q.text}" maxlength="200" aria-describedby="q-hint" spellcheck="true">
<button type="submit">${t.searchButton}</button>
</div>
</div>
<fieldset class="filters">
<legend>${t.filtersLegend}</legend>
<div class="filter-grid">
<div class="field">
<label for="category">${t.category}</label>
<select id="category" name="category"><option value="">${t.allCategories}</option>${options(categoryOptions, selectedCategory)}</select>
</div>
<div class="field">
<label for="supplier">${t.supplier}</label>
<select id="supplier" name="supplier"><option value="">${t.allSuppliers}</option>${options(supplierOptions, q.supplier)}</select>
</div>
<div class="field">
<label for="sort">${t.sort}</label>
<select id="sort" name="sort">${options(sorts, q.sort ?? '')}</select>
</div>
</div>
<fieldset class="radios">
<legend>${t.statusLegend}</legend>
${status('current', t.statusCurrent)}
${status('active', t.statusActive)}
${status('expiring', t.statusExpiring)}
${status('expired', t.statusExpired)}
</fieldset>
<div class="checkbox"><input type="checkbox" id="partners" name="partners" value="1"${
    q.partners ? html` checked` : ''
  }><label for="partners">${t.partnersOnly}</label></div>
<button type="submit" class="secondary">${t.searchButton}</button>
</fieldset>
</form>
<section class="results-section" aria-labelledby="results-heading">
<h2 id="results-heading">${t.resultsHeading(r.total)}</h2>
${notice}
${r.total === 0 ? html`<p>${t.noResults}</p>` : html`<p class="range">${t.resultsRange(from, to, r.total)}</p>`}
${r.items.length > 0 ? html`<ol class="results" start="${from}">${r.items.map((a) => resultItem(a, lang))}</ol>` : ''}
${pagination(q, r, lang)}
</section>`;
  return layout({
    lang,
    settings,
    title: `${title} – ${settings.organisationName}`,
    path: BASE_PATH,
    params: input.params,
    body,
  });
}

export interface AgreementPageInput {
  readonly lang: Lang;
  readonly settings: PublicSettings;
  readonly agreement: PublicAgreement;
  readonly documents: readonly PublicDocument[] | null;
  readonly params: URLSearchParams;
}

export function agreementPage(input: AgreementPageInput): Html {
  const { lang, agreement: a, settings } = input;
  const t = MESSAGES[lang];
  const title = displayTitle(a, t);
  const fact = (label: string, value: Renderable) =>
    html`<div><dt>${label}</dt><dd>${value}</dd></div>`;
  const categories = a.cpvCodes.length
    ? html`<ul class="plain">${a.cpvCodes.map((c) => {
        const name = divisionName(c, lang);
        return html`<li>${c}${name ? ` – ${name}` : ''}</li>`;
      })}</ul>`
    : t.notStated;

  const suppliers =
    a.suppliers === null
      ? withheldNote(t, basisOf(a, 'suppliers'))
      : a.suppliers.length === 0
        ? html`<p>${t.notStated}</p>`
        : html`<table class="suppliers">
<caption class="visually-hidden">${t.suppliers}</caption>
<thead><tr><th scope="col">${t.supplierName}</th><th scope="col">${t.orgnr}</th><th scope="col">${t.rank}</th><th scope="col">${t.terms}</th></tr></thead>
<tbody>${a.suppliers.map(
            (s) =>
              html`<tr><th scope="row">${s.name}</th><td>${s.orgnr.replace(/^(\d{3})(\d{3})(\d{3})$/, '$1 $2 $3')}</td><td>${
                s.rank ?? t.parallel
              }</td><td>${
                basisOf(a, 'supplierTerms')
                  ? html`<span class="withheld-inline">${t.withheld}</span>`
                  : (s.terms ?? '–')
              }</td></tr>`,
          )}</tbody>
</table>
${basisOf(a, 'supplierTerms') ? html`<p class="small">${t.terms}: ${withheldNote(t, basisOf(a, 'supplierTerms'))}</p>` : ''}`;

  const optionList =
    a.options === null
      ? withheldNote(t, basisOf(a, 'options'))
      : a.options.length === 0
        ? t.noOptions
        : html`<ul class="plain">${a.options.map(
            (o) =>
              html`<li>${t.optionTo(formatDate(o.newEndDate, lang))} (${t.optionState[o.state]})</li>`,
          )}</ul>`;

  const money = (field: 'estimatedValueOre' | 'maxValueOre') => {
    const v = a[field];
    if (v === null) {
      const basis = basisOf(a, field);
      return basis ? withheldNote(t, basis) : t.notStated;
    }
    return formatMoney(v, lang);
  };

  const priceAdjustment = a.priceAdjustment
    ? t.priceAdjustmentText(
        a.priceAdjustment.index,
        monthName(a.priceAdjustment.adjustmentMonth, lang),
        a.priceAdjustment.sharePercent,
        a.priceAdjustment.basePeriod,
      )
    : basisOf(a, 'priceAdjustment')
      ? withheldNote(t, basisOf(a, 'priceAdjustment'))
      : t.notStated;

  const usable = html`<ul class="plain">
${a.usableBy.allUnits ? html`<li>${t.allUnits} ${settings.organisationName}</li>` : a.usableBy.units.map((u) => html`<li>${u}</li>`)}
</ul>
${
  a.usableBy.partners.length
    ? html`<h3>${t.partners}</h3><ul class="plain">${a.usableBy.partners.map((p) => html`<li>${p}</li>`)}</ul>`
    : ''
}`;

  const contact = html`<ul class="plain">
${a.owningUnit ? html`<li>${a.owningUnit}, ${settings.organisationName}</li>` : html`<li>${settings.organisationName}</li>`}
${settings.contactEmail ? html`<li><a href="mailto:${settings.contactEmail}">${settings.contactEmail}</a></li>` : ''}
${settings.contactUrl ? html`<li><a href="${settings.contactUrl}">${settings.contactUrl}</a></li>` : ''}
</ul>`;

  const documents =
    input.documents === null
      ? html`<p>${t.documentsUnavailable}</p>`
      : input.documents.length === 0
        ? html`<p>${t.noDocuments}</p>`
        : html`<ul class="documents">${input.documents.map(
            (d) =>
              html`<li><span class="doc-title">${d.title}</span>${
                d.documentDate
                  ? html` <span class="doc-date">(${formatDate(d.documentDate, lang)})</span>`
                  : ''
              }</li>`,
          )}</ul>${a.caseNumber ? html`<p class="small">${t.documentsInfo}</p>` : ''}`;

  const withheldSummary = a.withheld.length
    ? html`<section aria-labelledby="h-withheld">
<h2 id="h-withheld">${t.withheldSummary}</h2>
<table class="withheld-table">
<caption class="visually-hidden">${t.withheldSummary}</caption>
<thead><tr><th scope="col">${t.field}</th><th scope="col">${t.legalBasis}</th></tr></thead>
<tbody>${a.withheld.map((w) => html`<tr><th scope="row">${t.fieldNames[w.field]}</th><td>${w.legalBasis}</td></tr>`)}</tbody>
</table>
</section>`
    : '';

  const body = html`<nav class="breadcrumb" aria-label="${t.breadcrumb}"><ol>
<li><a href="${href(BASE_PATH, lang)}">${t.siteTitle}</a></li>
<li><span aria-current="page">${title}</span></li>
</ol></nav>
<h1>${title}</h1>
${a.title === null ? withheldNote(t, basisOf(a, 'title')) : ''}
<p><span class="status status-${a.status}">${t.statusNames[a.status]}</span>${
    a.openToPartners ? html` <span class="tag">${t.openToPartners}</span>` : ''
  }</p>
<dl class="facts">
${fact(t.reference, a.reference)}
${a.caseNumber ? fact(t.caseNumber, a.caseNumber) : ''}
${fact(t.type, t.typeNames[a.type])}
${fact(t.procedure, t.procedureNames[a.procedure])}
${fact(t.category1, categories)}
${a.terminatedOn ? fact(t.terminatedOn, formatDate(a.terminatedOn, lang)) : ''}
</dl>
<section aria-labelledby="h-description">
<h2 id="h-description">${t.description}</h2>
${a.description === null ? withheldNote(t, basisOf(a, 'description')) : a.description ? html`<p class="prose">${a.description}</p>` : html`<p>${t.notStated}</p>`}
</section>
<section aria-labelledby="h-suppliers">
<h2 id="h-suppliers">${t.suppliers}</h2>
${suppliers}
</section>
<section aria-labelledby="h-period">
<h2 id="h-period">${t.period}</h2>
<dl class="facts">
${fact(t.startDate, formatDate(a.startDate, lang) || t.notStated)}
${fact(t.endDate, formatDate(a.endDate, lang) || t.notStated)}
${fact(t.currentEndDate, formatDate(a.currentEndDate, lang) || t.notStated)}
${a.options !== null ? fact(t.maximumEndDate, formatDate(a.maximumEndDate, lang) || t.notStated) : ''}
${fact(t.options, optionList)}
${a.noticePeriodMonths !== null ? fact(t.noticePeriod, t.months(a.noticePeriodMonths)) : ''}
</dl>
</section>
<section aria-labelledby="h-value">
<h2 id="h-value">${t.value}</h2>
<dl class="facts">
${fact(t.estimatedValue, money('estimatedValueOre'))}
${fact(t.maxValue, money('maxValueOre'))}
${fact(t.priceAdjustment, priceAdjustment)}
</dl>
</section>
<section aria-labelledby="h-use">
<h2 id="h-use">${t.whoMayUse}</h2>
${usable}
</section>
<section aria-labelledby="h-contact">
<h2 id="h-contact">${t.contactPoint}</h2>
${contact}
</section>
<section aria-labelledby="h-documents">
<h2 id="h-documents">${t.documents}</h2>
${documents}
</section>
${withheldSummary}
<p><a href="${href(BASE_PATH, lang)}">${t.backToSearch}</a></p>`;
  return layout({
    lang,
    settings,
    title: `${title} – ${t.siteTitle} – ${settings.organisationName}`,
    path: agreementPath(a.reference),
    params: input.params,
    body,
  });
}

export function messagePage(
  lang: Lang,
  settings: PublicSettings,
  heading: string,
  text: string,
  path = BASE_PATH,
): Html {
  const t = MESSAGES[lang];
  return layout({
    lang,
    settings,
    title: `${heading} – ${t.siteTitle} – ${settings.organisationName}`,
    path,
    params: new URLSearchParams(),
    body: html`<h1>${heading}</h1><p>${text}</p><p><a href="${href(BASE_PATH, lang)}">${t.backToSearch}</a></p>`,
  });
}

/** A plain square icon in the brand colour (so browsers need not ask for /favicon.ico). */
export function iconSvg(settings: PublicSettings): string {
  return `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 32"><rect width="32" height="32" rx="6" fill="${settings.brandColour}"/><path d="M8 9h16v3H8zm0 6h16v3H8zm0 6h10v3H8z" fill="#fff"/></svg>\n`;
}

/** The brand colours as a stylesheet (the CSP allows no inline styles). */
export function themeCss(settings: PublicSettings): string {
  return `:root{--brand:${settings.brandColour};}\n`;
}
