// Creates the register's lists, columns and indexes on a site. Idempotent: it reads what exists,
// adds only what is missing (lists, columns, an index or uniqueness on an existing column) and never
// deletes or changes data, so it is safe to re-run after an upgrade that adds columns.
import type { Graph } from './graph.ts';
import { columnDefinition, LISTS, type ListKey, type ListSpec } from './schema.ts';

export interface ProvisionReport {
  readonly listIds: Readonly<Record<ListKey, string>>;
  readonly createdLists: string[];
  readonly addedColumns: string[];
  readonly indexedColumns: string[];
  /** Columns that exist with another type than the spec: left alone, reported for a person to fix. */
  readonly mismatches: string[];
}

interface GraphList {
  id: string;
  displayName: string;
  name: string;
}

interface GraphColumn {
  id: string;
  name: string;
  indexed?: boolean;
  enforceUniqueValues?: boolean;
  text?: { allowMultipleLines?: boolean };
  number?: unknown;
  boolean?: unknown;
}

const sitePath = (siteId: string) => `/sites/${encodeURIComponent(siteId)}`;

function typeOf(c: GraphColumn): string {
  if (c.text) return c.text.allowMultipleLines ? 'note' : 'text';
  if (c.number) return 'number';
  if (c.boolean) return 'boolean';
  return 'other';
}

/** Finds the lists by display name; throws naming the missing ones (run `provision` first). */
export async function findLists(graph: Graph, siteId: string): Promise<Record<ListKey, string>> {
  const existing = await graph.all<GraphList>(
    `${sitePath(siteId)}/lists?$select=id,displayName,name`,
  );
  const ids: Partial<Record<ListKey, string>> = {};
  const missing: string[] = [];
  for (const spec of Object.values(LISTS)) {
    const found = existing.find((l) => l.displayName === spec.displayName);
    if (found) ids[spec.key] = found.id;
    else missing.push(spec.displayName);
  }
  if (missing.length > 0) {
    throw new Error(
      `Mangler lister på SharePoint-området: ${missing.join(', ')}. Kjør: npm run cli -- provision`,
    );
  }
  return ids as Record<ListKey, string>;
}

export async function provision(graph: Graph, siteId: string): Promise<ProvisionReport> {
  const site = sitePath(siteId);
  const existing = await graph.all<GraphList>(`${site}/lists?$select=id,displayName,name`);
  const report = {
    listIds: {} as Record<ListKey, string>,
    createdLists: [] as string[],
    addedColumns: [] as string[],
    indexedColumns: [] as string[],
    mismatches: [] as string[],
  };
  for (const spec of Object.values(LISTS) as ListSpec[]) {
    const found = existing.find((l) => l.displayName === spec.displayName);
    if (!found) {
      const { body } = await graph.request<GraphList>('POST', `${site}/lists`, {
        displayName: spec.displayName,
        description: spec.description,
        columns: spec.columns.map(columnDefinition),
        list: { template: 'genericList' },
      });
      report.listIds[spec.key] = body.id;
      report.createdLists.push(spec.displayName);
    } else {
      report.listIds[spec.key] = found.id;
    }
    // Verify (also right after creating: a service may ignore column properties on list creation).
    const listPath = `${site}/lists/${report.listIds[spec.key]}`;
    const columns = await graph.all<GraphColumn>(`${listPath}/columns`);
    for (const c of spec.columns) {
      const have = columns.find((x) => x.name.toLowerCase() === c.name.toLowerCase());
      const label = `${spec.displayName}.${c.name}`;
      if (!have) {
        await graph.request('POST', `${listPath}/columns`, columnDefinition(c));
        report.addedColumns.push(label);
        continue;
      }
      if (typeOf(have) !== c.type) {
        report.mismatches.push(`${label}: er ${typeOf(have)}, skal være ${c.type}`);
        continue;
      }
      const needIndex = Boolean(c.indexed) && !have.indexed;
      const needUnique = Boolean(c.unique) && !have.enforceUniqueValues;
      if (needIndex || needUnique) {
        await graph.request('PATCH', `${listPath}/columns/${have.id}`, {
          indexed: true,
          ...(c.unique ? { enforceUniqueValues: true } : {}),
        });
        report.indexedColumns.push(label);
      }
    }
  }
  return report;
}
