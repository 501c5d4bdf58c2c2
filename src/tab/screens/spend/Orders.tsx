import {
  Badge,
  Button,
  Card,
  Dialog,
  DialogActions,
  DialogBody,
  DialogContent,
  DialogSurface,
  DialogTitle,
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
  Textarea,
} from '@fluentui/react-components';
import { ArrowDownload20Regular } from '@fluentui/react-icons';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError, download, type FieldIssue, post } from '../../api.ts';
import { Dropdown, Option } from '../../components/Choice.tsx';
import { ErrorBar } from '../../components/common.tsx';
import {
  formatDate,
  formatDateTime,
  formatMoney,
  formatMonth,
  formatNumber,
} from '../../format.ts';
import { useGet } from '../../hooks.ts';
import { contractHref, navigate } from '../../router.ts';
import { unitName, useSession } from '../../session.tsx';
import { Figure, MonthlyKrChart, Named, useSpendStyles } from './shared.tsx';

/** The order as docs/spend.md "API: Bestill innkjøpsanalyse" describes it. */
export interface AnalysisOrder {
  readonly id: string;
  readonly state: 'ordered' | 'running' | 'done' | 'failed' | 'cancelled';
  readonly version: number;
  readonly unitId: string;
  readonly requestedBy: { readonly id: string; readonly name: string };
  readonly scope: {
    readonly from: string;
    readonly to: string;
    readonly unit: string | null;
    readonly cpv: string | null;
    readonly supplierOrgnr: string | null;
    readonly agreementId: string | null;
  };
  readonly agreement: {
    readonly id: string;
    readonly reference: string;
    readonly title: string;
  } | null;
  readonly question: string;
  readonly createdAt: string;
  readonly startedAt: string | null;
  readonly completedAt: string | null;
  readonly handledBy: { readonly id: string; readonly name: string } | null;
  readonly comment: string | null;
  readonly summary: OrderSummary | null;
  readonly document: {
    readonly id: string;
    readonly status: string;
    readonly failureReason: string | null;
  } | null;
  readonly cancelReason: string | null;
  readonly failureReason: string | null;
}
interface OrderSummary {
  readonly totalOre: number;
  readonly matchedOre: number;
  readonly unmatchedOre: number;
  readonly leakageOre: number;
  readonly overpaymentOre: number;
  readonly invoices: number;
  readonly lines: number;
}
interface OrderResult {
  readonly order: AnalysisOrder;
  readonly summary: OrderSummary;
  readonly byMonth: { month: string; nokOre: number; lines: number }[];
  readonly bySupplier: {
    supplierKey: string;
    supplierName: string;
    nokOre: number;
    matchedOre: number;
    lines: number;
  }[];
  readonly byAgreement: { agreementId: string; reference: string; nokOre: number }[];
  readonly leakage: { class: string; nokOre: number; lines: number }[];
  readonly overpayments: {
    agreementId: string;
    supplierKey: string;
    supplierName: string | null;
    itemName: string | null;
    item: string;
    overpaymentOre: number;
    lines: number;
  }[];
}
interface Choices {
  readonly units: string[];
  readonly categories: { code: string; lines: number }[];
  readonly suppliers: { orgnr: string; name: string }[];
}

const stateColour = {
  ordered: 'informative',
  running: 'warning',
  done: 'success',
  failed: 'danger',
  cancelled: 'subtle',
} as const;

export const orderHref = (id: string) => `#/spend/orders/${encodeURIComponent(id)}`;

function StateBadge({ state }: { state: AnalysisOrder['state'] }) {
  const { t } = useTranslation();
  return (
    <Badge appearance="tint" shape="rounded" color={stateColour[state]}>
      {t(`orders.state.${state}`)}
    </Badge>
  );
}

/** The orders list and the order form ("Bestill innkjøpsanalyse"). */
export function Orders({ agreementId }: { agreementId: string | null }) {
  const { t, i18n } = useTranslation();
  const lng = i18n.language;
  const styles = useSpendStyles();
  const session = useSession();
  const [n, setN] = useState(0);
  const list = useGet<{ items: AnalysisOrder[]; total: number }>('/api/spend/orders', n);
  const [notice, setNotice] = useState<string | null>(null);
  const canOrder = session.me.role !== 'reader';
  if (list.error instanceof ApiError && list.error.status === 404) {
    return (
      <MessageBar intent="info">
        <MessageBarBody>{t('orders.unavailable')}</MessageBarBody>
      </MessageBar>
    );
  }
  return (
    <div className={styles.root}>
      <div role="status" aria-live="polite">
        {notice && <Text>{notice}</Text>}
      </div>
      {canOrder && (
        <OrderForm
          agreementId={agreementId}
          onOrdered={(o) => {
            setNotice(t('orders.sent'));
            setN((x) => x + 1);
            navigate(orderHref(o.id));
          }}
        />
      )}
      <Card className={styles.scroll}>
        <Subtitle1 as="h3">{t('orders.list')}</Subtitle1>
        {list.loading && !list.data && <Spinner size="tiny" label={t('app.loading')} />}
        <ErrorBar error={list.error} />
        {list.data && list.data.items.length === 0 && <Text>{t('orders.none')}</Text>}
        {list.data && list.data.items.length > 0 && (
          <Table size="small" aria-label={t('orders.list')} data-testid="orders-table">
            <TableHeader>
              <TableRow>
                <TableHeaderCell>{t('orders.created')}</TableHeaderCell>
                <TableHeaderCell>{t('orders.requestedBy')}</TableHeaderCell>
                <TableHeaderCell>{t('orders.question')}</TableHeaderCell>
                <TableHeaderCell>{t('orders.period')}</TableHeaderCell>
                <TableHeaderCell>{t('doc.status')}</TableHeaderCell>
              </TableRow>
            </TableHeader>
            <TableBody>
              {list.data.items.map((o) => (
                <TableRow key={o.id} data-testid="order-row" data-order-id={o.id}>
                  <TableCell>{formatDateTime(o.createdAt, lng)}</TableCell>
                  <TableCell>
                    {o.requestedBy.name} · {unitName(session, o.unitId)}
                  </TableCell>
                  <TableCell>
                    <Link href={orderHref(o.id)}>
                      {o.question.length > 90 ? `${o.question.slice(0, 90)} …` : o.question}
                    </Link>
                  </TableCell>
                  <TableCell>
                    {formatDate(o.scope.from, lng)} – {formatDate(o.scope.to, lng)}
                  </TableCell>
                  <TableCell>
                    <StateBadge state={o.state} />
                  </TableCell>
                </TableRow>
              ))}
            </TableBody>
          </Table>
        )}
      </Card>
    </div>
  );
}

function yearAgo(): { from: string; to: string } {
  const d = new Date();
  const to = d.toISOString().slice(0, 10);
  d.setUTCFullYear(d.getUTCFullYear() - 1);
  d.setUTCDate(d.getUTCDate() + 1);
  return { from: d.toISOString().slice(0, 10), to };
}

function OrderForm({
  agreementId,
  onOrdered,
}: {
  agreementId: string | null;
  onOrdered: (o: AnalysisOrder) => void;
}) {
  const { t } = useTranslation();
  const styles = useSpendStyles();
  const session = useSession();
  const isKs = session.me.role === 'kontraktservice';
  const choices = useGet<Choices>('/api/spend/orders/choices');
  const period = yearAgo();
  const [question, setQuestion] = useState('');
  const [from, setFrom] = useState(period.from);
  const [to, setTo] = useState(period.to);
  const [unitId, setUnitId] = useState(session.me.unitId ?? '');
  const [scopeUnit, setScopeUnit] = useState('');
  const [cpv, setCpv] = useState('');
  const [supplier, setSupplier] = useState('');
  const [issues, setIssues] = useState<readonly FieldIssue[]>([]);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const issue = (f: string) =>
    issues
      .filter((i) => i.field === f)
      .map((i) => i.message)
      .join('; ') || undefined;
  const state = (f: string) => (issue(f) ? 'error' : 'none');

  async function submit() {
    setBusy(true);
    setIssues([]);
    setError(null);
    try {
      const order = await post<AnalysisOrder>('/api/spend/orders', {
        ...(isKs && unitId ? { unitId } : {}),
        question,
        scope: {
          from,
          to,
          ...(scopeUnit ? { unit: scopeUnit } : {}),
          ...(cpv ? { cpv } : {}),
          ...(supplier ? { supplierOrgnr: supplier } : {}),
          ...(agreementId ? { agreementId } : {}),
        },
      });
      setQuestion('');
      onOrdered(order);
    } catch (e) {
      if (e instanceof ApiError) setIssues(e.issues);
      setError(e);
    } finally {
      setBusy(false);
    }
  }

  return (
    <Card>
      <Subtitle1 as="h3">{t('orders.heading')}</Subtitle1>
      <form
        className={styles.grid}
        noValidate
        data-testid="order-form"
        onSubmit={(e) => {
          e.preventDefault();
          void submit();
        }}
      >
        <Field
          className={styles.top}
          label={t('orders.question')}
          required
          validationMessage={issue('question')}
          validationState={state('question')}
        >
          <Textarea
            value={question}
            maxLength={2000}
            rows={6}
            resize="vertical"
            onChange={(_e, d) => setQuestion(d.value)}
          />
        </Field>
        <div className={styles.bar}>
          <Field
            label={t('orders.from')}
            required
            validationMessage={issue('scope.from')}
            validationState={state('scope.from')}
          >
            <Input type="date" value={from} onChange={(_e, d) => setFrom(d.value)} />
          </Field>
          <Field
            label={t('orders.to')}
            required
            validationMessage={issue('scope.to')}
            validationState={state('scope.to')}
          >
            <Input type="date" value={to} onChange={(_e, d) => setTo(d.value)} />
          </Field>
          {isKs && (
            <Field
              label={t('orders.unitId')}
              validationMessage={issue('unitId')}
              validationState={state('unitId')}
            >
              <Dropdown
                aria-label={t('orders.unitId')}
                selectedOptions={[unitId]}
                onOptionSelect={(_e, d) => setUnitId(d.optionValue ?? '')}
              >
                {session.units.map((u) => (
                  <Option key={u.id} value={u.id}>
                    {u.name}
                  </Option>
                ))}
              </Dropdown>
            </Field>
          )}
          <Field
            label={t('orders.scopeUnit')}
            validationMessage={issue('scope.unit')}
            validationState={state('scope.unit')}
          >
            <Dropdown
              aria-label={t('orders.scopeUnit')}
              selectedOptions={[scopeUnit]}
              onOptionSelect={(_e, d) => setScopeUnit(d.optionValue ?? '')}
            >
              <Option value="">{t('orders.any')}</Option>
              {(choices.data?.units ?? []).map((u) => (
                <Option key={u} value={u}>
                  {u}
                </Option>
              ))}
            </Dropdown>
          </Field>
          <Field
            label={t('orders.cpv')}
            validationMessage={issue('scope.cpv')}
            validationState={state('scope.cpv')}
          >
            <Dropdown
              aria-label={t('orders.cpv')}
              selectedOptions={[cpv]}
              onOptionSelect={(_e, d) => setCpv(d.optionValue ?? '')}
            >
              <Option value="">{t('orders.any')}</Option>
              {(choices.data?.categories ?? []).map((c) => (
                <Option key={c.code} value={c.code}>
                  {c.code}
                </Option>
              ))}
            </Dropdown>
          </Field>
          <Field
            label={t('orders.supplier')}
            validationMessage={issue('scope.supplierOrgnr')}
            validationState={state('scope.supplierOrgnr')}
          >
            <Dropdown
              aria-label={t('orders.supplier')}
              selectedOptions={[supplier]}
              onOptionSelect={(_e, d) => setSupplier(d.optionValue ?? '')}
            >
              <Option value="">{t('orders.any')}</Option>
              {(choices.data?.suppliers ?? []).map((s) => (
                <Option key={s.orgnr} value={s.orgnr}>
                  {`${s.name} (${s.orgnr})`}
                </Option>
              ))}
            </Dropdown>
          </Field>
        </div>
        {agreementId && (
          <Text>
            {t('orders.agreement')}: <Link href={contractHref(agreementId)}>{agreementId}</Link>
          </Text>
        )}
        {error !== null && (
          <ErrorBar
            error={
              issues.length > 0
                ? new Error(issues.map((i) => `${i.field}: ${i.message}`).join('; '))
                : error
            }
          />
        )}
        <div>
          <Button appearance="primary" type="submit" disabled={busy}>
            {t('orders.send')}
          </Button>
        </div>
      </form>
    </Card>
  );
}

/** One order: its state, Kontraktservice's actions, and the result when it is done. */
export function OrderDetail({ id }: { id: string }) {
  const { t, i18n } = useTranslation();
  const lng = i18n.language;
  const styles = useSpendStyles();
  const session = useSession();
  const [n, setN] = useState(0);
  const order = useGet<AnalysisOrder>(`/api/spend/orders/${encodeURIComponent(id)}`, n);
  const result = useGet<OrderResult>(
    order.data?.state === 'done' ? `/api/spend/orders/${encodeURIComponent(id)}/result` : null,
    n,
  );
  const [dialog, setDialog] = useState<'run' | 'cancel' | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [dlError, setDlError] = useState<unknown>(null);
  if (order.loading && !order.data) return <Spinner label={t('app.loading')} />;
  if (order.error) return <ErrorBar error={order.error} />;
  const o = order.data;
  if (!o) return null;
  const isKs = session.me.role === 'kontraktservice';
  const canRun = isKs && (o.state === 'ordered' || o.state === 'failed');
  const canCancel = o.state === 'ordered' && (isKs || o.requestedBy.id === session.me.id);
  return (
    <div className={styles.root} data-testid="order-detail">
      <Link href="#/spend/orders">{t('common.back')}</Link>
      <div role="status" aria-live="polite">
        {notice && <Text>{notice}</Text>}
      </div>
      <Card>
        <div className={styles.headingRow}>
          <Subtitle1 as="h3">{t('orders.heading')}</Subtitle1>
          <StateBadge state={o.state} />
        </div>
        <Text data-testid="order-question">{o.question}</Text>
        <Text className={styles.muted}>
          {t('orders.requestedBy')}: {o.requestedBy.name} · {unitName(session, o.unitId)} ·{' '}
          {formatDateTime(o.createdAt, lng)}
        </Text>
        <Text className={styles.muted}>
          {t('orders.period')}: {formatDate(o.scope.from, lng)} – {formatDate(o.scope.to, lng)}
          {o.scope.unit ? ` · ${t('orders.scopeUnit')}: ${o.scope.unit}` : ''}
          {o.scope.cpv ? ` · CPV ${o.scope.cpv}` : ''}
          {o.scope.supplierOrgnr ? ` · ${t('orders.supplier')}: ${o.scope.supplierOrgnr}` : ''}
        </Text>
        {o.agreement && (
          <Text>
            {t('orders.agreement')}:{' '}
            <Link href={contractHref(o.agreement.id)}>
              {o.agreement.reference} {o.agreement.title}
            </Link>
          </Text>
        )}
        {o.handledBy && (
          <Text>
            {t('orders.handledBy')}: {o.handledBy.name}
            {o.comment ? ` – «${o.comment}»` : ''}
          </Text>
        )}
        {o.cancelReason && <Text>«{o.cancelReason}»</Text>}
        {o.failureReason && <ErrorBar error={new Error(o.failureReason)} />}
        <div className={styles.bar}>
          {canRun && (
            <Button appearance="primary" onClick={() => setDialog('run')}>
              {t('orders.run')}
            </Button>
          )}
          {canCancel && <Button onClick={() => setDialog('cancel')}>{t('orders.cancel')}</Button>}
          {o.state === 'done' && (
            <Button
              icon={<ArrowDownload20Regular />}
              onClick={() =>
                void download(
                  `/api/spend/orders/${encodeURIComponent(o.id)}/result.xlsx`,
                  `innkjopsanalyse-${o.id}.xlsx`,
                ).catch(setDlError)
              }
            >
              {t('orders.download')}
            </Button>
          )}
        </div>
        <ErrorBar error={dlError} />
        {o.document && (
          <Text size={200}>
            {t('orders.archived', {
              status: t(`docStatus.${o.document.status}`, { defaultValue: o.document.status }),
            })}
            {o.document.failureReason ? ` (${o.document.failureReason})` : ''}
          </Text>
        )}
      </Card>
      {o.state !== 'done' && o.state !== 'cancelled' && <Text>{t('orders.notReady')}</Text>}
      {result.loading && !result.data && <Spinner size="tiny" label={t('app.loading')} />}
      <ErrorBar error={result.error} />
      {result.data && <OrderResultView result={result.data} />}
      {dialog && (
        <OrderAction
          kind={dialog}
          order={o}
          onClose={(done) => {
            setDialog(null);
            if (done) {
              setNotice(done);
              setN((x) => x + 1);
            }
          }}
        />
      )}
    </div>
  );
}

function OrderResultView({ result }: { result: OrderResult }) {
  const { t, i18n } = useTranslation();
  const lng = i18n.language;
  const styles = useSpendStyles();
  const s = result.summary;
  const months = result.byMonth.map((m) => ({
    name: formatMonth(m.month, lng),
    kr: m.nokOre / 100,
  }));
  return (
    <>
      <Card data-testid="order-result">
        <Subtitle1 as="h3">{t('orders.result')}</Subtitle1>
        <div className={styles.figures}>
          <Figure label={t('orders.totalOre')} value={formatMoney(s.totalOre, lng)} />
          <Figure label={t('orders.matchedOre')} value={formatMoney(s.matchedOre, lng)} />
          <Figure label={t('orders.unmatchedOre')} value={formatMoney(s.unmatchedOre, lng)} />
          <Figure label={t('orders.leakageOre')} value={formatMoney(s.leakageOre, lng)} />
          <Figure label={t('orders.overpaymentOre')} value={formatMoney(s.overpaymentOre, lng)} />
          <Figure label={t('spend.invoices')} value={formatNumber(s.invoices, lng)} />
          <Figure label={t('spend.lines')} value={formatNumber(s.lines, lng)} />
        </div>
        {months.length > 0 && <MonthlyKrChart months={months} className={styles.chart} />}
      </Card>
      <div className={styles.grid}>
        <Card className={styles.scroll}>
          <Subtitle1 as="h3">{t('spend.bySupplier')}</Subtitle1>
          <Table size="small" aria-label={t('spend.bySupplier')}>
            <TableHeader>
              <TableRow>
                <TableHeaderCell>{t('spend.supplier')}</TableHeaderCell>
                <TableHeaderCell className={styles.number}>{t('spend.amount')}</TableHeaderCell>
                <TableHeaderCell className={styles.number}>{t('spend.matched')}</TableHeaderCell>
              </TableRow>
            </TableHeader>
            <TableBody>
              {result.bySupplier.map((x) => (
                <TableRow key={x.supplierKey}>
                  <TableCell>
                    <Named code={x.supplierKey} name={x.supplierName} />
                  </TableCell>
                  <TableCell className={styles.number}>{formatMoney(x.nokOre, lng)}</TableCell>
                  <TableCell className={styles.number}>{formatMoney(x.matchedOre, lng)}</TableCell>
                </TableRow>
              ))}
            </TableBody>
          </Table>
        </Card>
        <Card className={styles.scroll}>
          <Subtitle1 as="h3">{t('spend.classes')}</Subtitle1>
          {result.leakage.length === 0 && <Text>{t('orders.noLeakage')}</Text>}
          {result.leakage.length > 0 && (
            <Table size="small" aria-label={t('spend.classes')}>
              <TableHeader>
                <TableRow>
                  <TableHeaderCell>{t('spend.classes')}</TableHeaderCell>
                  <TableHeaderCell className={styles.number}>{t('spend.amount')}</TableHeaderCell>
                  <TableHeaderCell className={styles.number}>{t('spend.lines')}</TableHeaderCell>
                </TableRow>
              </TableHeader>
              <TableBody>
                {result.leakage.map((x) => (
                  <TableRow key={x.class}>
                    <TableCell>{t(`spend.class.${x.class}`, { defaultValue: x.class })}</TableCell>
                    <TableCell className={styles.number}>{formatMoney(x.nokOre, lng)}</TableCell>
                    <TableCell className={styles.number}>{formatNumber(x.lines, lng)}</TableCell>
                  </TableRow>
                ))}
              </TableBody>
            </Table>
          )}
          <Subtitle1 as="h3">{t('spend.prices')}</Subtitle1>
          {result.overpayments.length === 0 && <Text>{t('orders.noOverpayment')}</Text>}
          {result.overpayments.length > 0 && (
            <Table size="small" aria-label={t('spend.prices')}>
              <TableHeader>
                <TableRow>
                  <TableHeaderCell>{t('spend.item')}</TableHeaderCell>
                  <TableHeaderCell>{t('spend.supplier')}</TableHeaderCell>
                  <TableHeaderCell className={styles.number}>{t('spend.overpaid')}</TableHeaderCell>
                </TableRow>
              </TableHeader>
              <TableBody>
                {result.overpayments.map((x) => (
                  <TableRow key={`${x.agreementId}-${x.supplierKey}-${x.item}`}>
                    <TableCell>
                      {x.item ? <Named code={x.item} name={x.itemName} /> : '–'}
                    </TableCell>
                    <TableCell>
                      <Named code={x.supplierKey} name={x.supplierName} />
                    </TableCell>
                    <TableCell className={styles.number}>
                      {formatMoney(x.overpaymentOre, lng)}
                    </TableCell>
                  </TableRow>
                ))}
              </TableBody>
            </Table>
          )}
        </Card>
      </div>
    </>
  );
}

function OrderAction({
  kind,
  order,
  onClose,
}: {
  kind: 'run' | 'cancel';
  order: AnalysisOrder;
  onClose: (notice: string | null) => void;
}) {
  const { t } = useTranslation();
  const [text, setText] = useState('');
  const [issues, setIssues] = useState<readonly FieldIssue[]>([]);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const field = kind === 'run' ? 'comment' : 'reason';
  const message = issues.find((i) => i.field === field)?.message;
  async function submit() {
    setBusy(true);
    setIssues([]);
    setError(null);
    try {
      await post(
        `/api/spend/orders/${encodeURIComponent(order.id)}/${kind}`,
        kind === 'run' ? (text.trim() ? { comment: text } : {}) : { reason: text },
      );
      onClose(kind === 'run' ? t('orders.ran') : t('orders.cancelled'));
    } catch (e) {
      if (e instanceof ApiError) setIssues(e.issues);
      setError(e);
    } finally {
      setBusy(false);
    }
  }
  return (
    <Dialog open onOpenChange={(_e, d) => !d.open && onClose(null)}>
      <DialogSurface>
        <form
          onSubmit={(e) => {
            e.preventDefault();
            void submit();
          }}
        >
          <DialogBody>
            <DialogTitle>{kind === 'run' ? t('orders.runTitle') : t('orders.cancel')}</DialogTitle>
            <DialogContent>
              <Field
                label={kind === 'run' ? t('orders.comment') : t('orders.cancelReason')}
                required={kind === 'cancel'}
                validationMessage={message}
                validationState={message ? 'error' : 'none'}
              >
                <Textarea value={text} maxLength={2000} onChange={(_e, d) => setText(d.value)} />
              </Field>
              {error !== null && !message && <ErrorBar error={error} />}
            </DialogContent>
            <DialogActions>
              <Button appearance="primary" type="submit" disabled={busy}>
                {kind === 'run' ? t('orders.run') : t('orders.cancel')}
              </Button>
              <Button onClick={() => onClose(null)}>{t('common.cancel')}</Button>
            </DialogActions>
          </DialogBody>
        </form>
      </DialogSurface>
    </Dialog>
  );
}
