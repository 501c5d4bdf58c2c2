import {
  Card,
  CardHeader,
  Link,
  makeStyles,
  Spinner,
  Subtitle1,
  Text,
  Title2,
  teamsDarkTheme,
  teamsHighContrastTheme,
  teamsLightTheme,
  tokens,
} from '@fluentui/react-components';
import { useMemo } from 'react';
import { useTranslation } from 'react-i18next';
import {
  Bar,
  BarChart,
  CartesianGrid,
  Cell,
  ReferenceLine,
  ResponsiveContainer,
  Tooltip,
  XAxis,
  YAxis,
} from 'recharts';
import { CEILING_THRESHOLDS } from '../../core/followup/ceiling.ts';
import type { PortfolioSummary } from '../../core/portfolio.ts';
import { percentTicks } from '../axis.ts';
import { ErrorBar, HBAR_MARGIN } from '../components/common.tsx';
import { cpvDivisionName } from '../cpv.ts';
import { endpoints } from '../endpoints.ts';
import { formatMoney, formatMonth, formatNumber, formatPercent } from '../format.ts';
import { useGet } from '../hooks.ts';
import { contractHref, navigate, overdueTasksHref, registerHref } from '../router.ts';
import { unitName, useSession } from '../session.tsx';
import { STATUSES } from '../types.ts';

// The colours follow the ceiling alerts (follow-up tasks at 80 % and 100 % of the maximum value).
const [WARN_AT, FULL_AT] = CEILING_THRESHOLDS;

const themes = { light: teamsLightTheme, dark: teamsDarkTheme, contrast: teamsHighContrastTheme };

const useStyles = makeStyles({
  root: { display: 'flex', flexDirection: 'column', gap: tokens.spacingVerticalL },
  tiles: { display: 'flex', gap: tokens.spacingHorizontalM, flexWrap: 'wrap' },
  tile: { minWidth: '150px' },
  number: {
    fontSize: tokens.fontSizeHero800,
    fontWeight: tokens.fontWeightSemibold,
    lineHeight: 1.1,
  },
  grid: {
    display: 'grid',
    gridTemplateColumns: 'repeat(auto-fit, minmax(440px, 1fr))',
    gap: tokens.spacingVerticalL,
  },
  chart: { width: '100%', height: '260px' },
  links: {
    display: 'flex',
    flexWrap: 'wrap',
    gap: `${tokens.spacingVerticalXXS} ${tokens.spacingHorizontalM}`,
    listStyleType: 'none',
    padding: 0,
    margin: 0,
  },
});

/** Days from today to the last day of a month ("2026-03"), for the register's expiry filter. */
function daysToEndOf(month: string, today: string): number {
  const [y, m] = month.split('-').map(Number) as [number, number];
  const end = Date.UTC(y, m, 0);
  const t = Date.parse(`${today}T00:00:00Z`);
  return Math.max(0, Math.round((end - t) / 86_400_000));
}

/** The portfolio at a glance; every figure links to the register with the matching filter. */
export default function Dashboard() {
  const { t, i18n } = useTranslation();
  const lng = i18n.language;
  const styles = useStyles();
  const session = useSession();
  const theme = themes[session.theme];
  const { data, error, loading } = useGet<PortfolioSummary>(endpoints.dashboard);
  const colours = useMemo(
    () => ({
      brand: theme.colorBrandBackground,
      status: {
        draft: theme.colorPaletteBlueBorderActive,
        active: theme.colorPaletteGreenBorderActive,
        expiring: theme.colorPaletteMarigoldBorderActive,
        expired: theme.colorPaletteRedBorderActive,
        terminated: theme.colorNeutralStrokeAccessible,
      } as Record<string, string>,
      text: theme.colorNeutralForeground1,
      grid: theme.colorNeutralStroke2,
      danger: theme.colorPaletteRedBorderActive,
      warning: theme.colorPaletteMarigoldBorderActive,
      surface: theme.colorNeutralBackground1,
    }),
    [theme],
  );
  if (loading && !data) return <Spinner label={t('app.loading')} />;
  if (error) return <ErrorBar error={error} />;
  if (!data) return null;

  const statusHref = (s: string) =>
    registerHref({
      status: s,
      includeExpired: s === 'expired' || s === 'terminated' ? 'true' : undefined,
    });
  const statusData = STATUSES.map((s) => ({
    key: s,
    name: t(`status.${s}`),
    value: data.byStatus[s],
  }));
  const categories = data.byCategory.slice(0, 10).map((c) => ({
    key: c.division,
    name: c.division
      ? `${c.division} ${cpvDivisionName(c.division, lng)}`
      : t('dashboard.noCategory'),
    short: c.division || '–',
    value: c.count,
  }));
  const expiries = data.expiries.map((e) => ({ ...e, name: formatMonth(e.month, lng) }));
  const spendConnected = data.spendConnected;
  const ceiling = data.ceiling
    .filter((c) => c.maxValueOre !== null)
    .sort((a, b) => (b.ratio ?? 0) - (a.ratio ?? 0));
  const ceilingBars = ceiling
    .slice(0, 15)
    // Rounded for the bar; the colour goes by the exact share, as the alerts do (79.6 % is not 80 %).
    .map((c) => ({ ...c, pct: Math.round((c.ratio ?? 0) * 100) }));
  const ceilingTicks = percentTicks(Math.max(0, ...ceilingBars.map((c) => c.pct)));
  const axis = { fill: colours.text, fontSize: 12 };
  const tooltipStyle = {
    contentStyle: {
      background: colours.surface,
      color: colours.text,
      border: `1px solid ${colours.grid}`,
    },
    itemStyle: { color: colours.text },
    labelStyle: { color: colours.text },
  };

  return (
    <section className={styles.root} aria-labelledby="dashboard-heading">
      <Title2 as="h2" id="dashboard-heading">
        {t('dashboard.heading')}
      </Title2>
      <ul
        className={styles.tiles}
        aria-label={t('dashboard.byStatus')}
        style={{ listStyle: 'none', padding: 0 }}
      >
        <li>
          <Card className={styles.tile}>
            <Text>{t('dashboard.total')}</Text>
            <Link href={registerHref({ includeExpired: 'true' })} className={styles.number}>
              {formatNumber(data.total, lng)}
            </Link>
          </Card>
        </li>
        {STATUSES.map((s) => (
          <li key={s}>
            <Card className={styles.tile}>
              <Text>{t(`status.${s}`)}</Text>
              <Link href={statusHref(s)} className={styles.number} data-testid={`tile-${s}`}>
                {formatNumber(data.byStatus[s], lng)}
              </Link>
            </Card>
          </li>
        ))}
        <li>
          <Card className={styles.tile}>
            <Text>{t('dashboard.overdue')}</Text>
            {data.overdue ? (
              <Link href="#/tasks" className={styles.number}>
                {formatNumber(data.overdue.total, lng)}
              </Link>
            ) : (
              <Text>{t('dashboard.noTasks')}</Text>
            )}
          </Card>
        </li>
      </ul>

      <div className={styles.grid}>
        <Card>
          <CardHeader header={<Subtitle1 as="h3">{t('dashboard.expiries')}</Subtitle1>} />
          <div
            className={styles.chart}
            role="img"
            aria-label={t('dashboard.expiriesChart', {
              list: expiries.map((e) => `${e.name}: ${e.count}`).join(', '),
            })}
          >
            <ResponsiveContainer>
              <BarChart data={expiries} accessibilityLayer={false}>
                <CartesianGrid stroke={colours.grid} vertical={false} />
                <XAxis
                  dataKey="name"
                  tick={axis}
                  stroke={colours.grid}
                  interval={0}
                  angle={-35}
                  textAnchor="end"
                  height={60}
                />
                <YAxis allowDecimals={false} tick={axis} stroke={colours.grid} width={36} />
                <Tooltip {...tooltipStyle} cursor={{ fill: colours.grid }} />
                <Bar
                  isAnimationActive={false}
                  dataKey="count"
                  name={t('dashboard.expiring')}
                  fill={colours.brand}
                  cursor="pointer"
                  onClick={(d: { payload?: { month: string } }) =>
                    d.payload &&
                    navigate(
                      registerHref({
                        expiringWithinDays: String(daysToEndOf(d.payload.month, data.today)),
                        sort: 'endDate',
                      }),
                    )
                  }
                />
              </BarChart>
            </ResponsiveContainer>
          </div>
          <ul className={styles.links} aria-label={t('dashboard.expiries')}>
            {expiries.map((e) => (
              <li key={e.month}>
                <Link
                  href={registerHref({
                    expiringWithinDays: String(daysToEndOf(e.month, data.today)),
                    sort: 'endDate',
                  })}
                >
                  {e.name}: {e.count}
                </Link>
              </li>
            ))}
          </ul>
        </Card>

        <Card>
          <CardHeader header={<Subtitle1 as="h3">{t('dashboard.byStatus')}</Subtitle1>} />
          <div
            className={styles.chart}
            role="img"
            aria-label={t('dashboard.statusChart', {
              list: statusData.map((s) => `${s.name}: ${s.value}`).join(', '),
            })}
          >
            <ResponsiveContainer>
              <BarChart data={statusData} accessibilityLayer={false}>
                <CartesianGrid stroke={colours.grid} vertical={false} />
                <XAxis dataKey="name" tick={axis} stroke={colours.grid} />
                <YAxis allowDecimals={false} tick={axis} stroke={colours.grid} width={44} />
                <Tooltip {...tooltipStyle} cursor={{ fill: colours.grid }} />
                <Bar
                  isAnimationActive={false}
                  dataKey="value"
                  name={t('dashboard.contracts')}
                  cursor="pointer"
                  onClick={(d: { payload?: { key: string } }) =>
                    d.payload && navigate(statusHref(d.payload.key))
                  }
                >
                  {statusData.map((s) => (
                    <Cell key={s.key} fill={colours.status[s.key] ?? colours.brand} />
                  ))}
                </Bar>
              </BarChart>
            </ResponsiveContainer>
          </div>
        </Card>

        <Card>
          <CardHeader header={<Subtitle1 as="h3">{t('dashboard.byCategory')}</Subtitle1>} />
          <div
            className={styles.chart}
            role="img"
            aria-label={t('dashboard.categoryChart', {
              list: categories.map((c) => `${c.name}: ${c.value}`).join(', '),
            })}
          >
            <ResponsiveContainer>
              <BarChart
                data={categories}
                layout="vertical"
                accessibilityLayer={false}
                margin={{ ...HBAR_MARGIN, left: 8 }}
              >
                <CartesianGrid stroke={colours.grid} horizontal={false} />
                <XAxis type="number" allowDecimals={false} tick={axis} stroke={colours.grid} />
                <YAxis
                  type="category"
                  dataKey="short"
                  tick={axis}
                  stroke={colours.grid}
                  width={32}
                />
                <Tooltip
                  {...tooltipStyle}
                  cursor={{ fill: colours.grid }}
                  labelFormatter={(_l, p) => String(p?.[0]?.payload?.name ?? '')}
                />
                <Bar
                  isAnimationActive={false}
                  dataKey="value"
                  name={t('dashboard.contracts')}
                  fill={colours.brand}
                  cursor="pointer"
                  onClick={(d: { payload?: { key: string } }) =>
                    d.payload?.key && navigate(registerHref({ category: d.payload.key }))
                  }
                />
              </BarChart>
            </ResponsiveContainer>
          </div>
          <ul className={styles.links} aria-label={t('dashboard.byCategory')}>
            {categories.map((c) => (
              <li key={c.key}>
                {c.key ? (
                  <Link href={registerHref({ category: c.key })}>
                    {c.name}: {c.value}
                  </Link>
                ) : (
                  <Text>
                    {c.name}: {c.value}
                  </Text>
                )}
              </li>
            ))}
          </ul>
        </Card>

        <Card>
          <CardHeader header={<Subtitle1 as="h3">{t('dashboard.ceiling')}</Subtitle1>} />
          {!spendConnected && <Text>{t('dashboard.noSpend')}</Text>}
          {spendConnected && ceilingBars.length > 0 && (
            <div
              className={styles.chart}
              style={{ height: `${Math.max(260, ceilingBars.length * 22 + 40)}px` }}
              role="img"
              aria-label={t('dashboard.ceiling')}
            >
              <ResponsiveContainer>
                <BarChart
                  data={ceilingBars}
                  layout="vertical"
                  margin={HBAR_MARGIN}
                  accessibilityLayer={false}
                >
                  <CartesianGrid stroke={colours.grid} horizontal={false} />
                  <XAxis
                    type="number"
                    unit=" %"
                    tick={axis}
                    stroke={colours.grid}
                    ticks={ceilingTicks}
                    domain={[0, ceilingTicks.at(-1) ?? 100]}
                  />
                  <YAxis
                    type="category"
                    dataKey="referenceNumber"
                    tick={axis}
                    stroke={colours.grid}
                    width={110}
                    interval={0}
                  />
                  <Tooltip {...tooltipStyle} cursor={{ fill: colours.grid }} />
                  <ReferenceLine x={WARN_AT} stroke={colours.warning} strokeDasharray="4 2" />
                  <ReferenceLine x={FULL_AT} stroke={colours.danger} strokeDasharray="4 2" />
                  <Bar
                    isAnimationActive={false}
                    dataKey="pct"
                    name={t('dashboard.used')}
                    cursor="pointer"
                    onClick={(d: { payload?: { contractId: string } }) =>
                      d.payload && navigate(contractHref(d.payload.contractId))
                    }
                  >
                    {ceilingBars.map((c) => (
                      <Cell
                        key={c.contractId}
                        fill={
                          (c.ratio ?? 0) * 100 >= FULL_AT
                            ? colours.danger
                            : (c.ratio ?? 0) * 100 >= WARN_AT
                              ? colours.warning
                              : colours.brand
                        }
                      />
                    ))}
                  </Bar>
                </BarChart>
              </ResponsiveContainer>
            </div>
          )}
          <ul className={styles.links} aria-label={t('dashboard.ceiling')}>
            {ceiling.slice(0, 10).map((c) => (
              <li key={c.contractId}>
                <Link href={contractHref(c.contractId)}>
                  {c.referenceNumber}: {formatMoney(c.maxValueOre, lng)}
                  {c.ratio !== null ? ` (${formatPercent(c.ratio, lng)})` : ''}
                </Link>
              </li>
            ))}
          </ul>
        </Card>

        {data.overdue && data.overdue.byUnit.length > 0 && (
          <Card>
            <CardHeader header={<Subtitle1 as="h3">{t('dashboard.overdueByUnit')}</Subtitle1>} />
            <ul className={styles.links} aria-label={t('dashboard.overdueByUnit')}>
              {data.overdue.byUnit.map((u) => (
                <li key={u.unitId}>
                  <Link href={overdueTasksHref(u.unitId)}>
                    {unitName(session, u.unitId)}: {u.count}
                  </Link>
                </li>
              ))}
            </ul>
          </Card>
        )}
      </div>
    </section>
  );
}
