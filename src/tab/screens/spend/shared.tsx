import {
  Button,
  Card,
  MessageBar,
  MessageBarBody,
  makeStyles,
  Spinner,
  Subtitle1,
  Subtitle2,
  Table,
  TableBody,
  TableCell,
  TableHeader,
  TableHeaderCell,
  TableRow,
  Text,
  teamsDarkTheme,
  teamsHighContrastTheme,
  teamsLightTheme,
  tokens,
} from '@fluentui/react-components';
import { ArrowDownload20Regular } from '@fluentui/react-icons';
import { type ReactNode, useId, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Bar, BarChart, CartesianGrid, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import { ApiError, download, type FieldIssue, qs } from '../../api.ts';
import { ErrorBar } from '../../components/common.tsx';
import { formatCurrencyMinor, formatDate, formatMoney, formatNumber } from '../../format.ts';
import { useGet } from '../../hooks.ts';
import { useSession } from '../../session.tsx';

const themes = { light: teamsLightTheme, dark: teamsDarkTheme, contrast: teamsHighContrastTheme };

/** Chart colours from the Fluent theme in use (recharts draws SVG with plain colours). */
export function useChartColours() {
  const session = useSession();
  const theme = themes[session.theme];
  return useMemo(
    () => ({
      brand: theme.colorBrandBackground,
      second: theme.colorPaletteBerryBorderActive,
      text: theme.colorNeutralForeground1,
      grid: theme.colorNeutralStroke2,
      danger: theme.colorPaletteRedBorderActive,
      warning: theme.colorPaletteMarigoldBorderActive,
      ok: theme.colorPaletteGreenBorderActive,
      surface: theme.colorNeutralBackground1,
    }),
    [theme],
  );
}

export function tooltipStyle(c: ReturnType<typeof useChartColours>) {
  return {
    contentStyle: { background: c.surface, color: c.text, border: `1px solid ${c.grid}` },
    itemStyle: { color: c.text },
    labelStyle: { color: c.text },
  };
}

/** Spend per month in kroner as a bar chart, described in words for screen readers. */
export function MonthlyKrChart({
  months,
  className,
}: {
  months: readonly { name: string; kr: number }[];
  className: string;
}) {
  const { t, i18n } = useTranslation();
  const lng = i18n.language;
  const colours = useChartColours();
  return (
    <div
      className={className}
      role="img"
      aria-label={`${t('spend.byMonth')}: ${months.map((m) => `${m.name} ${formatMoney(m.kr * 100, lng)}`).join(', ')}`}
    >
      <ResponsiveContainer>
        <BarChart data={[...months]} accessibilityLayer={false}>
          <CartesianGrid stroke={colours.grid} vertical={false} />
          <XAxis dataKey="name" tick={{ fill: colours.text, fontSize: 12 }} stroke={colours.grid} />
          <YAxis
            tick={{ fill: colours.text, fontSize: 12 }}
            stroke={colours.grid}
            width={90}
            tickFormatter={(v: number) => formatNumber(v, lng)}
          />
          <Tooltip {...tooltipStyle(colours)} cursor={{ fill: colours.grid }} />
          <Bar
            dataKey="kr"
            name={t('spend.byMonth')}
            fill={colours.brand}
            isAnimationActive={false}
          />
        </BarChart>
      </ResponsiveContainer>
    </div>
  );
}

export const useSpendStyles = makeStyles({
  root: { display: 'flex', flexDirection: 'column', gap: tokens.spacingVerticalL },
  bar: { display: 'flex', gap: tokens.spacingHorizontalM, alignItems: 'end', flexWrap: 'wrap' },
  /** A field in a grid row that is taller than it: label and control stay together at the top. */
  top: { alignSelf: 'start' },
  /** A heading with a badge beside it, centred on the heading's line. */
  headingRow: {
    display: 'flex',
    gap: tokens.spacingHorizontalM,
    alignItems: 'center',
    flexWrap: 'wrap',
  },
  grid: {
    display: 'grid',
    gridTemplateColumns: 'repeat(auto-fit, minmax(420px, 1fr))',
    gap: tokens.spacingVerticalL,
  },
  chart: { width: '100%', height: '300px' },
  // On a header cell too: Fluent lays its content out in a flex box, which text-align does not move.
  number: {
    textAlign: 'right',
    fontVariantNumeric: 'tabular-nums',
    '& .fui-TableHeaderCell__button': { justifyContent: 'flex-end' },
  },
  scroll: { overflowX: 'auto' },
  figures: { display: 'flex', gap: tokens.spacingHorizontalXXL, flexWrap: 'wrap' },
  figure: { display: 'flex', flexDirection: 'column' },
  big: { fontSize: tokens.fontSizeBase500, fontWeight: tokens.fontWeightSemibold },
  muted: { color: tokens.colorNeutralForeground2 },
});

export function ExportButton({ kind, query }: { kind: string; query?: string }) {
  const { t } = useTranslation();
  const [error, setError] = useState<unknown>(null);
  return (
    <>
      <Button
        icon={<ArrowDownload20Regular />}
        onClick={() =>
          void download(
            `/api/spend/reports/${kind}.xlsx${query ?? ''}`,
            `innkjopsanalyse-${kind}.xlsx`,
          ).catch(setError)
        }
      >
        {t('spend.export')}
      </Button>
      <ErrorBar error={error} />
    </>
  );
}

export function Figure({ label, value }: { label: string; value: string }) {
  const styles = useSpendStyles();
  return (
    <div className={styles.figure}>
      <Text className={styles.muted}>{label}</Text>
      <Text className={styles.big}>{value}</Text>
    </div>
  );
}

/**
 * A supplier or an item as its name with its code beneath (org. number, item number), or the
 * code alone when there is no name.
 */
export function Named({ code, name }: { code: string; name?: string | null }) {
  const styles = useSpendStyles();
  if (!name) return <>{code}</>;
  return (
    <>
      <span>{name}</span>
      <br />
      <Text size={200} className={styles.muted}>
        {code}
      </Text>
    </>
  );
}

interface Line {
  number: string;
  doc_type: string;
  issue_date: string;
  line_no: string;
  supplier_key: string;
  supplier_name: string | null;
  unit: string | null;
  item_name: string | null;
  seller_item_id: string | null;
  currency: string;
  net_minor: number;
  net_nok_ore: number | null;
  match_reason: string | null;
  unmatched_class: string | null;
}

/** The invoice lines behind a figure (`GET /api/spend/lines`), newest first. */
export function Drilldown({
  title,
  filter,
}: {
  title: string;
  filter: { agreementId?: string; supplier?: string; unmatchedClass?: string };
}) {
  const { t, i18n } = useTranslation();
  const lng = i18n.language;
  const styles = useSpendStyles();
  const limit = 200;
  const lines = useGet<{ items: Line[] }>(`/api/spend/lines${qs({ ...filter, limit })}`);
  return (
    <section aria-label={title} data-testid="drilldown">
      <Subtitle2 as="h4">{title}</Subtitle2>
      {lines.loading && <Spinner size="tiny" label={t('app.loading')} />}
      <ErrorBar error={lines.error} />
      {lines.data && (
        <div className={styles.scroll}>
          <Text size={200} className={styles.muted}>
            {t('spend.linesShown', { count: lines.data.items.length })}
          </Text>
          <Table size="extra-small" aria-label={title}>
            <TableHeader>
              <TableRow>
                <TableHeaderCell>{t('spend.invoice')}</TableHeaderCell>
                <TableHeaderCell>{t('spend.date')}</TableHeaderCell>
                <TableHeaderCell>{t('spend.supplier')}</TableHeaderCell>
                <TableHeaderCell>{t('spend.unit')}</TableHeaderCell>
                <TableHeaderCell>{t('spend.item')}</TableHeaderCell>
                <TableHeaderCell className={styles.number}>{t('spend.amount')}</TableHeaderCell>
                <TableHeaderCell>{t('spend.reason')}</TableHeaderCell>
              </TableRow>
            </TableHeader>
            <TableBody>
              {lines.data.items.map((l) => (
                <TableRow key={`${l.number}-${l.supplier_key}-${l.line_no}`}>
                  <TableCell>
                    {l.number}/{l.line_no}
                  </TableCell>
                  <TableCell>{formatDate(l.issue_date, lng)}</TableCell>
                  <TableCell>
                    <Named code={l.supplier_key} name={l.supplier_name} />
                  </TableCell>
                  <TableCell>{l.unit ?? '–'}</TableCell>
                  <TableCell>
                    {l.item_name ?? '–'}
                    {l.seller_item_id ? ` (${l.seller_item_id})` : ''}
                  </TableCell>
                  <TableCell className={styles.number}>
                    {formatMoney(l.net_nok_ore, lng)}
                    {l.currency !== 'NOK'
                      ? ` (${formatCurrencyMinor(l.net_minor, l.currency, lng)})`
                      : ''}
                  </TableCell>
                  <TableCell>
                    {l.unmatched_class
                      ? t(`spend.class.${l.unmatched_class}`, { defaultValue: l.unmatched_class })
                      : l.match_reason
                        ? t(`spend.matchReason.${l.match_reason}`, { defaultValue: l.match_reason })
                        : '–'}
                  </TableCell>
                </TableRow>
              ))}
            </TableBody>
          </Table>
        </div>
      )}
    </section>
  );
}

/**
 * One form's submission: busy flag, the API's field issues (shown next to their fields, by field
 * name or dotted prefix: `currencies.1` belongs to `currencies`), an error for the alert bar, and
 * the success text for the form's live region.
 */
export function useSubmission() {
  const [busy, setBusy] = useState(false);
  const [issues, setIssues] = useState<readonly FieldIssue[]>([]);
  const [error, setError] = useState<unknown>(null);
  const [done, setDone] = useState<string | null>(null);
  async function run(action: () => Promise<string>): Promise<boolean> {
    setBusy(true);
    setIssues([]);
    setError(null);
    setDone(null);
    try {
      setDone(await action());
      return true;
    } catch (e) {
      if (e instanceof ApiError) setIssues(e.issues);
      setError(e);
      return false;
    } finally {
      setBusy(false);
    }
  }
  const issue = (field: string) =>
    issues
      .filter((i) => i.field === field || i.field.startsWith(`${field}.`))
      .map((i) => i.message)
      .join('; ') || undefined;
  const field = (name: string) => {
    const message = issue(name);
    return message
      ? { validationMessage: message, validationState: 'error' as const }
      : { validationState: 'none' as const };
  };
  return { busy, error, issues, done, run, field };
}

/** A form that submits through `onSubmit` (the page does not reload; the API validates). */
export function SubmitForm({
  onSubmit,
  label,
  testId,
  children,
}: {
  onSubmit: () => Promise<void>;
  label?: string;
  testId?: string;
  children: ReactNode;
}) {
  const styles = useSpendStyles();
  return (
    <form
      className={styles.root}
      noValidate
      aria-label={label}
      data-testid={testId}
      onSubmit={(e) => {
        e.preventDefault();
        void onSubmit();
      }}
    >
      {children}
    </form>
  );
}

/** A form's end: the error bar (and `details`), the submit button, and the success text. */
export function FormEnd({
  s,
  label,
  disabled = false,
  testId,
  details,
  children,
}: {
  s: ReturnType<typeof useSubmission>;
  label: string;
  disabled?: boolean;
  testId: string;
  /** Shown right under the error bar (e.g. the list of a file's issues). */
  details?: ReactNode;
  children?: ReactNode;
}) {
  return (
    <>
      <ErrorBar error={s.error} />
      {details}
      <div>
        <Button appearance="primary" type="submit" disabled={s.busy || disabled}>
          {label}
        </Button>
      </div>
      {children}
      <Status text={s.done} testId={testId} />
    </>
  );
}

/** The success text of a form, in a polite live region that is always in the page. */
export function Status({ text, testId }: { text: string | null; testId: string }) {
  return (
    <div role="status" aria-live="polite" data-testid={testId}>
      {text && (
        <MessageBar intent="success">
          <MessageBarBody>{text}</MessageBarBody>
        </MessageBar>
      )}
    </div>
  );
}

export function Section({
  title,
  testId,
  children,
}: {
  title: string;
  testId: string;
  children: ReactNode;
}) {
  const styles = useSpendStyles();
  const id = useId();
  return (
    <Card data-testid={testId}>
      <section aria-labelledby={id} className={styles.root}>
        <Subtitle1 as="h3" id={id}>
          {title}
        </Subtitle1>
        {children}
      </section>
    </Card>
  );
}

/**
 * The first `first` rows of a long list until the user asks for all: the rows to show, and a
 * button that switches (rendered only when the list is longer).
 */
export function useFirstRows<T>(rows: readonly T[], first: number) {
  const [all, setAll] = useState(false);
  return {
    shown: all ? rows : rows.slice(0, first),
    more: rows.length > first,
    all,
    toggle: () => setAll((x) => !x),
  };
}

export function ShowAllButton({
  rows,
  showAll,
  showFirst,
}: {
  rows: { all: boolean; toggle: () => void };
  showAll: string;
  showFirst: string;
}) {
  return (
    <Button onClick={rows.toggle} aria-expanded={rows.all}>
      {rows.all ? showFirst : showAll}
    </Button>
  );
}
