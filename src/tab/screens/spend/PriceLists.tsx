import {
  Button,
  Field,
  Input,
  MessageBar,
  MessageBarBody,
  MessageBarTitle,
  Select,
  Spinner,
  Switch,
  Table,
  TableBody,
  TableCell,
  TableHeader,
  TableHeaderCell,
  TableRow,
  Text,
} from '@fluentui/react-components';
import { useEffect, useId, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError, request } from '../../api.ts';
import { ErrorBar } from '../../components/common.tsx';
import { formatDate, formatFixed, formatNumber } from '../../format.ts';
import { useGet } from '../../hooks.ts';
import {
  FormEnd,
  Section,
  ShowAllButton,
  SubmitForm,
  useFirstRows,
  useSpendStyles,
  useSubmission,
} from './shared.tsx';

/** `GET /api/spend/pricelists` (docs/spend.md): every agreement that can carry spend. */
interface AgreementPriceList {
  readonly agreementId: string;
  readonly referenceNumber: string;
  readonly title: string | null;
  /** Items in its price list; 0 when it has none. */
  readonly items: number;
  readonly firstValidFrom: string | null;
  readonly lastValidFrom: string | null;
  readonly currencies: readonly string[];
}
/** `GET /api/spend/pricelists/:agreement`: price is decimal text with at least two decimals. */
interface PriceListItems {
  readonly agreementId: string;
  readonly referenceNumber: string;
  readonly title: string | null;
  readonly items: readonly {
    readonly itemNumber: string | null;
    readonly gtin: string | null;
    readonly description: string | null;
    readonly unit: string;
    readonly price: string;
    readonly currency: string;
    readonly validFrom: string;
  }[];
}

/** How many items of a price list are shown before «Vis alle». */
const FIRST_ITEMS = 100;
/** How many agreements the table shows before «Vis alle» (the register may hold thousands). */
const FIRST_AGREEMENTS = 200;
/** The upload endpoint's limit (the API answers 413 above it; checked here before sending). */
const MAX_FILE_BYTES = 32 * 1024 * 1024;
const XLSX_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

/**
 * A price as the API sends it ("129.50", "0.125") in the UI language's format with as many
 * decimals as it has, at least two (129,50; 0,125). Text that is not a decimal is shown as it is.
 */
export function formatPrice(price: string, lng: string): string {
  const m = /^-?\d+(?:\.(\d+))?$/.exec(price);
  if (!m) return price;
  return formatFixed(Number(price), lng, Math.min(Math.max(2, m[1]?.length ?? 0), 6));
}

/**
 * «Prislister» (`#/spend/pricelists`, Kontraktservice): the agreements with the size and period of
 * their price lists (filter by reference number or title, only those with a list), the items of
 * the selected agreement, and the upload of a CSV or Excel price list that replaces the agreement's
 * list. After an import the table and the items are read again and `onChanged` makes the reports
 * reload (the API has already recomputed the allowed prices).
 */
export function PriceLists({ onChanged }: { onChanged: () => void }) {
  const { t } = useTranslation();
  const styles = useSpendStyles();
  const [n, setN] = useState(0);
  const list = useGet<{ agreements: AgreementPriceList[] }>('/api/spend/pricelists', n);
  const [selected, setSelected] = useState<string | null>(null);
  const [reveal, setReveal] = useState(false);
  const agreements = list.data?.agreements ?? null;
  const chosen = agreements?.find((a) => a.agreementId === selected) ?? null;
  const imported = () => {
    setN((x) => x + 1);
    onChanged();
  };
  return (
    <div className={styles.root}>
      <Section title={t('pricelists.heading')} testId="pricelists-agreements">
        <Text>{t('pricelists.intro')}</Text>
        <ErrorBar error={list.error} />
        {list.loading && !agreements && <Spinner size="tiny" label={t('app.loading')} />}
        {agreements && (
          <AgreementTable
            agreements={agreements}
            selected={selected}
            onSelect={(id) => {
              setSelected(id);
              setReveal(true);
            }}
          />
        )}
      </Section>
      {chosen && (
        <ItemsSection
          key={chosen.agreementId}
          agreement={chosen}
          loadedList={list.data}
          reveal={reveal}
        />
      )}
      {agreements && (
        <UploadForm
          agreements={agreements}
          selected={selected}
          onSelect={(id) => {
            setSelected(id);
            setReveal(false);
          }}
          onImported={imported}
        />
      )}
    </div>
  );
}

function AgreementTable({
  agreements,
  selected,
  onSelect,
}: {
  agreements: readonly AgreementPriceList[];
  selected: string | null;
  onSelect: (id: string) => void;
}) {
  const { t, i18n } = useTranslation();
  const lng = i18n.language;
  const styles = useSpendStyles();
  const [filter, setFilter] = useState('');
  const [onlyWithList, setOnlyWithList] = useState(false);
  const q = filter.trim().toLocaleLowerCase();
  // Agreements with a price list first (the sort is stable: by reference number within each group).
  const matching = [...agreements]
    .sort((a, b) => Number(b.items > 0) - Number(a.items > 0))
    .filter(
      (a) =>
        (!onlyWithList || a.items > 0) &&
        (!q ||
          a.referenceNumber.toLocaleLowerCase().includes(q) ||
          (a.title ?? '').toLocaleLowerCase().includes(q)),
    );
  const rows = useFirstRows(matching, FIRST_AGREEMENTS);
  const shown = rows.shown;
  if (agreements.length === 0) return <Text>{t('pricelists.none')}</Text>;
  return (
    <>
      <div className={styles.bar}>
        <Field label={t('pricelists.filter')} hint={t('pricelists.filterHint')}>
          <Input
            type="search"
            value={filter}
            autoComplete="off"
            data-testid="pricelists-filter"
            onChange={(_e, d) => setFilter(d.value)}
          />
        </Field>
        <Switch
          label={t('pricelists.onlyWithList')}
          checked={onlyWithList}
          onChange={(_e, d) => setOnlyWithList(d.checked)}
        />
      </div>
      <Text size={200} className={styles.muted} role="status" aria-live="polite">
        {t('pricelists.shown', { shown: shown.length, count: matching.length })}
      </Text>
      {matching.length === 0 ? (
        <Text>{t('pricelists.noMatch')}</Text>
      ) : (
        <div className={styles.scroll}>
          <Table size="small" aria-label={t('pricelists.heading')} data-testid="pricelists-table">
            <TableHeader>
              <TableRow>
                <TableHeaderCell>{t('pricelists.reference')}</TableHeaderCell>
                <TableHeaderCell>{t('pricelists.title')}</TableHeaderCell>
                <TableHeaderCell className={styles.number}>{t('pricelists.items')}</TableHeaderCell>
                <TableHeaderCell>{t('pricelists.first')}</TableHeaderCell>
                <TableHeaderCell>{t('pricelists.last')}</TableHeaderCell>
                <TableHeaderCell>{t('pricelists.currencies')}</TableHeaderCell>
              </TableRow>
            </TableHeader>
            <TableBody>
              {shown.map((a) => (
                <TableRow
                  key={a.agreementId}
                  data-testid="pricelists-row"
                  data-agreement={a.agreementId}
                  aria-current={a.agreementId === selected ? 'true' : undefined}
                >
                  <TableCell>
                    <Button
                      appearance={a.agreementId === selected ? 'primary' : 'transparent'}
                      size="small"
                      aria-label={t('pricelists.select', { ref: a.referenceNumber })}
                      onClick={() => onSelect(a.agreementId)}
                    >
                      {a.referenceNumber}
                    </Button>
                  </TableCell>
                  <TableCell>{a.title ?? '–'}</TableCell>
                  <TableCell className={styles.number} data-testid="pricelists-count">
                    {a.items > 0 ? formatNumber(a.items, lng) : t('pricelists.noList')}
                  </TableCell>
                  <TableCell>{formatDate(a.firstValidFrom, lng)}</TableCell>
                  <TableCell>{formatDate(a.lastValidFrom, lng)}</TableCell>
                  <TableCell>{a.currencies.join(', ') || '–'}</TableCell>
                </TableRow>
              ))}
            </TableBody>
          </Table>
        </div>
      )}
      {rows.more && (
        <div>
          <ShowAllButton
            rows={rows}
            showFirst={t('pricelists.showFirstAgreements')}
            showAll={t('pricelists.showAllAgreements', { count: matching.length })}
          />
        </div>
      )}
    </>
  );
}

/**
 * The items of one agreement's price list, read again each time the agreement table has been read
 * (`loadedList`: its data, a new object per load) — after it, not at the same time: each read
 * runs the service's agreement sync, and two at once used to collide (500) before the spend
 * service serialised it.
 */
function ItemsSection({
  agreement,
  loadedList,
  reveal,
}: {
  agreement: AgreementPriceList;
  loadedList: unknown;
  /** Scroll the items into view when shown (chosen in the table, which may be long). */
  reveal: boolean;
}) {
  const { t, i18n } = useTranslation();
  const lng = i18n.language;
  const styles = useSpendStyles();
  const top = useRef<HTMLDivElement>(null);
  // Once per agreement (the section is keyed by it).
  // biome-ignore lint/correctness/useExhaustiveDependencies: only when first shown
  useEffect(() => {
    if (reveal) top.current?.scrollIntoView({ block: 'start' });
  }, []);
  const list = useGet<PriceListItems>(
    `/api/spend/pricelists/${encodeURIComponent(agreement.agreementId)}`,
    loadedList,
  );
  const items = list.data?.items ?? [];
  const rows = useFirstRows(items, FIRST_ITEMS);
  const shown = rows.shown;
  const ref = agreement.referenceNumber;
  return (
    <div ref={top}>
      <Section title={t('pricelists.itemsHeading', { ref })} testId="pricelists-items">
        {agreement.title && <Text>{agreement.title}</Text>}
        <ErrorBar error={list.error} />
        {list.loading && !list.data && <Spinner size="tiny" label={t('app.loading')} />}
        {list.data && items.length === 0 && <Text>{t('pricelists.itemsEmpty', { ref })}</Text>}
        {items.length > 0 && (
          <div className={styles.scroll}>
            <Table
              size="small"
              aria-label={t('pricelists.itemsHeading', { ref })}
              data-testid="pricelists-items-table"
            >
              <TableHeader>
                <TableRow>
                  <TableHeaderCell>{t('pricelists.itemNumber')}</TableHeaderCell>
                  <TableHeaderCell>{t('pricelists.gtin')}</TableHeaderCell>
                  <TableHeaderCell>{t('pricelists.description')}</TableHeaderCell>
                  <TableHeaderCell>{t('pricelists.unit')}</TableHeaderCell>
                  <TableHeaderCell className={styles.number}>
                    {t('pricelists.price')}
                  </TableHeaderCell>
                  <TableHeaderCell>{t('pricelists.validFrom')}</TableHeaderCell>
                </TableRow>
              </TableHeader>
              <TableBody>
                {shown.map((item) => (
                  <TableRow
                    key={`${item.itemNumber ?? ''}|${item.gtin ?? ''}|${item.unit}|${item.validFrom}`}
                    data-testid="pricelists-item"
                    data-item={item.itemNumber ?? item.gtin ?? ''}
                  >
                    <TableCell>{item.itemNumber ?? '–'}</TableCell>
                    <TableCell>{item.gtin ?? '–'}</TableCell>
                    <TableCell>{item.description || '–'}</TableCell>
                    <TableCell>{item.unit}</TableCell>
                    <TableCell className={styles.number}>
                      {`${formatPrice(item.price, lng)} ${item.currency}`}
                    </TableCell>
                    <TableCell>{formatDate(item.validFrom, lng)}</TableCell>
                  </TableRow>
                ))}
              </TableBody>
            </Table>
          </div>
        )}
        {rows.more && (
          <div className={styles.bar}>
            <Text size={200} className={styles.muted}>
              {t('pricelists.itemsShown', { shown: shown.length, count: items.length })}
            </Text>
            <ShowAllButton
              rows={rows}
              showFirst={t('pricelists.showFirst')}
              showAll={t('pricelists.showAll', { count: items.length })}
            />
          </div>
        )}
      </Section>
    </div>
  );
}

function UploadForm({
  agreements,
  selected,
  onSelect,
  onImported,
}: {
  agreements: readonly AgreementPriceList[];
  selected: string | null;
  onSelect: (id: string) => void;
  onImported: () => void;
}) {
  const { t } = useTranslation();
  const s = useSubmission();
  const fileId = useId();
  const [file, setFile] = useState<File | null>(null);
  // The file of the last attempt, named above its issues.
  const [sentName, setSentName] = useState('');
  // A new key empties the file input after a successful import.
  const [inputKey, setInputKey] = useState(0);
  const agreement = agreements.find((a) => a.agreementId === selected) ?? null;

  async function submit() {
    if (!file || !agreement) return;
    const chosen = file;
    const target = agreement;
    setSentName(chosen.name);
    const ok = await s.run(async () => {
      if (chosen.size > MAX_FILE_BYTES) {
        throw new ApiError(413, t('pricelists.upload.tooLarge', { file: chosen.name }));
      }
      const excel = /\.xlsx$/i.test(chosen.name);
      const { data } = await request<{ imported: number }>(
        'POST',
        `/api/spend/pricelists/${encodeURIComponent(target.agreementId)}?name=${encodeURIComponent(chosen.name)}`,
        { raw: chosen, contentType: excel ? XLSX_TYPE : chosen.type || 'text/csv' },
      );
      return t('pricelists.upload.imported', { count: data.imported, ref: target.referenceNumber });
    });
    if (ok) {
      setFile(null);
      setInputKey((k) => k + 1);
      onImported();
    }
  }

  const issues =
    s.issues.length > 0 ? (
      <div role="alert" data-testid="pricelists-issues">
        <MessageBar intent="error" layout="multiline">
          <MessageBarBody>
            <MessageBarTitle>{t('pricelists.upload.issues', { file: sentName })}</MessageBarTitle>
            <ul>
              {s.issues.map((i, k) => (
                // The API's issues may repeat; their order is the file's.
                // biome-ignore lint/suspicious/noArrayIndexKey: a fixed list per answer
                <li key={k}>{`${i.field}: ${i.message}`}</li>
              ))}
            </ul>
          </MessageBarBody>
        </MessageBar>
      </div>
    ) : null;

  return (
    <Section title={t('pricelists.upload.heading')} testId="pricelists-upload">
      <SubmitForm onSubmit={submit}>
        <Field label={t('pricelists.upload.agreement')} required>
          <Select
            value={selected ?? ''}
            data-testid="pricelists-upload-agreement"
            onChange={(_e, d) => d.value && onSelect(d.value)}
          >
            <option value="" disabled>
              {t('pricelists.upload.choose')}
            </option>
            {agreements.map((a) => (
              <option key={a.agreementId} value={a.agreementId}>
                {a.title ? `${a.referenceNumber} – ${a.title}` : a.referenceNumber}
              </option>
            ))}
          </Select>
        </Field>
        <Field
          label={{ children: t('pricelists.upload.file'), htmlFor: fileId }}
          hint={t('pricelists.upload.columns')}
          required
        >
          <input
            key={inputKey}
            id={fileId}
            type="file"
            accept=".csv,.txt,.xlsx,text/csv,text/plain,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
            data-testid="pricelists-file"
            onChange={(e) => setFile(e.target.files?.[0] ?? null)}
          />
        </Field>
        <MessageBar intent="warning">
          <MessageBarBody>{t('pricelists.upload.replaces')}</MessageBarBody>
        </MessageBar>
        <FormEnd
          s={s}
          label={t('pricelists.upload.submit')}
          disabled={!file || !agreement}
          testId="pricelists-upload-status"
          details={issues}
        />
      </SubmitForm>
    </Section>
  );
}
