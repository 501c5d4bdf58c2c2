import {
  Checkbox,
  Field,
  Input,
  makeStyles,
  Text,
  Textarea,
  tokens,
} from '@fluentui/react-components';
import { useId } from 'react';
import { useTranslation } from 'react-i18next';
import type {
  CONTRACT_DOCUMENT_TYPES,
  DEFAULT_ACCESS_CODES,
  ENTRY_TYPES,
} from '../../core/archive/codelists.ts';
import type { DocumentView } from '../../core/archive/document.ts';
import type { FieldIssue } from '../api.ts';
import { request } from '../api.ts';
import { endpoints } from '../endpoints.ts';
import { Dropdown, Option } from './Choice.tsx';
import '../strings/documents.ts';

export type { DocumentView };

/** The lists the archive accepts (repeated here so nothing of the server is bundled; type-checked). */
export const ENTRY_TYPE_LIST = ['I', 'U', 'N', 'X'] as const satisfies typeof ENTRY_TYPES;
export const DOCUMENT_TYPE_LIST = [
  'AVTALE',
  'VEDLEGG',
  'VEDTAK',
  'PROTOKOLL',
  'RAPPORT',
  'NOTAT',
  'KORR',
  'ANALYSE',
  'DOKUMENT',
  'FAKTURA',
  'FOTO',
] as const satisfies typeof CONTRACT_DOCUMENT_TYPES;
/**
 * The product's default access codes and their usual legal basis (`DEFAULT_ACCESS_CODES`); the
 * archive profile may configure others — the API then answers with a field error naming them.
 */
export const ACCESS_CODES: readonly { kode: string; defaultLegalBasis: string }[] = [
  { kode: '13', defaultLegalBasis: 'Offl. § 13 jf. fvl. § 13 første ledd nr. 2' },
  { kode: '14', defaultLegalBasis: 'Offl. § 14 første ledd' },
  { kode: '15', defaultLegalBasis: 'Offl. § 15' },
  { kode: '23', defaultLegalBasis: 'Offl. § 23 første ledd' },
  { kode: '24', defaultLegalBasis: 'Offl. § 24' },
] satisfies Pick<(typeof DEFAULT_ACCESS_CODES)[number], 'kode' | 'defaultLegalBasis'>[];

export interface Supplier {
  readonly name: string;
  readonly orgnr: string;
}

export interface DocumentDraft {
  file: File | null;
  title: string;
  entryType: (typeof ENTRY_TYPE_LIST)[number];
  documentType: (typeof DOCUMENT_TYPE_LIST)[number];
  documentDate: string;
  description: string;
  screened: boolean;
  accessCode: string;
  legalBasis: string;
  screenedWords: string;
  /** '' = the API's default (first supplier for I/U), '-' = none, else an orgnr. */
  correspondent: string;
}

export function emptyDraft(partial: Partial<DocumentDraft> = {}): DocumentDraft {
  return {
    file: null,
    title: '',
    entryType: 'U',
    documentType: 'DOKUMENT',
    documentDate: '',
    description: '',
    screened: false,
    accessCode: '13',
    legalBasis: ACCESS_CODES[0]?.defaultLegalBasis ?? '',
    screenedWords: '',
    correspondent: '',
    ...partial,
  };
}

const words = (s: string) =>
  s
    .split(',')
    .map((w) => w.trim())
    .filter(Boolean);

/** The public title as the archive will show it (the API computes the real one the same way). */
export function previewPublicTitle(title: string, screenedWords: readonly string[]): string {
  if (screenedWords.length === 0) return title;
  const sorted = [...screenedWords].sort((a, b) => b.length - a.length);
  const pattern = new RegExp(
    sorted.map((w) => w.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|'),
    'giu',
  );
  return title.replace(pattern, '*****');
}

/** Metadata JSON as `POST /contracts/:id/documents` expects it (`documentMetadataSchema`). */
export function metadataOf(
  d: DocumentDraft,
  suppliers: readonly Supplier[],
  taskId: string | null,
): Record<string, unknown> {
  const supplier = suppliers.find((s) => s.orgnr === d.correspondent);
  return {
    title: d.title,
    entryType: d.entryType,
    documentType: d.documentType,
    documentDate: d.documentDate || null,
    description: d.description.trim() || null,
    taskId,
    screening: d.screened
      ? {
          accessCode: d.accessCode,
          legalBasis: d.legalBasis,
          screenedWords: words(d.screenedWords),
        }
      : null,
    correspondent: supplier ? { name: supplier.name, orgnr: supplier.orgnr } : null,
  };
}

/** Uploads the file with its metadata (multipart); the same key makes a retried upload safe. */
export async function uploadDocument(
  contractId: string,
  d: DocumentDraft,
  suppliers: readonly Supplier[],
  taskId: string | null,
  idempotencyKey: string,
): Promise<DocumentView> {
  const form = new FormData();
  form.append('metadata', JSON.stringify(metadataOf(d, suppliers, taskId)));
  if (d.file) form.append('file', d.file, d.file.name);
  const r = await request<DocumentView>('POST', endpoints.documents(contractId), {
    raw: form,
    headers: { 'idempotency-key': idempotencyKey },
  });
  return r.data;
}

/** Which form field an API issue belongs to (`files.0` → file, `screening.screenedWords.1` → …). */
export function fieldOfIssue(field: string): string {
  if (field === 'file' || field.startsWith('files')) return 'file';
  if (field.startsWith('screening.screenedWords')) return 'screenedWords';
  if (field.startsWith('screening.')) return field.slice('screening.'.length);
  if (field.startsWith('correspondent')) return 'correspondent';
  return field;
}

const useStyles = makeStyles({
  grid: {
    display: 'grid',
    gridTemplateColumns: 'repeat(auto-fit, minmax(240px, 1fr))',
    gap: tokens.spacingVerticalM,
    marginTop: tokens.spacingVerticalM,
    '& > *': { minWidth: 0 },
  },
  wide: { gridColumn: '1 / -1' },
  preview: { color: tokens.colorNeutralForeground2 },
});

/** The archive metadata of one document, with the API's field errors next to the fields. */
export function DocumentFields({
  draft,
  onChange,
  issues,
  suppliers,
  fileLabel,
  fileRequired = true,
}: {
  draft: DocumentDraft;
  onChange: (d: DocumentDraft) => void;
  issues: readonly FieldIssue[];
  suppliers: readonly Supplier[];
  fileLabel?: string;
  fileRequired?: boolean;
}) {
  const { t } = useTranslation();
  const styles = useStyles();
  const fileId = useId();
  const set = <K extends keyof DocumentDraft>(k: K, v: DocumentDraft[K]) =>
    onChange({ ...draft, [k]: v });
  const issue = (f: string) =>
    issues
      .filter((i) => fieldOfIssue(i.field) === f)
      .map((i) => i.message)
      .join('; ') || undefined;
  const state = (f: string) => (issue(f) ? 'error' : 'none');
  const showMeta = fileRequired || draft.file !== null;
  return (
    <div className={styles.grid}>
      <Field
        className={styles.wide}
        label={{ children: fileLabel ?? t('docs.file'), htmlFor: fileId }}
        required={fileRequired}
        hint={t('docs.fileHint')}
        validationMessage={issue('file')}
        validationState={state('file')}
      >
        <input
          id={fileId}
          type="file"
          data-testid="document-file"
          aria-invalid={issue('file') ? true : undefined}
          accept=".pdf,.docx,.xlsx,.pptx,.odt,.ods,.odp,.jpg,.jpeg,.png,.tif,.tiff,.gif,.webp"
          onChange={(e) => {
            const file = e.target.files?.[0] ?? null;
            onChange({
              ...draft,
              file,
              title: draft.title || (file ? file.name.replace(/\.[^.]+$/, '') : ''),
            });
          }}
        />
      </Field>
      {showMeta && (
        <>
          <Field
            className={styles.wide}
            label={t('docs.title')}
            required
            validationMessage={issue('title')}
            validationState={state('title')}
          >
            <Input
              data-testid="document-title"
              value={draft.title}
              maxLength={500}
              onChange={(_e, v) => set('title', v.value)}
            />
          </Field>
          <Field
            label={t('docs.entryType')}
            required
            validationMessage={issue('entryType')}
            validationState={state('entryType')}
          >
            <Dropdown
              aria-label={t('docs.entryType')}
              selectedOptions={[draft.entryType]}
              onOptionSelect={(_e, d) =>
                d.optionValue && set('entryType', d.optionValue as DocumentDraft['entryType'])
              }
            >
              {ENTRY_TYPE_LIST.map((e) => (
                <Option key={e} value={e}>
                  {t(`entryType.${e}`)}
                </Option>
              ))}
            </Dropdown>
          </Field>
          <Field
            label={t('docs.documentType')}
            validationMessage={issue('documentType')}
            validationState={state('documentType')}
          >
            <Dropdown
              aria-label={t('docs.documentType')}
              selectedOptions={[draft.documentType]}
              onOptionSelect={(_e, d) =>
                d.optionValue && set('documentType', d.optionValue as DocumentDraft['documentType'])
              }
            >
              {DOCUMENT_TYPE_LIST.map((e) => (
                <Option key={e} value={e}>
                  {t(`docType.${e}`)}
                </Option>
              ))}
            </Dropdown>
          </Field>
          <Field
            label={t('docs.documentDate')}
            validationMessage={issue('documentDate')}
            validationState={state('documentDate')}
          >
            <Input
              type="date"
              value={draft.documentDate}
              onChange={(_e, v) => set('documentDate', v.value)}
            />
          </Field>
          <Field
            label={t('docs.correspondent')}
            validationMessage={issue('correspondent')}
            validationState={state('correspondent')}
          >
            <Dropdown
              aria-label={t('docs.correspondent')}
              selectedOptions={[draft.correspondent]}
              onOptionSelect={(_e, d) => set('correspondent', d.optionValue ?? '')}
            >
              <Option value="">
                {draft.entryType === 'I' || draft.entryType === 'U'
                  ? t('docs.correspondentDefault')
                  : t('docs.correspondentNone')}
              </Option>
              {suppliers.map((s) => (
                <Option key={s.orgnr} value={s.orgnr}>
                  {`${s.name} (${s.orgnr})`}
                </Option>
              ))}
            </Dropdown>
          </Field>
          <Field
            className={styles.wide}
            label={t('docs.description')}
            validationMessage={issue('description')}
            validationState={state('description')}
          >
            <Textarea
              value={draft.description}
              maxLength={2000}
              onChange={(_e, v) => set('description', v.value)}
            />
          </Field>
          <Checkbox
            className={styles.wide}
            label={t('docs.screened')}
            checked={draft.screened}
            onChange={(_e, v) => set('screened', v.checked === true)}
          />
          {draft.screened && (
            <>
              <Field
                label={t('docs.accessCode')}
                required
                validationMessage={issue('accessCode')}
                validationState={state('accessCode')}
              >
                <Dropdown
                  aria-label={t('docs.accessCode')}
                  selectedOptions={[draft.accessCode]}
                  onOptionSelect={(_e, d) => {
                    const code = ACCESS_CODES.find((c) => c.kode === d.optionValue);
                    if (!code) return;
                    const wasDefault = ACCESS_CODES.some(
                      (c) => c.defaultLegalBasis === draft.legalBasis,
                    );
                    onChange({
                      ...draft,
                      accessCode: code.kode,
                      legalBasis:
                        wasDefault || !draft.legalBasis ? code.defaultLegalBasis : draft.legalBasis,
                    });
                  }}
                >
                  {ACCESS_CODES.map((c) => (
                    <Option key={c.kode} value={c.kode}>
                      {t(`accessCode.${c.kode}`)}
                    </Option>
                  ))}
                </Dropdown>
              </Field>
              <Field
                label={t('docs.legalBasis')}
                required
                validationMessage={issue('legalBasis')}
                validationState={state('legalBasis')}
              >
                <Input
                  data-testid="document-legal-basis"
                  value={draft.legalBasis}
                  maxLength={300}
                  onChange={(_e, v) => set('legalBasis', v.value)}
                />
              </Field>
              <Field
                className={styles.wide}
                label={t('docs.screenedWords')}
                hint={t('docs.screenedWordsHint')}
                validationMessage={issue('screenedWords')}
                validationState={state('screenedWords')}
              >
                <Input
                  data-testid="document-screened-words"
                  value={draft.screenedWords}
                  onChange={(_e, v) => set('screenedWords', v.value)}
                />
              </Field>
            </>
          )}
          <div className={styles.wide}>
            <Text weight="semibold">{t('docs.publicTitle')}: </Text>
            <Text data-testid="document-public-title">
              {previewPublicTitle(draft.title, draft.screened ? words(draft.screenedWords) : []) ||
                '–'}
            </Text>
            <br />
            <Text size={200} className={styles.preview}>
              {t('docs.publicTitleHint')}
            </Text>
          </div>
        </>
      )}
    </div>
  );
}
