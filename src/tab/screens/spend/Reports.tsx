import {
  Badge,
  Button,
  Card,
  Field,
  Input,
  Link,
  MessageBar,
  MessageBarBody,
  Spinner,
  Subtitle1,
  Table,
  TableBody,
  TableCell,
  TableHeader,
  TableHeaderCell,
  TableRow,
  Text,
} from '@fluentui/react-components';
import { useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import {
  Bar,
  BarChart,
  CartesianGrid,
  Cell,
  Legend,
  ReferenceLine,
  ResponsiveContainer,
  Tooltip,
  XAxis,
  YAxis,
} from 'recharts';
import { CEILING_THRESHOLDS } from '../../../core/followup/ceiling.ts';
import type {
  AgreementTurnover,
  LeakageReport,
  PriceControlReport,
  TurnoverReport,
} from '../../../spend/reports.ts';
import { qs } from '../../api.ts';
import { percentTicks } from '../../axis.ts';
import { ErrorBar, HBAR_MARGIN } from '../../components/common.tsx';
import { cpvDivisionName } from '../../cpv.ts';
import {
  formatCurrencyMinor,
  formatMoney,
  formatMonth,
  formatNumber,
  formatPercent,
} from '../../format.ts';
import { useGet } from '../../hooks.ts';
import { contractHref } from '../../router.ts';
import {
  Drilldown,
  ExportButton,
  Figure,
  MonthlyKrChart,
  Named,
  tooltipStyle,
  useChartColours,
  useSpendStyles,
} from './shared.tsx';

// The reference lines mark the ceiling alerts (follow-up tasks at 80 % and 100 %).
const [WARN_AT, FULL_AT] = CEILING_THRESHOLDS;

const kr = (ore: number) => Math.round(ore / 100);

/** A CPV category prefix with the name of its division: «301 · Kontormaskiner og IT-utstyr». */
const categoryLabel = (code: string | null, lng: string): string => {
  if (!code) return '–';
  const name = cpvDivisionName(code.slice(0, 2), lng);
  return name ? `${code} · ${name}` : code;
};

/** Agreement names for the reports that carry only ids (from the turnover report's metadata). */
function useAgreementNames(key: number) {
  const r = useGet<TurnoverReport>('/api/spend/reports/turnover', key);
  return useMemo(() => {
    const m = new Map<string, AgreementTurnover>();
    for (const a of r.data?.agreements ?? []) m.set(a.agreementId, a);
    return m;
  }, [r.data]);
}

function AgreementLink({ id, names }: { id: string; names: Map<string, AgreementTurnover> }) {
  const a = names.get(id);
  return <Link href={contractHref(id)}>{a ? `${a.referenceNumber} ${a.title}` : id}</Link>;
}

// ------------------------------------------------------------------ turnover per agreement

export function Turnover({ dataKey }: { dataKey: number }) {
  const { t, i18n } = useTranslation();
  const lng = i18n.language;
  const styles = useSpendStyles();
  const colours = useChartColours();
  const report = useGet<TurnoverReport>('/api/spend/reports/turnover', dataKey);
  const [open, setOpen] = useState<string | null>(null);
  if (report.loading && !report.data) return <Spinner label={t('app.loading')} />;
  if (report.error) return <ErrorBar error={report.error} />;
  const r = report.data;
  if (!r) return null;
  const withSpend = r.agreements.filter((a) => a.turnoverOre !== 0);
  if (withSpend.length === 0) return <Text>{t('spend.noData')}</Text>;
  // The agreements nearest their ceiling (or past it), not the largest: those are what the alerts
  // are about.
  const chart = withSpend
    .filter((a) => a.maxUsedPermille !== null)
    .sort((a, b) => (b.maxUsedPermille ?? 0) - (a.maxUsedPermille ?? 0))
    .slice(0, 15)
    .map((a) => ({
      id: a.agreementId,
      name: a.referenceNumber,
      pct: (a.maxUsedPermille ?? 0) / 10,
      alert: a.alert,
    }));
  const ticks = percentTicks(Math.max(0, ...chart.map((c) => c.pct)));
  const warn = r.alerts.filter((a) => a.alert === 'warning_80').length;
  const over = r.alerts.filter((a) => a.alert === 'exceeded_100').length;
  const opened = open ? r.agreements.find((a) => a.agreementId === open) : null;
  return (
    <div className={styles.root}>
      <div className={styles.bar}>
        <ExportButton kind="turnover" />
      </div>
      {r.alerts.length > 0 && (
        <MessageBar intent={over > 0 ? 'error' : 'warning'} data-testid="turnover-alerts">
          <MessageBarBody>
            {warn > 0 && over > 0
              ? t('spend.alertsBoth', {
                  warn: t('spend.alertsWarn', { count: warn }),
                  over: t('spend.alertsOver', { count: over }),
                })
              : t('spend.alertsOne', {
                  what: t(warn > 0 ? 'spend.alertsWarn' : 'spend.alertsOver', {
                    count: warn > 0 ? warn : over,
                  }),
                })}
          </MessageBarBody>
        </MessageBar>
      )}
      <Card>
        <Subtitle1 as="h3">{t('spend.chartTurnover')}</Subtitle1>
        <div
          className={styles.chart}
          style={{ height: `${Math.max(260, chart.length * 22 + 40)}px` }}
          role="img"
          aria-label={t('spend.chartTurnoverText', {
            list: chart.map((c) => `${c.name} ${formatNumber(c.pct, lng, 1)} %`).join(', '),
          })}
        >
          <ResponsiveContainer>
            <BarChart
              data={chart}
              layout="vertical"
              margin={HBAR_MARGIN}
              accessibilityLayer={false}
            >
              <CartesianGrid stroke={colours.grid} horizontal={false} />
              <XAxis
                type="number"
                unit=" %"
                tick={{ fill: colours.text }}
                stroke={colours.grid}
                ticks={ticks}
                domain={[0, ticks.at(-1) ?? 100]}
              />
              <YAxis
                type="category"
                dataKey="name"
                width={120}
                interval={0}
                tick={{ fill: colours.text, fontSize: 12 }}
                stroke={colours.grid}
              />
              <Tooltip {...tooltipStyle(colours)} cursor={{ fill: colours.grid }} />
              <ReferenceLine x={WARN_AT} stroke={colours.warning} strokeDasharray="4 2" />
              <ReferenceLine x={FULL_AT} stroke={colours.danger} strokeDasharray="4 2" />
              <Bar
                dataKey="pct"
                name={t('spend.used')}
                isAnimationActive={false}
                cursor="pointer"
                onClick={(d: { payload?: { id: string } }) => d.payload && setOpen(d.payload.id)}
              >
                {chart.map((c) => (
                  <Cell
                    key={c.id}
                    fill={
                      c.alert === 'exceeded_100'
                        ? colours.danger
                        : c.alert === 'warning_80'
                          ? colours.warning
                          : colours.brand
                    }
                  />
                ))}
              </Bar>
            </BarChart>
          </ResponsiveContainer>
        </div>
      </Card>
      <Card className={styles.scroll}>
        <Table size="small" aria-label={t('spend.turnover')} data-testid="turnover-table">
          <TableHeader>
            <TableRow>
              <TableHeaderCell>{t('spend.agreement')}</TableHeaderCell>
              <TableHeaderCell className={styles.number}>
                {t('spend.turnoverAmount')}
              </TableHeaderCell>
              <TableHeaderCell className={styles.number}>{t('spend.estimated')}</TableHeaderCell>
              <TableHeaderCell className={styles.number}>{t('spend.max')}</TableHeaderCell>
              <TableHeaderCell className={styles.number}>{t('spend.used')}</TableHeaderCell>
              <TableHeaderCell>{t('spend.alert')}</TableHeaderCell>
              <TableHeaderCell>{t('spend.drilldown')}</TableHeaderCell>
            </TableRow>
          </TableHeader>
          <TableBody>
            {withSpend.map((a) => (
              <TableRow
                key={a.agreementId}
                data-testid="turnover-row"
                data-agreement={a.agreementId}
              >
                <TableCell>
                  <Link href={contractHref(a.agreementId)}>
                    {a.referenceNumber} {a.title}
                  </Link>
                </TableCell>
                <TableCell className={styles.number}>{formatMoney(a.turnoverOre, lng)}</TableCell>
                <TableCell className={styles.number}>{formatMoney(a.estimatedOre, lng)}</TableCell>
                <TableCell className={styles.number}>{formatMoney(a.maxOre, lng)}</TableCell>
                <TableCell className={styles.number}>
                  {a.maxUsedPermille === null ? '–' : formatPercent(a.maxUsedPermille / 1000, lng)}
                </TableCell>
                <TableCell>
                  {a.alert === 'none' ? (
                    '–'
                  ) : (
                    <Badge
                      appearance="filled"
                      color={a.alert === 'exceeded_100' ? 'danger' : 'warning'}
                    >
                      {t(`spend.alert_${a.alert}`)}
                    </Badge>
                  )}
                </TableCell>
                <TableCell>
                  <Button
                    size="small"
                    aria-expanded={open === a.agreementId}
                    aria-label={`${t('spend.details')}: ${a.referenceNumber}`}
                    onClick={() => setOpen(open === a.agreementId ? null : a.agreementId)}
                  >
                    {t('spend.details')}
                  </Button>
                </TableCell>
              </TableRow>
            ))}
          </TableBody>
        </Table>
      </Card>
      {opened && <TurnoverDetails report={r} agreement={opened} />}
    </div>
  );
}

function TurnoverDetails({
  report,
  agreement,
}: {
  report: TurnoverReport;
  agreement: AgreementTurnover;
}) {
  const { t, i18n } = useTranslation();
  const lng = i18n.language;
  const styles = useSpendStyles();
  const id = agreement.agreementId;
  const months = report.byMonth
    .filter((b) => b.agreementId === id)
    .map((b) => ({ name: formatMonth(b.key, lng), kr: kr(b.ore) }));
  const breakdown = (
    list: TurnoverReport['byUnit'],
    label: string,
    names?: TurnoverReport['supplierNames'],
  ) => (
    <Table size="extra-small" aria-label={label}>
      <TableHeader>
        <TableRow>
          <TableHeaderCell>{label}</TableHeaderCell>
          <TableHeaderCell className={styles.number}>{t('spend.turnoverAmount')}</TableHeaderCell>
        </TableRow>
      </TableHeader>
      <TableBody>
        {list
          .filter((b) => b.agreementId === id)
          .sort((x, y) => y.ore - x.ore)
          .map((b) => (
            <TableRow key={b.key}>
              <TableCell>{names ? <Named code={b.key} name={names[b.key]} /> : b.key}</TableCell>
              <TableCell className={styles.number}>{formatMoney(b.ore, lng)}</TableCell>
            </TableRow>
          ))}
      </TableBody>
    </Table>
  );
  return (
    <Card data-testid="turnover-details">
      <Subtitle1 as="h3">
        {agreement.referenceNumber} {agreement.title}
      </Subtitle1>
      <div className={styles.grid}>
        <MonthlyKrChart months={months} className={styles.chart} />
        <div>
          {breakdown(report.byUnit, t('spend.byUnit'))}
          {breakdown(report.bySupplier, t('spend.bySupplier'), report.supplierNames)}
        </div>
      </div>
      <Drilldown
        title={t('spend.drilldownFor', { what: agreement.referenceNumber })}
        filter={{ agreementId: id }}
      />
    </Card>
  );
}

// ------------------------------------------------------------------ contract leakage

const CLASSES = ['other_supplier_in_category', 'no_agreement', 'after_expiry', 'before_start'];

export function Leakage({ dataKey }: { dataKey: number }) {
  const { t, i18n } = useTranslation();
  const lng = i18n.language;
  const styles = useSpendStyles();
  const colours = useChartColours();
  const names = useAgreementNames(dataKey);
  const report = useGet<LeakageReport>('/api/spend/reports/leakage', dataKey);
  const [open, setOpen] = useState<{ title: string; filter: Record<string, string> } | null>(null);
  if (report.loading && !report.data) return <Spinner label={t('app.loading')} />;
  if (report.error) return <ErrorBar error={report.error} />;
  const r = report.data;
  if (!r) return null;
  if (r.totalOre === 0) return <Text>{t('spend.noData')}</Text>;
  const byClass = CLASSES.map((c) => {
    const x = r.byClass.find((b) => b.unmatchedClass === c);
    return {
      key: c,
      name: t(`spend.class.${c}`),
      last12: kr(x?.last12MonthsOre ?? 0),
      last4y: kr(x?.last4YearsOre ?? 0),
    };
  });
  const drill = (title: string, filter: Record<string, string>) => setOpen({ title, filter });
  const outsideOre = r.totalOre - r.matchedOre;
  const outsideShare =
    r.totalOre > 0 ? formatNumber((outsideOre * 100) / r.totalOre, lng, 1) : null;
  return (
    <div className={styles.root}>
      <div className={styles.bar}>
        <ExportButton kind="leakage" />
      </div>
      <Card>
        <div className={styles.figures}>
          <Figure label={t('spend.total')} value={formatMoney(r.totalOre, lng)} />
          <Figure label={t('spend.matched')} value={formatMoney(r.matchedOre, lng)} />
          <Figure
            label={t('spend.outside')}
            value={`${formatMoney(outsideOre, lng)}${outsideShare === null ? '' : ` (${outsideShare} %)`}`}
          />
        </div>
      </Card>
      <Card>
        <Subtitle1 as="h3">{t('spend.chartClasses')}</Subtitle1>
        <div
          className={styles.chart}
          role="img"
          aria-label={byClass
            .map(
              (c) =>
                `${c.name}: ${formatNumber(c.last12, lng)} kr / ${formatNumber(c.last4y, lng)} kr`,
            )
            .join('; ')}
        >
          <ResponsiveContainer>
            <BarChart data={byClass} accessibilityLayer={false}>
              <CartesianGrid stroke={colours.grid} vertical={false} />
              <XAxis
                dataKey="name"
                tick={{ fill: colours.text, fontSize: 11 }}
                stroke={colours.grid}
              />
              <YAxis
                tick={{ fill: colours.text, fontSize: 12 }}
                stroke={colours.grid}
                width={90}
                tickFormatter={(v: number) => formatNumber(v, lng)}
              />
              <Tooltip {...tooltipStyle(colours)} cursor={{ fill: colours.grid }} />
              <Legend wrapperStyle={{ color: colours.text }} />
              <Bar
                dataKey="last12"
                name={t('spend.last12')}
                fill={colours.brand}
                isAnimationActive={false}
                cursor="pointer"
                onClick={(d: { payload?: { key: string; name: string } }) =>
                  d.payload && drill(d.payload.name, { unmatchedClass: d.payload.key })
                }
              />
              <Bar
                dataKey="last4y"
                name={t('spend.last4y')}
                fill={colours.second}
                isAnimationActive={false}
              />
            </BarChart>
          </ResponsiveContainer>
        </div>
        <Table size="small" aria-label={t('spend.classes')} data-testid="leakage-classes">
          <TableHeader>
            <TableRow>
              <TableHeaderCell>{t('spend.classes')}</TableHeaderCell>
              <TableHeaderCell className={styles.number}>{t('spend.last12')}</TableHeaderCell>
              <TableHeaderCell className={styles.number}>{t('spend.last4y')}</TableHeaderCell>
            </TableRow>
          </TableHeader>
          <TableBody>
            {CLASSES.map((c) => {
              const x = r.byClass.find((b) => b.unmatchedClass === c);
              return (
                <TableRow key={c}>
                  <TableCell>
                    <Link
                      as="button"
                      onClick={() => drill(t(`spend.class.${c}`), { unmatchedClass: c })}
                    >
                      {t(`spend.class.${c}`)}
                    </Link>
                  </TableCell>
                  <TableCell className={styles.number}>
                    {formatMoney(x?.last12MonthsOre ?? 0, lng)}
                  </TableCell>
                  <TableCell className={styles.number}>
                    {formatMoney(x?.last4YearsOre ?? 0, lng)}
                  </TableCell>
                </TableRow>
              );
            })}
          </TableBody>
        </Table>
      </Card>
      {open && (
        <Card>
          <Drilldown
            key={JSON.stringify(open.filter)}
            title={t('spend.drilldownFor', { what: open.title })}
            filter={open.filter}
          />
        </Card>
      )}
      <div className={styles.grid}>
        <Card className={styles.scroll}>
          <Subtitle1 as="h3">{t('spend.noAgreementByCategory')}</Subtitle1>
          {r.noAgreementByCategory.length === 0 && <Text block>{t('spend.noneFound')}</Text>}
          {r.noAgreementByCategory.length > 0 && (
            <Table size="small" aria-label={t('spend.noAgreementByCategory')}>
              <TableHeader>
                <TableRow>
                  <TableHeaderCell>{t('spend.category')}</TableHeaderCell>
                  <TableHeaderCell className={styles.number}>{t('spend.last12')}</TableHeaderCell>
                  <TableHeaderCell className={styles.number}>{t('spend.last4y')}</TableHeaderCell>
                  <TableHeaderCell>{t('spend.threshold')}</TableHeaderCell>
                </TableRow>
              </TableHeader>
              <TableBody>
                {r.noAgreementByCategory.map((c) => (
                  <TableRow key={c.category}>
                    <TableCell>{categoryLabel(c.category, lng)}</TableCell>
                    <TableCell className={styles.number}>
                      {formatMoney(c.last12MonthsOre, lng)}
                    </TableCell>
                    <TableCell className={styles.number}>
                      {formatMoney(c.last4YearsOre, lng)}
                    </TableCell>
                    <TableCell>
                      <Badge
                        appearance="tint"
                        color={
                          c.threshold4Years === 'eea'
                            ? 'danger'
                            : c.threshold4Years === 'national'
                              ? 'warning'
                              : 'informative'
                        }
                      >
                        {t(`spend.threshold_${c.threshold4Years}`)}
                      </Badge>
                    </TableCell>
                  </TableRow>
                ))}
              </TableBody>
            </Table>
          )}
        </Card>
        <Card className={styles.scroll}>
          {(
            [
              [
                'otherSupplierByAgreement',
                r.otherSupplierByAgreement,
                'other_supplier_in_category',
              ],
              ['afterExpiryByAgreement', r.afterExpiryByAgreement, 'after_expiry'],
            ] as const
          ).map(([label, list]) => (
            <div key={label}>
              <Subtitle1 as="h3">{t(`spend.${label}`)}</Subtitle1>
              {list.length === 0 && <Text block>{t('spend.noneFound')}</Text>}
              {list.length > 0 && (
                <Table size="small" aria-label={t(`spend.${label}`)}>
                  <TableHeader>
                    <TableRow>
                      <TableHeaderCell>{t('spend.agreement')}</TableHeaderCell>
                      <TableHeaderCell className={styles.number}>
                        {t('spend.amount')}
                      </TableHeaderCell>
                      <TableHeaderCell>{t('spend.drilldown')}</TableHeaderCell>
                    </TableRow>
                  </TableHeader>
                  <TableBody>
                    {list.map((x) => (
                      <TableRow key={x.agreementId}>
                        <TableCell>
                          <AgreementLink id={x.agreementId} names={names} />
                        </TableCell>
                        <TableCell className={styles.number}>{formatMoney(x.ore, lng)}</TableCell>
                        <TableCell>
                          <Button
                            size="small"
                            onClick={() =>
                              drill(names.get(x.agreementId)?.referenceNumber ?? x.agreementId, {
                                agreementId: x.agreementId,
                              })
                            }
                          >
                            {t('spend.details')}
                          </Button>
                        </TableCell>
                      </TableRow>
                    ))}
                  </TableBody>
                </Table>
              )}
            </div>
          ))}
        </Card>
      </div>
    </div>
  );
}

// ------------------------------------------------------------------ price control

export function Prices({ dataKey }: { dataKey: number }) {
  const { t, i18n } = useTranslation();
  const lng = i18n.language;
  const styles = useSpendStyles();
  const colours = useChartColours();
  const names = useAgreementNames(dataKey);
  const [toleranceText, setToleranceText] = useState('0');
  const [toleranceBp, setToleranceBp] = useState(0);
  const query = qs({ tolerance: toleranceBp });
  const report = useGet<PriceControlReport>(`/api/spend/reports/prices${query}`, dataKey);
  const [open, setOpen] = useState<string | null>(null);
  const toleranceValid = /^\d{1,3}([.,]\d{1,2})?$/.test(toleranceText.trim());
  const r = report.data;
  const chart = (r?.byAgreement ?? [])
    .filter((x) => x.agreementId && x.currency === 'NOK')
    .slice(0, 15)
    .map((x) => ({
      id: x.agreementId as string,
      name: names.get(x.agreementId as string)?.referenceNumber ?? (x.agreementId as string),
      kr: x.overpaidMinor / 100,
    }));
  const rows = (list: PriceControlReport['byAgreement'], what: 'agreement' | 'supplier' | 'item') =>
    list.map((x) => (
      <TableRow key={`${x.agreementId}-${x.supplierKey}-${x.item}-${x.currency}`}>
        <TableCell>
          {what === 'agreement' && x.agreementId ? (
            <AgreementLink id={x.agreementId} names={names} />
          ) : what === 'supplier' && x.supplierKey ? (
            <Named code={x.supplierKey} name={r?.supplierNames[x.supplierKey]} />
          ) : x.item ? (
            <Named code={x.item} name={r?.itemNames[`${x.agreementId}|${x.item}`]} />
          ) : (
            '–'
          )}
        </TableCell>
        <TableCell className={styles.number}>{formatNumber(x.lines, lng)}</TableCell>
        <TableCell className={styles.number}>
          {x.currency === 'NOK'
            ? formatMoney(x.overpaidMinor, lng)
            : formatCurrencyMinor(x.overpaidMinor, x.currency, lng)}
        </TableCell>
        {what === 'agreement' && (
          <TableCell>
            {x.agreementId && (
              <Button
                size="small"
                onClick={() => setOpen(open === x.agreementId ? null : x.agreementId)}
              >
                {t('spend.details')}
              </Button>
            )}
          </TableCell>
        )}
      </TableRow>
    ));
  const table = (
    label: string,
    list: PriceControlReport['byAgreement'],
    what: 'agreement' | 'supplier' | 'item',
  ) => (
    <Card className={styles.scroll}>
      <Subtitle1 as="h3">{label}</Subtitle1>
      <Table size="small" aria-label={label} data-testid={`prices-${what}`}>
        <TableHeader>
          <TableRow>
            <TableHeaderCell>{label}</TableHeaderCell>
            <TableHeaderCell className={styles.number}>{t('spend.deviating')}</TableHeaderCell>
            <TableHeaderCell className={styles.number}>{t('spend.overpaid')}</TableHeaderCell>
            {what === 'agreement' && <TableHeaderCell>{t('spend.drilldown')}</TableHeaderCell>}
          </TableRow>
        </TableHeader>
        <TableBody>{rows(list, what)}</TableBody>
      </Table>
    </Card>
  );
  return (
    <div className={styles.root}>
      <form
        className={styles.bar}
        onSubmit={(e) => {
          e.preventDefault();
          if (!toleranceValid) return;
          setToleranceBp(Math.round(Number(toleranceText.replace(',', '.')) * 100));
        }}
      >
        <Field
          label={t('spend.tolerance')}
          validationState={toleranceValid ? 'none' : 'error'}
          validationMessage={toleranceValid ? undefined : '0–100'}
        >
          <Input
            inputMode="decimal"
            value={toleranceText}
            onChange={(_e, d) => setToleranceText(d.value)}
          />
        </Field>
        <Button type="submit">{t('spend.apply')}</Button>
        <ExportButton kind="prices" query={query} />
      </form>
      {report.loading && !r && <Spinner label={t('app.loading')} />}
      <ErrorBar error={report.error} />
      {r && (
        <>
          <Card>
            <div className={styles.figures} data-testid="prices-figures">
              <Figure label={t('spend.checked')} value={formatNumber(r.checkedLines, lng)} />
              <Figure label={t('spend.deviating')} value={formatNumber(r.deviatingLines, lng)} />
              {Object.entries(r.totalOverpaidMinor).map(([cur, v]) => (
                <Figure
                  key={cur}
                  label={`${t('spend.overpaid')} (${cur})`}
                  value={cur === 'NOK' ? formatMoney(v, lng) : formatCurrencyMinor(v, cur, lng)}
                />
              ))}
            </div>
          </Card>
          {chart.length > 0 && (
            <Card>
              <Subtitle1 as="h3">{t('spend.chartOverpaid')}</Subtitle1>
              <div
                className={styles.chart}
                role="img"
                aria-label={chart
                  .map((c) => `${c.name}: ${formatMoney(c.kr * 100, lng)}`)
                  .join(', ')}
              >
                <ResponsiveContainer>
                  <BarChart
                    data={chart}
                    layout="vertical"
                    margin={HBAR_MARGIN}
                    accessibilityLayer={false}
                  >
                    <CartesianGrid stroke={colours.grid} horizontal={false} />
                    <XAxis
                      type="number"
                      tick={{ fill: colours.text }}
                      tickFormatter={(v: number) => formatNumber(v, lng)}
                      stroke={colours.grid}
                    />
                    <YAxis
                      type="category"
                      dataKey="name"
                      width={120}
                      tick={{ fill: colours.text, fontSize: 12 }}
                      stroke={colours.grid}
                    />
                    <Tooltip {...tooltipStyle(colours)} cursor={{ fill: colours.grid }} />
                    <Bar
                      dataKey="kr"
                      name={t('spend.overpaid')}
                      fill={colours.danger}
                      isAnimationActive={false}
                      cursor="pointer"
                      onClick={(d: { payload?: { id: string } }) =>
                        d.payload && setOpen(d.payload.id)
                      }
                    />
                  </BarChart>
                </ResponsiveContainer>
              </div>
            </Card>
          )}
          {open && (
            <Card>
              <Drilldown
                key={open}
                title={t('spend.drilldownFor', {
                  what: names.get(open)?.referenceNumber ?? open,
                })}
                filter={{ agreementId: open }}
              />
            </Card>
          )}
          {/* Full width: the agreement's title needs the room; suppliers and items side by side. */}
          {table(t('spend.byAgreement'), r.byAgreement, 'agreement')}
          <div className={styles.grid}>
            {table(t('spend.bySupplier'), r.bySupplier, 'supplier')}
            {table(t('spend.byItem'), r.byItem, 'item')}
          </div>
        </>
      )}
    </div>
  );
}
