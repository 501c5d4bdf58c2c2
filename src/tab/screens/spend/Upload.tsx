import {
  Button,
  Card,
  Field,
  MessageBar,
  MessageBarBody,
  ProgressBar,
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
import { get, uploadWithProgress } from '../../api.ts';
import { ErrorBar } from '../../components/common.tsx';
import { formatNumber, formatPercent } from '../../format.ts';
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

/**
 * Upload of EHF invoices (XML or zip) in two phases of progress: the browser's upload progress,
 * then the server's ingest job (`bytes / totalBytes`), polled until it is done.
 */
export function Upload({ onIngested }: { onIngested: () => void }) {
  const { t, i18n } = useTranslation();
  const lng = i18n.language;
  const styles = useSpendStyles();
  const fileId = useId();
  const [file, setFile] = useState<File | null>(null);
  const [phase, setPhase] = useState<Phase>({ kind: 'idle' });
  const [error, setError] = useState<unknown>(null);
  const alive = useRef(true);
  useEffect(
    () => () => {
      alive.current = false;
    },
    [],
  );

  async function start() {
    if (!file) return;
    setError(null);
    setPhase({ kind: 'sending', sent: 0, total: file.size });
    try {
      let job = await uploadWithProgress<Job>(
        `/api/spend/uploads?name=${encodeURIComponent(file.name)}`,
        file,
        (sent, total) => alive.current && setPhase({ kind: 'sending', sent, total }),
        file.name.toLowerCase().endsWith('.zip') ? 'application/zip' : 'application/xml',
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

  return (
    <div className={styles.root}>
      <Card>
        <form
          className={styles.bar}
          onSubmit={(e) => {
            e.preventDefault();
            void start();
          }}
        >
          <Field label={{ children: t('spend.file'), htmlFor: fileId }} hint={t('spend.fileHint')}>
            <input
              id={fileId}
              type="file"
              accept=".xml,.zip,application/xml,text/xml,application/zip"
              data-testid="spend-file"
              onChange={(e) => setFile(e.target.files?.[0] ?? null)}
            />
          </Field>
          <Button appearance="primary" type="submit" disabled={!file || busy}>
            {t('spend.start')}
          </Button>
        </form>
        <Text size={200} className={styles.muted}>
          {t('spend.ledgerMissing')}
        </Text>
      </Card>
      <ErrorBar error={error} />
      {phase.kind !== 'idle' && (
        <Card data-testid="spend-progress">
          <div role="status" aria-live="polite">
            <Text>
              {phase.kind === 'sending'
                ? t('spend.sending', { pct: formatPercent(ratio, lng) })
                : phase.job.state === 'running'
                  ? t('spend.processing', {
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
            <Figure label={t('spend.files')} value={formatNumber(summary.files, lng)} />
            <Figure label={t('spend.invoices')} value={formatNumber(summary.invoices, lng)} />
            <Figure label={t('spend.creditNotes')} value={formatNumber(summary.creditNotes, lng)} />
            <Figure label={t('spend.lines')} value={formatNumber(summary.lines, lng)} />
            <Figure label={t('spend.duplicates')} value={formatNumber(summary.duplicates, lng)} />
            {Object.entries(summary.totals).map(([cur, v]) => (
              <Figure
                key={cur}
                label={`${t('spend.totals')}: ${cur}`}
                value={`${cur} ${formatNumber(v, lng, 2)}`}
              />
            ))}
          </div>
          {summary.errors.length > 0 && (
            <>
              <MessageBar intent="warning">
                <MessageBarBody>
                  {t('spend.errors')}: {summary.errors.length}
                </MessageBarBody>
              </MessageBar>
              <Table size="small" aria-label={t('spend.errors')} data-testid="spend-errors">
                <TableHeader>
                  <TableRow>
                    <TableHeaderCell>{t('spend.errorFile')}</TableHeaderCell>
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
