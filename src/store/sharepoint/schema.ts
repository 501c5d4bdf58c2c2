// The SharePoint lists of the register and their columns: the single source of truth for
// provisioning, for the adapter's reads and writes, and for the rule that every column used in a
// $filter is indexed (a filter can only be built from a column declared `indexed` here).

export type ColumnType = 'text' | 'note' | 'number' | 'boolean';

export interface ColumnSpec {
  readonly name: string;
  readonly type: ColumnType;
  readonly indexed?: boolean;
  readonly unique?: boolean;
  readonly displayName?: string;
}

export interface ListSpec {
  /** Key used in code. */
  readonly key: ListKey;
  /** The list's display name on the site (Norwegian, as users see it). */
  readonly displayName: string;
  readonly description: string;
  readonly columns: readonly ColumnSpec[];
}

/** Long text is split over numbered note columns of at most this many characters each. */
export const CHUNK_CHARS = 60_000;
/** Number of chunk columns for the contract JSON and for an audit entry (≈ 960,000 characters). */
export const CHUNKS = 16;

const chunkColumns = (prefix: string): ColumnSpec[] =>
  Array.from({ length: CHUNKS }, (_, i) => ({ name: `${prefix}${i}`, type: 'note' as const }));

export type ListKey =
  | 'contracts'
  | 'units'
  | 'users'
  | 'suppliers'
  | 'audit'
  | 'leases'
  | 'outbox'
  | 'followupTasks'
  | 'followupConfig'
  | 'followupPlans'
  | 'conversations'
  | 'spendOrders'
  | 'announcements'
  | 'channelOutbox'
  | 'documents';

/** Chunk columns of a follow-up item's JSON (a task with its history, a routine): ≈ 240,000 characters. */
export const SMALL_CHUNKS = 4;
const smallChunkColumns = (prefix: string): ColumnSpec[] =>
  Array.from({ length: SMALL_CHUNKS }, (_, i) => ({
    name: `${prefix}${i}`,
    type: 'note' as const,
  }));

export const LISTS: Readonly<Record<ListKey, ListSpec>> = {
  contracts: {
    key: 'contracts',
    displayName: 'Kontrakter',
    description: 'Avtaleregisteret (Kontraktsoppfølging). Endres bare gjennom appen.',
    columns: [
      { name: 'ContractId', type: 'text', indexed: true, unique: true },
      { name: 'ReferenceNumber', type: 'text', indexed: true, unique: true },
      { name: 'Version', type: 'number' },
      { name: 'Kind', type: 'text' },
      { name: 'OwningUnitId', type: 'text' },
      { name: 'OwnerId', type: 'text' },
      { name: 'ManagerId', type: 'text' },
      { name: 'StartDate', type: 'text' },
      { name: 'CurrentEndDate', type: 'text' },
      { name: 'Draft', type: 'boolean' },
      { name: 'Published', type: 'boolean' },
      { name: 'SupplierOrgnrs', type: 'note' },
      { name: 'UpdatedAt', type: 'text' },
      ...chunkColumns('Data'),
      ...chunkColumns('LastChange'),
    ],
  },
  units: {
    key: 'units',
    displayName: 'Enheter',
    description: 'Enheter i kommunen (Kontraktsoppfølging).',
    columns: [
      { name: 'UnitId', type: 'text', indexed: true, unique: true },
      { name: 'ParentId', type: 'text' },
      { name: 'Sector', type: 'text' },
    ],
  },
  users: {
    key: 'users',
    displayName: 'Brukere',
    description: 'Brukere og roller (Kontraktsoppfølging).',
    columns: [
      { name: 'UserId', type: 'text', indexed: true, unique: true },
      { name: 'Email', type: 'text' },
      { name: 'Role', type: 'text' },
      { name: 'UnitId', type: 'text' },
    ],
  },
  suppliers: {
    key: 'suppliers',
    displayName: 'Leverandører',
    description: 'Leverandører (Kontraktsoppfølging).',
    columns: [{ name: 'Orgnr', type: 'text', indexed: true, unique: true }],
  },
  audit: {
    key: 'audit',
    displayName: 'Endringslogg',
    description: 'Endringslogg (Kontraktsoppfølging). Skrives bare av appen; aldri endret.',
    columns: [
      { name: 'AuditId', type: 'number', indexed: true, unique: true },
      { name: 'EntityKey', type: 'text', indexed: true },
      { name: 'At', type: 'text' },
      ...chunkColumns('Entry'),
    ],
  },
  leases: {
    key: 'leases',
    displayName: 'Lease',
    description: 'Leiekontrakter for bakgrunnsjobber (én instans om gangen).',
    columns: [
      { name: 'LeaseKey', type: 'text', indexed: true, unique: true },
      { name: 'Holder', type: 'text' },
      { name: 'ExpiresAt', type: 'text' },
      { name: 'Fence', type: 'number' },
    ],
  },
  outbox: {
    key: 'outbox',
    displayName: 'Utboks',
    description: 'Varsler som skal sendes (Kontraktsoppfølging).',
    columns: [
      { name: 'IdempotencyKey', type: 'text', indexed: true, unique: true },
      { name: 'State', type: 'text', indexed: true },
      { name: 'NotBefore', type: 'text' },
      { name: 'ClaimedBy', type: 'text' },
      { name: 'ClaimedUntil', type: 'text' },
      { name: 'Attempts', type: 'number' },
      { name: 'LastAttemptAt', type: 'text' },
      { name: 'LastError', type: 'note' },
      { name: 'Payload', type: 'note' },
    ],
  },
  followupTasks: {
    key: 'followupTasks',
    displayName: 'Oppfølgingsoppgaver',
    description:
      'Oppfølgingsoppgaver med historikk (Kontraktsoppfølging). Endres bare gjennom appen.',
    columns: [
      { name: 'TaskId', type: 'text', indexed: true, unique: true },
      { name: 'ContractId', type: 'text' },
      { name: 'State', type: 'text' },
      { name: 'DueDate', type: 'text' },
      { name: 'AssigneeId', type: 'text' },
      { name: 'Version', type: 'number' },
      ...smallChunkColumns('Data'),
    ],
  },
  followupConfig: {
    key: 'followupConfig',
    displayName: 'Oppfølgingsrutiner',
    description: 'Oppfølgingsrutiner og innstillinger (Kontraktsoppfølging).',
    columns: [
      { name: 'ConfigKey', type: 'text', indexed: true, unique: true },
      { name: 'Version', type: 'number' },
      { name: 'UpdatedAt', type: 'text' },
      { name: 'UpdatedBy', type: 'text' },
      ...smallChunkColumns('Data'),
    ],
  },
  followupPlans: {
    key: 'followupPlans',
    displayName: 'Oppfølgingsplaner',
    description: 'Fingeravtrykk av hver avtales oppfølgingsplan (Kontraktsoppfølging).',
    columns: [
      { name: 'ContractId', type: 'text', indexed: true, unique: true },
      { name: 'Fingerprint', type: 'text' },
      { name: 'ReviewOn', type: 'text' },
    ],
  },
  conversations: {
    key: 'conversations',
    displayName: 'Samtalereferanser',
    description: 'Teams-samtaler boten kan skrive til (Kontraktsoppfølging).',
    columns: [
      { name: 'RefKey', type: 'text', indexed: true, unique: true },
      { name: 'UserId', type: 'text' },
      { name: 'ConversationId', type: 'note' },
      { name: 'Kind', type: 'text' },
      { name: 'UpdatedAt', type: 'text' },
      { name: 'Reference', type: 'note' },
    ],
  },
  spendOrders: {
    key: 'spendOrders',
    displayName: 'Analysebestillinger',
    description: 'Bestilte innkjøpsanalyser med resultat (Kontraktsoppfølging).',
    columns: [
      { name: 'OrderId', type: 'text', indexed: true, unique: true },
      { name: 'State', type: 'text' },
      { name: 'UnitId', type: 'text' },
      { name: 'RequestedBy', type: 'text' },
      { name: 'CreatedAt', type: 'text' },
      { name: 'Version', type: 'number' },
      ...smallChunkColumns('Data'),
      ...chunkColumns('Result'),
    ],
  },
  announcements: {
    key: 'announcements',
    displayName: 'Kunngjøringer',
    description: 'Kontraktservices kunngjøringer til Teams-kanaler (Kontraktsoppfølging).',
    columns: [
      { name: 'AnnouncementId', type: 'text', indexed: true, unique: true },
      { name: 'Kind', type: 'text' },
      // `enqueuing` until every channel's delivery is in Kanalutboks, then `enqueued`.
      { name: 'State', type: 'text', indexed: true },
      { name: 'CreatedAt', type: 'text' },
      { name: 'CreatedBy', type: 'text' },
      // The announcement (JSON) and the channels it goes to (JSON).
      ...smallChunkColumns('Data'),
      { name: 'Targets', type: 'note' },
    ],
  },
  channelOutbox: {
    key: 'channelOutbox',
    displayName: 'Kanalutboks',
    description: 'Kunngjøringer som skal postes i Teams-kanaler (Kontraktsoppfølging).',
    columns: [
      // `<announcement id>|<hash of the channel's conversation id>` (ids can pass 255 characters).
      { name: 'IdempotencyKey', type: 'text', indexed: true, unique: true },
      { name: 'AnnouncementId', type: 'text', indexed: true },
      { name: 'State', type: 'text', indexed: true },
      { name: 'ConversationId', type: 'note' },
      { name: 'ChannelName', type: 'text' },
      { name: 'NotBefore', type: 'text' },
      { name: 'ClaimedBy', type: 'text' },
      { name: 'ClaimedUntil', type: 'text' },
      { name: 'Attempts', type: 'number' },
      { name: 'LastAttemptAt', type: 'text' },
      { name: 'SentAt', type: 'text' },
      { name: 'LastError', type: 'note' },
    ],
  },
  documents: {
    // Not "Dokumenter": that is the display name of a Norwegian site's default document library.
    key: 'documents',
    displayName: 'Dokumentposter',
    description: 'Dokumenter lastet opp til avtaler, med arkiveringsstatus (Kontraktsoppfølging).',
    columns: [
      { name: 'DocumentId', type: 'text', indexed: true, unique: true },
      { name: 'ContractId', type: 'text', indexed: true },
      { name: 'TaskId', type: 'text', indexed: true },
      // `<contract id>|<Idempotency-Key>`, or `<contract id>|#<document id>` without a key.
      { name: 'IdempotencyKey', type: 'text', indexed: true, unique: true },
      { name: 'FilingState', type: 'text', indexed: true },
      { name: 'CreatedAt', type: 'text' },
      { name: 'Attempts', type: 'number' },
      { name: 'ClaimedBy', type: 'text' },
      { name: 'ClaimedUntil', type: 'text' },
      // The document record with its files (JSON).
      ...smallChunkColumns('Data'),
    ],
  },
};

/** A column that may appear in a $filter: only indexed ones, checked at build time and at run time. */
export type FilterColumn = {
  [K in ListKey]: Extract<(typeof LISTS)[K]['columns'][number], { indexed: true }>['name'];
}[ListKey];

/** Every (list, column) pair the adapter filters on, for the "every filter is indexed" test. */
export const FILTERED_COLUMNS: readonly { list: ListKey; column: string }[] = [
  { list: 'contracts', column: 'ContractId' },
  { list: 'audit', column: 'EntityKey' },
  { list: 'audit', column: 'AuditId' },
  { list: 'leases', column: 'LeaseKey' },
  { list: 'outbox', column: 'IdempotencyKey' },
  { list: 'outbox', column: 'State' },
  // The follow-up lists are read through their delta mirrors; the key filter only resolves a
  // create whose answer was lost or that another instance made first (409).
  { list: 'followupTasks', column: 'TaskId' },
  { list: 'followupConfig', column: 'ConfigKey' },
  { list: 'followupPlans', column: 'ContractId' },
  { list: 'conversations', column: 'RefKey' },
  // Orders are listed from the delta mirror; the key filter reads one order fresh before a
  // versioned write.
  { list: 'spendOrders', column: 'OrderId' },
  // Announcements are listed from delta mirrors; the key filters read one item fresh, the State
  // filters find pending deliveries (as Utboks) and announcements whose deliveries are unfinished.
  { list: 'announcements', column: 'AnnouncementId' },
  { list: 'announcements', column: 'State' },
  { list: 'channelOutbox', column: 'IdempotencyKey' },
  { list: 'channelOutbox', column: 'AnnouncementId' },
  { list: 'channelOutbox', column: 'State' },
  // Document records are read fresh by these (no mirror): one document, a contract's or a task's
  // documents, an upload sent again with its Idempotency-Key, and the unfiled ones.
  { list: 'documents', column: 'DocumentId' },
  { list: 'documents', column: 'ContractId' },
  { list: 'documents', column: 'TaskId' },
  { list: 'documents', column: 'IdempotencyKey' },
  { list: 'documents', column: 'FilingState' },
];

const quote = (v: string) => `'${v.replace(/'/g, "''")}'`;

/**
 * `fields/<column> <op> <value>` for an indexed column of the list; throws for any other column,
 * so a filter on a non-indexed column (which fails past 5,000 items) cannot be written.
 */
export function filterOn(
  list: ListKey,
  column: string,
  op: 'eq' | 'gt' | 'ge' | 'lt' | 'le',
  value: string | number,
): string {
  const spec = LISTS[list].columns.find((c) => c.name === column);
  if (!spec?.indexed || !FILTERED_COLUMNS.some((f) => f.list === list && f.column === column)) {
    throw new Error(`${LISTS[list].displayName}.${column} er ikke indeksert og kan ikke filtreres`);
  }
  return `fields/${column} ${op} ${typeof value === 'number' ? String(value) : quote(value)}`;
}

/** Splits text over the numbered chunk columns `prefix0…prefixN`; unused ones are cleared. */
export function toChunks(
  prefix: string,
  text: string | null,
  chunks = CHUNKS,
): Record<string, string | null> {
  if (text !== null && text.length > CHUNK_CHARS * chunks) {
    throw new Error(`Teksten er for lang for SharePoint (${text.length} tegn)`);
  }
  const out: Record<string, string | null> = {};
  for (let i = 0; i < chunks; i++) {
    const part = text?.slice(i * CHUNK_CHARS, (i + 1) * CHUNK_CHARS) ?? '';
    out[`${prefix}${i}`] = part === '' ? null : part;
  }
  return out;
}

export function fromChunks(
  prefix: string,
  fields: Readonly<Record<string, unknown>>,
  chunks = CHUNKS,
): string | null {
  let text = '';
  for (let i = 0; i < chunks; i++) {
    const part = fields[`${prefix}${i}`];
    if (typeof part === 'string') text += part;
  }
  return text === '' ? null : text;
}

/** The Graph columnDefinition for a spec (POST …/columns). */
export function columnDefinition(c: ColumnSpec): Record<string, unknown> {
  const type =
    c.type === 'text'
      ? { text: { allowMultipleLines: false, maxLength: 255 } }
      : c.type === 'note'
        ? { text: { allowMultipleLines: true, textType: 'plain' } }
        : c.type === 'number'
          ? { number: { decimalPlaces: 'none' } }
          : { boolean: {} };
  return {
    name: c.name,
    displayName: c.displayName ?? c.name,
    indexed: Boolean(c.indexed),
    enforceUniqueValues: Boolean(c.unique),
    ...type,
  };
}
