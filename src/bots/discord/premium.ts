/**
 * Premium bought inside Discord (Premium Apps): an entitlement to the premium SKU (DISCORD_PREMIUM_SKU_ID) is the
 * source of truth. Entitlements reach us on every interaction (`interaction.entitlements`) and at the Webhook
 * Events URL (POST /discord/webhook-events: ENTITLEMENT_CREATE, ENTITLEMENT_UPDATE, ENTITLEMENT_DELETE), which is
 * verified with Ed25519 exactly like interactions and answers Discord's PING (type 0) with 204. The upgrade card
 * gets Discord's premium button (component style 6 with the `sku_id`).
 */
import type { KeyObject } from "node:crypto";
import type { APIEntitlement } from "discord.js";
import type { Context } from "hono";
import type { Logger } from "pino";
import type { BotBilling, DiscordEntitlement } from "../common/bot-deps.ts";
import { readSignedDiscordJson } from "./verify.ts";

/** Action values of this form render as Discord's premium button for that SKU (see components.ts). */
export const SKU_VALUE_PREFIX = "discord-sku:";

export function skuValue(skuId: string): string {
  return `${SKU_VALUE_PREFIX}${skuId}`;
}

/** The SKU id of a premium-button action value, or null. */
export function skuOfValue(value: string): string | null {
  if (!value.startsWith(SKU_VALUE_PREFIX)) return null;
  const id = value.slice(SKU_VALUE_PREFIX.length);
  return /^\d{5,25}$/.test(id) ? id : null;
}

/** Discord's webhook timestamps carry no zone ("2024-10-18T18:41:21.109604"); they are UTC. */
function parseDiscordTime(value: string | null | undefined): Date | null {
  if (!value) return null;
  const zoned = /(Z|[+-]\d\d:?\d\d)$/.test(value) ? value : `${value}Z`;
  const date = new Date(zoned);
  return Number.isNaN(date.getTime()) ? null : date;
}

/** Discord's clock and ours may differ a little: an entitlement starting this much later counts as started. */
const CLOCK_SKEW_MS = 5 * 60 * 1000;

/** Whether an entitlement gives premium at `now`: not deleted, started, not ended, not a consumed one-time item. */
export function isEntitlementActive(entitlement: Partial<APIEntitlement>, now: Date): boolean {
  if (entitlement.deleted === true || entitlement.consumed === true) return false;
  const starts = parseDiscordTime(entitlement.starts_at);
  const ends = parseDiscordTime(entitlement.ends_at);
  if (starts && starts.getTime() > now.getTime() + CLOCK_SKEW_MS) return false;
  return !ends || ends.getTime() > now.getTime();
}

type EntitlementLike = Partial<APIEntitlement> & { id: string; sku_id: string };

function toReport(
  entitlement: EntitlementLike,
  source: DiscordEntitlement["source"],
  at: Date,
  eventId: string,
): DiscordEntitlement {
  const ends = parseDiscordTime(entitlement.ends_at);
  return {
    source,
    entitlementId: entitlement.id,
    skuId: entitlement.sku_id,
    ...(entitlement.guild_id ? { guildId: entitlement.guild_id } : {}),
    ...(entitlement.user_id ? { userId: entitlement.user_id } : {}),
    endsAt: ends,
    active: source !== "delete" && isEntitlementActive(entitlement, at),
    at,
    eventId,
  };
}

/** The premium SKU's entitlements on an interaction, as reports (active or not). */
export function interactionEntitlements(
  entitlements: unknown,
  skuId: string,
  now: Date,
): DiscordEntitlement[] {
  if (!Array.isArray(entitlements)) return [];
  return (
    entitlements
      .filter(
        (e): e is EntitlementLike =>
          typeof e === "object" && e !== null && typeof e.id === "string" && e.sku_id === skuId,
      )
      // Keyed by what the entitlement says, not by the interaction: the same entitlement seen on every command is
      // one report until it changes (an end date appears).
      .map((e) => toReport(e, "interaction", now, `interaction:${e.id}:${e.ends_at ?? "open"}`))
  );
}

/** Whether the interaction carries an active entitlement to the premium SKU (for the user or the guild). */
export function hasActivePremium(entitlements: DiscordEntitlement[]): boolean {
  return entitlements.some((e) => e.active);
}

const EVENT_SOURCES: Record<string, DiscordEntitlement["source"]> = {
  ENTITLEMENT_CREATE: "create",
  ENTITLEMENT_UPDATE: "update",
  ENTITLEMENT_DELETE: "delete",
};

export interface WebhookEventsOptions {
  publicKey: KeyObject;
  applicationId: string;
  /** The premium SKU; entitlements to other SKUs are acknowledged and left alone. */
  skuId?: string;
  billing?: BotBilling;
  logger: Logger;
}

/**
 * POST /discord/webhook-events. Discord wants 204 within 3 s; a delivery that fails gets 500 and Discord sends it
 * again (for up to 10 minutes), so billing records it inside the request and deduplicates repeats by `eventId`.
 */
export function createWebhookEventsHandler(options: WebhookEventsOptions) {
  const log = options.logger.child({ module: "discord-events" });
  return async (c: Context): Promise<Response> => {
    // Forwarded by the edge Worker: verified there (and answered 204).
    const read = await readSignedDiscordJson<{
      type?: number;
      application_id?: string;
      event?: { type?: string; timestamp?: string; data?: EntitlementLike };
    }>(c, options.publicKey, log, "discord webhook event");
    if ("refusal" in read) return read.refusal;
    const payload = read.body;
    if (payload.type === 0) return c.body(null, 204);
    if (payload.type !== 1 || !payload.event) return c.json({ error: "bad_request" }, 400);
    if (payload.application_id !== options.applicationId) {
      log.warn(
        { applicationId: payload.application_id },
        "discord webhook event for another application ignored",
      );
      return c.body(null, 204);
    }
    const source = EVENT_SOURCES[payload.event.type ?? ""];
    const data = payload.event.data;
    // Events we do not use (APPLICATION_AUTHORIZED, …) and other SKUs are acknowledged so Discord does not retry them.
    if (!source || !data || typeof data.id !== "string" || data.sku_id !== options.skuId) {
      return c.body(null, 204);
    }
    if (!options.billing) {
      log.error({ entitlementId: data.id }, "discord entitlement received with billing off");
      return c.body(null, 204);
    }
    const at = parseDiscordTime(payload.event.timestamp) ?? new Date();
    const report = toReport(
      data,
      source,
      at,
      `${payload.event.type}:${data.id}:${payload.event.timestamp ?? ""}`,
    );
    try {
      await options.billing.discordEntitlement(report);
    } catch (error) {
      log.error({ err: error, entitlementId: data.id }, "discord entitlement could not be recorded");
      return c.json({ error: "processing_failed" }, 500);
    }
    log.info(
      { event: payload.event.type, entitlementId: data.id, active: report.active },
      "discord entitlement",
    );
    return c.body(null, 204);
  };
}
