import {
  type Activity,
  type CloudAdapter,
  type ConversationReference,
  TurnContext,
} from 'botbuilder';
import { announcementCard } from '../cards/announcement.ts';
import { langFromLocale } from '../cards/i18n.ts';
import type {
  ConversationRefStore,
  Deliver,
  DeliverToChannel,
  DeliveryResult,
} from '../followup/followup.port.ts';
import type { BotLogic, LogFn } from './logic.ts';
import { cardActivity } from './teams-bot.ts';

/** `Retry-After` as seconds or an HTTP date, in milliseconds. */
export function retryAfterMs(
  header: string | null | undefined,
  now = Date.now(),
): number | undefined {
  if (!header) return undefined;
  const seconds = Number(header);
  if (Number.isFinite(seconds) && seconds >= 0) return Math.round(seconds * 1000);
  const at = Date.parse(header);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

interface HttpErrorShape {
  statusCode?: unknown;
  code?: unknown;
  response?: { status?: unknown; headers?: { get?: (name: string) => string | null | undefined } };
}

/** The connector's HTTP answer in a failed send; network failures count as a bad gateway. */
export function deliveryResultOf(error: unknown): DeliveryResult {
  const e = (error ?? {}) as HttpErrorShape;
  const status =
    typeof e.statusCode === 'number'
      ? e.statusCode
      : typeof e.response?.status === 'number'
        ? e.response.status
        : null;
  if (status === null) {
    // No HTTP answer at all: timeouts are 504, refused/reset connections 502 (both retried).
    const code = typeof e.code === 'string' ? e.code : '';
    return { status: /TIMEDOUT|TIMEOUT|ABORT/i.test(code) ? 504 : 502 };
  }
  const header = e.response?.headers?.get?.('retry-after');
  const retry = retryAfterMs(header);
  return retry === undefined ? { status } : { status, retryAfterMs: retry };
}

/** The part of botframework-connector's `ConnectorClient` used here (the adapter makes it per turn). */
interface ConnectorLike {
  readonly conversations: {
    sendToConversation(conversationId: string, activity: Activity): Promise<unknown>;
  };
}

/**
 * The outbox sender retries (with the Teams rate limits, backoff and a persisted outbox), so the
 * connector client must not retry on its own: its default pipeline would wait out a 429's
 * `Retry-After` (hiding it from the rate limiter) and retry refused connections for seconds.
 */
function withoutClientRetries(client: ConnectorLike): void {
  const pipeline = (
    client as unknown as {
      client?: { pipeline?: { removePolicy(o: { phase: 'Retry' }): unknown } };
    }
  ).client?.pipeline;
  pipeline?.removePolicy({ phase: 'Retry' });
}

/**
 * The outbox sender's `deliver`: finds the recipient's personal conversation, builds the reminder
 * card as that user sees the task now, and posts it with `continueConversationAsync`. Returns the
 * connector's HTTP status (429, 412, 502, 504 … reach the sender, which retries); 404 when the user
 * has no conversation with the bot, 204 when there is nothing left to remind of (task closed,
 * deleted, or no longer the user's).
 */
export function createDeliver(
  adapter: CloudAdapter,
  appId: string,
  logic: BotLogic,
  refs: ConversationRefStore,
  log: LogFn,
): Deliver {
  return async (notification) => {
    const stored = await refs.get(notification.recipientUserId, 'personal');
    if (!stored) return { status: 404 };
    let reference: Partial<ConversationReference>;
    try {
      reference = JSON.parse(stored.referenceJson) as Partial<ConversationReference>;
    } catch {
      log('error', 'Bot: ugyldig lagret samtalereferanse', stored.conversationId);
      return { status: 404 };
    }
    if (!reference.conversation?.id || !reference.serviceUrl) return { status: 404 };
    const card = await logic.notificationCard(
      notification,
      reference.user?.id ?? '',
      reference.locale ?? undefined,
    );
    if (!card) return { status: 204 };
    let result: DeliveryResult = { status: 0 };
    await adapter.continueConversationAsync(appId, reference, async (context) => {
      try {
        const client = context.turnState.get<ConnectorLike>(adapter.ConnectorClientKey);
        withoutClientRetries(client);
        // A new message in the conversation (not a reply to the message the reference came from).
        const activity = TurnContext.applyConversationReference(cardActivity(card), reference);
        activity.replyToId = undefined;
        const sent = (await client.conversations.sendToConversation(
          reference.conversation?.id ?? '',
          activity as Activity,
        )) as { _response?: { status?: number } };
        result = { status: sent._response?.status ?? 201 };
      } catch (error) {
        result = deliveryResultOf(error);
        log('info', `Bot: levering feilet med ${result.status}`, String(error));
      }
    });
    return result;
  };
}

/**
 * The channel outbox sender's `deliverToChannel`: posts an announcement card as a new post in the
 * channel (`POST {serviceUrl}/v3/conversations/{channel id}/activities`, the channel id without a
 * thread's `;messageid=`). The card is built for the channel, read by everyone in it: it carries
 * only the announcement. 404 when the bot has no reference for the channel (removed).
 */
export function createChannelDeliver(
  adapter: CloudAdapter,
  appId: string,
  log: LogFn,
): DeliverToChannel {
  return async (delivery) => {
    if (!delivery.referenceJson) return { status: 404 };
    let reference: Partial<ConversationReference>;
    try {
      reference = JSON.parse(delivery.referenceJson) as Partial<ConversationReference>;
    } catch {
      log('error', 'Bot: ugyldig lagret kanalreferanse', delivery.conversationId);
      return { status: 404 };
    }
    if (!reference.serviceUrl || !reference.conversation) return { status: 404 };
    const channelId = delivery.conversationId.split(';')[0] ?? delivery.conversationId;
    const target: Partial<ConversationReference> = {
      ...reference,
      conversation: { ...reference.conversation, id: channelId },
      activityId: undefined,
    };
    const card = announcementCard(delivery.announcement, langFromLocale(reference.locale));
    let result: DeliveryResult = { status: 0 };
    await adapter.continueConversationAsync(appId, target, async (context) => {
      try {
        const client = context.turnState.get<ConnectorLike>(adapter.ConnectorClientKey);
        withoutClientRetries(client);
        const activity = TurnContext.applyConversationReference(cardActivity(card), target);
        activity.replyToId = undefined;
        // Lets a receiver de-duplicate, should the one unavoidable crash window ever resend.
        activity.channelData = { idempotencyKey: delivery.idempotencyKey };
        const sent = (await client.conversations.sendToConversation(
          channelId,
          activity as Activity,
        )) as { _response?: { status?: number } };
        result = { status: sent._response?.status ?? 201 };
      } catch (error) {
        result = deliveryResultOf(error);
        log('info', `Bot: kunngjøring til kanal feilet med ${result.status}`, String(error));
      }
    });
    return result;
  };
}
