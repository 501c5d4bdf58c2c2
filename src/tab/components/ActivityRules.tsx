import {
  Button,
  Checkbox,
  Field,
  Input,
  makeStyles,
  Subtitle2,
  tokens,
} from '@fluentui/react-components';
import { useTranslation } from 'react-i18next';
import type { Activity, Condition, DueRule, Param } from '../../core/followup/routine.ts';
import { KINDS, RISKS, TYPES } from '../types.ts';
import { Dropdown, Option } from './Choice.tsx';
import '../strings/routines.ts';

const RULE_KINDS = [
  'after_start',
  'before_end',
  'before_option_deadline',
  'price_adjustment',
  'recurring',
] as const satisfies readonly DueRule['kind'][];

/** A parameter as typed: a whole number, or the name of a setting. */
export function paramText(p: Param | undefined): string {
  if (p === undefined) return '';
  return typeof p === 'number' ? String(p) : p.setting;
}
/** Text back to a parameter; anything else is sent as typed so the API's field error shows. */
export function parseParam(text: string): Param {
  const v = text.trim();
  if (/^\d+$/.test(v)) return Number(v);
  return { setting: v };
}

function ruleOfKind(kind: DueRule['kind'], old: DueRule): DueRule {
  const months = 'months' in old ? old.months : 0;
  switch (kind) {
    case 'after_start':
    case 'before_end':
    case 'before_option_deadline':
      return { kind, months, days: 'days' in old ? old.days : 0 };
    case 'price_adjustment':
      return { kind, monthsBefore: 'monthsBefore' in old ? old.monthsBefore : 1 };
    case 'recurring':
      return { kind, everyMonths: 'everyMonths' in old ? old.everyMonths : 12 };
  }
}

const useStyles = makeStyles({
  box: {
    display: 'flex',
    flexDirection: 'column',
    gap: tokens.spacingVerticalS,
    padding: tokens.spacingVerticalS,
    border: `${tokens.strokeWidthThin} solid ${tokens.colorNeutralStroke2}`,
    borderRadius: tokens.borderRadiusMedium,
  },
  row: { display: 'flex', gap: tokens.spacingHorizontalM, flexWrap: 'wrap', alignItems: 'end' },
  group: {
    display: 'flex',
    gap: tokens.spacingHorizontalS,
    flexWrap: 'wrap',
    alignItems: 'center',
    border: 'none',
    margin: 0,
    padding: 0,
  },
});

/**
 * Edits one activity's due-date rule and applicability conditions. Issues are the API's, by dotted
 * path under `activities.<i>` (`rule.months`, `appliesWhen.0.minValueOre`, …).
 */
export function ActivityRules({
  activity,
  index,
  onChange,
  issue,
  describeSetting,
}: {
  activity: Activity;
  index: number;
  onChange: (patch: Partial<Activity>) => void;
  issue: (path: string) => string | undefined;
  /** A parameter that names a setting, explained: its label and current value. */
  describeSetting?: (name: string) => string;
}) {
  const { t } = useTranslation();
  const styles = useStyles();
  const rule = activity.rule;
  const at = (p: string) => issue(`activities.${index}.${p}`);
  const param = (key: string, label: string, value: Param | undefined, optional = false) => (
    <Field
      key={key}
      label={label}
      hint={
        value !== undefined && typeof value === 'object' && describeSetting
          ? describeSetting(value.setting)
          : undefined
      }
      validationMessage={at(`rule.${key}`)}
      validationState={at(`rule.${key}`) ? 'error' : 'none'}
    >
      <Input
        value={paramText(value)}
        onChange={(_e, d) => {
          const next = { ...rule } as Record<string, unknown>;
          if (optional && d.value.trim() === '') delete next[key];
          else next[key] = parseParam(d.value);
          onChange({ rule: next as DueRule });
        }}
      />
    </Field>
  );
  const conditions = activity.appliesWhen;
  const setCondition = (i: number, c: Condition) =>
    onChange({ appliesWhen: conditions.map((x, j) => (j === i ? c : x)) });
  const toggle = <T extends string>(list: readonly T[] | undefined, v: T, on: boolean) => {
    const next = new Set(list ?? []);
    if (on) next.add(v);
    else next.delete(v);
    return next.size > 0 ? [...next] : undefined;
  };

  return (
    <div className={styles.box} data-testid={`rules-${activity.id}`}>
      <div className={styles.row}>
        <Field label={t('ruleEdit.kind')}>
          <Dropdown
            aria-label={t('ruleEdit.kind')}
            selectedOptions={[rule.kind]}
            onOptionSelect={(_e, d) =>
              d.optionValue &&
              onChange({ rule: ruleOfKind(d.optionValue as DueRule['kind'], rule) })
            }
          >
            {RULE_KINDS.map((k) => (
              <Option key={k} value={k}>
                {t(`ruleEdit.kinds.${k}`)}
              </Option>
            ))}
          </Dropdown>
        </Field>
        {(rule.kind === 'after_start' ||
          rule.kind === 'before_end' ||
          rule.kind === 'before_option_deadline') && [
          param('months', t('ruleEdit.months'), rule.months),
          param('days', t('ruleEdit.days'), rule.days),
        ]}
        {rule.kind === 'price_adjustment' &&
          param('monthsBefore', t('ruleEdit.monthsBefore'), rule.monthsBefore)}
        {rule.kind === 'recurring' && [
          param('everyMonths', t('ruleEdit.everyMonths'), rule.everyMonths),
          param('firstAfterMonths', t('ruleEdit.firstAfterMonths'), rule.firstAfterMonths, true),
        ]}
      </div>
      <Subtitle2 as="h4">{t('ruleEdit.conditions')}</Subtitle2>
      {conditions.map((c, i) => {
        const label = t('ruleEdit.condition', { n: i + 1 });
        const groupId = `cond-${activity.id}-${i}`;
        return (
          // biome-ignore lint/suspicious/noArrayIndexKey: conditions have no identity of their own
          <fieldset key={i} className={styles.box} aria-labelledby={groupId}>
            <legend id={groupId}>{label}</legend>
            {(
              [
                ['kinds', KINDS, 'kind', 'ruleEdit.kindsLabel'],
                ['types', TYPES, 'type', 'ruleEdit.typesLabel'],
                ['riskLevels', RISKS, 'risk', 'ruleEdit.riskLabel'],
              ] as const
            ).map(([key, values, prefix, heading]) => (
              <fieldset key={key} className={styles.group}>
                <legend>{t(heading)}</legend>
                {(values as readonly string[]).map((v) => (
                  <Checkbox
                    key={v}
                    label={t(`${prefix}.${v}`)}
                    checked={((c[key] ?? []) as readonly string[]).includes(v)}
                    onChange={(_e, d) =>
                      setCondition(i, {
                        ...c,
                        [key]: toggle(
                          c[key] as readonly string[] | undefined,
                          v,
                          d.checked === true,
                        ),
                      })
                    }
                  />
                ))}
              </fieldset>
            ))}
            <div className={styles.row}>
              <Field
                label={t('ruleEdit.minValue')}
                validationMessage={at(`appliesWhen.${i}.minValueOre`)}
                validationState={at(`appliesWhen.${i}.minValueOre`) ? 'error' : 'none'}
              >
                <Input
                  value={
                    typeof c.minValueOre === 'number'
                      ? String(c.minValueOre / 100)
                      : (c.minValueOre?.setting ?? '')
                  }
                  onChange={(_e, d) => {
                    const v = d.value.trim().replace(/\s/g, '');
                    const next: Condition = { ...c };
                    if (!v) delete (next as Record<string, unknown>).minValueOre;
                    else
                      (next as Record<string, unknown>).minValueOre = /^\d+$/.test(v)
                        ? Number(v) * 100
                        : { setting: v };
                    setCondition(i, next);
                  }}
                />
              </Field>
              <Checkbox
                label={t('ruleEdit.payConditions')}
                checked={c.payConditionsControl === true}
                onChange={(_e, d) => {
                  const next: Condition = { ...c };
                  if (d.checked === true) next.payConditionsControl = true;
                  else delete (next as Record<string, unknown>).payConditionsControl;
                  setCondition(i, next);
                }}
              />
              <Button
                onClick={() => onChange({ appliesWhen: conditions.filter((_x, j) => j !== i) })}
              >
                {t('ruleEdit.removeCondition', { n: i + 1 })}
              </Button>
            </div>
          </fieldset>
        );
      })}
      <div>
        <Button onClick={() => onChange({ appliesWhen: [...conditions, {}] })}>
          {t('ruleEdit.addCondition')}
        </Button>
      </div>
    </div>
  );
}
