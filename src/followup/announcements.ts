import { randomUUID } from 'node:crypto';
import { isAdmin } from '../core/access.ts';
import { DomainError, forbidden, notFound } from '../core/errors.ts';
import {
  type Announcement,
  type AnnouncementInput,
  announcementInputSchema,
  type Routine,
} from '../core/followup/index.ts';
import type { User } from '../core/users.ts';
import {
  type AnnouncementStore,
  baseConversationId,
  type ChannelDeliveryStatus,
} from './announcement-store.port.ts';
import type { Channel, OutboxState } from './followup.port.ts';

export type { AnnouncementStore, ChannelDeliveryStatus } from './announcement-store.port.ts';
export { baseConversationId } from './announcement-store.port.ts';
export { SqliteAnnouncementStore, SqliteChannelOutbox } from './sqlite-announcements.ts';

export interface AnnouncementView extends Announcement {
  readonly deliveries: readonly ChannelDeliveryStatus[];
  readonly counts: { readonly pending: number; readonly sent: number; readonly dead: number };
}

/**
 * Kontraktservice's announcements to the Teams channels where the bot is installed: validated,
 * stored, and written to the channel outbox (one item per channel) as one unit through the
 * `AnnouncementStore` (SQLite transaction, or SharePoint lists shared by every instance).
 */
export class AnnouncementService {
  constructor(
    private readonly store: AnnouncementStore,
    private readonly clock: () => Date,
    private readonly onEnqueued: () => void = () => {},
  ) {}

  private requireAdmin(user: User): void {
    if (!isAdmin(user)) throw forbidden('Bare Kontraktservice kan sende kunngjøringer til kanaler');
  }

  /** Team channels with a saved reference (group chats are not channels and are left out). */
  async channels(user: User): Promise<Channel[]> {
    this.requireAdmin(user);
    return this.installedChannels();
  }

  private async installedChannels(): Promise<Channel[]> {
    const rows = await this.store.channelRefs();
    const byId = new Map<string, Channel>();
    for (const r of rows) {
      let conversation: { conversationType?: unknown; name?: unknown } = {};
      try {
        conversation =
          (JSON.parse(r.referenceJson) as { conversation?: typeof conversation }).conversation ??
          {};
      } catch {
        continue;
      }
      if (conversation.conversationType !== 'channel') continue;
      const id = baseConversationId(r.conversationId);
      if (byId.has(id)) continue;
      byId.set(id, {
        conversationId: id,
        name: typeof conversation.name === 'string' ? conversation.name.slice(0, 200) : null,
        updatedAt: r.updatedAt,
      });
    }
    return [...byId.values()];
  }

  /** Posts an announcement to the chosen channels (default: every channel); 201 with its status. */
  async create(user: User, input: unknown): Promise<AnnouncementView> {
    this.requireAdmin(user);
    const parsed = announcementInputSchema.safeParse(input);
    if (!parsed.success) {
      throw new DomainError(
        'validation',
        'Kunngjøringen er ugyldig',
        parsed.error.issues.map((i) => ({
          field: i.path.map(String).join('.'),
          message: i.message,
        })),
      );
    }
    return this.post(user, parsed.data);
  }

  private async post(user: User, a: AnnouncementInput): Promise<AnnouncementView> {
    const installed = await this.installedChannels();
    let targets: Channel[];
    if (a.channelIds) {
      const byId = new Map(installed.map((c) => [c.conversationId, c]));
      const issues: { field: string; message: string }[] = [];
      targets = [];
      for (const [i, raw] of a.channelIds.entries()) {
        const c = byId.get(baseConversationId(raw));
        if (!c)
          issues.push({ field: `channelIds.${i}`, message: 'boten er ikke installert i kanalen' });
        else if (!targets.includes(c)) targets.push(c);
      }
      if (issues.length > 0) throw new DomainError('validation', 'Ukjent kanal', issues);
    } else {
      targets = installed;
    }
    if (targets.length === 0) {
      throw new DomainError('validation', 'Boten er ikke installert i noen kanal', [
        { field: 'channelIds', message: 'ingen kanaler å sende til' },
      ]);
    }
    const now = this.clock();
    const at = now.toISOString();
    const announcement: Announcement = {
      id: randomUUID(),
      kind: a.kind,
      title: a.title,
      text: a.text,
      link: a.link ?? null,
      course: a.course ?? null,
      routineId: a.routineId ?? null,
      createdAt: at,
      createdBy: user.id,
    };
    await this.store.create(
      announcement,
      targets.map((c) => ({ conversationId: c.conversationId, name: c.name })),
      now,
    );
    this.onEnqueued();
    return (await this.viewsOf([announcement]))[0] as AnnouncementView;
  }

  /** Announces a routine change (routines API, `announce=true`) to every channel. */
  async announceRoutine(user: User, routine: Routine, text?: string): Promise<AnnouncementView> {
    this.requireAdmin(user);
    const name = routine.name.nb;
    const activities = routine.activities.map((x) => `• ${x.title.nb}`).join('\n');
    const input = {
      kind: 'routine_update',
      title: `Oppdatert rutine: ${name}`.slice(0, 200),
      text: (
        text?.trim() ||
        `Kontraktservice har oppdatert rutinen «${name}» (versjon ${routine.version}).\n\n${activities}`
      ).slice(0, 4000),
      routineId: routine.id,
    };
    return this.create(user, input);
  }

  async list(user: User, limit = 50): Promise<AnnouncementView[]> {
    this.requireAdmin(user);
    return this.viewsOf(await this.store.list(Math.min(Math.max(limit, 1), 500)));
  }

  async get(user: User, id: string): Promise<AnnouncementView> {
    this.requireAdmin(user);
    const a = await this.store.get(id);
    if (!a) throw notFound('Kunngjøringen');
    return (await this.viewsOf([a]))[0] as AnnouncementView;
  }

  private async viewsOf(list: readonly Announcement[]): Promise<AnnouncementView[]> {
    const byId = await this.store.deliveries(list.map((a) => a.id));
    return list.map((a) => {
      const deliveries = byId.get(a.id) ?? [];
      const count = (s: OutboxState) => deliveries.filter((d) => d.state === s).length;
      return {
        ...a,
        deliveries,
        counts: { pending: count('pending'), sent: count('sent'), dead: count('dead') },
      };
    });
  }
}
