import {
  Field,
  makeStyles,
  Select,
  Subtitle2,
  Table,
  TableBody,
  TableCell,
  TableHeader,
  TableHeaderCell,
  TableRow,
  tokens,
} from '@fluentui/react-components';
import { useTranslation } from 'react-i18next';
import { useSpendStyles } from './shared.tsx';

/** The answer of `POST /api/spend/uploads/ledger-preview`. */
export interface LedgerPreview {
  encoding: 'utf-8' | 'windows-1252';
  delimiter: Delimiter;
  columns: string[];
  rows: string[][];
  suggestion: Partial<Record<LedgerField, string>>;
  fields: { name: LedgerField; required: boolean }[];
}

export type LedgerField =
  | 'supplierOrgnr'
  | 'date'
  | 'amount'
  | 'documentNumber'
  | 'supplierName'
  | 'currency'
  | 'unit'
  | 'description'
  | 'cpv'
  | 'contractReference'
  | 'account';
export type Delimiter = ';' | ',' | '\t' | '|';
/** Field → column name in the file ('' = not mapped). */
export type Mapping = Partial<Record<LedgerField, string>>;

const DELIMITERS: { value: Delimiter; key: string }[] = [
  { value: ';', key: 'delimiterSemicolon' },
  { value: ',', key: 'delimiterComma' },
  { value: '\t', key: 'delimiterTab' },
  { value: '|', key: 'delimiterPipe' },
];

const useStyles = makeStyles({
  grid: {
    display: 'grid',
    gridTemplateColumns: 'repeat(auto-fill, minmax(260px, 1fr))',
    gap: `${tokens.spacingVerticalS} ${tokens.spacingHorizontalL}`,
  },
});

/** True when every required field has a column. */
export function mappingComplete(preview: LedgerPreview, mapping: Mapping): boolean {
  return preview.fields.every((f) => !f.required || Boolean(mapping[f.name]));
}

/**
 * The column mapping of a ledger CSV: the delimiter, one native select (Fluent `Select`) per field
 * with the file's columns, prefilled with the server's suggestion, and the first rows of the file
 * (shown as text: a supplier name with markup stays text).
 */
export function LedgerMappingForm({
  preview,
  mapping,
  onMapping,
  onDelimiter,
  disabled,
}: {
  preview: LedgerPreview;
  mapping: Mapping;
  onMapping: (m: Mapping) => void;
  onDelimiter: (d: Delimiter) => void;
  disabled: boolean;
}) {
  const { t } = useTranslation();
  const styles = useStyles();
  const spend = useSpendStyles();
  // Column names may repeat in a file (the first of equal names is the one used); keys by position.
  const columns = preview.columns.map((name, position) => ({ name, key: `${position}:${name}` }));
  const rows = preview.rows.slice(0, 3).map((cells, position) => ({
    key: `${position}:${cells.join('|')}`,
    cells: columns.map((c, i) => ({ key: c.key, text: cells[i] ?? '' })),
  }));
  return (
    <div className={spend.root} data-testid="ledger-mapping">
      <Subtitle2 as="h3">{t('spend.ledger.mapping')}</Subtitle2>
      <div className={styles.grid}>
        <Field label={t('spend.ledger.delimiter')}>
          <Select
            value={preview.delimiter}
            disabled={disabled}
            onChange={(_e, d) => onDelimiter(d.value as Delimiter)}
          >
            {DELIMITERS.map((d) => (
              <option key={d.key} value={d.value}>
                {t(`spend.ledger.${d.key}`)}
              </option>
            ))}
          </Select>
        </Field>
        {preview.fields.map((f) => (
          <Field key={f.name} label={t(`spend.ledger.field.${f.name}`)} required={f.required}>
            <Select
              data-field={f.name}
              value={mapping[f.name] ?? ''}
              disabled={disabled}
              onChange={(_e, d) => onMapping({ ...mapping, [f.name]: d.value })}
            >
              <option value="" disabled={f.required}>
                {f.required ? t('spend.ledger.choose') : t('spend.ledger.notInFile')}
              </option>
              {columns.map((c) => (
                <option key={c.key} value={c.name}>
                  {c.name}
                </option>
              ))}
            </Select>
          </Field>
        ))}
      </div>
      {preview.rows.length > 0 && (
        // A wide file scrolls sideways: the region takes focus so the keyboard can scroll it (axe
        // scrollable-region-focusable).
        // biome-ignore lint/a11y/noNoninteractiveTabindex: a scrolling region must be reachable by keyboard
        <section className={spend.scroll} tabIndex={0} aria-label={t('spend.ledger.sample')}>
          <Table size="small" aria-label={t('spend.ledger.sample')} data-testid="ledger-sample">
            <TableHeader>
              <TableRow>
                {columns.map((c) => (
                  <TableHeaderCell key={c.key}>{c.name}</TableHeaderCell>
                ))}
              </TableRow>
            </TableHeader>
            <TableBody>
              {rows.map((r) => (
                <TableRow key={r.key}>
                  {r.cells.map((c) => (
                    <TableCell key={c.key}>{c.text}</TableCell>
                  ))}
                </TableRow>
              ))}
            </TableBody>
          </Table>
        </section>
      )}
    </div>
  );
}
