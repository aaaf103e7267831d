/**
 * POST /discord/interactions: verified with Ed25519 on the raw body (401 otherwise, which Discord probes for),
 * PING answered with PONG, `/memory` and button presses deferred at once (type 5 / type 6, `firstAnswer`) and
 * handled after the response: attachments and, without the gateway, the channel's recent photos are collected, then
 * the command runs and fills the deferred reply by editing it. An interaction forwarded by the edge Worker was
 * verified and deferred there: it is handled the same way, and its answer goes to the Worker's queue consumer only.
 */
import type { KeyObject } from "node:crypto";
import type { REST } from "discord.js";
import type { Context } from "hono";
import type { ChatTarget } from "../../core/chat/chat-adapter.ts";
import type { MemoryCommand } from "../../core/memories/parse-command.ts";
import { parseMemoryCommand } from "../../core/memories/parse-command.ts";
import type { BotDeps } from "../common/bot-deps.ts";
import { edgeDeliveryOf } from "../common/edge-delivery.ts";
import { friendlyError } from "../common/friendly-error.ts";
import { collectAttachments, collectRecentMessages, type DiscordAttachment } from "./collect-photos.ts";
import type { DiscordAdapter } from "./discord-adapter.ts";
import { BUTTON_PREFIX, firstAnswer } from "./first-answer.ts";
import { type CommandOption, PHOTO_OPTIONS, toMemoryCommand } from "./memory-command.ts";
import { type IntentState, NO_VISIBLE_PHOTOS_HINT } from "./message-content-intent.ts";
import { interactionEntitlements } from "./premium.ts";
import { readSignedDiscordJson } from "./verify.ts";

/** How long the answer may wait for the delivery claim before deferring anyway. */
const CLAIM_WAIT_MS = 1500;

interface Interaction {
  id: string;
  type: number;
  token: string;
  application_id: string;
  guild_id?: string;
  channel_id?: string;
  channel?: { id: string };
  member?: { user?: { id: string; username?: string } };
  user?: { id: string; username?: string };
  locale?: string;
  attachment_size_limit?: number;
  entitlements?: unknown[];
  data?: {
    name?: string;
    custom_id?: string;
    options?: CommandOption[];
    resolved?: { attachments?: Record<string, DiscordAttachment> };
  };
}

export interface InteractionHandlerOptions {
  deps: BotDeps;
  adapter: DiscordAdapter;
  rest: REST;
  publicKey: KeyObject;
  /** With the gateway on, photos are collected as they arrive; otherwise /memory reads recent messages. */
  gateway: boolean;
  /** Whether the Message Content intent is on, as read at start (history shows no attachments without it). */
  intent?: () => IntentState;
  /** The premium SKU: its entitlements on an interaction are reported to billing before the command runs. */
  premiumSkuId?: string;
  /** Lets tests wait for the work done after the response. */
  onSettled?: (work: Promise<void>) => void;
}

export function createInteractionHandler(options: InteractionHandlerOptions) {
  const { deps, adapter, rest } = options;
  const log = deps.logger.child({ module: "discord" });

  return async (c: Context): Promise<Response> => {
    const read = await readSignedDiscordJson<Interaction>(c, options.publicKey, log, "discord interaction");
    if ("refusal" in read) return read.refusal;
    const interaction = read.body;
    const edge = edgeDeliveryOf(c);
    const answer = firstAnswer(interaction);
    const channelId = interaction.channel_id ?? interaction.channel?.id;
    if (!answer.follows || !channelId) return c.json(answer.body);
    const isCommand = answer.follows === "command";
    const deferred = answer.body;
    // Discord drops the interaction after 3 s: a slow database must not hold the deferral back, so the claim is
    // given a moment here and otherwise finished (and honoured) after the response.
    const claim = deps.deliveries.recordInboundDelivery("discord", interaction.id);
    const early = await Promise.race([
      claim,
      new Promise<"slow">((r) => setTimeout(() => r("slow"), CLAIM_WAIT_MS).unref()),
    ]);
    if (early === false) {
      log.info({ interactionId: interaction.id }, "duplicate discord interaction skipped");
      return c.json(deferred);
    }
    const user = interaction.member?.user ?? interaction.user;
    const statusMessage = adapter.noteInteraction({
      id: interaction.id,
      token: interaction.token,
      channelId,
      ...(deferred.data?.flags === 64 && user ? { privateTo: user.id } : {}),
      ...(edge ? { receivedAt: edge.receivedAt } : {}),
      ...(interaction.attachment_size_limit
        ? { attachmentSizeLimit: interaction.attachment_size_limit }
        : {}),
    });
    const target: ChatTarget = {
      platform: "discord",
      ...(interaction.guild_id ? { workspaceId: interaction.guild_id } : {}),
      channelId,
    };
    const work = (async () => {
      // A claim that failed after the deferral (the database went down) leaves the user a sentence, not "thinking…".
      const claimed = await claim.catch(async (error: unknown) => {
        log.warn({ err: error, interactionId: interaction.id }, "discord interaction could not be recorded");
        await adapter.editMessage?.(statusMessage, { text: friendlyError(error) }).catch(() => undefined);
        return false;
      });
      if (!claimed) return;
      try {
        let command: MemoryCommand;
        let hint: string | undefined;
        if (isCommand) {
          const opts = interaction.data?.options ?? [];
          command = toMemoryCommand(opts);
          const resolved = interaction.data?.resolved?.attachments ?? {};
          const attached = opts
            .filter(
              (o) => (PHOTO_OPTIONS as readonly string[]).includes(o.name) && typeof o.value === "string",
            )
            .map((o) => resolved[String(o.value)])
            .filter((a): a is DiscordAttachment => Boolean(a));
          const key = `discord:${interaction.id}`;
          // Photos gathered by this command are recorded (pending) before it runs, so its memory includes them and
          // waits for their downloads.
          const meta = { deliveryKey: key, quiet: true, ...(user ? { userId: user.id } : {}) };
          if (attached.length > 0) await collectAttachments(deps, target, attached, meta);
          if (!options.gateway && command.kind === "request") {
            const history = await collectRecentMessages(deps, rest, target, key);
            const intentOn = (options.intent?.() ?? "unknown") === "enabled";
            if (history.visible === 0 && attached.length === 0 && !intentOn) hint = NO_VISIBLE_PHOTOS_HINT;
          }
        } else {
          command = parseMemoryCommand((interaction.data?.custom_id ?? "").slice(BUTTON_PREFIX.length));
        }
        // Entitlements are Discord's source of truth: what this interaction carries is recorded first, so the
        // command (and the quota) sees premium bought a moment ago even before its webhook event arrives.
        if (options.premiumSkuId && deps.billing) {
          const seen = interactionEntitlements(interaction.entitlements, options.premiumSkuId, new Date());
          for (const entitlement of seen) await deps.billing.discordEntitlement({ ...entitlement, target });
        }
        await deps.runMemoryCommand({
          target,
          command,
          userId: user?.id ?? "",
          ...(user?.username ? { userName: user.username } : {}),
          ...(interaction.locale ? { locale: interaction.locale } : {}),
          statusMessage,
          deliveryKey: `discord:${interaction.id}`,
        });
        // After the command, whose status fills the deferred reply: the hint is a message of its own.
        if (hint) await adapter.postMessage(target, { text: hint });
        await deps.deliveries.markDeliveryDone("discord", interaction.id);
      } catch (error) {
        await deps.deliveries.markDeliveryFailed("discord", interaction.id).catch(() => undefined);
        log.warn({ err: error, channel: channelId }, "discord interaction failed");
        await adapter.editMessage?.(statusMessage, { text: friendlyError(error) }).catch(() => undefined);
      }
    })();
    options.onSettled?.(work);
    return c.json(deferred);
  };
}
