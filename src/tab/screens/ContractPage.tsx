import {
  Body1,
  Button,
  Card,
  CardHeader,
  Dialog,
  DialogActions,
  DialogBody,
  DialogContent,
  DialogSurface,
  DialogTitle,
  MessageBar,
  MessageBarBody,
  makeStyles,
  ProgressBar,
  Spinner,
  Subtitle1,
  Table,
  TableBody,
  TableCell,
  TableHeader,
  TableHeaderCell,
  TableRow,
  Text,
  Title2,
  tokens,
} from '@fluentui/react-components';
import { ArrowLeft20Regular, DataBarVertical20Regular, Edit20Regular } from '@fluentui/react-icons';
import { type ReactNode, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError, request } from '../api.ts';
import { ContractForm } from '../components/ContractForm.tsx';
import { ConfidentialMark, ErrorBar, StatusBadge, Withheld } from '../components/common.tsx';
import { DocumentsPanel } from '../components/DocumentsPanel.tsx';
import { PlanTimeline } from '../components/PlanTimeline.tsx';
import { endpoints } from '../endpoints.ts';
import { formatDate, formatDateTime, formatMoney, formatPercent } from '../format.ts';
import { useGet } from '../hooks.ts';
import { contractHref, navigate } from '../router.ts';
import { unitName, userName, useSession } from '../session.tsx';
import type {
  ApiContract,
  AuditChange,
  AuditEntry,
  ConfidentialField,
  TaskView,
} from '../types.ts';

interface CeilingUsage {
  readonly contractId: string;
  readonly spentOre: number | null;
  readonly maxValueOre: number | null;
  readonly ratio: number | null;
}

const useStyles = makeStyles({
  root: {
    display: 'flex',
    flexDirection: 'column',
    gap: tokens.spacingVerticalL,
    maxWidth: '1200px',
  },
  head: { display: 'flex', gap: tokens.spacingHorizontalM, alignItems: 'center', flexWrap: 'wrap' },
  grid: {
    display: 'grid',
    gridTemplateColumns: 'repeat(auto-fit, minmax(420px, 1fr))',
    gap: tokens.spacingVerticalL,
  },
  facts: {
    display: 'grid',
    gridTemplateColumns: 'minmax(140px, max-content) 1fr',
    columnGap: tokens.spacingHorizontalL,
    rowGap: tokens.spacingVerticalXS,
    margin: 0,
  },
  dt: { color: tokens.colorNeutralForeground2 },
  dd: { margin: 0 },
  options: { display: 'flex', flexDirection: 'column', gap: tokens.spacingVerticalS },
  option: {
    display: 'flex',
    gap: tokens.spacingHorizontalM,
    alignItems: 'center',
    flexWrap: 'wrap',
    padding: tokens.spacingVerticalS,
    borderRadius: tokens.borderRadiusMedium,
    border: `${tokens.strokeWidthThin} solid ${tokens.colorNeutralStroke2}`,
  },
  spacer: { flexGrow: 1 },
  pre: { whiteSpace: 'pre-wrap' },
});

/** One contract: facts, suppliers, options, price terms, ceiling, plan, tasks, documents, history. */
export default function ContractPage({ id, mode }: { id: string | null; mode: string }) {
  const { t } = useTranslation();
  const styles = useStyles();
  const session = useSession();
  const [contract, setContract] = useState<ApiContract | null>(null);
  const [etag, setEtag] = useState<string | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [version, setVersion] = useState(0);

  useEffect(() => {
    if (!id) return;
    void version;
    const ac = new AbortController();
    setError(null);
    request<ApiContract>('GET', `/api/contracts/${encodeURIComponent(id)}`, {
      signal: ac.signal,
    }).then(
      (r) => {
        setContract(r.data);
        setEtag(r.etag);
      },
      (e: unknown) => !ac.signal.aborted && setError(e),
    );
    return () => ac.abort();
  }, [id, version]);

  if (!id) {
    return (
      <section className={styles.root} aria-labelledby="contract-heading">
        <Title2 as="h2" id="contract-heading">
          {t('form.newTitle')}
        </Title2>
        <ContractForm
          contract={null}
          etag={null}
          onSaved={(c) => navigate(contractHref(c.id))}
          onCancel={() => navigate('#/register')}
        />
      </section>
    );
  }
  if (error) return <ErrorBar error={error} />;
  // Until the contract of *this* route has loaded (the previous one is still in state after a
  // move from one contract to another), show nothing of it: an edit form filled from the previous
  // contract would save its values onto this one.
  if (!contract || contract.id !== id) return <Spinner label={t('app.loading')} />;

  const canEdit =
    session.me.role === 'kontraktservice' ||
    (session.me.role === 'contract_owner' &&
      (contract.ownerId === session.me.id || contract.managerId === session.me.id));

  if (mode === 'edit' && canEdit) {
    return (
      <section className={styles.root} aria-labelledby="contract-heading">
        <Title2 as="h2" id="contract-heading">
          {t('form.editTitle')}: {contract.referenceNumber}
        </Title2>
        <ContractForm
          key={contract.id}
          contract={contract}
          etag={etag}
          onSaved={(c) => {
            setContract(c);
            setVersion((v) => v + 1);
            navigate(contractHref(c.id));
          }}
          onCancel={() => navigate(contractHref(contract.id))}
        />
      </section>
    );
  }
  return (
    <ContractView
      contract={contract}
      etag={etag}
      canEdit={canEdit}
      version={version}
      onChanged={(c, e) => {
        setContract(c);
        setEtag(e);
        setVersion((v) => v + 1);
      }}
    />
  );
}

function ContractView({
  contract: c,
  etag,
  canEdit,
  version,
  onChanged,
}: {
  contract: ApiContract;
  etag: string | null;
  canEdit: boolean;
  version: number;
  onChanged: (c: ApiContract, etag: string | null) => void;
}) {
  const { t, i18n } = useTranslation();
  const lng = i18n.language;
  const styles = useStyles();
  const session = useSession();
  const base = `/api/contracts/${encodeURIComponent(c.id)}`;
  const history = useGet<{ items: AuditEntry[] }>(`${base}/history`, version);
  const plan = useGet<{ items: TaskView[] }>(endpoints.plan(c.id), version);
  const ceiling = useGet<CeilingUsage>(
    c.kind === 'framework' ? endpoints.ceiling(c.id) : null,
    version,
  );
  const usage: CeilingUsage | null = ceiling.data;
  const [decision, setDecision] = useState<{
    optionId: string;
    kind: 'exercise' | 'decline';
  } | null>(null);
  const [decisionError, setDecisionError] = useState<unknown>(null);

  const withheld = (f: ConfidentialField) => c.withheld.find((w) => w.field === f);
  const mark = (f: ConfidentialField) => {
    const m = c.confidential?.[f];
    return m ? <ConfidentialMark legalBasis={m.legalBasis} /> : null;
  };
  const guarded = (f: ConfidentialField, value: ReactNode) => {
    const w = withheld(f);
    return w ? <Withheld legalBasis={w.legalBasis} /> : value;
  };
  const nextOpen = c.options.find((o) => o.state === 'open');

  async function decide() {
    if (!decision) return;
    setDecisionError(null);
    try {
      const r = await request<ApiContract>(
        'POST',
        `${base}/options/${encodeURIComponent(decision.optionId)}/${decision.kind}`,
        { ifMatch: etag },
      );
      setDecision(null);
      onChanged(r.data, r.etag);
    } catch (e) {
      setDecisionError(e);
    }
  }

  const fact = (label: string, value: ReactNode, extra?: ReactNode) => (
    <>
      <dt className={styles.dt}>
        {label} {extra}
      </dt>
      <dd className={styles.dd}>{value}</dd>
    </>
  );

  return (
    <article className={styles.root} aria-labelledby="contract-heading">
      <div className={styles.head}>
        <Button
          appearance="subtle"
          icon={<ArrowLeft20Regular />}
          onClick={() =>
            window.history.length > 1 ? window.history.back() : navigate('#/register')
          }
        >
          {t('common.back')}
        </Button>
        <Title2 as="h2" id="contract-heading">
          {withheld('title') ? t('confidential.withheldTitle') : c.title}
        </Title2>
        {mark('title')}
        <StatusBadge status={c.status} />
        <span className={styles.spacer} />
        {c.kind === 'framework' && session.me.role !== 'reader' && (
          <Button
            as="a"
            href={`#/spend/orders?agreementId=${encodeURIComponent(c.id)}`}
            icon={<DataBarVertical20Regular />}
          >
            {t('nav.orderAnalysis')}
          </Button>
        )}
        {canEdit && (
          <Button
            appearance="primary"
            icon={<Edit20Regular />}
            onClick={() => navigate(`${contractHref(c.id)}/edit`)}
          >
            {t('contract.edit')}
          </Button>
        )}
      </div>
      {withheld('title') && <Withheld legalBasis={withheld('title')?.legalBasis ?? ''} />}
      <div className={styles.grid}>
        <Card>
          <CardHeader header={<Subtitle1 as="h3">{t('contract.facts')}</Subtitle1>} />
          <dl className={styles.facts}>
            {fact(t('field.referenceNumber'), c.referenceNumber)}
            {fact(t('field.caseNumber'), c.caseNumber ?? '–')}
            {fact(t('field.kind'), t(`kind.${c.kind}`))}
            {fact(t('field.type'), t(`type.${c.type}`))}
            {fact(t('field.procedure'), t(`procedure.${c.procedure}`))}
            {fact(t('field.cpvCodes'), c.cpvCodes.join(', ') || '–')}
            {fact(t('field.owningUnitId'), unitName(session, c.owningUnitId))}
            {fact(t('field.ownerId'), userName(session, c.ownerId))}
            {fact(t('field.managerId'), userName(session, c.managerId))}
            {fact(t('field.startDate'), formatDate(c.startDate, lng))}
            {fact(t('field.endDate'), formatDate(c.endDate, lng))}
            {fact(
              t('contract.currentEndDate'),
              <span data-testid="current-end-date">{formatDate(c.currentEndDate, lng)}</span>,
            )}
            {fact(t('contract.maximumEndDate'), formatDate(c.maximumEndDate, lng))}
            {fact(
              t('field.noticePeriodMonths'),
              c.noticePeriodMonths == null
                ? '–'
                : t('common.months', { count: c.noticePeriodMonths }),
            )}
            {fact(t('field.riskLevel'), t(`risk.${c.riskLevel}`))}
            {fact(
              t('field.payConditionsControl'),
              c.payConditionsControl ? t('common.yes') : t('common.no'),
            )}
            {fact(t('field.sector'), c.sector ?? '–')}
            {fact(t('field.published'), c.published ? t('common.yes') : t('common.no'))}
            {c.terminatedOn && fact(t('contract.terminatedOn'), formatDate(c.terminatedOn, lng))}
          </dl>
          <Text weight="semibold">
            {t('field.description')} {mark('description')}
          </Text>
          <Body1 className={styles.pre}>{guarded('description', c.description || '–')}</Body1>
        </Card>

        <Card>
          <CardHeader
            header={
              <Subtitle1 as="h3">
                {t('contract.value')} {mark('maxValueOre')}
              </Subtitle1>
            }
          />
          <dl className={styles.facts}>
            {fact(
              t('field.estimatedValueOre'),
              guarded('estimatedValueOre', formatMoney(c.estimatedValueOre, lng)),
              mark('estimatedValueOre'),
            )}
            {fact(t('field.maxValueOre'), guarded('maxValueOre', formatMoney(c.maxValueOre, lng)))}
          </dl>
          {c.kind === 'framework' && (
            <CeilingBlock
              loading={ceiling.loading}
              error={ceiling.error}
              usage={usage}
              maxWithheld={Boolean(withheld('maxValueOre'))}
            />
          )}
          <Subtitle1 as="h3">
            {t('contract.priceAdjustment')} {mark('priceAdjustment')}
          </Subtitle1>
          {guarded(
            'priceAdjustment',
            c.priceAdjustment ? (
              <dl className={styles.facts}>
                {fact(t('field.paIndex'), c.priceAdjustment.index)}
                {fact(t('field.paBasePeriod'), c.priceAdjustment.basePeriod)}
                {fact(
                  t('field.paMonth'),
                  new Intl.DateTimeFormat(lng === 'en' ? 'en-GB' : 'nb-NO', {
                    month: 'long',
                    timeZone: 'UTC',
                  }).format(new Date(Date.UTC(2000, c.priceAdjustment.adjustmentMonth - 1, 1))),
                )}
                {fact(t('field.paShare'), `${c.priceAdjustment.sharePercent} %`)}
              </dl>
            ) : (
              <Text>{t('contract.noPriceAdjustment')}</Text>
            ),
          )}
        </Card>
      </div>

      <Card>
        <CardHeader
          header={
            <Subtitle1 as="h3">
              {t('contract.suppliers')} {mark('suppliers')}
            </Subtitle1>
          }
        />
        {guarded(
          'suppliers',
          c.suppliers.length === 0 ? (
            <Text>{t('contract.noSuppliers')}</Text>
          ) : (
            <Table aria-label={t('contract.suppliers')} size="small">
              <TableHeader>
                <TableRow>
                  <TableHeaderCell>{t('field.supplierName')}</TableHeaderCell>
                  <TableHeaderCell>{t('field.orgnr')}</TableHeaderCell>
                  <TableHeaderCell>{t('field.rank')}</TableHeaderCell>
                  <TableHeaderCell>
                    {t('field.terms')} {mark('supplierTerms')}
                  </TableHeaderCell>
                </TableRow>
              </TableHeader>
              <TableBody>
                {c.suppliers.map((s) => (
                  <TableRow key={s.orgnr}>
                    <TableCell>{s.name}</TableCell>
                    <TableCell>{s.orgnr}</TableCell>
                    <TableCell>{s.rank ?? '–'}</TableCell>
                    <TableCell>
                      {withheld('supplierTerms') ? (
                        <Withheld legalBasis={withheld('supplierTerms')?.legalBasis ?? ''} />
                      ) : (
                        (s.terms ?? '–')
                      )}
                    </TableCell>
                  </TableRow>
                ))}
              </TableBody>
            </Table>
          ),
        )}
      </Card>

      <Card>
        <CardHeader
          header={
            <Subtitle1 as="h3">
              {t('contract.options')} {mark('options')}
            </Subtitle1>
          }
        />
        {guarded(
          'options',
          c.options.length === 0 ? (
            <Text>{t('contract.noOptions')}</Text>
          ) : (
            <ol className={styles.options} aria-label={t('contract.options')}>
              {c.options.map((o, i) => (
                <li key={o.id} className={styles.option} data-testid={`option-${o.id}`}>
                  <Text weight="semibold">
                    {t('contract.option')} {i + 1}
                  </Text>
                  <Text>
                    {t('field.newEndDate')}: {formatDate(o.newEndDate, lng)}
                  </Text>
                  <Text>
                    {t('field.decisionDeadline')}: {formatDate(o.decisionDeadline, lng)}
                  </Text>
                  <Text>
                    {t(`optionState.${o.state}`)}
                    {o.decidedAt
                      ? ` ${formatDate(o.decidedAt, lng)} (${userName(session, o.decidedBy)})`
                      : ''}
                  </Text>
                  <span className={styles.spacer} />
                  {canEdit && nextOpen?.id === o.id && (
                    <>
                      <Button
                        appearance="primary"
                        onClick={() => setDecision({ optionId: o.id, kind: 'exercise' })}
                      >
                        {t('contract.exercise')}
                      </Button>
                      <Button onClick={() => setDecision({ optionId: o.id, kind: 'decline' })}>
                        {t('contract.decline')}
                      </Button>
                    </>
                  )}
                </li>
              ))}
            </ol>
          ),
        )}
      </Card>

      <Card>
        <CardHeader header={<Subtitle1 as="h3">{t('contract.plan')}</Subtitle1>} />
        <Section loaded={plan} missing={t('contract.planMissing')}>
          {plan.data && <PlanTimeline tasks={plan.data.items} />}
        </Section>
      </Card>

      <Card>
        <CardHeader header={<Subtitle1 as="h3">{t('contract.documents')}</Subtitle1>} />
        <DocumentsPanel
          contractId={c.id}
          suppliers={withheld('suppliers') ? [] : c.suppliers}
          canEdit={canEdit}
        />
      </Card>

      <Card>
        <CardHeader header={<Subtitle1 as="h3">{t('contract.history')}</Subtitle1>} />
        <Section loaded={history} missing="">
          {history.data && <History entries={history.data.items} />}
        </Section>
      </Card>

      <Dialog open={decision !== null} onOpenChange={(_e, d) => !d.open && setDecision(null)}>
        <DialogSurface>
          <DialogBody>
            <DialogTitle>
              {decision?.kind === 'exercise'
                ? t('contract.exerciseTitle')
                : t('contract.declineTitle')}
            </DialogTitle>
            <DialogContent>
              <Text>
                {decision?.kind === 'exercise'
                  ? t('contract.exerciseText', {
                      date: formatDate(
                        c.options.find((o) => o.id === decision?.optionId)?.newEndDate,
                        lng,
                      ),
                    })
                  : t('contract.declineText')}
              </Text>
              <ErrorBar error={decisionError} />
            </DialogContent>
            <DialogActions>
              <Button appearance="primary" onClick={() => void decide()}>
                {decision?.kind === 'exercise' ? t('contract.exercise') : t('contract.decline')}
              </Button>
              <Button onClick={() => setDecision(null)}>{t('common.cancel')}</Button>
            </DialogActions>
          </DialogBody>
        </DialogSurface>
      </Dialog>
    </article>
  );
}

function Section({
  loaded,
  missing,
  children,
}: {
  loaded: { loading: boolean; error: unknown };
  missing: string;
  children: ReactNode;
}) {
  const { t } = useTranslation();
  if (loaded.loading) return <Spinner size="tiny" label={t('app.loading')} />;
  if (loaded.error instanceof ApiError && loaded.error.status === 404 && missing) {
    return (
      <MessageBar intent="info">
        <MessageBarBody>{missing}</MessageBarBody>
      </MessageBar>
    );
  }
  if (loaded.error) return <ErrorBar error={loaded.error} />;
  return <>{children}</>;
}

function CeilingBlock({
  loading,
  error,
  usage,
  maxWithheld,
}: {
  loading: boolean;
  error: unknown;
  usage: CeilingUsage | null;
  maxWithheld: boolean;
}) {
  const { t, i18n } = useTranslation();
  const lng = i18n.language;
  if (maxWithheld) return null;
  if (loading) return <Spinner size="tiny" label={t('app.loading')} />;
  if (error instanceof ApiError && error.status === 404) {
    return <Text>{t('contract.ceilingMissing')}</Text>;
  }
  if (error) return <ErrorBar error={error} />;
  if (!usage) return null;
  if (usage.ratio === null) return <Text>{t('contract.ceilingNoMax')}</Text>;
  const ratio = usage.ratio;
  return (
    <div data-testid="ceiling">
      <Text>
        {t('contract.ceiling', {
          spent: formatMoney(usage.spentOre, lng),
          max: formatMoney(usage.maxValueOre, lng),
          pct: formatPercent(ratio, lng),
        })}
      </Text>
      <ProgressBar
        value={Math.min(ratio, 1)}
        color={ratio >= 0.9 ? 'error' : ratio >= 0.75 ? 'warning' : 'brand'}
        aria-label={t('contract.ceilingLabel')}
        thickness="large"
      />
    </div>
  );
}

/** Fields whose values are codes, and the key space of their labels. */
const HISTORY_LABELS: Record<string, string> = {
  kind: 'kind',
  type: 'type',
  procedure: 'procedure',
  riskLevel: 'risk',
};

function History({ entries }: { entries: readonly AuditEntry[] }) {
  const { t, i18n } = useTranslation();
  const session = useSession();
  const lng = i18n.language;
  /** A changed value as the facts show it: labels for codes, NOK for øre, Norwegian dates. */
  const fmt = (field: string, v: unknown): string => {
    if (v === null || v === undefined || v === '') return '–';
    const labels = HISTORY_LABELS[field];
    if (labels && typeof v === 'string') return t(`${labels}.${v}`, { defaultValue: v });
    if (typeof v === 'boolean') return t(v ? 'common.yes' : 'common.no');
    if (typeof v === 'number' && field.endsWith('Ore')) return formatMoney(v, lng);
    if (typeof v === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(v)) return formatDate(v, lng);
    // Lists (CPV codes, suppliers) as text, not JSON: a supplier by its name and org. number.
    const one = (x: unknown): string => {
      if (x && typeof x === 'object' && 'newEndDate' in x) {
        const o = x as { newEndDate: string; state: string };
        return `${formatDate(o.newEndDate, lng)} (${t(`optionState.${o.state}`, { defaultValue: o.state })})`;
      }
      if (x && typeof x === 'object' && 'name' in x) {
        const o = x as { name: unknown; orgnr?: unknown };
        return o.orgnr ? `${String(o.name)} (${String(o.orgnr)})` : String(o.name);
      }
      return typeof x === 'string' ? x : JSON.stringify(x);
    };
    if (Array.isArray(v)) return v.length === 0 ? '–' : v.map(one).join(', ');
    return one(v);
  };
  /** A new contract (created or imported) lists its values; a change shows before → after. */
  const change = (action: string, ch: AuditChange): string => {
    const label = t(`field.${ch.field.split('.')[0]}`, { defaultValue: ch.field });
    if (action === 'create' || action === 'import') return `${label}: ${fmt(ch.field, ch.to)}`;
    let { from, to } = ch;
    // A list whose entries changed in place (an option decided): only the entries that changed.
    if (Array.isArray(from) && Array.isArray(to) && from.length === to.length) {
      const before = from;
      const after = to;
      const same = before.map((x, i) => JSON.stringify(x) === JSON.stringify(after[i]));
      from = before.filter((_, i) => !same[i]);
      to = after.filter((_, i) => !same[i]);
    }
    return `${label}: ${fmt(ch.field, from)} → ${fmt(ch.field, to)}`;
  };
  if (entries.length === 0) return <Text>{t('contract.noHistory')}</Text>;
  return (
    <Table aria-label={t('contract.history')} size="small" data-testid="history">
      <TableHeader>
        <TableRow>
          <TableHeaderCell>{t('history.at')}</TableHeaderCell>
          <TableHeaderCell>{t('history.who')}</TableHeaderCell>
          <TableHeaderCell>{t('history.what')}</TableHeaderCell>
          <TableHeaderCell>{t('history.changes')}</TableHeaderCell>
        </TableRow>
      </TableHeader>
      <TableBody>
        {[...entries].reverse().map((e, i) => (
          <TableRow key={e.id ?? `${e.at}-${i}`}>
            <TableCell>{formatDateTime(e.at, i18n.language)}</TableCell>
            <TableCell>
              {e.actorId.startsWith('system:') ? t('history.system') : userName(session, e.actorId)}
            </TableCell>
            <TableCell>
              {/* Actions such as `option.exercised` are keys `option_exercised` (a dot would nest). */}
              {t(`history.action.${e.action.replace(/\./g, '_')}`, { defaultValue: e.action })}
            </TableCell>
            <TableCell>
              {(e.changes ?? [])
                .slice(0, 8)
                .map((ch) => change(e.action, ch))
                .join('; ')}
              {(e.changes?.length ?? 0) > 8 ? ' …' : ''}
            </TableCell>
          </TableRow>
        ))}
      </TableBody>
    </Table>
  );
}
