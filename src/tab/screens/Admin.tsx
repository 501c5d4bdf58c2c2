import {
  Button,
  Field,
  Input,
  MessageBar,
  MessageBarBody,
  makeStyles,
  Spinner,
  Subtitle1,
  Tab,
  TabList,
  Table,
  TableBody,
  TableCell,
  TableHeader,
  TableHeaderCell,
  TableRow,
  Text,
  Title2,
  tokens,
} from '@fluentui/react-components';
import i18next from 'i18next';
import { Fragment, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { FollowUpSettings, Routine } from '../../core/followup/routine.ts';
import { ApiError, type FieldIssue, request } from '../api.ts';
import { ActivityRules } from '../components/ActivityRules.tsx';
import { Dropdown, Option } from '../components/Choice.tsx';
import { ErrorBar } from '../components/common.tsx';
import { localText } from '../components/localText.ts';
import { endpoints } from '../endpoints.ts';
import { oreToKronerText, parseKroner } from '../format.ts';
import { useGet } from '../hooks.ts';
import { useSession } from '../session.tsx';
import type { Unit, User } from '../types.ts';

const ROLES = ['kontraktservice', 'contract_owner', 'reader'] as const;

const useStyles = makeStyles({
  root: {
    display: 'flex',
    flexDirection: 'column',
    gap: tokens.spacingVerticalL,
    maxWidth: '1200px',
  },
  panel: { display: 'flex', flexDirection: 'column', gap: tokens.spacingVerticalM },
  row: { display: 'flex', gap: tokens.spacingHorizontalM, alignItems: 'end', flexWrap: 'wrap' },
  grid: {
    display: 'grid',
    gridTemplateColumns: 'repeat(auto-fill, minmax(260px, 1fr))',
    gap: tokens.spacingVerticalM,
    columnGap: tokens.spacingHorizontalL,
  },
});

/** Kontraktservice only: routines, units and users with roles, thresholds and lead times. */
export default function Admin() {
  const { t } = useTranslation();
  const styles = useStyles();
  const [tab, setTab] = useState('routines');
  return (
    <section className={styles.root} aria-labelledby="admin-heading">
      <Title2 as="h2" id="admin-heading">
        {t('admin.heading')}
      </Title2>
      <TabList selectedValue={tab} onTabSelect={(_e, d) => setTab(String(d.value))}>
        <Tab value="routines">{t('admin.routines')}</Tab>
        <Tab value="settings">{t('admin.settings')}</Tab>
        <Tab value="units">{t('admin.units')}</Tab>
        <Tab value="users">{t('admin.users')}</Tab>
      </TabList>
      <div role="tabpanel" aria-label={t(`admin.${tab}`)} className={styles.panel}>
        {tab === 'routines' && <Routines />}
        {tab === 'settings' && <Settings />}
        {tab === 'units' && <Units />}
        {tab === 'users' && <Users />}
      </div>
    </section>
  );
}

function Missing({ error }: { error: unknown }) {
  const { t } = useTranslation();
  if (error instanceof ApiError && error.status === 404) {
    return (
      <MessageBar intent="info">
        <MessageBarBody>{t('admin.followupMissing')}</MessageBarBody>
      </MessageBar>
    );
  }
  return <ErrorBar error={error} />;
}

function Issues({ issues, error }: { issues: readonly FieldIssue[]; error: string | null }) {
  if (!error) return null;
  return (
    <MessageBar intent="error" role="alert">
      <MessageBarBody>
        {error}
        {issues.length > 0 && (
          <ul>
            {issues.map((i) => (
              <li key={`${i.field}:${i.message}`}>
                {i.field}: {i.message}
              </li>
            ))}
          </ul>
        )}
      </MessageBarBody>
    </MessageBar>
  );
}

type ActivityDraft = Routine['activities'][number];

function Routines() {
  const { t, i18n } = useTranslation();
  const styles = useStyles();
  const list = useGet<{ items: Routine[] }>(endpoints.routines);
  // The settings a rule or reminder refers to are shown with their labels and current values.
  const settings = useGet<FollowUpSettings>(endpoints.settings);
  const [selected, setSelected] = useState<string | null>(null);
  const [draft, setDraft] = useState<Routine | null>(null);
  const [issues, setIssues] = useState<readonly FieldIssue[]>([]);
  const [error, setError] = useState<string | null>(null);
  const [saved, setSaved] = useState(false);
  const [expanded, setExpanded] = useState<string | null>(null);
  useEffect(() => {
    const r = list.data?.items.find((x) => x.id === selected) ?? list.data?.items[0] ?? null;
    setDraft(r ? structuredClone(r) : null);
    if (r && !selected) setSelected(r.id);
  }, [list.data, selected]);
  if (list.loading) return <Spinner label={t('app.loading')} />;
  if (list.error) return <Missing error={list.error} />;
  if (!list.data || !draft) return <Text>{t('admin.noRoutines')}</Text>;
  const issue = (path: string) => issues.find((i) => i.field === path)?.message;
  const setActivity = (i: number, patch: Partial<ActivityDraft>) =>
    setDraft({
      ...draft,
      activities: draft.activities.map((a, j) => (j === i ? { ...a, ...patch } : a)),
    });

  async function save() {
    if (!draft) return;
    setIssues([]);
    setError(null);
    setSaved(false);
    const { version, updatedAt: _u, updatedBy: _b, ...body } = draft;
    try {
      await request('PUT', endpoints.routine(draft.id), { body, ifMatch: `"${version}"` });
      setSaved(true);
      list.reload();
    } catch (e) {
      setIssues(e instanceof ApiError ? e.issues : []);
      setError((e as Error).message);
    }
  }

  return (
    <>
      <div className={styles.row}>
        <Field label={t('admin.routine')}>
          <Dropdown
            value={localText(draft.name, i18n.language)}
            selectedOptions={[draft.id]}
            onOptionSelect={(_e, d) => setSelected(d.optionValue ?? null)}
          >
            {list.data.items.map((r) => (
              <Option key={r.id} value={r.id} text={localText(r.name, i18n.language)}>
                {localText(r.name, i18n.language)} ({t(`level.${r.level}`)})
              </Option>
            ))}
          </Dropdown>
        </Field>
      </div>
      <Issues issues={issues} error={error} />
      {saved && (
        <MessageBar intent="success">
          <MessageBarBody>{t('admin.saved')}</MessageBarBody>
        </MessageBar>
      )}
      <Table aria-label={t('admin.activities')} size="small">
        <TableHeader>
          <TableRow>
            <TableHeaderCell>{t('admin.activity')}</TableHeaderCell>
            <TableHeaderCell>{t('admin.rule')}</TableHeaderCell>
            <TableHeaderCell>{t('admin.responsible')}</TableHeaderCell>
            <TableHeaderCell>{t('admin.leadTimes')}</TableHeaderCell>
          </TableRow>
        </TableHeader>
        <TableBody>
          {draft.activities.map((a, i) => {
            const lead = Array.isArray(a.leadTimesDays) ? a.leadTimesDays.join(', ') : '';
            const leadSetting = Array.isArray(a.leadTimesDays) ? null : a.leadTimesDays.setting;
            return (
              <Fragment key={a.id}>
                <TableRow>
                  <TableCell>
                    <Field
                      label={t('admin.titleNb')}
                      validationMessage={issue(`activities.${i}.title.nb`)}
                      validationState={issue(`activities.${i}.title.nb`) ? 'error' : 'none'}
                    >
                      <Input
                        value={a.title.nb}
                        onChange={(_e, d) => setActivity(i, { title: { ...a.title, nb: d.value } })}
                      />
                    </Field>
                    <Button
                      size="small"
                      appearance="subtle"
                      aria-label={`${t('ruleEdit.removeActivity')}: ${a.title.nb}`}
                      disabled={draft.activities.length <= 1}
                      onClick={() =>
                        setDraft({
                          ...draft,
                          activities: draft.activities.filter((_x, j) => j !== i),
                        })
                      }
                    >
                      {t('ruleEdit.removeActivity')}
                    </Button>
                  </TableCell>
                  <TableCell>
                    <Text size={200}>{ruleText(a.rule, t, settings.data?.values)}</Text>
                    {a.appliesWhen.length > 0 && (
                      <Text size={200}>
                        {' '}
                        · {t('ruleEdit.conditionCount', { count: a.appliesWhen.length })}
                      </Text>
                    )}
                    <br />
                    <Button
                      size="small"
                      aria-expanded={expanded === a.id}
                      aria-label={`${t('ruleEdit.edit')}: ${a.title.nb}`}
                      onClick={() => setExpanded(expanded === a.id ? null : a.id)}
                    >
                      {t('ruleEdit.edit')}
                    </Button>
                  </TableCell>
                  <TableCell>
                    <Dropdown
                      aria-label={`${t('admin.responsible')}: ${a.title.nb}`}
                      value={t(`responsible.${a.responsible}`)}
                      selectedOptions={[a.responsible]}
                      onOptionSelect={(_e, d) =>
                        d.optionValue &&
                        setActivity(i, {
                          responsible: d.optionValue as ActivityDraft['responsible'],
                        })
                      }
                    >
                      {(['owner', 'manager', 'kontraktservice'] as const).map((r) => (
                        <Option key={r} value={r}>
                          {t(`responsible.${r}`)}
                        </Option>
                      ))}
                    </Dropdown>
                  </TableCell>
                  <TableCell>
                    <Field
                      label={t('admin.leadTimesDays')}
                      hint={
                        leadSetting
                          ? t('admin.fromSetting', { name: settingLabel(leadSetting, t) })
                          : undefined
                      }
                      validationMessage={issue(`activities.${i}.leadTimesDays`)}
                      validationState={issue(`activities.${i}.leadTimesDays`) ? 'error' : 'none'}
                    >
                      <Input
                        value={lead}
                        placeholder={
                          leadSetting
                            ? (settingShort(settings.data?.values[leadSetting]) ?? '')
                            : ''
                        }
                        onChange={(_e, d) => {
                          const v = d.value.trim();
                          setActivity(i, {
                            leadTimesDays: v
                              ? v
                                  .split(/[,\s]+/)
                                  .filter(Boolean)
                                  .map(Number)
                              : { setting: leadSetting ?? 'defaultLeadTimesDays' },
                          });
                        }}
                      />
                    </Field>
                  </TableCell>
                </TableRow>
                {expanded === a.id && (
                  <TableRow>
                    <TableCell colSpan={4}>
                      <ActivityRules
                        activity={a}
                        index={i}
                        issue={(path) =>
                          issues
                            .filter((x) => x.field === path || x.field.startsWith(`${path}.`))
                            .map((x) => x.message)
                            .join('; ') || undefined
                        }
                        onChange={(patch) => setActivity(i, patch)}
                        describeSetting={(name) =>
                          t('ruleEdit.settingHint', {
                            name: settingLabel(name, t),
                            value: settingShort(settings.data?.values[name]) ?? '…',
                          })
                        }
                      />
                    </TableCell>
                  </TableRow>
                )}
              </Fragment>
            );
          })}
        </TableBody>
      </Table>
      <div className={styles.row}>
        <Button
          onClick={() => {
            let n = draft.activities.length + 1;
            while (draft.activities.some((a) => a.id === `ny-aktivitet-${n}`)) n++;
            const id = `ny-aktivitet-${n}`;
            setDraft({
              ...draft,
              activities: [
                ...draft.activities,
                {
                  id,
                  title: { nb: t('ruleEdit.newActivity') },
                  rule: { kind: 'after_start', months: 0, days: 0 },
                  appliesWhen: [],
                  responsible: 'owner',
                  leadTimesDays: { setting: 'defaultLeadTimesDays' },
                },
              ],
            });
            setExpanded(id);
          }}
        >
          {t('ruleEdit.addActivity')}
        </Button>
        <Button appearance="primary" onClick={() => void save()}>
          {t('form.save')}
        </Button>
      </div>
    </>
  );
}

/** A setting as Kontraktservice knows it: its label in «», not its key. */
const settingLabel = (name: string, t: (k: string, o?: Record<string, unknown>) => string) =>
  `«${t(`settingValue.${name}`, { defaultValue: name })}»`;

/** A setting's current value, short: 12, «30, 7», or 12/6/3 per risk level (low/medium/high). */
function settingShort(v: SettingValue | undefined): string | null {
  if (v === undefined) return null;
  if (typeof v === 'number') return String(v);
  if (Array.isArray(v)) return v.join(', ');
  return RISKS.map((r) => v[r]).join('/');
}

/**
 * The due rule in words. A parameter taken from a setting shows the setting's current value, and
 * the setting is named after the rule («hver 12. måned · fra innstillingen «Oppdater …»»); values
 * per risk level say which is which («hver 12/6/3. måned (lav/middels/høy) · …»).
 */
function ruleText(
  rule: ActivityDraft['rule'],
  t: (k: string, o?: Record<string, unknown>) => string,
  settings: FollowUpSettings['values'] | undefined,
) {
  const used: string[] = [];
  let perRisk = false;
  const p = (v: unknown) => {
    if (typeof v === 'number') return String(v);
    if (v && typeof v === 'object' && 'setting' in v) {
      const name = String((v as { setting: string }).setting);
      const value = settings?.[name];
      used.push(name);
      perRisk ||= value !== undefined && typeof value === 'object' && !Array.isArray(value);
      return settingShort(value) ?? '…';
    }
    return '0';
  };
  const text = (() => {
    switch (rule.kind) {
      case 'after_start':
        return t('rule.after_start', { months: p(rule.months), days: p(rule.days) });
      case 'before_end':
        return t('rule.before_end', { months: p(rule.months), days: p(rule.days) });
      case 'before_option_deadline':
        return t('rule.before_option_deadline', { months: p(rule.months), days: p(rule.days) });
      case 'price_adjustment':
        return t('rule.price_adjustment', { months: p(rule.monthsBefore) });
      case 'recurring':
        return t('rule.recurring', { months: p(rule.everyMonths) });
    }
  })();
  const risks = perRisk ? ` (${RISKS.map((r) => t(`risk.${r}`).toLowerCase()).join('/')})` : '';
  return used.length === 0
    ? text
    : `${text}${risks} · ${t('rule.fromSetting', { names: used.map((n) => settingLabel(n, t)).join(', ') })}`;
}

type SettingValue = FollowUpSettings['values'][string];

function Settings() {
  const { t } = useTranslation();
  const styles = useStyles();
  const loaded = useGet<FollowUpSettings>(endpoints.settings);
  const [draft, setDraft] = useState<FollowUpSettings | null>(null);
  const [texts, setTexts] = useState<Record<string, string>>({});
  const [issues, setIssues] = useState<readonly FieldIssue[]>([]);
  const [error, setError] = useState<string | null>(null);
  const [saved, setSaved] = useState(false);
  useEffect(() => {
    if (!loaded.data) return;
    setDraft(loaded.data);
    const tx: Record<string, string> = {};
    for (const [k, v] of Object.entries(loaded.data.values)) tx[k] = valueText(k, v, t);
    setTexts(tx);
  }, [loaded.data, t]);
  if (loaded.loading) return <Spinner label={t('app.loading')} />;
  if (loaded.error) return <Missing error={loaded.error} />;
  if (!draft) return null;
  const issue = (path: string) => issues.find((i) => i.field === path)?.message;
  const num = (k: keyof FollowUpSettings) => (
    <Field
      key={k}
      label={t(`settings.${k}`)}
      validationMessage={issue(k)}
      validationState={issue(k) ? 'error' : 'none'}
    >
      <Input
        inputMode="numeric"
        value={String(draft[k])}
        onChange={(_e, d) => setDraft({ ...draft, [k]: Number(d.value) })}
      />
    </Field>
  );

  async function save() {
    if (!draft) return;
    setIssues([]);
    setError(null);
    setSaved(false);
    const values: Record<string, SettingValue> = {};
    for (const [k, v] of Object.entries(draft.values)) values[k] = parseValue(k, texts[k] ?? '', v);
    try {
      await request('PUT', endpoints.settings, { body: { ...draft, values } });
      setSaved(true);
      loaded.reload();
    } catch (e) {
      setIssues(e instanceof ApiError ? e.issues : []);
      setError((e as Error).message);
    }
  }

  return (
    <>
      <Issues issues={issues} error={error} />
      {saved && (
        <MessageBar intent="success">
          <MessageBarBody>{t('admin.saved')}</MessageBarBody>
        </MessageBar>
      )}
      <Subtitle1 as="h3">{t('admin.general')}</Subtitle1>
      <div className={styles.grid}>
        <Field label={t('settings.level')}>
          <Dropdown
            value={t(`level.${draft.level}`)}
            selectedOptions={[draft.level]}
            onOptionSelect={(_e, d) =>
              d.optionValue &&
              setDraft({ ...draft, level: d.optionValue as FollowUpSettings['level'] })
            }
          >
            <Option value="basic">{t('level.basic')}</Option>
            <Option value="advanced">{t('level.advanced')}</Option>
          </Dropdown>
        </Field>
        {num('backfillDays')}
        {num('horizonMonths')}
        {num('overdueRepeatDays')}
        {num('overdueMaxReminders')}
        {num('sendHourOslo')}
      </div>
      <Subtitle1 as="h3">{t('admin.thresholdsAndLeadTimes')}</Subtitle1>
      <div className={styles.grid}>
        {Object.keys(draft.values).map((k) => (
          <Field
            key={k}
            label={t(`settingValue.${k}`, { defaultValue: k })}
            hint={k}
            validationMessage={issue(`values.${k}`)}
            validationState={issue(`values.${k}`) ? 'error' : 'none'}
          >
            <Input
              value={texts[k] ?? ''}
              onChange={(_e, d) => setTexts({ ...texts, [k]: d.value })}
            />
          </Field>
        ))}
      </div>
      <div>
        <Button appearance="primary" onClick={() => void save()}>
          {t('form.save')}
        </Button>
      </div>
    </>
  );
}

const RISKS = ['low', 'medium', 'high'] as const;

/** A risk level from its name in any UI language or its code ("Høg", "høy", "high"); null if none. */
function riskOf(name: string): (typeof RISKS)[number] | null {
  const n = name.toLocaleLowerCase('nb');
  return (
    RISKS.find(
      (r) =>
        r === n ||
        (['nb', 'nn', 'en'] as const).some(
          (lng) => i18next.t(`risk.${r}`, { lng }).toLocaleLowerCase('nb') === n,
        ),
    ) ?? null
  );
}

/** Settings in øre (their key ends in «Ore») are shown and typed in kroner. */
const isMoney = (key: string) => key.endsWith('Ore');

/**
 * Setting values as text: numbers, kroner for amounts ("2300000"), lists ("14, 3"), per risk
 * ("Låg 12, Middels 6, Høg 3").
 */
function valueText(key: string, v: SettingValue, t: (k: string) => string): string {
  if (typeof v === 'number') return isMoney(key) ? oreToKronerText(v) : String(v);
  if (Array.isArray(v)) return v.join(', ');
  return RISKS.map((r) => `${t(`risk.${r}`)} ${v[r]}`).join(', ');
}
function parseValue(key: string, text: string, previous: SettingValue): SettingValue {
  const parts = text
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  if (typeof previous === 'number')
    return isMoney(key) ? (parseKroner(text) ?? Number.NaN) : Number(text.replace(/\s/g, ''));
  if (Array.isArray(previous)) {
    return previous.length > 0 && typeof previous[0] === 'string'
      ? parts
      : (parts.map(Number) as number[]);
  }
  const byRisk = { ...previous };
  for (const p of parts) {
    const m = /^(.*\S)\s+(\S+)$/.exec(p);
    const risk = m ? riskOf(m[1] ?? '') : null;
    if (m && risk) byRisk[risk] = Number(m[2]);
  }
  return byRisk;
}

function Units() {
  const { t } = useTranslation();
  const styles = useStyles();
  const session = useSession();
  const [draft, setDraft] = useState<Unit>({ id: '', name: '', parentId: null, sector: null });
  const [issues, setIssues] = useState<readonly FieldIssue[]>([]);
  const [error, setError] = useState<string | null>(null);
  const issue = (f: string) => issues.find((i) => i.field === f)?.message;
  async function save() {
    setIssues([]);
    setError(null);
    try {
      const { id, ...body } = draft;
      await request('PUT', `/api/units/${encodeURIComponent(id || '-')}`, { body });
      await session.reloadDirectory();
      setDraft({ id: '', name: '', parentId: null, sector: null });
    } catch (e) {
      setIssues(e instanceof ApiError ? e.issues : []);
      setError((e as Error).message);
    }
  }
  return (
    <>
      <Table aria-label={t('admin.units')} size="small">
        <TableHeader>
          <TableRow>
            <TableHeaderCell>{t('admin.id')}</TableHeaderCell>
            <TableHeaderCell>{t('admin.name')}</TableHeaderCell>
            <TableHeaderCell>{t('admin.parent')}</TableHeaderCell>
            <TableHeaderCell>{t('admin.sector')}</TableHeaderCell>
            <TableHeaderCell>{t('admin.actions')}</TableHeaderCell>
          </TableRow>
        </TableHeader>
        <TableBody>
          {session.units.map((u) => (
            <TableRow key={u.id}>
              <TableCell>{u.id}</TableCell>
              <TableCell>{u.name}</TableCell>
              <TableCell>{session.units.find((p) => p.id === u.parentId)?.name ?? '–'}</TableCell>
              <TableCell>{u.sector ?? '–'}</TableCell>
              <TableCell>
                <Button
                  size="small"
                  onClick={() => setDraft(u)}
                  aria-label={`${t('common.edit')} ${u.name}`}
                >
                  {t('common.edit')}
                </Button>
              </TableCell>
            </TableRow>
          ))}
        </TableBody>
      </Table>
      <Subtitle1 as="h3">{t('admin.unitForm')}</Subtitle1>
      <Issues issues={issues} error={error} />
      <div className={styles.row}>
        <Field
          label={t('admin.id')}
          validationMessage={issue('id')}
          validationState={issue('id') ? 'error' : 'none'}
        >
          <Input value={draft.id} onChange={(_e, d) => setDraft({ ...draft, id: d.value })} />
        </Field>
        <Field
          label={t('admin.name')}
          validationMessage={issue('name')}
          validationState={issue('name') ? 'error' : 'none'}
        >
          <Input value={draft.name} onChange={(_e, d) => setDraft({ ...draft, name: d.value })} />
        </Field>
        <Field
          label={t('admin.parent')}
          validationMessage={issue('parentId')}
          validationState={issue('parentId') ? 'error' : 'none'}
        >
          <Dropdown
            value={session.units.find((p) => p.id === draft.parentId)?.name ?? ''}
            placeholder={t('common.none')}
            selectedOptions={draft.parentId ? [draft.parentId] : []}
            onOptionSelect={(_e, d) => setDraft({ ...draft, parentId: d.optionValue || null })}
          >
            <Option value="">{t('common.none')}</Option>
            {session.units.map((u) => (
              <Option key={u.id} value={u.id}>
                {u.name}
              </Option>
            ))}
          </Dropdown>
        </Field>
        <Field label={t('admin.sector')}>
          <Input
            value={draft.sector ?? ''}
            onChange={(_e, d) => setDraft({ ...draft, sector: d.value || null })}
          />
        </Field>
        <Button appearance="primary" onClick={() => void save()}>
          {t('form.save')}
        </Button>
      </div>
    </>
  );
}

function Users() {
  const { t } = useTranslation();
  const session = useSession();
  const [error, setError] = useState<string | null>(null);
  const [issues, setIssues] = useState<readonly FieldIssue[]>([]);
  async function save(u: User, patch: Partial<User>) {
    setError(null);
    setIssues([]);
    try {
      const { id, ...body } = { ...u, ...patch };
      await request('PUT', `/api/users/${encodeURIComponent(id)}`, { body });
      await session.reloadDirectory();
    } catch (e) {
      setIssues(e instanceof ApiError ? e.issues : []);
      setError((e as Error).message);
    }
  }
  return (
    <>
      <Issues issues={issues} error={error} />
      <Table aria-label={t('admin.users')} size="small">
        <TableHeader>
          <TableRow>
            <TableHeaderCell>{t('admin.name')}</TableHeaderCell>
            <TableHeaderCell>{t('admin.email')}</TableHeaderCell>
            <TableHeaderCell>{t('admin.unit')}</TableHeaderCell>
            <TableHeaderCell>{t('admin.role')}</TableHeaderCell>
          </TableRow>
        </TableHeader>
        <TableBody>
          {session.users.map((u) => (
            <TableRow key={u.id}>
              <TableCell>{u.name}</TableCell>
              <TableCell>{u.email}</TableCell>
              <TableCell>
                <Dropdown
                  aria-label={`${t('admin.unit')}: ${u.name}`}
                  value={session.units.find((x) => x.id === u.unitId)?.name ?? ''}
                  placeholder={t('common.none')}
                  selectedOptions={u.unitId ? [u.unitId] : []}
                  onOptionSelect={(_e, d) => void save(u, { unitId: d.optionValue || null })}
                >
                  {session.units.map((x) => (
                    <Option key={x.id} value={x.id}>
                      {x.name}
                    </Option>
                  ))}
                </Dropdown>
              </TableCell>
              <TableCell>
                <Dropdown
                  aria-label={`${t('admin.role')}: ${u.name}`}
                  value={t(`role.${u.role}`)}
                  selectedOptions={[u.role]}
                  disabled={u.id === session.me.id}
                  onOptionSelect={(_e, d) =>
                    d.optionValue && void save(u, { role: d.optionValue as User['role'] })
                  }
                >
                  {ROLES.map((r) => (
                    <Option key={r} value={r}>
                      {t(`role.${r}`)}
                    </Option>
                  ))}
                </Dropdown>
              </TableCell>
            </TableRow>
          ))}
        </TableBody>
      </Table>
    </>
  );
}
