import {
  Button,
  FluentProvider,
  Link,
  MessageBar,
  MessageBarBody,
  makeStyles,
  Spinner,
  Tab,
  TabList,
  Text,
  Title3,
  teamsDarkTheme,
  teamsHighContrastTheme,
  teamsLightTheme,
  tokens,
} from '@fluentui/react-components';
import { lazy, type ReactNode, Suspense, useCallback, useEffect, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError, get, setApiLanguage, setCredentials } from './api.ts';
import { Dropdown, Option } from './components/Choice.tsx';
import { DEV_USER_KEY, DevLogin } from './components/DevLogin.tsx';
import type { HostInfo, ThemeName } from './host.ts';
import { LANGUAGES, setLanguage } from './i18n.ts';
import { navigate, useRoute } from './router.ts';
import { Register } from './screens/Register.tsx';
import { type Session, SessionContext } from './session.tsx';
import type { TabConfig, Unit, User } from './types.ts';

const ContractPage = lazy(() => import('./screens/ContractPage.tsx'));
const MyTasks = lazy(() => import('./screens/MyTasks.tsx'));
const Dashboard = lazy(() => import('./screens/Dashboard.tsx'));
const Admin = lazy(() => import('./screens/Admin.tsx'));
const Spend = lazy(() => import('./screens/Spend.tsx'));

const themes = {
  light: teamsLightTheme,
  dark: teamsDarkTheme,
  contrast: teamsHighContrastTheme,
} as const;

const useStyles = makeStyles({
  provider: { minHeight: '100vh', display: 'flex', flexDirection: 'column' },
  header: {
    display: 'flex',
    alignItems: 'center',
    gap: tokens.spacingHorizontalM,
    flexWrap: 'wrap',
    padding: `${tokens.spacingVerticalS} ${tokens.spacingHorizontalL}`,
    borderBottom: `${tokens.strokeWidthThin} solid ${tokens.colorNeutralStroke2}`,
    backgroundColor: tokens.colorNeutralBackground3,
  },
  brand: { marginRight: tokens.spacingHorizontalL },
  spacer: { flexGrow: 1 },
  main: {
    flexGrow: 1,
    padding: `${tokens.spacingVerticalM} ${tokens.spacingHorizontalL}`,
    minWidth: 0,
  },
  centre: { display: 'grid', placeItems: 'center', minHeight: '60vh' },
  skip: {
    position: 'absolute',
    left: '-10000px',
    ':focus': { left: tokens.spacingHorizontalS, top: tokens.spacingVerticalS, zIndex: 10 },
  },
  lang: { minWidth: '130px' },
});

/** Loads configuration, signs in (Teams SSO, MSAL or the dev picker) and renders the app. */
export function Root({ host }: { host: HostInfo }) {
  const [theme, setTheme] = useState<ThemeName>(host.theme);
  const styles = useStyles();
  useEffect(() => host.onThemeChange?.(setTheme), [host]);
  useEffect(() => {
    if (host.kind === 'teams') return;
    const mq = window.matchMedia?.('(prefers-color-scheme: dark)');
    const onChange = () => setTheme(mq.matches ? 'dark' : 'light');
    mq?.addEventListener('change', onChange);
    return () => mq?.removeEventListener('change', onChange);
  }, [host]);
  return (
    <FluentProvider theme={themes[theme]} className={styles.provider}>
      <SignedIn host={host} theme={theme} />
    </FluentProvider>
  );
}

type Phase =
  | { kind: 'loading' }
  | { kind: 'pick'; config: TabConfig }
  | { kind: 'ready'; config: TabConfig; me: User; units: Unit[]; users: User[] }
  | { kind: 'error'; message: string };

function SignedIn({ host, theme }: { host: HostInfo; theme: ThemeName }) {
  const { t } = useTranslation();
  const styles = useStyles();
  const [phase, setPhase] = useState<Phase>({ kind: 'loading' });
  const [attempt, setAttempt] = useState(0);

  const loadDirectory = useCallback(async () => {
    const [units, users] = await Promise.all([
      get<{ items: Unit[] }>('/api/units'),
      get<{ items: User[] }>('/api/users'),
    ]);
    return { units: units.items, users: users.items };
  }, []);

  useEffect(() => {
    let cancelled = false;
    void attempt;
    (async () => {
      try {
        const config = await get<TabConfig>('/api/tab-config');
        if (host.kind === 'teams' && host.getToken) {
          const getToken = host.getToken;
          setCredentials(async () => ({ authorization: `Bearer ${await getToken()}` }));
        } else if (config.authMode === 'dev') {
          const picked = localStorage.getItem(DEV_USER_KEY);
          if (!picked) {
            if (!cancelled) setPhase({ kind: 'pick', config });
            return;
          }
          setCredentials(async () => ({ 'x-dev-user': picked }));
        } else if (config.entra) {
          const { msalCredentials } = await import('./msal.ts');
          setCredentials(await msalCredentials(config.entra));
        } else {
          throw new Error(t('app.noSignIn'));
        }
        const me = await get<User>('/api/me');
        const dir = await loadDirectory();
        if (!cancelled) setPhase({ kind: 'ready', config, me, ...dir });
      } catch (e) {
        if (e instanceof ApiError && e.status === 401 && localStorage.getItem(DEV_USER_KEY)) {
          localStorage.removeItem(DEV_USER_KEY);
          if (!cancelled) setAttempt((a) => a + 1);
          return;
        }
        if (!cancelled) setPhase({ kind: 'error', message: (e as Error).message });
      }
    })();
    return () => {
      cancelled = true;
    };
  }, [host, attempt, loadDirectory, t]);

  if (phase.kind === 'loading') {
    return (
      <div className={styles.centre}>
        <Spinner label={t('app.loading')} />
      </div>
    );
  }
  if (phase.kind === 'error') {
    return (
      <main className={styles.main}>
        <MessageBar intent="error">
          <MessageBarBody>
            {t('app.startFailed')}: {phase.message}
          </MessageBarBody>
        </MessageBar>
        <Button onClick={() => setAttempt((a) => a + 1)}>{t('common.retry')}</Button>
      </main>
    );
  }
  if (phase.kind === 'pick') {
    return (
      <DevLogin
        users={phase.config.devUsers}
        onPick={(id) => {
          localStorage.setItem(DEV_USER_KEY, id);
          setPhase({ kind: 'loading' });
          setAttempt((a) => a + 1);
        }}
      />
    );
  }
  const session: Session = {
    me: phase.me,
    host,
    config: phase.config,
    units: phase.units,
    users: phase.users,
    theme,
    switchUser:
      phase.config.authMode === 'dev' && host.kind === 'browser'
        ? () => {
            localStorage.removeItem(DEV_USER_KEY);
            setPhase({ kind: 'pick', config: phase.config });
          }
        : null,
    reloadDirectory: async () => {
      const dir = await loadDirectory();
      setPhase({ ...phase, ...dir });
    },
  };
  return (
    <SessionContext.Provider value={session}>
      <Shell session={session} />
    </SessionContext.Provider>
  );
}

function Shell({ session }: { session: Session }) {
  const { t, i18n } = useTranslation();
  const styles = useStyles();
  const route = useRoute();
  const section = route.segments[0] ?? 'register';
  const isAdmin = session.me.role === 'kontraktservice';
  useEffect(() => {
    setApiLanguage(i18n.language);
    document.documentElement.lang = i18n.language;
  }, [i18n.language]);
  const tabValue = section === 'contracts' ? 'register' : section;

  let screen: ReactNode;
  if (section === 'contracts' && route.segments[1]) {
    screen = <ContractPage id={route.segments[1]} mode={route.segments[2] ?? 'view'} />;
  } else if (section === 'contracts' && !route.segments[1]) {
    screen = <Register />;
  } else if (section === 'new') {
    screen = <ContractPage id={null} mode="edit" />;
  } else if (section === 'tasks') {
    const unit = route.query.get('unit');
    screen = <MyTasks key={unit ?? ''} focusId={route.segments[1] ?? null} overdueUnit={unit} />;
  } else if (section === 'dashboard') {
    screen = <Dashboard />;
  } else if (section === 'spend' && session.me.role !== 'reader') {
    screen = <Spend segments={route.segments.slice(1)} query={route.query} />;
  } else if (section === 'admin') {
    screen = isAdmin ? (
      <Admin />
    ) : (
      <MessageBar intent="warning">
        <MessageBarBody>{t('admin.forbidden')}</MessageBarBody>
      </MessageBar>
    );
  } else {
    screen = <Register />;
  }

  const languageNames = useMemo(
    () => Object.fromEntries(LANGUAGES.map((l) => [l, t(`lang.${l}`)])),
    [t],
  );

  return (
    <>
      <button
        type="button"
        className={styles.skip}
        onClick={() => document.getElementById('main')?.focus()}
      >
        {t('app.skip')}
      </button>
      <header className={styles.header}>
        <Title3 as="h1" className={styles.brand}>
          {t('app.title')}
        </Title3>
        <nav aria-label={t('app.nav')}>
          <TabList
            selectedValue={tabValue}
            onTabSelect={(_e, d) => navigate(`#/${String(d.value)}`)}
          >
            <Tab value="register">{t('nav.register')}</Tab>
            <Tab value="tasks">{t('nav.tasks')}</Tab>
            <Tab value="dashboard">{t('nav.dashboard')}</Tab>
            {session.me.role !== 'reader' && <Tab value="spend">{t('nav.spend')}</Tab>}
            {isAdmin && <Tab value="admin">{t('nav.admin')}</Tab>}
          </TabList>
        </nav>
        <span className={styles.spacer} />
        <Dropdown
          aria-label={t('app.language')}
          className={styles.lang}
          value={languageNames[i18n.language] ?? ''}
          selectedOptions={[i18n.language]}
          onOptionSelect={(_e, d) => d.optionValue && setLanguage(d.optionValue)}
        >
          {LANGUAGES.map((l) => (
            <Option key={l} value={l}>
              {languageNames[l] ?? l}
            </Option>
          ))}
        </Dropdown>
        <Text>
          {session.me.name} · {t(`role.${session.me.role}`)}
        </Text>
        {session.switchUser && (
          <Link as="button" onClick={session.switchUser}>
            {t('app.switchUser')}
          </Link>
        )}
      </header>
      <main id="main" tabIndex={-1} className={styles.main}>
        <Suspense fallback={<Spinner label={t('app.loading')} />}>{screen}</Suspense>
      </main>
    </>
  );
}
