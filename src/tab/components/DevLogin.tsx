import {
  Button,
  Card,
  CardHeader,
  makeStyles,
  MessageBar,
  MessageBarBody,
  Text,
  Title2,
  tokens,
} from '@fluentui/react-components';
import { useTranslation } from 'react-i18next';
import type { TabConfig } from '../types.ts';

export const DEV_USER_KEY = 'ko.devUser';

const useStyles = makeStyles({
  root: { maxWidth: '640px', margin: '48px auto', padding: tokens.spacingHorizontalL },
  list: {
    display: 'grid',
    gap: tokens.spacingVerticalM,
    marginTop: tokens.spacingVerticalL,
    listStyleType: 'none',
    padding: 0,
  },
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
  return (
    <main className={styles.root}>
      <Title2 as="h1">{t('dev.title')}</Title2>
      <MessageBar intent="warning">
        <MessageBarBody>{t('dev.warning')}</MessageBarBody>
      </MessageBar>
      <ul className={styles.list} aria-label={t('dev.users')}>
        {users.map((u) => (
          <li key={u.id}>
            <Card>
              <CardHeader
                header={<Text weight="semibold">{u.name}</Text>}
                description={<Text>{t(`role.${u.role}`)}</Text>}
                action={
                  <Button appearance="primary" onClick={() => onPick(u.id)}>
                    {t('dev.signInAs', { name: u.name })}
                  </Button>
                }
              />
            </Card>
          </li>
        ))}
      </ul>
    </main>
  );
}
