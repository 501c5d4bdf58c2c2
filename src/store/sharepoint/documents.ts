// The document service's records in a SharePoint list (*Dokumentposter*, STORE=sharepoint with an
// archive library), so every API instance lists the same documents, their filing status, and can
// retry a failed filing. One item per document: the record with its files as JSON (`Data0…`) and
// the values filtered on as indexed columns (document, contract, task, idempotency key, filing
// state). Reads are fresh (an indexed filter, no cache): a document's status changes under the
// user's eyes while it is filed. Every update is written with the item's ETag (If-Match):
// - a filing is *claimed* (ClaimedBy, ClaimedUntil) before it starts; when two instances retry the
//   same failed filing at once, one claim succeeds and the other gets 412 and leaves it alone;
// - the outcome (filed / failed, attempts + 1) is written the same way, re-read on 412.
// The idempotency key column is unique (`<contract>|<key>`), so an upload sent twice with the same
// Idempotency-Key to two instances stores one document.
import type {
  DocumentRecordStore,
  FilingClaim,
  StoredDocument,
} from '../../archive/documents/document-store.ts';
import { DuplicateDocumentError } from '../../archive/documents/document-store.ts';
import { etagOf, type Graph, GraphHttpError, type ListItem } from './graph.ts';
import { filterOn, fromChunks, type ListKey, SMALL_CHUNKS, toChunks } from './schema.ts';

export interface SharePointDocumentOptions {
  readonly graph: Graph;
  readonly siteId: string;
  readonly lists: Readonly<Record<ListKey, string>>;
}

type Fields = Record<string, unknown>;

type RawItem = ListItem & { readonly fields: Fields };

function docOf(item: RawItem): StoredDocument | null {
  const text = fromChunks('Data', item.fields, SMALL_CHUNKS);
  return text ? (JSON.parse(text) as StoredDocument) : null;
}

const keyOf = (d: StoredDocument) =>
  `${d.contractId}|${d.idempotencyKey === null ? `#${d.id}` : d.idempotencyKey}`;

function fieldsOf(d: StoredDocument): Fields {
  return {
    Title: d.publicTitle.slice(0, 255),
    DocumentId: d.id,
    ContractId: d.contractId,
    TaskId: d.taskId,
    IdempotencyKey: keyOf(d),
    FilingState: d.status,
    CreatedAt: d.createdAt,
    Attempts: d.attempts,
    ...toChunks('Data', JSON.stringify(d), SMALL_CHUNKS),
  };
}

/** SQLite's order: created_at, then id. */
const byCreated = (a: StoredDocument, b: StoredDocument) =>
  a.createdAt === b.createdAt
    ? a.id < b.id
      ? -1
      : a.id > b.id
        ? 1
        : 0
    : a.createdAt < b.createdAt
      ? -1
      : 1;

export class SharePointDocumentRecords implements DocumentRecordStore {
  private readonly path: string;

  constructor(private readonly o: SharePointDocumentOptions) {
    this.path = `/sites/${encodeURIComponent(o.siteId)}/lists/${o.lists.documents}/items`;
  }

  private async where(column: string, value: string): Promise<RawItem[]> {
    return this.o.graph.all<RawItem>(
      `${this.path}?$expand=fields&$top=1000&$filter=${encodeURIComponent(filterOn('documents', column, 'eq', value))}`,
    );
  }

  private async docs(column: string, value: string): Promise<StoredDocument[]> {
    return (await this.where(column, value))
      .flatMap((i) => {
        const d = docOf(i);
        return d ? [d] : [];
      })
      .sort(byCreated);
  }

  private async item(id: string): Promise<RawItem | null> {
    return (await this.where('DocumentId', id))[0] ?? null;
  }

  async insert(doc: StoredDocument): Promise<void> {
    try {
      await this.o.graph.request('POST', this.path, { fields: fieldsOf(doc) });
    } catch (e) {
      if (!(e instanceof GraphHttpError && e.status === 409)) throw e;
      // The unique key: the same document (a create sent again) or the same Idempotency-Key.
      const same = await this.get(doc.id);
      if (same) return;
      if (doc.idempotencyKey) throw new DuplicateDocumentError(doc.contractId, doc.idempotencyKey);
      throw e;
    }
  }

  async get(id: string): Promise<StoredDocument | null> {
    const item = await this.item(id);
    return item ? docOf(item) : null;
  }

  async byIdempotencyKey(contractId: string, key: string): Promise<StoredDocument | null> {
    const [item] = await this.where('IdempotencyKey', `${contractId}|${key}`);
    return item ? docOf(item) : null;
  }

  listByContract(contractId: string): Promise<StoredDocument[]> {
    return this.docs('ContractId', contractId);
  }

  listByTask(taskId: string): Promise<StoredDocument[]> {
    return this.docs('TaskId', taskId);
  }

  async listUnfiled(): Promise<StoredDocument[]> {
    const [pending, failed] = await Promise.all([
      this.docs('FilingState', 'pending'),
      this.docs('FilingState', 'failed'),
    ]);
    return [...pending, ...failed].sort(byCreated);
  }

  async allIds(): Promise<Set<string>> {
    const items = await this.o.graph.all<RawItem>(
      `${this.path}?$expand=fields($select=DocumentId)&$top=1000`,
    );
    return new Set(items.map((i) => String(i.fields.DocumentId)));
  }

  async claimFiling(
    id: string,
    holder: string,
    now: Date,
    leaseMs: number,
  ): Promise<FilingClaim | null> {
    for (let attempt = 0; ; attempt++) {
      const item = await this.item(id);
      const doc = item ? docOf(item) : null;
      if (!item || !doc) return null;
      if (doc.status === 'filed') return { doc, claimed: false, heldUntil: null };
      const by = item.fields.ClaimedBy;
      const until = item.fields.ClaimedUntil ? Date.parse(String(item.fields.ClaimedUntil)) : 0;
      if (by && by !== holder && until > now.getTime()) {
        return { doc, claimed: false, heldUntil: new Date(until) };
      }
      try {
        await this.o.graph.request(
          'PATCH',
          `${this.path}/${item.id}/fields`,
          { ClaimedBy: holder, ClaimedUntil: new Date(now.getTime() + leaseMs).toISOString() },
          { 'If-Match': etagOf(item) },
        );
        return { doc, claimed: true, heldUntil: null };
      } catch (e) {
        // 412: the item changed since it was read (most likely another instance's claim).
        if (!(e instanceof GraphHttpError && e.status === 412) || attempt >= 4) {
          if (e instanceof GraphHttpError && e.status === 412) {
            return { doc, claimed: false, heldUntil: new Date(now.getTime() + leaseMs) };
          }
          throw e;
        }
      }
    }
  }

  /** Applies `change` to the record with the item's ETag, re-reading on 412; false: left alone. */
  private async update(
    id: string,
    holder: string,
    change: (d: StoredDocument) => StoredDocument | null,
  ): Promise<void> {
    for (let attempt = 0; attempt < 8; attempt++) {
      const item = await this.item(id);
      const doc = item ? docOf(item) : null;
      if (!item || !doc) return;
      const by = item.fields.ClaimedBy;
      const next = change(doc);
      if (!next) return;
      const release = !by || by === holder ? { ClaimedBy: null, ClaimedUntil: null } : {};
      try {
        await this.o.graph.request(
          'PATCH',
          `${this.path}/${item.id}/fields`,
          { ...fieldsOf(next), ...release },
          { 'If-Match': etagOf(item) },
        );
        return;
      } catch (e) {
        if (!(e instanceof GraphHttpError && e.status === 412)) throw e;
      }
    }
    throw new GraphHttpError(412, 'conflict', `Dokumentposten ${id} endres av andre`);
  }

  markFiled(id: string, reference: string, at: string, holder: string): Promise<void> {
    return this.update(id, holder, (d) =>
      d.status === 'filed'
        ? null
        : {
            ...d,
            status: 'filed',
            archiveReference: reference,
            failureReason: null,
            attempts: d.attempts + 1,
            filedAt: at,
            updatedAt: at,
          },
    );
  }

  markFailed(id: string, reason: string, at: string, holder: string): Promise<void> {
    return this.update(id, holder, (d) =>
      d.status === 'filed'
        ? null
        : {
            ...d,
            status: 'failed',
            failureReason: reason,
            attempts: d.attempts + 1,
            updatedAt: at,
          },
    );
  }
}
