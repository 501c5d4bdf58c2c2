// biome-ignore-all lint/a11y/useSemanticElements: the virtualised list positions rows absolutely, which <table> layout cannot do; the ARIA table roles give screen readers the same structure (with aria-rowcount/aria-rowindex)
// biome-ignore-all lint/a11y/useFocusableInteractive: table, row and cell roles are structure, not widgets; the links and buttons inside are focusable
import {
  Button,
  Checkbox,
  Field,
  Input,
  Link,
  makeStyles,
  SearchBox,
  Text,
  ToggleButton,
  Toolbar,
  ToolbarButton,
  tokens,
} from '@fluentui/react-components';
import {
  Add20Regular,
  ArrowDownload20Regular,
  ArrowSortDown16Regular,
  ArrowSortUp16Regular,
  ArrowUpload20Regular,
} from '@fluentui/react-icons';
import { useVirtualizer } from '@tanstack/react-virtual';
import { lazy, Suspense, useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { download, get, qs } from '../api.ts';
import { Dropdown, Option } from '../components/Choice.tsx';
import { ErrorBar, StatusBadge, Withheld } from '../components/common.tsx';
import { formatDate, formatMoney, formatNumber } from '../format.ts';
import { useDebounced } from '../hooks.ts';
import { contractHref, navigate, registerHref, useRoute } from '../router.ts';
import { unitName, useSession } from '../session.tsx';
import { type ApiContract, type Page, STATUSES } from '../types.ts';

const ImportDialog = lazy(() => import('../components/ImportDialog.tsx'));

const PAGE = 200;
const ROW_HEIGHT = 44;
/** Query parameters the register keeps in the URL (so views and dashboard links are links). */
const KEYS = [
  'q',
  'status',
  'category',
  'unit',
  'supplier',
  'owner',
  'kind',
  'expiringWithinDays',
  'includeExpired',
  'sort',
  'order',
] as const;
type Params = Partial<Record<(typeof KEYS)[number], string>>;

const VIEWS: { id: string; params: Params }[] = [
  { id: 'all', params: {} },
  { id: 'mine', params: { owner: 'me' } },
  { id: 'expiring', params: { expiringWithinDays: '183' } },
  { id: 'framework', params: { kind: 'framework' } },
];

const COLUMNS = [
  { id: 'referenceNumber', sort: 'referenceNumber', width: '140px' },
  { id: 'title', sort: 'title', width: 'minmax(220px, 3fr)' },
  { id: 'suppliers', sort: null, width: 'minmax(140px, 2fr)' },
  { id: 'unit', sort: null, width: 'minmax(120px, 1.4fr)' },
  { id: 'status', sort: null, width: '120px' },
  { id: 'endDate', sort: 'endDate', width: '120px' },
  { id: 'maxValue', sort: 'maxValue', width: '150px' },
] as const;
const GRID = COLUMNS.map((c) => c.width).join(' ');

const useStyles = makeStyles({
  root: { display: 'flex', flexDirection: 'column', gap: tokens.spacingVerticalS },
  views: { display: 'flex', gap: tokens.spacingHorizontalS, flexWrap: 'wrap' },
  filters: {
    display: 'flex',
    gap: tokens.spacingHorizontalM,
    flexWrap: 'wrap',
    alignItems: 'end',
  },
  search: { minWidth: '280px', flexGrow: 1, maxWidth: '520px' },
  statusGroup: { display: 'flex', flexDirection: 'column', gap: tokens.spacingVerticalXXS },
  statusButtons: { display: 'flex', gap: tokens.spacingHorizontalXS, flexWrap: 'wrap' },
  filter: { minWidth: '160px' },
  summary: { display: 'flex', alignItems: 'center', gap: tokens.spacingHorizontalM },
  table: {
    border: `${tokens.strokeWidthThin} solid ${tokens.colorNeutralStroke2}`,
    borderRadius: tokens.borderRadiusMedium,
    overflow: 'hidden',
  },
  head: {
    display: 'grid',
    gridTemplateColumns: GRID,
    backgroundColor: tokens.colorNeutralBackground2,
    borderBottom: `${tokens.strokeWidthThin} solid ${tokens.colorNeutralStroke2}`,
  },
  headCell: {
    padding: `${tokens.spacingVerticalS} ${tokens.spacingHorizontalS}`,
    fontWeight: tokens.fontWeightSemibold,
    display: 'flex',
    alignItems: 'center',
  },
  sortButton: { fontWeight: tokens.fontWeightSemibold, minWidth: 0, padding: 0 },
  body: {
    height: 'calc(100vh - 330px)',
    minHeight: '320px',
    overflow: 'auto',
    position: 'relative',
  },
  row: {
    display: 'grid',
    gridTemplateColumns: GRID,
    position: 'absolute',
    left: 0,
    right: 0,
    alignItems: 'center',
    borderBottom: `${tokens.strokeWidthThin} solid ${tokens.colorNeutralStroke3}`,
    ':hover': { backgroundColor: tokens.colorNeutralBackground1Hover },
  },
  cell: {
    padding: `0 ${tokens.spacingHorizontalS}`,
    overflow: 'hidden',
    textOverflow: 'ellipsis',
    whiteSpace: 'nowrap',
  },
  right: { textAlign: 'right', justifyContent: 'flex-end' },
  placeholder: { color: tokens.colorNeutralForeground3 },
});

export function Register() {
  const { t, i18n } = useTranslation();
  const styles = useStyles();
  const session = useSession();
  const route = useRoute();
  const lng = i18n.language;
  const params: Params = useMemo(() => {
    const p: Params = {};
    for (const k of KEYS) {
      const v = route.query.get(k);
      if (v) p[k] = v;
    }
    return p;
  }, [route.query]);
  const setParams = useCallback((next: Params) => navigate(registerHref(next), true), []);
  const update = (patch: Params) => {
    const next: Params = { ...params, ...patch };
    for (const k of KEYS) if (!next[k]) delete next[k];
    setParams(next);
  };

  // Search as you type: the box is local, the URL follows after a short pause.
  const [text, setText] = useState(params.q ?? '');
  const debounced = useDebounced(text, 220);
  // biome-ignore lint/correctness/useExhaustiveDependencies: only the debounced text drives this; params and update change with every URL change
  useEffect(() => {
    if ((params.q ?? '') !== debounced) update({ q: debounced });
  }, [debounced]);

  const apiQuery = qs({ ...params, limit: PAGE });
  const [total, setTotal] = useState<number | null>(null);
  const [error, setError] = useState<unknown>(null);
  const pages = useRef(new Map<number, ApiContract[]>());
  const inflight = useRef(new Set<number>());
  const [, setTick] = useState(0);
  const generation = useRef(0);
  const [refresh, setRefresh] = useState(0);

  const loadPage = useCallback(
    async (page: number, gen: number, signal?: AbortSignal) => {
      if (pages.current.has(page) || inflight.current.has(page)) return;
      inflight.current.add(page);
      try {
        const r = await get<Page<ApiContract>>(
          `/api/contracts${qs({ ...params, offset: page * PAGE, limit: PAGE })}`,
          signal,
        );
        if (gen !== generation.current) return;
        pages.current.set(page, r.items);
        setTotal(r.total);
        setError(null);
        setTick((x) => x + 1);
      } catch (e) {
        if (gen === generation.current && !signal?.aborted) setError(e);
      } finally {
        inflight.current.delete(page);
      }
    },
    [params],
  );

  // biome-ignore lint/correctness/useExhaustiveDependencies: apiQuery and refresh are the triggers (apiQuery holds every parameter loadPage uses)
  useEffect(() => {
    generation.current += 1;
    pages.current = new Map();
    inflight.current = new Set();
    const ac = new AbortController();
    void refresh;
    void loadPage(0, generation.current, ac.signal);
    return () => ac.abort();
    // apiQuery captures every parameter
  }, [apiQuery, loadPage, refresh]);

  const scrollRef = useRef<HTMLDivElement>(null);
  const virtualizer = useVirtualizer({
    count: total ?? 0,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => ROW_HEIGHT,
    overscan: 12,
  });
  const items = virtualizer.getVirtualItems();
  const first = items[0]?.index ?? 0;
  const last = items[items.length - 1]?.index ?? 0;
  useEffect(() => {
    if (total === null) return;
    for (let p = Math.floor(first / PAGE); p <= Math.floor(last / PAGE); p++) {
      void loadPage(p, generation.current);
    }
  }, [first, last, total, loadPage]);

  // A new query shows no rows of the previous one, not even for the render before the effect runs.
  const pagesFor = useRef(apiQuery);
  if (pagesFor.current !== apiQuery) {
    pagesFor.current = apiQuery;
    pages.current = new Map();
  }
  const rowAt = (i: number): ApiContract | undefined =>
    pages.current.get(Math.floor(i / PAGE))?.[i % PAGE];

  const sort = params.sort ?? (params.q ? 'relevance' : 'title'); // the API's defaults
  const order = params.order ?? 'asc';
  const toggleSort = (field: string) => {
    if (sort === field) update({ sort: field, order: order === 'asc' ? 'desc' : 'asc' });
    else update({ sort: field, order: 'asc' });
  };
  const activeView =
    VIEWS.find(
      (v) =>
        JSON.stringify(v.params) ===
        JSON.stringify(
          Object.fromEntries(
            Object.entries(params).filter(([k]) => !['q', 'sort', 'order'].includes(k)),
          ),
        ),
    )?.id ?? null;
  const statuses = params.status ? params.status.split(',') : [];
  const canCreate = session.me.role !== 'reader';
  const [importOpen, setImportOpen] = useState(false);
  const [exportError, setExportError] = useState<unknown>(null);

  const [supplierText, setSupplierText] = useState(params.supplier ?? '');
  const supplierQuery = useDebounced(/\(\d{9}\)\s*$/.test(supplierText) ? '' : supplierText, 250);
  const [supplierOptions, setSupplierOptions] = useState<{ orgnr: string; name: string }[]>([]);
  useEffect(() => {
    const ac = new AbortController();
    get<{ items: { orgnr: string; name: string }[] }>(
      `/api/suppliers${qs({ q: supplierQuery })}`,
      ac.signal,
    ).then(
      (r) => setSupplierOptions(r.items.slice(0, 50)),
      () => {},
    );
    return () => ac.abort();
  }, [supplierQuery]);

  return (
    <section className={styles.root} aria-labelledby="register-heading">
      <h2 id="register-heading" className="visually-hidden">
        {t('register.heading')}
      </h2>
      <div className={styles.views} role="group" aria-label={t('register.views')}>
        {VIEWS.map((v) => (
          <ToggleButton
            key={v.id}
            checked={activeView === v.id}
            onClick={() => setParams({ ...v.params, ...(params.q ? { q: params.q } : {}) })}
          >
            {t(`register.view.${v.id}`)}
          </ToggleButton>
        ))}
      </div>
      <div className={styles.filters}>
        <Field label={t('register.search')} className={styles.search}>
          <SearchBox
            value={text}
            onChange={(_e, d) => setText(d.value)}
            placeholder={t('register.searchPlaceholder')}
          />
        </Field>
        <div role="group" aria-labelledby="status-filter-label" className={styles.statusGroup}>
          <Text id="status-filter-label" weight="semibold" size={200}>
            {t('register.filter.status')}
          </Text>
          <div className={styles.statusButtons}>
            {STATUSES.map((st) => (
              <ToggleButton
                key={st}
                size="small"
                checked={statuses.includes(st)}
                onClick={() =>
                  update({
                    status: (statuses.includes(st)
                      ? statuses.filter((x) => x !== st)
                      : [...statuses, st]
                    ).join(','),
                  })
                }
              >
                {t(`status.${st}`)}
              </ToggleButton>
            ))}
          </div>
        </div>
        <Field label={t('register.filter.category')} className={styles.filter}>
          <Input
            value={params.category ?? ''}
            inputMode="numeric"
            placeholder={t('register.filter.categoryPlaceholder')}
            onChange={(_e, d) => {
              if (/^\d{0,8}$/.test(d.value)) update({ category: d.value });
            }}
          />
        </Field>
        <Field label={t('register.filter.unit')} className={styles.filter}>
          <Dropdown
            placeholder={t('common.all')}
            selectedOptions={params.unit ? [params.unit] : []}
            value={params.unit ? unitName(session, params.unit) : ''}
            onOptionSelect={(_e, d) => update({ unit: d.optionValue ?? '' })}
          >
            <Option value="">{t('common.all')}</Option>
            {session.units.map((u) => (
              <Option key={u.id} value={u.id}>
                {u.name}
              </Option>
            ))}
          </Dropdown>
        </Field>
        <Field label={t('register.filter.supplier')} className={styles.filter}>
          <Input
            list="supplier-options"
            placeholder={t('register.filter.supplierPlaceholder')}
            value={supplierText}
            onChange={(_e, d) => {
              setSupplierText(d.value);
              const orgnr = /(\d{9})\)?\s*$/.exec(d.value)?.[1];
              if (orgnr) update({ supplier: orgnr });
              else if (!d.value) update({ supplier: '' });
            }}
          />
          <datalist id="supplier-options">
            {supplierOptions.map((o) => (
              <option key={o.orgnr} value={`${o.name} (${o.orgnr})`} />
            ))}
          </datalist>
        </Field>
        <Field label={t('register.filter.owner')} className={styles.filter}>
          <Dropdown
            placeholder={t('common.all')}
            selectedOptions={params.owner ? [params.owner] : []}
            value={
              params.owner === 'me'
                ? t('register.filter.me')
                : (session.users.find((u) => u.id === params.owner)?.name ?? '')
            }
            onOptionSelect={(_e, d) => update({ owner: d.optionValue ?? '' })}
          >
            <Option value="">{t('common.all')}</Option>
            <Option value="me">{t('register.filter.me')}</Option>
            {session.users
              .filter((u) => u.role !== 'reader')
              .map((u) => (
                <Option key={u.id} value={u.id}>
                  {u.name}
                </Option>
              ))}
          </Dropdown>
        </Field>
        <Checkbox
          label={t('register.includeExpired')}
          checked={params.includeExpired === 'true'}
          onChange={(_e, d) => update({ includeExpired: d.checked ? 'true' : '' })}
        />
      </div>
      <div className={styles.summary}>
        <Text role="status" aria-live="polite" data-testid="register-total">
          {total === null
            ? t('app.loading')
            : t('register.total', { count: total, formatted: formatNumber(total, lng) })}
        </Text>
        <Toolbar aria-label={t('register.actions')}>
          <ToolbarButton
            icon={<ArrowDownload20Regular />}
            onClick={() => {
              setExportError(null);
              download(`/api/export.xlsx${qs(params)}`, 'avtaler.xlsx').catch(setExportError);
            }}
          >
            {t('register.export')}
          </ToolbarButton>
          {canCreate && (
            <ToolbarButton icon={<ArrowUpload20Regular />} onClick={() => setImportOpen(true)}>
              {t('register.import')}
            </ToolbarButton>
          )}
          {canCreate && (
            <ToolbarButton icon={<Add20Regular />} onClick={() => navigate('#/new')}>
              {t('register.new')}
            </ToolbarButton>
          )}
        </Toolbar>
      </div>
      <ErrorBar error={error ?? exportError} />
      <div
        className={styles.table}
        role="table"
        aria-label={t('register.heading')}
        aria-rowcount={(total ?? 0) + 1}
      >
        <div role="rowgroup">
          <div className={styles.head} role="row" aria-rowindex={1}>
            {COLUMNS.map((c) => {
              const active = c.sort !== null && sort === c.sort;
              return (
                <div
                  key={c.id}
                  role="columnheader"
                  className={`${styles.headCell} ${c.id === 'maxValue' ? styles.right : ''}`}
                  aria-sort={active ? (order === 'asc' ? 'ascending' : 'descending') : undefined}
                >
                  {c.sort ? (
                    <Button
                      appearance="transparent"
                      size="small"
                      className={styles.sortButton}
                      icon={
                        active ? (
                          order === 'asc' ? (
                            <ArrowSortUp16Regular />
                          ) : (
                            <ArrowSortDown16Regular />
                          )
                        ) : undefined
                      }
                      iconPosition="after"
                      onClick={() => toggleSort(c.sort as string)}
                    >
                      {t(`register.col.${c.id}`)}
                    </Button>
                  ) : (
                    t(`register.col.${c.id}`)
                  )}
                </div>
              );
            })}
          </div>
        </div>
        <div ref={scrollRef} className={styles.body} role="rowgroup" data-testid="register-rows">
          <div style={{ height: virtualizer.getTotalSize(), position: 'relative' }}>
            {items.map((v) => {
              const c = rowAt(v.index);
              const withheld = (f: string) => c?.withheld.find((w) => w.field === f);
              return (
                <div
                  key={v.key}
                  role="row"
                  aria-rowindex={v.index + 2}
                  className={styles.row}
                  style={{ top: v.start, height: ROW_HEIGHT }}
                >
                  {c ? (
                    <>
                      <div role="cell" className={styles.cell}>
                        {c.referenceNumber}
                      </div>
                      <div role="cell" className={styles.cell}>
                        <Link href={contractHref(c.id)}>
                          {withheld('title') ? t('confidential.withheldTitle') : c.title}
                        </Link>
                      </div>
                      <div role="cell" className={styles.cell}>
                        {withheld('suppliers') ? (
                          <Withheld legalBasis={withheld('suppliers')?.legalBasis ?? ''} />
                        ) : (
                          c.suppliers.map((s) => s.name).join(', ') || '–'
                        )}
                      </div>
                      <div role="cell" className={styles.cell}>
                        {unitName(session, c.owningUnitId)}
                      </div>
                      <div role="cell" className={styles.cell}>
                        <StatusBadge status={c.status} />
                      </div>
                      <div role="cell" className={styles.cell}>
                        {formatDate(c.currentEndDate, lng)}
                      </div>
                      <div role="cell" className={`${styles.cell} ${styles.right}`}>
                        {withheld('maxValueOre') ? '–' : formatMoney(c.maxValueOre, lng)}
                      </div>
                    </>
                  ) : (
                    <div role="cell" className={`${styles.cell} ${styles.placeholder}`}>
                      {t('app.loading')}
                    </div>
                  )}
                </div>
              );
            })}
          </div>
        </div>
      </div>
      {importOpen && (
        <Suspense fallback={null}>
          <ImportDialog
            onClose={(changed) => {
              setImportOpen(false);
              if (changed) setRefresh((x) => x + 1);
            }}
          />
        </Suspense>
      )}
    </section>
  );
}
