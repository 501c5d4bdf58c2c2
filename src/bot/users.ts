import type { User } from '../core/users.ts';
import type { DirectoryStore } from '../store/register.port.ts';

/** Who wrote to the bot, as Teams tells it. */
export interface TeamsIdentity {
  /** The user's id in this conversation (Teams MRI, `29:…`). */
  readonly id: string;
  /** Entra ID object id. */
  readonly aadObjectId?: string | undefined;
  readonly name?: string | undefined;
}

const EMAIL_CACHE_MS = 60_000;

/**
 * Maps a Teams user to a user of the register, the same way the API maps a token: by Entra object
 * id (the user's id in the directory), else by e-mail / UPN (asked from Teams only when needed).
 * In development (`AUTH_MODE=dev`) an unknown user can be mapped to one demo user, so the Agents
 * Playground's mock users can try the bot.
 */
export class UserResolver {
  private byEmail: { at: number; map: Map<string, User> } | null = null;

  constructor(
    private readonly directory: Pick<DirectoryStore, 'getUser' | 'listUsers'>,
    private readonly clock: () => Date,
    private readonly devUserId: string | null = null,
  ) {}

  async resolve(identity: TeamsIdentity, lookupEmail: () => Promise<string | null>) {
    if (identity.aadObjectId) {
      const user = await this.directory.getUser(identity.aadObjectId);
      if (user) return user;
    }
    const email = (await lookupEmail().catch(() => null))?.trim().toLowerCase();
    if (email) {
      const user = (await this.emailMap()).get(email);
      if (user) return user;
    }
    if (this.devUserId) return this.directory.getUser(this.devUserId);
    return null;
  }

  private async emailMap(): Promise<Map<string, User>> {
    const now = this.clock().getTime();
    if (!this.byEmail || now - this.byEmail.at > EMAIL_CACHE_MS) {
      const users = await this.directory.listUsers();
      this.byEmail = { at: now, map: new Map(users.map((u) => [u.email.toLowerCase(), u])) };
    }
    return this.byEmail.map;
  }
}
