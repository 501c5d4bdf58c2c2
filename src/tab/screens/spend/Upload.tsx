import {
  Button,
  Card,
  Field,
  MessageBar,
  MessageBarBody,
  ProgressBar,
  Radio,
  RadioGroup,
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
import { useEffect, useId, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { SpendOverview } from '../../../spend/service.ts';
import { get, qs, request, uploadWithProgress } from '../../api.ts';
import { ErrorBar } from '../../components/common.tsx';
import { formatCurrency, formatDate, formatNumber, formatPercent } from '../../format.ts';
import { useGet } from '../../hooks.ts';
import {
  type Delimiter,
  LedgerMappingForm,
  type LedgerPreview,
  type Mapping,
  mappingComplete,
} from './LedgerMapping.tsx';
import { Figure, useSpendStyles } from './shared.tsx';

interface Summary {
  files: number;
  invoices: number;
  creditNotes: number;
  lines: number;
  duplicates: number;
  errors: { file: string; reason: string }[];
  totals: Record<string, number>;
}
interface Job {
  id: string;
  kind?: 'ehf' | 'ledger';
  state: 'running' | 'done' | 'failed';
  files: number;
  bytes: number;
  totalBytes: number;
  summary: Summary | null;
  error: string | null;
}

type Phase =
  | { kind: 'idle' }
  | { kind: 'sending'; sent: number; total: number }
  | { kind: 'job'; job: Job };

type Kind = 'ehf' | 'ledger';

/** The first bytes of a ledger file sent for the header preview. */
const PREVIEW_BYTES = 64 * 1024;

/**
 * Upload of EHF invoices (XML or zip) or ledger data (CSV with a column mapping) in two phases of
 * progress: the browser's upload progress, then the server's ingest job (`bytes / totalBytes`),
 * polled until it is done. For CSV the server reads the header first (`ledger-preview`) and the
 * form offers the columns per field, prefilled with its suggestion.
 */
export function Upload({ onIngested, dataKey }: { onIngested: () => void; dataKey: number }) {
  const { t, i18n } = useTranslation();
  const lng = i18n.language;
  const styles = useSpendStyles();
  const fileId = useId();
  const kindId = useId();
  const [kind, setKind] = useState<Kind>('ehf');
  const [file, setFile] = useState<File | null>(null);
  const [preview, setPreview] = useState<LedgerPreview | null>(null);
  const [reading, setReading] = useState(false);
  const [mapping, setMapping] = useState<Mapping>({});
  const [phase, setPhase] = useState<Phase>({ kind: 'idle' });
  const [error, setError] = useState<unknown>(null);
  const alive = useRef(true);
  /** Only the latest header read counts (a changed delimiter or file asks again). */
  const previewCount = useRef(0);
  useEffect(
    () => () => {
      alive.current = false;
    },
    [],
  );

  function choose(next: Kind) {
    previewCount.current++;
    setKind(next);
    setFile(null);
    setPreview(null);
    setMapping({});
    setError(null);
    setPhase({ kind: 'idle' });
  }

  /** Reads the header and first rows of a ledger file (its first 64 KiB) and takes the suggestion. */
  async function readHeader(f: File, delimiter?: Delimiter) {
    const asked = ++previewCount.current;
    const current = () => alive.current && asked === previewCount.current;
    setReading(true);
    setError(null);
    setPreview(null);
    try {
      const partial = f.size > PREVIEW_BYTES;
      const { data } = await request<LedgerPreview>(
        'POST',
        `/api/spend/uploads/ledger-preview${qs({ delimiter, partial: partial ? 'true' : undefined })}`,
        { raw: f.slice(0, PREVIEW_BYTES), contentType: 'text/csv' },
      );
      if (!current()) return;
      setPreview(data);
      setMapping({ ...data.suggestion });
    } catch (e) {
      if (current()) setError(e);
    } finally {
      if (current()) setReading(false);
    }
  }

  function uploadPath(f: File): string {
    if (kind === 'ehf') return `/api/spend/uploads?name=${encodeURIComponent(f.name)}`;
    const columns = Object.fromEntries(Object.entries(mapping).filter(([, v]) => Boolean(v)));
    return `/api/spend/uploads${qs({ kind: 'ledger', name: f.name, delimiter: preview?.delimiter, ...columns })}`;
  }

  async function start() {
    if (!file) return;
    setError(null);
    setPhase({ kind: 'sending', sent: 0, total: file.size });
    try {
      let job = await uploadWithProgress<Job>(
        uploadPath(file),
        file,
        (sent, total) => alive.current && setPhase({ kind: 'sending', sent, total }),
        kind === 'ledger'
          ? 'text/csv'
          : file.name.toLowerCase().endsWith('.zip')
            ? 'application/zip'
            : 'application/xml',
      );
      while (alive.current) {
        setPhase({ kind: 'job', job });
        if (job.state !== 'running') break;
        await new Promise((r) => setTimeout(r, 400));
        job = await get<Job>(`/api/spend/uploads/${encodeURIComponent(job.id)}`);
      }
      if (job.state === 'done') onIngested();
    } catch (e) {
      setError(e);
      setPhase({ kind: 'idle' });
    }
  }

  const busy = phase.kind === 'sending' || (phase.kind === 'job' && phase.job.state === 'running');
  const ratio =
    phase.kind === 'sending'
      ? phase.total > 0
        ? phase.sent / phase.total
        : 0
      : phase.kind === 'job'
        ? phase.job.totalBytes > 0
          ? phase.job.bytes / phase.job.totalBytes
          : 0
        : 0;
  const summary = phase.kind === 'job' ? phase.job.summary : null;
  const ledgerJob = phase.kind === 'job' && phase.job.kind === 'ledger';
  const ready =
    file !== null && (kind === 'ehf' || (preview !== null && mappingComplete(preview, mapping)));

  return (
    <div className={styles.root}>
      <StoreOverview dataKey={dataKey} />
      <Card>
        <Field label={{ children: t('spend.kind'), id: kindId }}>
          <RadioGroup
            aria-labelledby={kindId}
            layout="horizontal"
            value={kind}
            disabled={busy}
            onChange={(_e, d) => choose(d.value as Kind)}
          >
            <Radio value="ehf" label={t('spend.kindEhf')} />
            <Radio value="ledger" label={t('spend.kindLedger')} />
          </RadioGroup>
        </Field>
        <form
          className={styles.bar}
          onSubmit={(e) => {
            e.preventDefault();
            void start();
          }}
        >
          {kind === 'ehf' ? (
            <Field
              key="ehf"
              label={{ children: t('spend.file'), htmlFor: fileId }}
              hint={t('spend.fileHint')}
            >
              <input
                id={fileId}
                type="file"
                accept=".xml,.zip,application/xml,text/xml,application/zip"
                data-testid="spend-file"
                onChange={(e) => setFile(e.target.files?.[0] ?? null)}
              />
            </Field>
          ) : (
            <Field
              key="ledger"
              label={{ children: t('spend.ledger.file'), htmlFor: fileId }}
              hint={t('spend.ledger.fileHint')}
            >
              <input
                id={fileId}
                type="file"
                accept=".csv,.txt,text/csv,text/plain"
                data-testid="spend-ledger-file"
                onChange={(e) => {
                  const f = e.target.files?.[0] ?? null;
                  setFile(f);
                  setPhase({ kind: 'idle' });
                  if (f) void readHeader(f);
                  else setPreview(null);
                }}
              />
            </Field>
          )}
          {kind === 'ehf' && (
            <Button appearance="primary" type="submit" disabled={!ready || busy}>
              {t('spend.start')}
            </Button>
          )}
        </form>
        {kind === 'ledger' && reading && <Spinner size="tiny" label={t('spend.ledger.reading')} />}
        {kind === 'ledger' && preview && file && (
          <>
            <LedgerMappingForm
              preview={preview}
              mapping={mapping}
              onMapping={setMapping}
              onDelimiter={(d) => void readHeader(file, d)}
              disabled={busy}
            />
            {!mappingComplete(preview, mapping) && (
              <Text size={200} className={styles.muted}>
                {t('spend.ledger.needRequired')}
              </Text>
            )}
          </>
        )}
        {kind === 'ledger' && (
          <div className={styles.bar}>
            <Button appearance="primary" disabled={!ready || busy} onClick={() => void start()}>
              {t('spend.start')}
            </Button>
          </div>
        )}
      </Card>
      <ErrorBar error={error} />
      {phase.kind !== 'idle' && (
        <Card data-testid="spend-progress">
          <div role="status" aria-live="polite">
            <Text>
              {phase.kind === 'sending'
                ? t('spend.sending', { pct: formatPercent(ratio, lng) })
                : phase.job.state === 'running'
                  ? ledgerJob
                    ? t('spend.ledger.processing', {
                        rows: formatNumber(phase.job.files, lng),
                        pct: formatPercent(ratio, lng),
                      })
                    : t('spend.processing', {
                        files: phase.job.files,
                        pct: formatPercent(ratio, lng),
                      })
                  : phase.job.state === 'done'
                    ? t('spend.done')
                    : t('spend.failed', { error: phase.job.error ?? '' })}
            </Text>
          </div>
          <ProgressBar
            value={Math.min(1, ratio)}
            max={1}
            aria-label={t('spend.upload')}
            color={phase.kind === 'job' && phase.job.state === 'failed' ? 'error' : 'brand'}
          />
        </Card>
      )}
      {summary && (
        <Card data-testid="spend-summary">
          <Subtitle1 as="h3">{t('spend.summary')}</Subtitle1>
          <div className={styles.figures}>
            {ledgerJob ? (
              <>
                <Figure label={t('spend.ledger.rows')} value={formatNumber(summary.files, lng)} />
                <Figure
                  label={t('spend.ledger.postings')}
                  value={formatNumber(summary.invoices + summary.creditNotes, lng)}
                />
                <Figure
                  label={t('spend.creditNotes')}
                  value={formatNumber(summary.creditNotes, lng)}
                />
              </>
            ) : (
              <>
                <Figure label={t('spend.files')} value={formatNumber(summary.files, lng)} />
                <Figure label={t('spend.invoices')} value={formatNumber(summary.invoices, lng)} />
                <Figure
                  label={t('spend.creditNotes')}
                  value={formatNumber(summary.creditNotes, lng)}
                />
              </>
            )}
            {!ledgerJob && (
              <Figure label={t('spend.lines')} value={formatNumber(summary.lines, lng)} />
            )}
            <Figure label={t('spend.duplicates')} value={formatNumber(summary.duplicates, lng)} />
            {Object.entries(summary.totals).map(([cur, v]) => (
              <Figure
                key={cur}
                label={`${t('spend.totals')}: ${cur}`}
                value={formatCurrency(v, cur, lng)}
              />
            ))}
          </div>
          {summary.errors.length > 0 && (
            <>
              <MessageBar intent="warning">
                <MessageBarBody>
                  {ledgerJob ? t('spend.ledger.errors') : t('spend.errors')}:{' '}
                  {formatNumber(summary.errors.length, lng)}
                </MessageBarBody>
              </MessageBar>
              <Table
                size="small"
                aria-label={ledgerJob ? t('spend.ledger.errors') : t('spend.errors')}
                data-testid="spend-errors"
              >
                <TableHeader>
                  <TableRow>
                    <TableHeaderCell>
                      {ledgerJob ? t('spend.ledger.errorLine') : t('spend.errorFile')}
                    </TableHeaderCell>
                    <TableHeaderCell>{t('spend.errorReason')}</TableHeaderCell>
                  </TableRow>
                </TableHeader>
                <TableBody>
                  {summary.errors.map((e) => (
                    <TableRow key={`${e.file}-${e.reason}`}>
                      <TableCell>{e.file}</TableCell>
                      <TableCell>{e.reason}</TableCell>
                    </TableRow>
                  ))}
                </TableBody>
              </Table>
            </>
          )}
        </Card>
      )}
    </div>
  );
}

/** What the store already holds, so an import is not made twice by mistake (refreshed after one). */
function StoreOverview({ dataKey }: { dataKey: number }) {
  const { t, i18n } = useTranslation();
  const lng = i18n.language;
  const styles = useSpendStyles();
  const { data, error } = useGet<SpendOverview>('/api/spend/overview', dataKey);
  if (error) return <ErrorBar error={error} />;
  if (!data) return null;
  return (
    <Card data-testid="spend-overview">
      <Subtitle1 as="h3">{t('spend.overview.heading')}</Subtitle1>
      {data.invoices + data.creditNotes === 0 ? (
        <Text>{t('spend.overview.empty')}</Text>
      ) : (
        <div className={styles.figures}>
          <Figure label={t('spend.overview.invoices')} value={formatNumber(data.invoices, lng)} />
          <Figure
            label={t('spend.overview.creditNotes')}
            value={formatNumber(data.creditNotes, lng)}
          />
          <Figure label={t('spend.overview.lines')} value={formatNumber(data.lines, lng)} />
          <Figure label={t('spend.overview.suppliers')} value={formatNumber(data.suppliers, lng)} />
          <Figure
            label={t('spend.overview.period')}
            value={`${formatDate(data.firstDate, lng)}–${formatDate(data.lastDate, lng)}`}
          />
          {data.fromLedger > 0 && (
            <Figure
              label={t('spend.overview.fromLedger')}
              value={formatNumber(data.fromLedger, lng)}
            />
          )}
        </div>
      )}
    </Card>
  );
}
