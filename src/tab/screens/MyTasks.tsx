import {
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
  makeStyles,
  Spinner,
  Subtitle1,
  Text,
  Textarea,
  Title2,
  tokens,
} from '@fluentui/react-components';
import { useEffect, useMemo, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError, type FieldIssue, post } from '../api.ts';
import { Dropdown, Option } from '../components/Choice.tsx';
import { ErrorBar } from '../components/common.tsx';
import {
  type DocumentDraft,
  DocumentFields,
  emptyDraft,
  type Supplier,
  uploadDocument,
} from '../components/DocumentFields.tsx';
import { localText } from '../components/localText.ts';
import { TaskGuidance } from '../components/TaskGuidance.tsx';
import { endpoints } from '../endpoints.ts';
import { formatDate } from '../format.ts';
import { useGet } from '../hooks.ts';
import { contractHref } from '../router.ts';
import { unitName, userName, useSession } from '../session.tsx';
import type { TaskView } from '../types.ts';

const GROUPS = ['overdue', 'week', 'month', 'later'] as const;
/** Tasks due later than 30 days are shown this many at a time: the near ones matter first. */
const LATER_SHOWN = 20;
type Group = (typeof GROUPS)[number];
const groupOf = (t: TaskView): Group =>
  t.overdue || t.daysUntilDue < 0
    ? 'overdue'
    : t.daysUntilDue <= 7
      ? 'week'
      : t.daysUntilDue <= 31
        ? 'month'
        : 'later';

const useStyles = makeStyles({
  root: {
    display: 'flex',
    flexDirection: 'column',
    gap: tokens.spacingVerticalL,
    maxWidth: '1100px',
  },
  group: { display: 'flex', flexDirection: 'column', gap: tokens.spacingVerticalS },
  list: {
    listStyleType: 'none',
    margin: 0,
    padding: 0,
    display: 'grid',
    gap: tokens.spacingVerticalS,
  },
  card: {
    display: 'flex',
    flexDirection: 'row',
    alignItems: 'center',
    gap: tokens.spacingHorizontalM,
    flexWrap: 'wrap',
  },
  focused: { outline: `${tokens.strokeWidthThick} solid ${tokens.colorBrandStroke1}` },
  text: { display: 'flex', flexDirection: 'column', flexGrow: 1, minWidth: '260px' },
  meta: { color: tokens.colorNeutralForeground2 },
  actions: { display: 'flex', gap: tokens.spacingHorizontalS },
  overdue: { color: tokens.colorPaletteRedForeground1, fontWeight: tokens.fontWeightSemibold },
});

type Action = { kind: 'complete' | 'snooze' | 'reassign'; task: TaskView };

/**
 * My tasks, grouped by due date; done with comment, snooze, reassign. With `overdueUnit` (from the
 * dashboard's overdue count per unit): the overdue tasks of that unit the user may see instead.
 */
export default function MyTasks({
  focusId,
  overdueUnit = null,
}: {
  focusId: string | null;
  overdueUnit?: string | null;
}) {
  const { t } = useTranslation();
  const styles = useStyles();
  const session = useSession();
  const [n, setN] = useState(0);
  const list = useGet<{ items: TaskView[] }>(
    overdueUnit ? endpoints.overdueTasks : endpoints.myTasks,
    n,
  );
  const focused = useGet<TaskView>(focusId ? endpoints.task(focusId) : null);
  const [action, setAction] = useState<Action | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [allLater, setAllLater] = useState(false);

  const tasks = useMemo(() => {
    const all = list.data?.items ?? [];
    const items = overdueUnit ? all.filter((x) => x.unitId === overdueUnit) : all;
    const f = focused.data;
    return f && !items.some((x) => x.id === f.id) ? [f, ...items] : items;
  }, [list.data, focused.data, overdueUnit]);
  const grouped = useMemo(() => {
    const g = new Map<Group, TaskView[]>(GROUPS.map((k) => [k, []]));
    for (const task of tasks) {
      if (task.state !== 'open' && task.state !== 'snoozed' && task.id !== focusId) continue;
      g.get(groupOf(task))?.push(task);
    }
    return g;
  }, [tasks, focusId]);

  return (
    <section className={styles.root} aria-labelledby="tasks-heading">
      <Title2 as="h2" id="tasks-heading">
        {overdueUnit
          ? t('tasks.overdueHeading', { unit: unitName(session, overdueUnit) })
          : t('tasks.heading')}
      </Title2>
      {overdueUnit && <Link href="#/tasks">{t('tasks.backToMine')}</Link>}
      <div role="status" aria-live="polite">
        {notice && <Text>{notice}</Text>}
      </div>
      {list.loading && !list.data && <Spinner label={t('app.loading')} />}
      {list.error instanceof ApiError && list.error.status === 404 ? (
        <ErrorBar error={new Error(t('tasks.missing'))} />
      ) : (
        <ErrorBar error={list.error} />
      )}
      <ErrorBar error={focused.error} />
      {list.data && tasks.length === 0 && (
        <Text>{t(overdueUnit ? 'tasks.overdueNone' : 'tasks.none')}</Text>
      )}
      {GROUPS.map((g) => {
        const items = grouped.get(g) ?? [];
        if (items.length === 0) return null;
        const cut =
          g === 'later' && !allLater && !items.some((x) => x.id === focusId)
            ? LATER_SHOWN
            : items.length;
        return (
          <section key={g} className={styles.group} aria-labelledby={`group-${g}`}>
            <Subtitle1 as="h3" id={`group-${g}`}>
              {t(`tasks.group.${g}`)} ({items.length})
            </Subtitle1>
            <ul className={styles.list}>
              {items.slice(0, cut).map((task) => (
                <li key={task.id}>
                  <TaskCard
                    task={task}
                    focused={task.id === focusId}
                    onAction={(kind) => setAction({ kind, task })}
                  />
                </li>
              ))}
            </ul>
            {cut < items.length && (
              <Button appearance="secondary" onClick={() => setAllLater(true)}>
                {t('tasks.showAll', { count: items.length })}
              </Button>
            )}
          </section>
        );
      })}
      {action && (
        <ActionDialog
          action={action}
          onClose={(done) => {
            setAction(null);
            if (done) {
              setNotice(done);
              setN((x) => x + 1);
              focused.reload();
            }
          }}
        />
      )}
    </section>
  );
}

function TaskCard({
  task,
  focused,
  onAction,
}: {
  task: TaskView;
  focused: boolean;
  onAction: (kind: Action['kind']) => void;
}) {
  const { t, i18n } = useTranslation();
  const lng = i18n.language;
  const styles = useStyles();
  const session = useSession();
  const ref = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (focused) ref.current?.scrollIntoView({ block: 'center' });
  }, [focused]);
  const title = localText(task.title, lng);
  const open = task.state === 'open' || task.state === 'snoozed';
  return (
    <Card
      ref={ref}
      className={`${styles.card} ${focused ? styles.focused : ''}`}
      data-testid="task-card"
      data-task-id={task.id}
      aria-label={title}
    >
      <div className={styles.text}>
        <Text weight="semibold">{title}</Text>
        <Link href={contractHref(task.contract.id)}>
          {task.contract.referenceNumber}
          {task.contract.title ? ` – ${task.contract.title}` : ''}
        </Link>
        <Text size={200} className={styles.meta}>
          {t('task.due')}: {formatDate(task.dueDate, lng)}{' '}
          {task.overdue ? (
            <span className={styles.overdue}>
              ({t('task.overdueDays', { count: -task.daysUntilDue })})
            </span>
          ) : (
            `(${t('task.inDays', { count: task.daysUntilDue })})`
          )}
          {task.state === 'snoozed' && task.snoozedUntil
            ? ` · ${t('task.snoozedUntil', { date: formatDate(task.snoozedUntil, lng) })}`
            : ''}
          {' · '}
          {task.assigneeId ? userName(session, task.assigneeId) : t('task.team')}
        </Text>
        <TaskGuidance task={task} open={focused} />
        {!open && (
          <Text size={200}>
            {t(`taskState.${task.state}`)}
            {task.comment ? `: «${task.comment}»` : ''}
          </Text>
        )}
      </div>
      {open && (
        <div className={styles.actions}>
          {task.permissions.canComplete && (
            <Button appearance="primary" onClick={() => onAction('complete')}>
              {t('task.complete')}
            </Button>
          )}
          {task.permissions.canSnooze && (
            <Button onClick={() => onAction('snooze')}>{t('task.snooze')}</Button>
          )}
          {task.permissions.canReassign && (
            <Button onClick={() => onAction('reassign')}>{t('task.reassign')}</Button>
          )}
        </div>
      )}
    </Card>
  );
}

function addDays(iso: string, days: number): string {
  const d = new Date(`${iso}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}

function ActionDialog({
  action,
  onClose,
}: {
  action: Action;
  onClose: (notice: string | null) => void;
}) {
  const { t, i18n } = useTranslation();
  const session = useSession();
  const { task, kind } = action;
  const today = addDays(task.dueDate, -task.daysUntilDue);
  const [comment, setComment] = useState('');
  const [until, setUntil] = useState(addDays(today, 7));
  const [assignee, setAssignee] = useState('');
  const [issues, setIssues] = useState<readonly FieldIssue[]>([]);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const issue = (f: string) => issues.find((i) => i.field === f)?.message;
  const [evidence, setEvidence] = useState<DocumentDraft>(() =>
    emptyDraft({ entryType: 'N', title: localText(task.title, i18n.language) }),
  );
  const [evidenceIssues, setEvidenceIssues] = useState<readonly FieldIssue[]>([]);
  // The contract's suppliers, offered as the evidence document's correspondent.
  const contract = useGet<{ suppliers: Supplier[] }>(
    kind === 'complete' ? `/api/contracts/${encodeURIComponent(task.contract.id)}` : null,
  );
  // One upload per dialog: if completing fails after the upload, trying again reuses the document.
  const uploadKey = useRef(crypto.randomUUID());
  const uploaded = useRef<string | null>(null);

  async function submit() {
    setBusy(true);
    setIssues([]);
    setError(null);
    setEvidenceIssues([]);
    try {
      let evidenceDocumentId: string | null = uploaded.current;
      if (kind === 'complete' && evidence.file && !evidenceDocumentId) {
        if (!comment.trim()) {
          setIssues([{ field: 'comment', message: t('docs.commentFirst') }]);
          return;
        }
        try {
          const doc = await uploadDocument(
            task.contract.id,
            evidence,
            contract.data?.suppliers ?? [],
            task.id,
            uploadKey.current,
          );
          evidenceDocumentId = doc.id;
          uploaded.current = doc.id;
        } catch (e) {
          if (e instanceof ApiError) {
            setEvidenceIssues(e.issues);
            if (e.status >= 400 && e.status < 500) uploadKey.current = crypto.randomUUID();
          }
          throw e;
        }
      }
      const body =
        kind === 'complete'
          ? { comment, evidenceDocumentId, expectedVersion: task.version }
          : kind === 'snooze'
            ? { until, expectedVersion: task.version }
            : { assigneeId: assignee, expectedVersion: task.version };
      await post(endpoints.taskAction(task.id, kind), body);
      onClose(t(`task.done.${kind}`, { title: localText(task.title, i18n.language) }));
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
            <DialogTitle>
              {t(`task.${kind}`)}: {localText(task.title, i18n.language)}
            </DialogTitle>
            <DialogContent>
              {kind === 'complete' && (
                <Field
                  label={t('task.comment')}
                  required
                  validationMessage={issue('comment')}
                  validationState={issue('comment') ? 'error' : 'none'}
                >
                  <Textarea value={comment} onChange={(_e, d) => setComment(d.value)} />
                </Field>
              )}
              {kind === 'complete' && task.evidence && (
                <Text data-testid="evidence-hint">
                  {t('task.evidence')}: {localText(task.evidence, i18n.language)}
                </Text>
              )}
              {kind === 'complete' && task.permissions.canComplete && (
                <div data-testid="evidence">
                  <DocumentFields
                    draft={evidence}
                    onChange={setEvidence}
                    issues={evidenceIssues}
                    suppliers={contract.data?.suppliers ?? []}
                    fileLabel={t('docs.evidence')}
                    fileRequired={false}
                  />
                </div>
              )}
              {kind === 'snooze' && (
                <Field
                  label={t('task.snoozeUntil')}
                  required
                  validationMessage={issue('until')}
                  validationState={issue('until') ? 'error' : 'none'}
                >
                  <Input
                    type="date"
                    min={addDays(today, 1)}
                    value={until}
                    onChange={(_e, d) => setUntil(d.value)}
                  />
                </Field>
              )}
              {kind === 'reassign' && (
                <Field
                  label={t('task.assignee')}
                  required
                  validationMessage={issue('assigneeId')}
                  validationState={issue('assigneeId') ? 'error' : 'none'}
                >
                  <Dropdown
                    placeholder={t('task.chooseAssignee')}
                    selectedOptions={assignee ? [assignee] : []}
                    value={userName(session, assignee || null).replace('–', '')}
                    onOptionSelect={(_e, d) => setAssignee(d.optionValue ?? '')}
                  >
                    {session.users
                      .filter((u) => u.role !== 'reader' && u.id !== task.assigneeId)
                      .map((u) => (
                        <Option key={u.id} value={u.id}>
                          {u.name}
                        </Option>
                      ))}
                  </Dropdown>
                </Field>
              )}
              {error !== null && issues.length === 0 && <ErrorBar error={error} />}
            </DialogContent>
            <DialogActions>
              <Button appearance="primary" type="submit" disabled={busy}>
                {t(`task.${kind}`)}
              </Button>
              <Button onClick={() => onClose(null)}>{t('common.cancel')}</Button>
            </DialogActions>
          </DialogBody>
        </form>
      </DialogSurface>
    </Dialog>
  );
}
