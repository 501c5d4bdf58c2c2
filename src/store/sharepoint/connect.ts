// Reads the SharePoint settings from the environment and builds the Graph transport: the app's own
// token (client credentials), and a signed-in user's on-behalf-of token for their own register
// writes (caller.ts). See docs/deploy.md for the variables.
import {
  type SharePointAnnouncementStore,
  type SharePointChannelOutbox,
  sharePointAnnouncements,
} from './announcements.ts';
import { callerTokens, type OnBehalfOf } from './caller.ts';
import { SharePointDocumentRecords } from './documents.ts';
import { SharePointConversationRefs, SharePointFollowUpStore } from './followup-store.ts';
import { Graph } from './graph.ts';
import { SharePointLease } from './lease.ts';
import { SharePointOutbox } from './outbox.ts';
import { findLists } from './provision.ts';
import { openSharePointRegister, type SharePointRegisterStore } from './register-store.ts';
import type { ListKey } from './schema.ts';
import { type Sealer, sealerFromEnv } from './seal.ts';
import { SharePointOrderRecords } from './spend-orders.ts';
import {
  clientCredentials,
  confidentialClient,
  type EntraAppOptions,
  type EntraFetch,
  fetchNetwork,
  onBehalfOfTokens,
  staticToken,
  type TokenProvider,
} from './tokens.ts';

export interface SharePointSettings {
  readonly siteId: string;
  readonly graph: Graph;
  /** The app's token (also for the archive library, which has its own Graph client). */
  readonly tokens: TokenProvider;
  /**
   * Whether a signed-in user's own register writes go to Graph with their on-behalf-of token
   * (`graph` selects it per call, see caller.ts): STORE=sharepoint with AUTH_MODE=entra and an
   * Entra secret or certificate, unless SHAREPOINT_OBO=off; never with GRAPH_TOKEN.
   */
  readonly onBehalfOf: boolean;
  readonly baseUrl: string;
  /**
   * SHAREPOINT_SEAL_KEY (+ SHAREPOINT_SEAL_KEY_PREVIOUS): seals confidential values at rest (seal.ts);
   * null when not set. A malformed key is refused here.
   */
  readonly seal: Sealer | null;
}

/** Why SHAREPOINT_SEAL_KEY is required with on-behalf-of (start-up refuses without it). */
export const SEAL_KEY_REQUIRED =
  'Mangler SHAREPOINT_SEAL_KEY: med SHAREPOINT_OBO=on (standard) trenger kontraktseiere ' +
  'skrivetilgang til listene Kontrakter og Endringslogg i SharePoint og kan da lese dem direkte, ' +
  'så konfidensielle verdier må forsegles. Lag en nøkkel med «openssl rand -base64 32» og legg den ' +
  'i App Service-innstillingene (Key Vault-referanse), se docs/deploy.md — eller sett SHAREPOINT_OBO=off.';

/** Where documents are filed in SharePoint mode: a document library (drive) on the tenant. */
export interface ArchiveLibrarySettings {
  /** ARCHIVE_DRIVE_ID: the document library's drive id. */
  readonly driveId: string;
  /** ARCHIVE_ROOT_FOLDER (default `Arkiv/Kontraktsoppfølging`): folder receiving the packages. */
  readonly rootFolder: string;
  /** Graph host without the version (from ARCHIVE_GRAPH_BASE_URL, else GRAPH_BASE_URL). */
  readonly graphBaseUrl: string;
  readonly getToken: () => Promise<string>;
}

/** The archive library from the environment, or null when ARCHIVE_DRIVE_ID is not set. */
export function archiveLibraryFromEnv(
  env: NodeJS.ProcessEnv,
  settings: Pick<SharePointSettings, 'tokens' | 'baseUrl'>,
): ArchiveLibrarySettings | null {
  const driveId = env.ARCHIVE_DRIVE_ID?.trim();
  if (!driveId) return null;
  if (!/^[\w!.-]{1,200}$/.test(driveId)) throw new Error('ARCHIVE_DRIVE_ID er ugyldig');
  const rootFolder = (env.ARCHIVE_ROOT_FOLDER ?? 'Arkiv/Kontraktsoppfølging').replace(
    /^\/+|\/+$/g,
    '',
  );
  if (
    !rootFolder ||
    rootFolder
      .split('/')
      .some(
        (p) =>
          p === '' ||
          p === '.' ||
          p === '..' ||
          /["*:<>?\\|]/.test(p) ||
          [...p].some((ch) => ch.charCodeAt(0) < 32 || ch.charCodeAt(0) === 127),
      )
  )
    throw new Error('ARCHIVE_ROOT_FOLDER er ugyldig');
  const base = (env.ARCHIVE_GRAPH_BASE_URL ?? settings.baseUrl).replace(/\/+$/, '');
  return {
    driveId,
    rootFolder,
    graphBaseUrl: base.replace(/\/(v1\.0|beta)$/, ''),
    getToken: () => settings.tokens.getToken(),
  };
}

/**
 * SHAREPOINT_SITE_ID (required), GRAPH_BASE_URL (default https://graph.microsoft.com/v1.0), and
 * either ENTRA_TENANT_ID + ENTRA_CLIENT_ID + ENTRA_CLIENT_SECRET (or ENTRA_CLIENT_CERT_THUMBPRINT +
 * ENTRA_CLIENT_CERT_KEY_FILE contents in ENTRA_CLIENT_CERT_KEY), or GRAPH_TOKEN (a token obtained
 * elsewhere, e.g. for a one-off provisioning run by an administrator).
 */
export function sharePointFromEnv(
  env: NodeJS.ProcessEnv = process.env,
  overrides: { siteId?: string | undefined; entraFetch?: EntraFetch | undefined } = {},
): SharePointSettings {
  const siteId = overrides.siteId ?? env.SHAREPOINT_SITE_ID;
  if (!siteId) throw new Error('Mangler SHAREPOINT_SITE_ID (eller --site)');
  if (!/^[\w.-]+,[0-9a-f-]{36},[0-9a-f-]{36}$/i.test(siteId)) {
    throw new Error('SHAREPOINT_SITE_ID skal ha formen vertsnavn,områdesamling-id,nett-id');
  }
  const baseUrl = env.GRAPH_BASE_URL ?? 'https://graph.microsoft.com/v1.0';
  let tokens: TokenProvider;
  let onBehalfOf: OnBehalfOf | null = null;
  if (env.SHAREPOINT_OBO !== undefined && !/^(on|off)$/.test(env.SHAREPOINT_OBO)) {
    throw new Error('SHAREPOINT_OBO skal være on eller off');
  }
  const seal = sealerFromEnv(env);
  if (env.GRAPH_TOKEN) tokens = staticToken(env.GRAPH_TOKEN);
  else {
    const tenantId = env.ENTRA_TENANT_ID;
    const clientId = env.ENTRA_CLIENT_ID;
    if (!tenantId || !clientId) {
      throw new Error('Mangler ENTRA_TENANT_ID og ENTRA_CLIENT_ID (eller GRAPH_TOKEN)');
    }
    const entraApp: EntraAppOptions = {
      tenantId,
      clientId,
      clientSecret: env.ENTRA_CLIENT_SECRET,
      certificate:
        env.ENTRA_CLIENT_CERT_THUMBPRINT && env.ENTRA_CLIENT_CERT_KEY
          ? {
              thumbprintSha256: env.ENTRA_CLIENT_CERT_THUMBPRINT,
              privateKey: env.ENTRA_CLIENT_CERT_KEY,
            }
          : undefined,
      authorityHost: env.ENTRA_AUTHORITY_HOST,
      networkClient: overrides.entraFetch ? fetchNetwork(overrides.entraFetch) : undefined,
    };
    // One confidential client for both flows (MSAL caches the app's token and each user's).
    const msal = confidentialClient(entraApp);
    tokens = clientCredentials(entraApp, msal);
    if ((env.AUTH_MODE ?? 'entra') === 'entra' && env.SHAREPOINT_OBO !== 'off') {
      onBehalfOf = onBehalfOfTokens(entraApp, msal);
    }
  }
  return {
    siteId,
    graph: new Graph({ baseUrl, tokens: callerTokens(tokens, onBehalfOf) }),
    tokens,
    baseUrl,
    onBehalfOf: onBehalfOf !== null,
    seal,
  };
}

/** The SharePoint side of the services: one Graph client, the site and its lists. */
export interface SharePointConnection {
  readonly graph: Graph;
  readonly siteId: string;
  readonly lists: Readonly<Record<ListKey, string>>;
  readonly store: SharePointRegisterStore;
  readonly outbox: SharePointOutbox;
  readonly lease: SharePointLease;
  /** The follow-up engine's routines, settings, tasks and plan fingerprints. */
  readonly followUp: SharePointFollowUpStore;
  /** The bot's conversation references (any instance may send any reminder). */
  readonly conversations: SharePointConversationRefs;
  /** Ordered spend analyses (Bestill innkjøpsanalyse). */
  readonly spendOrders: SharePointOrderRecords;
  /** Kontraktservice's channel announcements (Kunngjøringer) … */
  readonly announcements: SharePointAnnouncementStore;
  /** … and their channel outbox (Kanalutboks), claimed with ETags like `outbox`. */
  readonly channelOutbox: SharePointChannelOutbox;
  /** Document records (Dokumentposter); shared with the kept files in the archive library. */
  readonly documents: SharePointDocumentRecords;
  /** The document library documents are filed in (ARCHIVE_DRIVE_ID); null: the folder archive. */
  readonly archive: ArchiveLibrarySettings | null;
  /** Stops the background refresh of the follow-up cache. */
  close(): void;
}

/** How often the follow-up cache is refreshed in the background (its synchronous reads, e.g. routines). */
const FOLLOWUP_REFRESH_MS = 5000;

/** Everything the services need in SharePoint mode, from the environment (one Graph client). */
export async function openSharePointFromEnv(
  env: NodeJS.ProcessEnv = process.env,
  now: () => Date = () => new Date(),
  entraFetch?: EntraFetch,
): Promise<SharePointConnection> {
  const settings = sharePointFromEnv(env, { entraFetch });
  const { graph, siteId, seal } = settings;
  // Owners who may write the lists may read them in SharePoint: their confidential values are sealed.
  if (settings.onBehalfOf && !seal) throw new Error(SEAL_KEY_REQUIRED);
  const archive = archiveLibraryFromEnv(env, settings);
  const store = await openSharePointRegister({ graph, siteId, now, seal });
  const lists = await findLists(graph, siteId);
  const followUp = new SharePointFollowUpStore({ graph, siteId, lists });
  await followUp.refresh(true);
  const timer = setInterval(() => {
    followUp.refresh().catch(() => undefined); // the next operation's refresh reports errors
  }, FOLLOWUP_REFRESH_MS);
  timer.unref();
  const announcements = sharePointAnnouncements({ graph, siteId, lists });
  return {
    graph,
    siteId,
    lists,
    store,
    outbox: new SharePointOutbox(graph, siteId, lists, now),
    lease: new SharePointLease(graph, siteId, lists),
    followUp,
    conversations: new SharePointConversationRefs({ graph, siteId, lists }, now),
    spendOrders: new SharePointOrderRecords({ graph, siteId, lists }),
    announcements: announcements.store,
    channelOutbox: announcements.outbox,
    documents: new SharePointDocumentRecords({ graph, siteId, lists }),
    archive,
    close: () => clearInterval(timer),
  };
}
