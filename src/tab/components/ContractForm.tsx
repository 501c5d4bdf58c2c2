import {
  Button,
  Checkbox,
  Divider,
  Field,
  Input,
  MessageBar,
  MessageBarBody,
  MessageBarTitle,
  makeStyles,
  Subtitle2,
  Switch,
  Textarea,
  tokens,
} from '@fluentui/react-components';
import { Add16Regular, Delete16Regular } from '@fluentui/react-icons';
import { useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError, type FieldIssue, request } from '../api.ts';
import { oreToKronerText, parseKroner } from '../format.ts';
import { useSession } from '../session.tsx';
import {
  type ApiContract,
  CONFIDENTIAL,
  type ConfidentialField,
  KINDS,
  PROCEDURE_LIST,
  RISKS,
  TYPES,
} from '../types.ts';
import { Dropdown, Option } from './Choice.tsx';

interface SupplierDraft {
  orgnr: string;
  name: string;
  rank: string;
  terms: string;
}
interface OptionDraft {
  id?: string;
  newEndDate: string;
  decisionDeadline: string;
  state: 'open' | 'exercised' | 'declined';
  decidedAt: string | null;
  decidedBy: string | null;
}
interface Draft {
  referenceNumber: string;
  caseNumber: string;
  title: string;
  description: string;
  kind: string;
  type: string;
  procedure: string;
  cpvCodes: string;
  owningUnitId: string;
  ownerId: string;
  managerId: string;
  suppliers: SupplierDraft[];
  startDate: string;
  endDate: string;
  options: OptionDraft[];
  noticePeriodMonths: string;
  estimatedValue: string;
  maxValue: string;
  hasPriceAdjustment: boolean;
  paIndex: string;
  paBasePeriod: string;
  paMonth: string;
  paShare: string;
  riskLevel: string;
  payConditionsControl: boolean;
  sector: string;
  published: boolean;
  draft: boolean;
  confidential: Partial<Record<ConfidentialField, string>>;
  /** Fields the form does not edit, passed through unchanged. */
  keep: Pick<
    ApiContract,
    'allowedUnitIds' | 'partnerOrganisations' | 'terminatedOn' | 'terminationReason'
  >;
}

function toDraft(c: ApiContract | null, meId: string, unitId: string | null): Draft {
  const conf: Partial<Record<ConfidentialField, string>> = {};
  for (const f of CONFIDENTIAL) {
    const mark = c?.confidential?.[f];
    if (mark) conf[f] = mark.legalBasis;
  }
  return {
    referenceNumber: c?.referenceNumber ?? '',
    caseNumber: c?.caseNumber ?? '',
    title: c?.title ?? '',
    description: c?.description ?? '',
    kind: c?.kind ?? 'single',
    type: c?.type ?? 'goods',
    procedure: c?.procedure ?? 'open',
    cpvCodes: (c?.cpvCodes ?? []).join(', '),
    owningUnitId: c?.owningUnitId ?? unitId ?? '',
    ownerId: c?.ownerId ?? meId,
    managerId: c?.managerId ?? '',
    suppliers: (c?.suppliers ?? []).map((s) => ({
      orgnr: s.orgnr,
      name: s.name,
      rank: s.rank === null ? '' : String(s.rank),
      terms: s.terms ?? '',
    })),
    startDate: c?.startDate ?? '',
    endDate: c?.endDate ?? '',
    options: (c?.options ?? []).map((o) => ({ ...o })),
    noticePeriodMonths: c?.noticePeriodMonths == null ? '' : String(c.noticePeriodMonths),
    estimatedValue: oreToKronerText(c?.estimatedValueOre ?? null),
    maxValue: oreToKronerText(c?.maxValueOre ?? null),
    hasPriceAdjustment: Boolean(c?.priceAdjustment),
    paIndex: c?.priceAdjustment?.index ?? 'KPI',
    paBasePeriod: c?.priceAdjustment?.basePeriod ?? '',
    paMonth: String(c?.priceAdjustment?.adjustmentMonth ?? 1),
    paShare: String(c?.priceAdjustment?.sharePercent ?? 100),
    riskLevel: c?.riskLevel ?? 'medium',
    payConditionsControl: c?.payConditionsControl ?? false,
    sector: c?.sector ?? '',
    published: c?.published ?? false,
    draft: c?.draft ?? false,
    confidential: conf,
    keep: {
      allowedUnitIds: c?.allowedUnitIds ?? [],
      partnerOrganisations: c?.partnerOrganisations ?? [],
      terminatedOn: c?.terminatedOn ?? null,
      terminationReason: c?.terminationReason ?? null,
    },
  };
}

/** Numbers typed as text: empty → null; anything else goes to the API as typed, so it can say why. */
const intOrNull = (s: string): number | null | string => {
  const t = s.trim();
  if (!t) return null;
  return /^-?\d+$/.test(t) ? Number(t) : t;
};
const money = (s: string): number | null | string => {
  const v = parseKroner(s);
  return v !== null && Number.isNaN(v) ? s : v;
};

function toBody(d: Draft) {
  return {
    referenceNumber: d.referenceNumber,
    caseNumber: d.caseNumber.trim() || null,
    title: d.title,
    description: d.description,
    kind: d.kind,
    type: d.type,
    procedure: d.procedure,
    cpvCodes: d.cpvCodes
      .split(/[,;\s]+/)
      .map((x) => x.trim())
      .filter(Boolean),
    owningUnitId: d.owningUnitId,
    ownerId: d.ownerId,
    managerId: d.managerId || null,
    suppliers: d.suppliers.map((s) => ({
      orgnr: s.orgnr,
      name: s.name,
      rank: intOrNull(s.rank),
      terms: s.terms.trim() || null,
    })),
    allowedUnitIds: d.keep.allowedUnitIds,
    partnerOrganisations: d.keep.partnerOrganisations,
    startDate: d.startDate || null,
    endDate: d.endDate || null,
    options: d.options.map((o) => ({
      ...(o.id ? { id: o.id } : {}),
      newEndDate: o.newEndDate,
      decisionDeadline: o.decisionDeadline,
      state: o.state,
      decidedAt: o.decidedAt,
      decidedBy: o.decidedBy,
    })),
    noticePeriodMonths: intOrNull(d.noticePeriodMonths),
    estimatedValueOre: money(d.estimatedValue),
    maxValueOre: money(d.maxValue),
    priceAdjustment: d.hasPriceAdjustment
      ? {
          index: d.paIndex,
          basePeriod: d.paBasePeriod,
          adjustmentMonth: Number(d.paMonth),
          sharePercent: Number(d.paShare.replace(',', '.')),
        }
      : null,
    riskLevel: d.riskLevel,
    payConditionsControl: d.payConditionsControl,
    sector: d.sector.trim() || null,
    published: d.published,
    draft: d.draft,
    terminatedOn: d.keep.terminatedOn,
    terminationReason: d.keep.terminationReason,
    confidential: Object.fromEntries(
      Object.entries(d.confidential).map(([f, legalBasis]) => [f, { legalBasis }]),
    ),
  };
}

const useStyles = makeStyles({
  form: {
    display: 'flex',
    flexDirection: 'column',
    gap: tokens.spacingVerticalM,
    maxWidth: '1100px',
  },
  grid: {
    display: 'grid',
    gridTemplateColumns: 'repeat(auto-fill, minmax(240px, 1fr))',
    gap: tokens.spacingVerticalM,
    columnGap: tokens.spacingHorizontalL,
  },
  wide: { gridColumn: '1 / -1' },
  row: {
    display: 'grid',
    gridTemplateColumns: '160px 1fr 90px 2fr auto',
    gap: tokens.spacingHorizontalS,
    alignItems: 'start',
  },
  optRow: {
    display: 'grid',
    gridTemplateColumns: '180px 180px 1fr auto',
    gap: tokens.spacingHorizontalS,
    alignItems: 'start',
  },
  actions: { display: 'flex', gap: tokens.spacingHorizontalS },
  confRow: { display: 'grid', gridTemplateColumns: '260px 1fr', gap: tokens.spacingHorizontalS },
});

/** Create or edit a contract; the API's field errors are shown next to their fields. */
export function ContractForm({
  contract,
  etag,
  onSaved,
  onCancel,
}: {
  contract: ApiContract | null;
  etag: string | null;
  onSaved: (c: ApiContract) => void;
  onCancel: () => void;
}) {
  const { t } = useTranslation();
  const styles = useStyles();
  const session = useSession();
  const [d, setD] = useState<Draft>(() => toDraft(contract, session.me.id, session.me.unitId));
  const [issues, setIssues] = useState<readonly FieldIssue[]>([]);
  const [error, setError] = useState<string | null>(null);
  const [saving, setSaving] = useState(false);
  const summaryRef = useRef<HTMLDivElement>(null);

  const set = <K extends keyof Draft>(k: K, v: Draft[K]) => setD((x) => ({ ...x, [k]: v }));
  const issue = (field: string) =>
    issues
      .filter((i) => i.field === field || i.field.startsWith(`${field}.`))
      .map((i) => i.message)
      .join('; ') || undefined;
  const state = (field: string) => (issue(field) ? 'error' : 'none') as 'error' | 'none';
  const fieldProps = (field: string, label: string) => ({
    label,
    validationMessage: issue(field),
    validationState: state(field),
  });

  async function save() {
    setSaving(true);
    setIssues([]);
    setError(null);
    try {
      const body = toBody(d);
      const r = contract
        ? await request<ApiContract>('PUT', `/api/contracts/${encodeURIComponent(contract.id)}`, {
            body,
            ifMatch: etag,
          })
        : await request<ApiContract>('POST', '/api/contracts', { body });
      onSaved(r.data);
    } catch (e) {
      if (e instanceof ApiError) {
        setIssues(e.issues);
        setError(e.status === 412 ? t('form.stale') : e.message);
      } else setError((e as Error).message);
      requestAnimationFrame(() => summaryRef.current?.focus());
    } finally {
      setSaving(false);
    }
  }

  const updateSupplier = (i: number, patch: Partial<SupplierDraft>) =>
    set(
      'suppliers',
      d.suppliers.map((s, j) => (j === i ? { ...s, ...patch } : s)),
    );
  const updateOption = (i: number, patch: Partial<OptionDraft>) =>
    set(
      'options',
      d.options.map((o, j) => (j === i ? { ...o, ...patch } : o)),
    );

  return (
    <form
      className={styles.form}
      aria-label={contract ? t('form.editTitle') : t('form.newTitle')}
      onSubmit={(e) => {
        e.preventDefault();
        void save();
      }}
      noValidate
    >
      {error && (
        <div ref={summaryRef} tabIndex={-1} data-testid="form-errors">
          <MessageBar intent="error">
            <MessageBarBody>
              <MessageBarTitle>{t('form.notSaved')}</MessageBarTitle>
              {error}
              {issues.length > 0 && (
                <ul>
                  {issues.map((i) => (
                    <li key={`${i.field}:${i.message}`}>
                      {t(`field.${i.field.split('.')[0]}`, { defaultValue: i.field })}
                      {i.field.includes('.') ? ` (${i.field})` : ''}: {i.message}
                    </li>
                  ))}
                </ul>
              )}
            </MessageBarBody>
          </MessageBar>
        </div>
      )}
      <Subtitle2 as="h3">{t('contract.facts')}</Subtitle2>
      <div className={styles.grid}>
        <Field required {...fieldProps('referenceNumber', t('field.referenceNumber'))}>
          <Input value={d.referenceNumber} onChange={(_e, v) => set('referenceNumber', v.value)} />
        </Field>
        <Field {...fieldProps('caseNumber', t('field.caseNumber'))}>
          <Input value={d.caseNumber} onChange={(_e, v) => set('caseNumber', v.value)} />
        </Field>
        <Field required className={styles.wide} {...fieldProps('title', t('field.title'))}>
          <Input value={d.title} onChange={(_e, v) => set('title', v.value)} />
        </Field>
        <Field className={styles.wide} {...fieldProps('description', t('field.description'))}>
          <Textarea
            value={d.description}
            resize="vertical"
            onChange={(_e, v) => set('description', v.value)}
          />
        </Field>
        <Field {...fieldProps('kind', t('field.kind'))}>
          <Dropdown
            value={t(`kind.${d.kind}`)}
            selectedOptions={[d.kind]}
            onOptionSelect={(_e, v) => set('kind', v.optionValue ?? d.kind)}
          >
            {KINDS.map((k) => (
              <Option key={k} value={k}>
                {t(`kind.${k}`)}
              </Option>
            ))}
          </Dropdown>
        </Field>
        <Field {...fieldProps('type', t('field.type'))}>
          <Dropdown
            value={t(`type.${d.type}`)}
            selectedOptions={[d.type]}
            onOptionSelect={(_e, v) => set('type', v.optionValue ?? d.type)}
          >
            {TYPES.map((k) => (
              <Option key={k} value={k}>
                {t(`type.${k}`)}
              </Option>
            ))}
          </Dropdown>
        </Field>
        <Field {...fieldProps('procedure', t('field.procedure'))}>
          <Dropdown
            value={t(`procedure.${d.procedure}`)}
            selectedOptions={[d.procedure]}
            onOptionSelect={(_e, v) => set('procedure', v.optionValue ?? d.procedure)}
          >
            {PROCEDURE_LIST.map((k) => (
              <Option key={k} value={k}>
                {t(`procedure.${k}`)}
              </Option>
            ))}
          </Dropdown>
        </Field>
        <Field
          {...fieldProps('cpvCodes', t('field.cpvCodes'))}
          hint={issue('cpvCodes') ? undefined : t('form.cpvHint')}
        >
          <Input value={d.cpvCodes} onChange={(_e, v) => set('cpvCodes', v.value)} />
        </Field>
        <Field required {...fieldProps('owningUnitId', t('field.owningUnitId'))}>
          <Dropdown
            value={session.units.find((u) => u.id === d.owningUnitId)?.name ?? d.owningUnitId}
            selectedOptions={[d.owningUnitId]}
            onOptionSelect={(_e, v) => set('owningUnitId', v.optionValue ?? '')}
          >
            {session.units.map((u) => (
              <Option key={u.id} value={u.id}>
                {u.name}
              </Option>
            ))}
          </Dropdown>
        </Field>
        <Field required {...fieldProps('ownerId', t('field.ownerId'))}>
          <Dropdown
            value={session.users.find((u) => u.id === d.ownerId)?.name ?? d.ownerId}
            selectedOptions={[d.ownerId]}
            onOptionSelect={(_e, v) => set('ownerId', v.optionValue ?? '')}
          >
            {session.users
              .filter((u) => u.role !== 'reader')
              .map((u) => (
                <Option key={u.id} value={u.id}>
                  {u.name}
                </Option>
              ))}
          </Dropdown>
        </Field>
        <Field {...fieldProps('managerId', t('field.managerId'))}>
          <Dropdown
            value={session.users.find((u) => u.id === d.managerId)?.name ?? ''}
            placeholder={t('common.none')}
            selectedOptions={d.managerId ? [d.managerId] : []}
            onOptionSelect={(_e, v) => set('managerId', v.optionValue ?? '')}
          >
            <Option value="">{t('common.none')}</Option>
            {session.users
              .filter((u) => u.role !== 'reader')
              .map((u) => (
                <Option key={u.id} value={u.id}>
                  {u.name}
                </Option>
              ))}
          </Dropdown>
        </Field>
        <Field {...fieldProps('startDate', t('field.startDate'))}>
          <Input type="date" value={d.startDate} onChange={(_e, v) => set('startDate', v.value)} />
        </Field>
        <Field {...fieldProps('endDate', t('field.endDate'))}>
          <Input type="date" value={d.endDate} onChange={(_e, v) => set('endDate', v.value)} />
        </Field>
        <Field {...fieldProps('noticePeriodMonths', t('field.noticePeriodMonths'))}>
          <Input
            inputMode="numeric"
            value={d.noticePeriodMonths}
            onChange={(_e, v) => set('noticePeriodMonths', v.value)}
          />
        </Field>
        <Field {...fieldProps('estimatedValueOre', t('field.estimatedValueOre'))}>
          <Input
            inputMode="decimal"
            contentAfter="kr"
            value={d.estimatedValue}
            onChange={(_e, v) => set('estimatedValue', v.value)}
          />
        </Field>
        <Field {...fieldProps('maxValueOre', t('field.maxValueOre'))}>
          <Input
            inputMode="decimal"
            contentAfter="kr"
            value={d.maxValue}
            onChange={(_e, v) => set('maxValue', v.value)}
          />
        </Field>
        <Field {...fieldProps('riskLevel', t('field.riskLevel'))}>
          <Dropdown
            value={t(`risk.${d.riskLevel}`)}
            selectedOptions={[d.riskLevel]}
            onOptionSelect={(_e, v) => set('riskLevel', v.optionValue ?? d.riskLevel)}
          >
            {RISKS.map((k) => (
              <Option key={k} value={k}>
                {t(`risk.${k}`)}
              </Option>
            ))}
          </Dropdown>
        </Field>
        <Field {...fieldProps('sector', t('field.sector'))}>
          <Input value={d.sector} onChange={(_e, v) => set('sector', v.value)} />
        </Field>
        <Switch
          label={t('field.payConditionsControl')}
          checked={d.payConditionsControl}
          onChange={(_e, v) => set('payConditionsControl', v.checked)}
        />
        <Switch
          label={t('field.published')}
          checked={d.published}
          onChange={(_e, v) => set('published', v.checked)}
        />
        <Switch
          label={t('field.draft')}
          checked={d.draft}
          onChange={(_e, v) => set('draft', v.checked)}
        />
      </div>

      <Divider />
      <Subtitle2 as="h3">{t('contract.suppliers')}</Subtitle2>
      {issue('suppliers') && !d.suppliers.length && (
        <MessageBar intent="error">
          <MessageBarBody>{issue('suppliers')}</MessageBarBody>
        </MessageBar>
      )}
      {d.suppliers.map((s, i) => (
        // biome-ignore lint/suspicious/noArrayIndexKey: rows are positional like the API's field paths
        <fieldset key={i} className={styles.row} aria-label={`${t('contract.supplier')} ${i + 1}`}>
          <Field {...fieldProps(`suppliers.${i}.orgnr`, t('field.orgnr'))}>
            <Input
              inputMode="numeric"
              value={s.orgnr}
              data-testid={`supplier-${i}-orgnr`}
              onChange={(_e, v) => updateSupplier(i, { orgnr: v.value })}
            />
          </Field>
          <Field {...fieldProps(`suppliers.${i}.name`, t('field.supplierName'))}>
            <Input value={s.name} onChange={(_e, v) => updateSupplier(i, { name: v.value })} />
          </Field>
          <Field {...fieldProps(`suppliers.${i}.rank`, t('field.rank'))}>
            <Input
              inputMode="numeric"
              value={s.rank}
              onChange={(_e, v) => updateSupplier(i, { rank: v.value })}
            />
          </Field>
          <Field {...fieldProps(`suppliers.${i}.terms`, t('field.terms'))}>
            <Input value={s.terms} onChange={(_e, v) => updateSupplier(i, { terms: v.value })} />
          </Field>
          <Button
            appearance="subtle"
            icon={<Delete16Regular />}
            aria-label={t('form.removeSupplier', { n: i + 1 })}
            onClick={() =>
              set(
                'suppliers',
                d.suppliers.filter((_, j) => j !== i),
              )
            }
          />
        </fieldset>
      ))}
      <div>
        <Button
          icon={<Add16Regular />}
          onClick={() =>
            set('suppliers', [...d.suppliers, { orgnr: '', name: '', rank: '', terms: '' }])
          }
        >
          {t('form.addSupplier')}
        </Button>
      </div>

      <Divider />
      <Subtitle2 as="h3">{t('contract.options')}</Subtitle2>
      {d.options.map((o, i) => (
        // biome-ignore lint/suspicious/noArrayIndexKey: positional like the API's field paths
        <fieldset key={i} className={styles.optRow} aria-label={`${t('contract.option')} ${i + 1}`}>
          <Field {...fieldProps(`options.${i}.newEndDate`, t('field.newEndDate'))}>
            <Input
              type="date"
              value={o.newEndDate}
              disabled={o.state !== 'open'}
              onChange={(_e, v) => updateOption(i, { newEndDate: v.value })}
            />
          </Field>
          <Field {...fieldProps(`options.${i}.decisionDeadline`, t('field.decisionDeadline'))}>
            <Input
              type="date"
              value={o.decisionDeadline}
              disabled={o.state !== 'open'}
              onChange={(_e, v) => updateOption(i, { decisionDeadline: v.value })}
            />
          </Field>
          <Field label={t('field.optionState')}>
            <Input readOnly value={t(`optionState.${o.state}`)} />
          </Field>
          {o.state === 'open' ? (
            <Button
              appearance="subtle"
              icon={<Delete16Regular />}
              aria-label={t('form.removeOption', { n: i + 1 })}
              onClick={() =>
                set(
                  'options',
                  d.options.filter((_, j) => j !== i),
                )
              }
            />
          ) : (
            <span />
          )}
        </fieldset>
      ))}
      <div>
        <Button
          icon={<Add16Regular />}
          onClick={() =>
            set('options', [
              ...d.options,
              {
                newEndDate: '',
                decisionDeadline: '',
                state: 'open',
                decidedAt: null,
                decidedBy: null,
              },
            ])
          }
        >
          {t('form.addOption')}
        </Button>
      </div>

      <Divider />
      <Subtitle2 as="h3">{t('contract.priceAdjustment')}</Subtitle2>
      <Switch
        label={t('form.hasPriceAdjustment')}
        checked={d.hasPriceAdjustment}
        onChange={(_e, v) => set('hasPriceAdjustment', v.checked)}
      />
      {d.hasPriceAdjustment && (
        <div className={styles.grid}>
          <Field {...fieldProps('priceAdjustment.index', t('field.paIndex'))}>
            <Input value={d.paIndex} onChange={(_e, v) => set('paIndex', v.value)} />
          </Field>
          <Field {...fieldProps('priceAdjustment.basePeriod', t('field.paBasePeriod'))}>
            <Input
              placeholder="2025-01"
              value={d.paBasePeriod}
              onChange={(_e, v) => set('paBasePeriod', v.value)}
            />
          </Field>
          <Field {...fieldProps('priceAdjustment.adjustmentMonth', t('field.paMonth'))}>
            <Input
              inputMode="numeric"
              value={d.paMonth}
              onChange={(_e, v) => set('paMonth', v.value)}
            />
          </Field>
          <Field {...fieldProps('priceAdjustment.sharePercent', t('field.paShare'))}>
            <Input
              inputMode="decimal"
              contentAfter="%"
              value={d.paShare}
              onChange={(_e, v) => set('paShare', v.value)}
            />
          </Field>
        </div>
      )}

      <Divider />
      <Subtitle2 as="h3">{t('contract.confidentiality')}</Subtitle2>
      {CONFIDENTIAL.map((f) => {
        const on = d.confidential[f] !== undefined;
        return (
          <div key={f} className={styles.confRow}>
            <Checkbox
              label={t(`field.${f}`)}
              checked={on}
              onChange={(_e, v) => {
                const next = { ...d.confidential };
                if (v.checked) next[f] = 'Offl. § 13 jf. fvl. § 13 første ledd nr. 2';
                else delete next[f];
                set('confidential', next);
              }}
            />
            {on && (
              <Field {...fieldProps(`confidential.${f}`, t('form.legalBasis'))}>
                <Input
                  value={d.confidential[f] ?? ''}
                  onChange={(_e, v) => set('confidential', { ...d.confidential, [f]: v.value })}
                />
              </Field>
            )}
          </div>
        );
      })}

      <div className={styles.actions}>
        <Button appearance="primary" type="submit" disabled={saving}>
          {saving ? t('form.saving') : t('form.save')}
        </Button>
        <Button onClick={onCancel}>{t('common.cancel')}</Button>
      </div>
    </form>
  );
}
