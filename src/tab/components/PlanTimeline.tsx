import { Badge, Link, makeStyles, Text, tokens } from '@fluentui/react-components';
import {
  CheckmarkCircle20Filled,
  Circle20Regular,
  DismissCircle20Regular,
  ErrorCircle20Filled,
  Snooze20Regular,
} from '@fluentui/react-icons';
import { useTranslation } from 'react-i18next';
import { formatDate } from '../format.ts';
import { taskHref } from '../router.ts';
import { userName, useSession } from '../session.tsx';
import type { TaskView } from '../types.ts';
import { localText } from './localText.ts';
import { TaskGuidance } from './TaskGuidance.tsx';

const useStyles = makeStyles({
  list: { listStyleType: 'none', margin: 0, padding: 0, position: 'relative' },
  item: {
    display: 'grid',
    gridTemplateColumns: '28px 110px 1fr',
    gap: tokens.spacingHorizontalS,
    alignItems: 'start',
    padding: `${tokens.spacingVerticalXS} 0`,
    borderLeft: `${tokens.strokeWidthThick} solid ${tokens.colorNeutralStroke2}`,
    paddingLeft: tokens.spacingHorizontalS,
  },
  today: {
    borderLeft: `${tokens.strokeWidthThick} solid ${tokens.colorBrandStroke1}`,
    color: tokens.colorBrandForeground1,
    padding: `${tokens.spacingVerticalXS} ${tokens.spacingHorizontalS}`,
    fontWeight: tokens.fontWeightSemibold,
  },
  done: { color: tokens.colorPaletteGreenForeground1 },
  overdue: { color: tokens.colorPaletteRedForeground1 },
  meta: { color: tokens.colorNeutralForeground2 },
});

/** The follow-up plan as a vertical timeline, with a "today" marker between past and future. */
export function PlanTimeline({ tasks }: { tasks: readonly TaskView[] }) {
  const { t, i18n } = useTranslation();
  const lng = i18n.language;
  const styles = useStyles();
  const session = useSession();
  if (tasks.length === 0) return <Text>{t('plan.empty')}</Text>;
  const sorted = [...tasks].sort((a, b) => a.dueDate.localeCompare(b.dueDate));
  const todayIndex = sorted.findIndex((x) => x.daysUntilDue >= 0);
  const items = sorted.map((task) => {
    const open = task.state === 'open' || task.state === 'snoozed';
    const icon =
      task.state === 'done' ? (
        <CheckmarkCircle20Filled className={styles.done} aria-hidden />
      ) : task.state === 'snoozed' ? (
        <Snooze20Regular aria-hidden />
      ) : task.overdue && open ? (
        <ErrorCircle20Filled className={styles.overdue} aria-hidden />
      ) : open ? (
        <Circle20Regular aria-hidden />
      ) : (
        <DismissCircle20Regular aria-hidden />
      );
    return (
      <li key={task.id} className={styles.item} data-testid="plan-item" data-due={task.dueDate}>
        {icon}
        <Text>{formatDate(task.dueDate, lng)}</Text>
        <div>
          {open ? (
            <Link href={taskHref(task.id)}>{localText(task.title, lng)}</Link>
          ) : (
            <Text>{localText(task.title, lng)}</Text>
          )}{' '}
          <Badge
            appearance="outline"
            color={
              task.overdue && open ? 'danger' : task.state === 'done' ? 'success' : 'informative'
            }
          >
            {task.overdue && open ? t('task.overdue') : t(`taskState.${task.state}`)}
          </Badge>
          <br />
          <Text size={200} className={styles.meta}>
            {task.assigneeId ? userName(session, task.assigneeId) : t('task.team')}
            {task.completedAt
              ? ` · ${t('task.completedBy', { name: userName(session, task.completedBy) })}`
              : ''}
            {task.comment ? ` · «${task.comment}»` : ''}
          </Text>
          <TaskGuidance task={task} />
        </div>
      </li>
    );
  });
  if (todayIndex >= 0) {
    items.splice(
      todayIndex,
      0,
      <li key="today" className={styles.today} aria-label={t('plan.today')}>
        {t('plan.today')}
      </li>,
    );
  }
  return (
    <ol className={styles.list} aria-label={t('contract.plan')}>
      {items}
    </ol>
  );
}
