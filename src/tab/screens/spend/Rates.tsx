import {
  Button,
  Field,
  Input,
  MessageBar,
  MessageBarBody,
  MessageBarTitle,
  Spinner,
  Subtitle2,
  Table,
  TableBody,
  TableCell,
  TableHeader,
  TableHeaderCell,
  TableRow,
  Text,
} from '@fluentui/react-components';
import { useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError, post, request } from '../../api.ts';
import { ErrorBar } from '../../components/common.tsx';
import { formatDate, formatFixed, formatMonth, formatNumber, osloIsoDate } from '../../format.ts';
import { useGet } from '../../hooks.ts';
import {
  FormEnd,
  Section,
  ShowAllButton,
  Status,
  SubmitForm,
  useFirstRows,
  useSpendStyles,
  useSubmission,
} from './shared.tsx';

/** `GET /api/spend/rates` (docs/spend.md). Dates are ISO `YYYY-MM-DD`. */
interface RatesOverview {
  readonly currencies: readonly {
    readonly currency: string;
    readonly from: string;
    readonly to: string;
    readonly days: number;
    readonly sources: Readonly<Record<string, number>>;
  }[];
  readonly missing: readonly {
    readonly currency: string;
    readonly documents: number;
    readonly from: string;
    readonly to: string;
  }[];
}
/** `GET /api/spend/index-values`: value a string with one decimal, period `YYYY` or `YYYY-MM`. */
interface IndexValue {
  readonly index: string;
  readonly period: string;
  readonly value: string;
  readonly source: string;
}

/** How many index values are shown before «Vis alle». */
const LATEST = 24;
/** The import endpoint's limit (the API answers 413 above it; checked here before sending). */
const MAX_FILE_BYTES = 5 * 1024 * 1024;

/** An index value ("136.8") with exactly one decimal in the UI language's format (136,8). */
function formatIndexValue(value: string, lng: string): string {
  const n = Number(value);
  return Number.isFinite(n) ? formatFixed(n, lng, 1) : value;
}

const formatPeriod = (period: string, lng: string) =>
  /^\d{4}-\d{2}$/.test(period) ? formatMonth(period, lng) : period;

/** A required decimal number typed as text (decimal comma or point), with the API's field error. */
function DecimalField({
  label,
  hint,
  validation,
  value,
  onChange,
}: {
  label: string;
  hint: string;
  validation: ReturnType<ReturnType<typeof useSubmission>['field']>;
  value: string;
  onChange: (value: string) => void;
}) {
  return (
    <Field label={label} hint={hint} required {...validation}>
      <Input
        value={value}
        inputMode="decimal"
        autoComplete="off"
        onChange={(_e, d) => onChange(d.value)}
      />
    </Field>
  );
}

/**
 * «Kurser og indekser» (`#/spend/rates`, Kontraktservice): the exchange rates per currency and where
 * they come from, the documents still without a NOK value, the three ways to add rates (by hand,
 * from Norges Bank, a series file) and the price index (KPI) values with a form and «Hent fra SSB».
 * After every change the data is read again and `onChanged` makes the reports reload (the API has
 * already converted the documents the new rates cover).
 */
export function Rates({ onChanged }: { onChanged: () => void }) {
  const { t } = useTranslation();
  const styles = useSpendStyles();
  const [n, setN] = useState(0);
  const rates = useGet<RatesOverview>('/api/spend/rates', n);
  const index = useGet<{ values: IndexValue[] }>('/api/spend/index-values', n);
  const changed = () => {
    setN((x) => x + 1);
    onChanged();
  };
  const missing = rates.data?.missing ?? [];
  return (
    <div className={styles.root}>
      <ErrorBar error={rates.error} />
      {missing.length > 0 && <MissingRates missing={missing} />}
      <Section title={t('rates.heading')} testId="rates-currencies">
        <Text>{t('rates.intro')}</Text>
        {rates.loading && !rates.data && <Spinner size="tiny" label={t('app.loading')} />}
        {rates.data && <CurrencyTable currencies={rates.data.currencies} />}
      </Section>
      <div className={styles.grid}>
        <ManualRateForm missing={missing} onChanged={changed} />
        <FetchRatesForm missing={missing} onChanged={changed} />
        <ImportRatesForm onChanged={changed} />
      </div>
      <IndexSection
        values={index.data?.values ?? null}
        loading={index.loading}
        error={index.error}
        onChanged={changed}
      />
    </div>
  );
}

function MissingRates({ missing }: { missing: RatesOverview['missing'] }) {
  const { t, i18n } = useTranslation();
  const lng = i18n.language;
  return (
    <MessageBar intent="warning" layout="multiline" data-testid="rates-missing">
      <MessageBarBody>
        <MessageBarTitle>{t('rates.missingHeading')}</MessageBarTitle>
        <ul>
          {missing.map((m) => (
            <li key={m.currency}>
              {m.from === m.to
                ? t('rates.missingOn', {
                    count: m.documents,
                    currency: m.currency,
                    date: formatDate(m.from, lng),
                  })
                : t('rates.missing', {
                    count: m.documents,
                    currency: m.currency,
                    from: formatDate(m.from, lng),
                    to: formatDate(m.to, lng),
                  })}
            </li>
          ))}
        </ul>
        {t('rates.missingExplain')}
      </MessageBarBody>
    </MessageBar>
  );
}

function CurrencyTable({ currencies }: { currencies: RatesOverview['currencies'] }) {
  const { t, i18n } = useTranslation();
  const lng = i18n.language;
  const styles = useSpendStyles();
  if (currencies.length === 0) return <Text>{t('rates.none')}</Text>;
  return (
    <div className={styles.scroll}>
      <Table size="small" aria-label={t('rates.heading')} data-testid="rates-table">
        <TableHeader>
          <TableRow>
            <TableHeaderCell>{t('rates.currency')}</TableHeaderCell>
            <TableHeaderCell>{t('rates.first')}</TableHeaderCell>
            <TableHeaderCell>{t('rates.last')}</TableHeaderCell>
            <TableHeaderCell className={styles.number}>{t('rates.days')}</TableHeaderCell>
            <TableHeaderCell>{t('rates.sources')}</TableHeaderCell>
          </TableRow>
        </TableHeader>
        <TableBody>
          {currencies.map((c) => (
            <TableRow key={c.currency} data-testid="rates-row" data-currency={c.currency}>
              <TableCell>{c.currency}</TableCell>
              <TableCell>{formatDate(c.from, lng)}</TableCell>
              <TableCell>{formatDate(c.to, lng)}</TableCell>
              <TableCell className={styles.number}>{formatNumber(c.days, lng)}</TableCell>
              <TableCell>
                {Object.entries(c.sources)
                  .map(
                    ([source, count]) =>
                      `${t(`rates.source.${source}`, { defaultValue: source })}: ${formatNumber(count, lng)}`,
                  )
                  .join('; ')}
              </TableCell>
            </TableRow>
          ))}
        </TableBody>
      </Table>
    </div>
  );
}

/** Text for the documents the API converted after a change (empty when none). */
function useConverted() {
  const { t } = useTranslation();
  return (converted: number | undefined) =>
    converted ? ` ${t('rates.converted', { count: converted })}` : '';
}

function ManualRateForm({
  missing,
  onChanged,
}: {
  missing: RatesOverview['missing'];
  onChanged: () => void;
}) {
  const { t, i18n } = useTranslation();
  const lng = i18n.language;
  const convertedText = useConverted();
  const s = useSubmission();
  // Until edited, the first currency and date that miss a rate are offered.
  const [currency, setCurrency] = useState<string | null>(null);
  const [date, setDate] = useState<string | null>(null);
  const [rate, setRate] = useState('');
  const currencyValue = currency ?? missing[0]?.currency ?? '';
  const dateValue = date ?? missing[0]?.from ?? '';

  async function submit() {
    const ok = await s.run(async () => {
      const r = await post<{ ok: boolean; converted?: number }>('/api/spend/rates', {
        currency: currencyValue.trim(),
        date: dateValue,
        rate: rate.trim(),
      });
      return (
        t('rates.manual.saved', { currency: currencyValue, date: formatDate(dateValue, lng) }) +
        convertedText(r.converted)
      );
    });
    if (ok) {
      setRate('');
      setCurrency(null);
      setDate(null);
      onChanged();
    }
  }

  return (
    <Section title={t('rates.manual.heading')} testId="rates-manual">
      <SubmitForm onSubmit={submit}>
        <Field label={t('rates.manual.currency')} required {...s.field('currency')}>
          <Input
            value={currencyValue}
            maxLength={3}
            autoComplete="off"
            onChange={(_e, d) => setCurrency(d.value.toUpperCase())}
          />
        </Field>
        <Field label={t('rates.manual.date')} required {...s.field('date')}>
          <Input type="date" value={dateValue} onChange={(_e, d) => setDate(d.value)} />
        </Field>
        <DecimalField
          label={t('rates.manual.rate')}
          hint={t('rates.manual.rateHint')}
          validation={s.field('rate')}
          value={rate}
          onChange={setRate}
        />
        <FormEnd s={s} label={t('rates.manual.save')} testId="rates-manual-status" />
      </SubmitForm>
    </Section>
  );
}

function FetchRatesForm({
  missing,
  onChanged,
}: {
  missing: RatesOverview['missing'];
  onChanged: () => void;
}) {
  const { t } = useTranslation();
  const convertedText = useConverted();
  const s = useSubmission();
  // Until edited: the currencies and the period that miss rates, else a common choice.
  const [currencies, setCurrencies] = useState<string | null>(null);
  const [from, setFrom] = useState<string | null>(null);
  const [to, setTo] = useState<string | null>(null);
  const defaults =
    missing.length > 0
      ? {
          currencies: missing.map((m) => m.currency).join(','),
          from: missing.map((m) => m.from).sort()[0] ?? osloIsoDate(30),
          to:
            missing
              .map((m) => m.to)
              .sort()
              .at(-1) ?? osloIsoDate(),
        }
      : { currencies: 'EUR,USD,SEK', from: osloIsoDate(30), to: osloIsoDate() };
  const currenciesValue = currencies ?? defaults.currencies;
  const fromValue = from ?? defaults.from;
  const toValue = to ?? defaults.to;

  async function submit() {
    const ok = await s.run(async () => {
      const r = await post<{ fetched: number; converted?: number }>('/api/spend/rates/fetch', {
        currencies: currenciesValue
          .split(/[,;\s]+/)
          .map((c) => c.trim().toUpperCase())
          .filter(Boolean),
        from: fromValue,
        to: toValue,
      });
      return t('rates.fetch.fetched', { count: r.fetched }) + convertedText(r.converted);
    });
    if (ok) onChanged();
  }

  return (
    <Section title={t('rates.fetch.heading')} testId="rates-fetch">
      <SubmitForm onSubmit={submit}>
        <Field label={t('rates.fetch.currencies')} required {...s.field('currencies')}>
          <Input
            value={currenciesValue}
            autoComplete="off"
            onChange={(_e, d) => setCurrencies(d.value.toUpperCase())}
          />
        </Field>
        <Field label={t('rates.fetch.from')} required {...s.field('from')}>
          <Input type="date" value={fromValue} onChange={(_e, d) => setFrom(d.value)} />
        </Field>
        <Field label={t('rates.fetch.to')} required {...s.field('to')}>
          <Input type="date" value={toValue} onChange={(_e, d) => setTo(d.value)} />
        </Field>
        <FormEnd s={s} label={t('rates.fetch.submit')} testId="rates-fetch-status">
          {s.busy && <Spinner size="tiny" label={t('app.loading')} />}
        </FormEnd>
      </SubmitForm>
    </Section>
  );
}

function ImportRatesForm({ onChanged }: { onChanged: () => void }) {
  const { t } = useTranslation();
  const convertedText = useConverted();
  const s = useSubmission();
  const fileId = useId();
  const [file, setFile] = useState<File | null>(null);
  // A new key empties the file input after a successful import.
  const [inputKey, setInputKey] = useState(0);

  async function submit() {
    if (!file) return;
    const chosen = file;
    const ok = await s.run(async () => {
      if (chosen.size > MAX_FILE_BYTES) {
        throw new ApiError(413, t('rates.import.tooLarge', { file: chosen.name }));
      }
      const { data } = await request<{ imported: number; converted?: number }>(
        'POST',
        `/api/spend/rates/import?name=${encodeURIComponent(chosen.name)}`,
        { raw: chosen, contentType: chosen.type || 'text/csv' },
      );
      return (
        t('rates.import.imported', { count: data.imported, file: chosen.name }) +
        convertedText(data.converted)
      );
    });
    if (ok) {
      setFile(null);
      setInputKey((k) => k + 1);
      onChanged();
    }
  }

  return (
    <Section title={t('rates.import.heading')} testId="rates-import">
      <SubmitForm onSubmit={submit}>
        <Field
          label={{ children: t('rates.import.file'), htmlFor: fileId }}
          hint={t('rates.import.formats')}
          required
          {...s.field('body')}
        >
          <input
            key={inputKey}
            id={fileId}
            type="file"
            accept=".csv,.txt,text/csv,text/plain"
            data-testid="rates-file"
            onChange={(e) => setFile(e.target.files?.[0] ?? null)}
          />
        </Field>
        <FormEnd
          s={s}
          label={t('rates.import.submit')}
          disabled={!file}
          testId="rates-import-status"
        />
      </SubmitForm>
    </Section>
  );
}

function IndexSection({
  values,
  loading,
  error,
  onChanged,
}: {
  values: readonly IndexValue[] | null;
  loading: boolean;
  error: unknown;
  onChanged: () => void;
}) {
  const { t, i18n } = useTranslation();
  const lng = i18n.language;
  const styles = useSpendStyles();
  const sorted = [...(values ?? [])].sort((a, b) =>
    a.period === b.period ? a.index.localeCompare(b.index) : a.period < b.period ? 1 : -1,
  );
  const rows = useFirstRows(sorted, LATEST);
  const shown = rows.shown;
  return (
    <Section title={t('rates.index.heading')} testId="rates-index">
      <Text>{t('rates.index.intro')}</Text>
      <ErrorBar error={error} />
      {loading && !values && <Spinner size="tiny" label={t('app.loading')} />}
      {values && values.length === 0 && <Text>{t('rates.index.none')}</Text>}
      {sorted.length > 0 && (
        <div className={styles.scroll}>
          <Table size="small" aria-label={t('rates.index.heading')} data-testid="index-table">
            <TableHeader>
              <TableRow>
                <TableHeaderCell>{t('rates.index.index')}</TableHeaderCell>
                <TableHeaderCell>{t('rates.index.period')}</TableHeaderCell>
                <TableHeaderCell className={styles.number}>
                  {t('rates.index.value')}
                </TableHeaderCell>
                <TableHeaderCell>{t('rates.index.source')}</TableHeaderCell>
              </TableRow>
            </TableHeader>
            <TableBody>
              {shown.map((v) => (
                <TableRow
                  key={`${v.index}|${v.period}`}
                  data-testid="index-row"
                  data-period={v.period}
                >
                  <TableCell>{v.index}</TableCell>
                  <TableCell>{formatPeriod(v.period, lng)}</TableCell>
                  <TableCell className={styles.number}>{formatIndexValue(v.value, lng)}</TableCell>
                  <TableCell>
                    {t(`rates.index.sources.${v.source}`, { defaultValue: v.source })}
                  </TableCell>
                </TableRow>
              ))}
            </TableBody>
          </Table>
        </div>
      )}
      {rows.more && (
        <div className={styles.bar}>
          <Text size={200} className={styles.muted}>
            {t('rates.index.shown', { shown: shown.length, count: sorted.length })}
          </Text>
          <ShowAllButton
            rows={rows}
            showFirst={t('rates.index.showLatest')}
            showAll={t('rates.index.showAll', { count: sorted.length })}
          />
        </div>
      )}
      <div className={styles.grid}>
        <IndexValueForm onChanged={onChanged} />
        <FetchKpi onChanged={onChanged} />
      </div>
    </Section>
  );
}

function IndexValueForm({ onChanged }: { onChanged: () => void }) {
  const { t, i18n } = useTranslation();
  const lng = i18n.language;
  const s = useSubmission();
  const [name, setName] = useState('KPI');
  const [period, setPeriod] = useState('');
  const [value, setValue] = useState('');

  async function submit() {
    const ok = await s.run(async () => {
      await post('/api/spend/index-values', {
        index: name.trim(),
        period: period.trim(),
        value: value.trim(),
      });
      return t('rates.index.saved', {
        index: name.trim(),
        period: formatPeriod(period.trim(), lng),
        value: formatIndexValue(value.trim().replace(',', '.'), lng),
      });
    });
    if (ok) {
      setPeriod('');
      setValue('');
      onChanged();
    }
  }

  return (
    <SubmitForm onSubmit={submit} label={t('rates.index.add')} testId="index-form">
      <Subtitle2 as="h4">{t('rates.index.add')}</Subtitle2>
      <Field label={t('rates.index.name')} required {...s.field('index')}>
        <Input value={name} maxLength={100} onChange={(_e, d) => setName(d.value)} />
      </Field>
      <Field label={t('rates.index.periodField')} required {...s.field('period')}>
        <Input
          value={period}
          placeholder="2025-10"
          maxLength={7}
          autoComplete="off"
          onChange={(_e, d) => setPeriod(d.value)}
        />
      </Field>
      <DecimalField
        label={t('rates.index.valueField')}
        hint={t('rates.index.valueHint')}
        validation={s.field('value')}
        value={value}
        onChange={setValue}
      />
      <FormEnd s={s} label={t('rates.index.save')} testId="index-form-status" />
    </SubmitForm>
  );
}

function FetchKpi({ onChanged }: { onChanged: () => void }) {
  const { t } = useTranslation();
  const styles = useSpendStyles();
  const s = useSubmission();
  async function fetchKpi() {
    const ok = await s.run(async () => {
      const r = await post<{ fetched: number; stored: number }>(
        '/api/spend/index-values/fetch',
        {},
      );
      return t('rates.index.fetched', { fetched: r.fetched, stored: r.stored });
    });
    if (ok) onChanged();
  }
  return (
    <div className={styles.root} data-testid="index-fetch">
      <Subtitle2 as="h4">{t('rates.index.fetchHeading')}</Subtitle2>
      <Text>{t('rates.index.fetchIntro')}</Text>
      <div>
        <Button disabled={s.busy} onClick={() => void fetchKpi()}>
          {t('rates.index.fetch')}
        </Button>
      </div>
      {s.busy && <Spinner size="tiny" label={t('app.loading')} />}
      <ErrorBar error={s.error} />
      <Status text={s.done} testId="index-fetch-status" />
    </div>
  );
}
