import {
  Button,
  MessageBar,
  MessageBarBody,
  makeStyles,
  Text,
  Title2,
  tokens,
} from '@fluentui/react-components';
import { PersonRegular } from '@fluentui/react-icons';
import { useTranslation } from 'react-i18next';
import type { TabConfig } from '../types.ts';

export const DEV_USER_KEY = 'ko.devUser';
/** The demo users the quick start names, shown first. */
const FIRST = ['kontraktservice', 'eier1', 'eier2', 'leser'];

const useStyles = makeStyles({
  root: { maxWidth: '640px', margin: '48px auto', padding: tokens.spacingHorizontalL },
  list: {
    display: 'grid',
    gap: tokens.spacingVerticalS,
    marginTop: tokens.spacingVerticalL,
    listStyleType: 'none',
    padding: 0,
  },
  button: { width: '100%', justifyContent: 'flex-start', padding: tokens.spacingVerticalM },
  role: { marginLeft: 'auto' },
});

/** Dev mode only (the server says so in /api/tab-config): pick a demo user instead of signing in. */
export function DevLogin({
  users,
  onPick,
}: {
  users: TabConfig['devUsers'];
  onPick: (id: string) => void;
}) {
  const { t } = useTranslation();
  const styles = useStyles();
  const rank = (id: string) => {
    const i = FIRST.indexOf(id);
    return i < 0 ? FIRST.length : i;
  };
  const sorted = [...users].sort(
    (a, b) => rank(a.id) - rank(b.id) || a.name.localeCompare(b.name, 'nb'),
  );
  return (
    <main className={styles.root}>
      <Title2 as="h1">{t('dev.title')}</Title2>
      <MessageBar intent="warning">
        <MessageBarBody>{t('dev.warning')}</MessageBarBody>
      </MessageBar>
      <ul className={styles.list} aria-label={t('dev.users')}>
        {sorted.map((u) => (
          <li key={u.id}>
            <Button
              className={styles.button}
              icon={<PersonRegular />}
              appearance={rank(u.id) < FIRST.length ? 'primary' : 'secondary'}
              onClick={() => onPick(u.id)}
            >
              <Text weight="semibold">{u.name}</Text>
              <Text className={styles.role}>{t(`role.${u.role}`)}</Text>
            </Button>
          </li>
        ))}
      </ul>
    </main>
  );
}
