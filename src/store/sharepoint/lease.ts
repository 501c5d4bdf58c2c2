// A lease in a SharePoint list so that only one instance runs a job at a time (the scheduler's daily
// scan) when several API instances run behind a load balancer. The lease is one list item per key;
// taking or renewing it is a write with the item's ETag (If-Match), so of two instances that read the
// same free lease only one write succeeds — the other gets 412 and stays out. Each acquisition
// increases a fencing number the holder can pass along.
import type { JobLease, LeaseGrant } from '../../followup/followup.port.ts';
import { type Graph, GraphHttpError } from './graph.ts';
import { filterOn, type ListKey } from './schema.ts';

export type { JobLease, LeaseGrant };

interface LeaseItem {
  id: string;
  eTag: string;
  fields: { LeaseKey: string; Holder?: string; ExpiresAt?: string; Fence?: number };
}

export class SharePointLease implements JobLease {
  private readonly path: string;
  constructor(
    private readonly graph: Graph,
    siteId: string,
    lists: Readonly<Record<ListKey, string>>,
  ) {
    this.path = `/sites/${encodeURIComponent(siteId)}/lists/${lists.leases}/items`;
  }

  private async read(key: string): Promise<LeaseItem | null> {
    const found = await this.graph.all<LeaseItem>(
      `${this.path}?$expand=fields&$filter=${encodeURIComponent(filterOn('leases', 'LeaseKey', 'eq', key))}`,
    );
    return found[0] ?? null;
  }

  async tryAcquire(
    key: string,
    holder: string,
    now: Date,
    ttlMs: number,
  ): Promise<LeaseGrant | null> {
    const expiresAt = new Date(now.getTime() + ttlMs);
    const item = await this.read(key);
    try {
      if (!item) {
        const { body } = await this.graph.request<LeaseItem>('POST', this.path, {
          fields: {
            Title: key,
            LeaseKey: key,
            Holder: holder,
            ExpiresAt: expiresAt.toISOString(),
            Fence: 1,
          },
        });
        return { key, holder, expiresAt, fence: Number(body.fields.Fence ?? 1) };
      }
      const f = item.fields;
      const free = !f.Holder || !f.ExpiresAt || Date.parse(f.ExpiresAt) <= now.getTime();
      if (!free && f.Holder !== holder) return null;
      const fence = Number(f.Fence ?? 0) + 1;
      await this.graph.request(
        'PATCH',
        `${this.path}/${item.id}/fields`,
        { Holder: holder, ExpiresAt: expiresAt.toISOString(), Fence: fence },
        { 'If-Match': item.eTag },
      );
      return { key, holder, expiresAt, fence };
    } catch (e) {
      // Another instance wrote first: it holds the lease now.
      if (e instanceof GraphHttpError && (e.status === 412 || e.status === 409)) return null;
      throw e;
    }
  }

  async release(key: string, holder: string): Promise<void> {
    const item = await this.read(key);
    if (!item || item.fields.Holder !== holder) return;
    try {
      await this.graph.request(
        'PATCH',
        `${this.path}/${item.id}/fields`,
        { Holder: null, ExpiresAt: null },
        { 'If-Match': item.eTag },
      );
    } catch (e) {
      if (!(e instanceof GraphHttpError && e.status === 412)) throw e;
    }
  }
}
