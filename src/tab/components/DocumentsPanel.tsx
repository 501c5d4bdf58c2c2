import {
  Badge,
  Button,
  Dialog,
  DialogActions,
  DialogBody,
  DialogContent,
  DialogSurface,
  DialogTitle,
  Link,
  MessageBar,
  MessageBarBody,
  makeStyles,
  Spinner,
  Table,
  TableBody,
  TableCell,
  TableHeader,
  TableHeaderCell,
  TableRow,
  Text,
  tokens,
} from '@fluentui/react-components';
import { ArrowUpload20Regular } from '@fluentui/react-icons';
import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError, download, type FieldIssue, post } from '../api.ts';
import { endpoints } from '../endpoints.ts';
import { formatDate } from '../format.ts';
import { useGet } from '../hooks.ts';
import { ConfidentialMark, ErrorBar } from './common.tsx';
import {
  type DocumentDraft,
  DocumentFields,
  type DocumentView,
  emptyDraft,
  type Supplier,
  uploadDocument,
} from './DocumentFields.tsx';

const useStyles = makeStyles({
  bar: { display: 'flex', gap: tokens.spacingHorizontalM, alignItems: 'center', flexWrap: 'wrap' },
  status: { display: 'flex', flexDirection: 'column', gap: tokens.spacingVerticalXXS },
  reason: { color: tokens.colorPaletteRedForeground1 },
  muted: { color: tokens.colorNeutralForeground2 },
  files: { display: 'flex', flexDirection: 'column', alignItems: 'flex-start' },
  surface: { maxWidth: '760px', width: '100%' },
});

const newKey = () =>
  typeof crypto.randomUUID === 'function'
    ? crypto.randomUUID()
    : `${Date.now()}-${Math.random().toString(36).slice(2)}`;

/** The contract's documents with archive status, download, retry and upload. */
export function DocumentsPanel({
  contractId,
  suppliers,
  canEdit,
}: {
  contractId: string;
  suppliers: readonly Supplier[];
  canEdit: boolean;
}) {
  const { t, i18n } = useTranslation();
  const lng = i18n.language;
  const styles = useStyles();
  const [n, setN] = useState(0);
  const list = useGet<{ items: DocumentView[] }>(endpoints.documents(contractId), n);
  const [uploading, setUploading] = useState(false);
  const [notice, setNotice] = useState<string | null>(null);
  const [actionError, setActionError] = useState<unknown>(null);
  const [retrying, setRetrying] = useState<string | null>(null);
  const pending = list.data?.items.some((d) => d.status === 'pending') ?? false;

  // A pending document is being filed: look again shortly.
  useEffect(() => {
    if (!pending) return;
    const h = setTimeout(() => setN((x) => x + 1), 2000);
    return () => clearTimeout(h);
  }, [pending]);

  const statusText = (d: DocumentView) => t(`docStatus.${d.status}`);

  async function retry(d: DocumentView) {
    setRetrying(d.id);
    setActionError(null);
    try {
      const r = await post<DocumentView>(`/api/documents/${encodeURIComponent(d.id)}/retry`);
      setNotice(t('docs.retried', { title: r.title, status: statusText(r) }));
      setN((x) => x + 1);
    } catch (e) {
      setActionError(e);
    } finally {
      setRetrying(null);
    }
  }

  return (
    <div data-testid="documents">
      <div className={styles.bar}>
        {canEdit && (
          <Button icon={<ArrowUpload20Regular />} onClick={() => setUploading(true)}>
            {t('docs.upload')}
          </Button>
        )}
        <div role="status" aria-live="polite">
          {notice && <Text>{notice}</Text>}
        </div>
      </div>
      <ErrorBar error={actionError} />
      {list.loading && !list.data && <Spinner size="tiny" label={t('app.loading')} />}
      {list.error instanceof ApiError && list.error.status === 404 ? (
        <MessageBar intent="info">
          <MessageBarBody>{t('contract.documentsMissing')}</MessageBarBody>
        </MessageBar>
      ) : (
        <ErrorBar error={list.error} />
      )}
      {list.data && list.data.items.length === 0 && <Text>{t('contract.noDocuments')}</Text>}
      {list.data && list.data.items.length > 0 && (
        <Table aria-label={t('contract.documents')} size="small">
          <TableHeader>
            <TableRow>
              <TableHeaderCell>{t('doc.title')}</TableHeaderCell>
              <TableHeaderCell>{t('docs.type')}</TableHeaderCell>
              <TableHeaderCell>{t('doc.date')}</TableHeaderCell>
              <TableHeaderCell>{t('docs.correspondent')}</TableHeaderCell>
              <TableHeaderCell>{t('doc.status')}</TableHeaderCell>
              <TableHeaderCell>{t('doc.files')}</TableHeaderCell>
            </TableRow>
          </TableHeader>
          <TableBody>
            {list.data.items.map((d) => (
              <TableRow key={d.id} data-testid="document-row" data-document-id={d.id}>
                <TableCell>
                  <span data-testid="document-row-title">{d.title}</span>{' '}
                  {d.screening && <ConfidentialMark legalBasis={d.screening.legalBasis} />}
                </TableCell>
                <TableCell>
                  {d.entryType} · {t(`docType.${d.documentType}`, { defaultValue: d.documentType })}
                </TableCell>
                <TableCell>{formatDate(d.documentDate ?? d.createdAt.slice(0, 10), lng)}</TableCell>
                <TableCell>
                  {d.correspondent ? `${d.correspondent.name} (${d.correspondent.orgnr})` : '–'}
                </TableCell>
                <TableCell>
                  <div className={styles.status} data-testid="document-status">
                    <span>
                      <Badge
                        appearance="tint"
                        shape="rounded"
                        color={
                          d.status === 'filed'
                            ? 'success'
                            : d.status === 'failed'
                              ? 'danger'
                              : 'warning'
                        }
                      >
                        {statusText(d)}
                      </Badge>
                    </span>
                    {d.status === 'filed' && d.archiveReference && (
                      <Text size={200} className={styles.muted}>
                        {t('docs.reference')}: {d.archiveReference}
                        {d.filedAt
                          ? ` · ${t('docs.filedAt', { date: formatDate(d.filedAt.slice(0, 10), lng) })}`
                          : ''}
                      </Text>
                    )}
                    {d.status === 'failed' && (
                      <>
                        <Text size={200} className={styles.reason}>
                          {t('docs.failedReason')}: {d.failureReason ?? '–'}
                        </Text>
                        {canEdit && (
                          <span>
                            <Button
                              size="small"
                              disabled={retrying === d.id}
                              onClick={() => void retry(d)}
                            >
                              {t('docs.retry')}
                            </Button>
                          </span>
                        )}
                      </>
                    )}
                  </div>
                </TableCell>
                <TableCell>
                  <div className={styles.files}>
                    {d.canDownload
                      ? d.files.map((f) => (
                          <Link
                            key={f.n}
                            as="button"
                            onClick={() =>
                              void download(
                                `/api/documents/${encodeURIComponent(d.id)}/files/${f.n}`,
                                f.fileName ?? `dokument-${f.n}`,
                              ).catch(setActionError)
                            }
                          >
                            {f.fileName ?? `#${f.n}`}
                          </Link>
                        ))
                      : t('docs.withheldFiles')}
                  </div>
                </TableCell>
              </TableRow>
            ))}
          </TableBody>
        </Table>
      )}
      {uploading && (
        <UploadDialog
          contractId={contractId}
          suppliers={suppliers}
          onClose={(doc) => {
            setUploading(false);
            if (doc) {
              setNotice(t('docs.uploaded', { title: doc.title, status: statusText(doc) }));
              setN((x) => x + 1);
            }
          }}
        />
      )}
    </div>
  );
}

function UploadDialog({
  contractId,
  suppliers,
  onClose,
}: {
  contractId: string;
  suppliers: readonly Supplier[];
  onClose: (doc: DocumentView | null) => void;
}) {
  const { t } = useTranslation();
  const styles = useStyles();
  const [draft, setDraft] = useState<DocumentDraft>(() => emptyDraft());
  const [issues, setIssues] = useState<readonly FieldIssue[]>([]);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  // One key per dialog: a network retry of the same upload never creates a second document.
  const key = useRef(newKey());
  const summary = useRef<HTMLDivElement>(null);

  async function submit() {
    setIssues([]);
    setError(null);
    if (!draft.file) {
      setIssues([{ field: 'file', message: t('docs.noFile') }]);
      return;
    }
    setBusy(true);
    try {
      onClose(await uploadDocument(contractId, draft, suppliers, null, key.current));
    } catch (e) {
      if (e instanceof ApiError) setIssues(e.issues);
      setError(e);
      // A refused upload stores nothing: the next attempt is a new upload.
      key.current = newKey();
      setTimeout(() => summary.current?.focus(), 0);
    } finally {
      setBusy(false);
    }
  }

  return (
    <Dialog open onOpenChange={(_e, d) => !d.open && onClose(null)}>
      <DialogSurface className={styles.surface}>
        <form
          onSubmit={(e) => {
            e.preventDefault();
            void submit();
          }}
          noValidate
        >
          <DialogBody>
            <DialogTitle>{t('docs.uploadTitle')}</DialogTitle>
            <DialogContent>
              <div ref={summary} tabIndex={-1} data-testid="document-errors">
                {error !== null && (
                  <MessageBar intent="error" role="alert">
                    <MessageBarBody>
                      {issues.length > 0 ? t('docs.errors') : null}{' '}
                      {error instanceof Error ? error.message : String(error)}
                    </MessageBarBody>
                  </MessageBar>
                )}
              </div>
              <DocumentFields
                draft={draft}
                onChange={setDraft}
                issues={issues}
                suppliers={suppliers}
              />
            </DialogContent>
            <DialogActions>
              <Button appearance="primary" type="submit" disabled={busy}>
                {busy ? t('docs.sending') : t('docs.send')}
              </Button>
              <Button onClick={() => onClose(null)}>{t('common.cancel')}</Button>
            </DialogActions>
          </DialogBody>
        </form>
      </DialogSurface>
    </Dialog>
  );
}
