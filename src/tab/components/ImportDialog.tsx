import {
  Button,
  Dialog,
  DialogActions,
  DialogBody,
  DialogContent,
  DialogSurface,
  DialogTitle,
  Field,
  MessageBar,
  MessageBarBody,
  makeStyles,
  Table,
  TableBody,
  TableCell,
  TableHeader,
  TableHeaderCell,
  TableRow,
  Text,
  tokens,
} from '@fluentui/react-components';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { request } from '../api.ts';
import { endpoints } from '../endpoints.ts';
import { formatNumber } from '../format.ts';
import { ErrorBar } from './common.tsx';

/** The import report of src/register-io/import.ts. */
interface ImportReport {
  readonly format: 'csv' | 'xlsx';
  readonly dryRun: boolean;
  readonly committed: boolean;
  readonly rows: number;
  readonly valid: number;
  readonly created: number;
  readonly updated: number;
  readonly issues: readonly {
    row: number;
    line?: number;
    column: string;
    columnLetter: string | null;
    message: string;
  }[];
  readonly issueCount: number;
}

const useStyles = makeStyles({
  issues: { maxHeight: '320px', overflow: 'auto', marginTop: tokens.spacingVerticalS },
  summary: { display: 'flex', flexDirection: 'column', gap: tokens.spacingVerticalXS },
});

const TYPES: Record<string, string> = {
  csv: 'text/csv',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
};

/** Bulk import: check the file first (dry run, with the row-error report), then import. */
export default function ImportDialog({ onClose }: { onClose: (changed: boolean) => void }) {
  const { t, i18n } = useTranslation();
  const lng = i18n.language;
  const styles = useStyles();
  const [file, setFile] = useState<File | null>(null);
  const [report, setReport] = useState<ImportReport | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);

  async function run(dryRun: boolean) {
    if (!file) return;
    setBusy(true);
    setError(null);
    try {
      const ext = file.name.split('.').pop()?.toLowerCase() ?? '';
      const r = await request<ImportReport>('POST', endpoints.importRegister(dryRun), {
        raw: file,
        contentType: TYPES[ext] ?? (file.type || 'application/octet-stream'),
      });
      setReport(r.data);
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  }

  return (
    <Dialog open onOpenChange={(_e, d) => !d.open && onClose(Boolean(report?.committed))}>
      <DialogSurface>
        <DialogBody>
          <DialogTitle>{t('import.title')}</DialogTitle>
          <DialogContent>
            <Text block>{t('import.help')}</Text>
            <Field label={t('import.file')}>
              <input
                type="file"
                accept=".xlsx,.csv,text/csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
                onChange={(e) => {
                  setFile(e.target.files?.[0] ?? null);
                  setReport(null);
                }}
              />
            </Field>
            <ErrorBar error={error} />
            {report && (
              <div className={styles.summary} role="status" data-testid="import-report">
                <MessageBar
                  intent={report.committed ? 'success' : report.issueCount > 0 ? 'error' : 'info'}
                >
                  <MessageBarBody>
                    {report.committed
                      ? t('import.committed', { created: report.created, updated: report.updated })
                      : report.issueCount > 0
                        ? t('import.problems', { count: report.issueCount })
                        : t('import.ready', {
                            rows: formatNumber(report.rows, lng),
                            created: report.created,
                            updated: report.updated,
                          })}
                  </MessageBarBody>
                </MessageBar>
                {report.issues.length > 0 && (
                  <div className={styles.issues}>
                    <Table size="extra-small" aria-label={t('import.issues')}>
                      <TableHeader>
                        <TableRow>
                          <TableHeaderCell>{t('import.row')}</TableHeaderCell>
                          <TableHeaderCell>{t('import.column')}</TableHeaderCell>
                          <TableHeaderCell>{t('import.message')}</TableHeaderCell>
                        </TableRow>
                      </TableHeader>
                      <TableBody>
                        {report.issues.map((i, n) => (
                          // biome-ignore lint/suspicious/noArrayIndexKey: the report is static
                          <TableRow key={n}>
                            <TableCell>{i.row}</TableCell>
                            <TableCell>
                              {i.column}
                              {i.columnLetter ? ` (${i.columnLetter})` : ''}
                            </TableCell>
                            <TableCell>{i.message}</TableCell>
                          </TableRow>
                        ))}
                      </TableBody>
                    </Table>
                  </div>
                )}
              </div>
            )}
          </DialogContent>
          <DialogActions>
            <Button disabled={!file || busy} onClick={() => void run(true)}>
              {t('import.check')}
            </Button>
            <Button
              appearance="primary"
              disabled={!file || busy || !report || report.issueCount > 0 || report.committed}
              onClick={() => void run(false)}
            >
              {t('import.run')}
            </Button>
            <Button onClick={() => onClose(Boolean(report?.committed))}>{t('common.close')}</Button>
          </DialogActions>
        </DialogBody>
      </DialogSurface>
    </Dialog>
  );
}
