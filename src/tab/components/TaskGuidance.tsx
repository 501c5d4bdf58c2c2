import { Button, makeStyles, Text, tokens } from '@fluentui/react-components';
import { ChevronDown16Regular, ChevronUp16Regular } from '@fluentui/react-icons';
import { useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { TaskView } from '../types.ts';
import { localText } from './localText.ts';

const useStyles = makeStyles({
  root: { display: 'flex', flexDirection: 'column', alignItems: 'flex-start' },
  toggle: { paddingLeft: 0, minWidth: 0 },
  // The routine's own line breaks are kept; the text is React text, never HTML or markdown.
  description: {
    whiteSpace: 'pre-line',
    maxWidth: '70ch',
    margin: `0 0 ${tokens.spacingVerticalXS} 0`,
  },
  label: { fontWeight: tokens.fontWeightSemibold },
});

/**
 * What a task asks for: the activity's description behind a «Hva skal gjøres» disclosure (open from
 * the start when `open` is set, e.g. for the task a link points to) and «Dokumentasjon: …» — what
 * must be documented or archived. Both come from the API as routine texts (bokmål, optional nynorsk
 * and English); a task without them (a deleted routine, an activity without evidence) shows nothing.
 */
export function TaskGuidance({ task, open = false }: { task: TaskView; open?: boolean }) {
  const { t, i18n } = useTranslation();
  const styles = useStyles();
  const [expanded, setExpanded] = useState(open);
  const panelId = useId();
  const lng = i18n.language;
  const description = localText(task.description, lng).trim();
  const evidence = localText(task.evidence, lng).trim();
  if (!description && !evidence) return null;
  return (
    <div className={styles.root} data-testid="task-guidance">
      {description && (
        <>
          <Button
            appearance="transparent"
            size="small"
            className={styles.toggle}
            icon={expanded ? <ChevronUp16Regular /> : <ChevronDown16Regular />}
            aria-expanded={expanded}
            aria-controls={panelId}
            onClick={() => setExpanded((x) => !x)}
          >
            {t('task.whatToDo')}
          </Button>
          <div id={panelId} hidden={!expanded} data-testid="task-description">
            <Text as="p" className={styles.description}>
              {description}
            </Text>
          </div>
        </>
      )}
      {evidence && (
        <Text size={200} data-testid="task-evidence">
          <span className={styles.label}>{t('task.evidence')}:</span> {evidence}
        </Text>
      )}
    </div>
  );
}
