import {
  Badge,
  MessageBar,
  MessageBarBody,
  makeStyles,
  Text,
  Tooltip,
  tokens,
} from '@fluentui/react-components';
import { LockClosed16Regular } from '@fluentui/react-icons';
import { useTranslation } from 'react-i18next';
import { ApiError } from '../api.ts';
import type { ContractStatus } from '../types.ts';

const statusColour: Record<
  ContractStatus,
  'success' | 'warning' | 'danger' | 'informative' | 'subtle'
> = {
  active: 'success',
  expiring: 'warning',
  expired: 'danger',
  terminated: 'subtle',
  draft: 'informative',
};

/**
 * Margins of a horizontal bar chart (recharts, layout="vertical"): the last tick label of the value
 * axis sits on the plot's right edge and was cut off without room for it.
 */
export const HBAR_MARGIN = { top: 5, right: 36, bottom: 5, left: 5 };

export function StatusBadge({ status }: { status: ContractStatus }) {
  const { t } = useTranslation();
  return (
    <Badge appearance="tint" color={statusColour[status]} shape="rounded">
      {t(`status.${status}`)}
    </Badge>
  );
}

const useStyles = makeStyles({
  withheld: {
    display: 'inline-flex',
    alignItems: 'center',
    gap: tokens.spacingHorizontalXS,
    fontStyle: 'italic',
    color: tokens.colorNeutralForeground2,
  },
  mark: {
    display: 'inline-flex',
    alignItems: 'center',
    gap: tokens.spacingHorizontalXXS,
    color: tokens.colorPaletteDarkOrangeForeground1,
  },
});

/** Shown in place of a value the viewer may not see, with the legal basis. */
export function Withheld({ legalBasis }: { legalBasis: string }) {
  const { t } = useTranslation();
  const styles = useStyles();
  return (
    <span className={styles.withheld} data-testid="withheld">
      <LockClosed16Regular aria-hidden />
      <Text>
        {t('confidential.withheld')} ({legalBasis})
      </Text>
    </span>
  );
}

/** Marks a value the viewer may see but which is confidential to others. */
export function ConfidentialMark({ legalBasis }: { legalBasis: string }) {
  const { t } = useTranslation();
  const styles = useStyles();
  return (
    <Tooltip content={`${t('confidential.mark')}: ${legalBasis}`} relationship="description">
      <span className={styles.mark} data-testid="confidential-mark">
        <LockClosed16Regular aria-hidden />
        <Text size={200}>{t('confidential.short')}</Text>
      </span>
    </Tooltip>
  );
}

/** «Du har ikke tilgang.» before the API's reason, unless the reason already says so. */
const forbiddenText = (lead: string, reason: string): string =>
  !reason ? lead : reason.startsWith(lead.replace(/\.$/, '')) ? reason : `${lead} ${reason}`;

export function ErrorBar({ error }: { error: unknown }) {
  const { t } = useTranslation();
  if (!error) return null;
  const message =
    error instanceof ApiError
      ? error.status === 404
        ? t('common.notFound')
        : error.status === 403
          ? forbiddenText(t('common.forbidden'), error.message)
          : error.message
      : error instanceof Error
        ? error.message
        : String(error);
  return (
    <MessageBar intent="error" role="alert">
      <MessageBarBody>{message}</MessageBarBody>
    </MessageBar>
  );
}
