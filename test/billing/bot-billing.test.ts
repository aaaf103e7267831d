/**
 * The bots' billing port on the billing core and a real database (PGlite): Stars payments grant premium to the
 * token's holder until the expiration date (once per charge id, renewals extend and never shorten, a refund ends it
 * even when it arrives before its payment), and Discord entitlements are premium for their server or DM user. Each
 * recorded period with an end schedules one look at that end (Telegram sends nothing when a cancelled subscription
 * runs out).
 */
import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { botBillingFrom } from "../../src/bots/common/bot-billing.ts";
import type { BotBilling, DiscordEntitlement, StarsPayment } from "../../src/bots/common/bot-deps.ts";
import {
  type Billing,
  createBilling,
  type Holder,
  holderForUser,
  holderForWorkspace,
} from "../../src/core/billing/index.ts";
import type { ChatAdapter, ChatTarget } from "../../src/core/chat/chat-adapter.ts";
import type { JobEvent } from "../../src/core/jobs/events.ts";
import { createSilentLogger } from "../../src/core/log.ts";
import { createSqlStore, type Db, migrate, type Store } from "../../src/core/store/index.ts";
import { createPgliteDb } from "../../src/core/store/pglite-db.ts";

const DAY = 86_400_000;
let db: Db;
let store: Store;
let billing: Billing;
let bot: BotBilling;
const told: { target: ChatTarget; text: string }[] = [];
const scheduled: JobEvent[] = [];

/** A chat that records what billing tells each thread. */
function recordingChat(platform: "telegram" | "discord"): ChatAdapter {
  return {
    platform,
    limits: () => ({ maxUploadBytes: 1 }),
    async postMessage(target, message) {
      told.push({ target, text: message.text });
      return { target, messageId: String(told.length) };
    },
    async postVideo() {
      throw new Error("not used");
    },
    async downloadFile() {
      throw new Error("not used");
    },
    // A platform checkout turns billing on, as TELEGRAM_STARS_PRICE or DISCORD_PREMIUM_SKU_ID do.
    async checkout() {
      return {
        action: { id: "buy", label: "Buy", value: "https://t.me/$x" },
        exclusive: platform === "telegram",
      };
    },
  };
}

beforeAll(async () => {
  db = await createPgliteDb();
  await migrate(db);
  store = createSqlStore(db);
  billing = createBilling({
    db,
    store,
    chats: { telegram: recordingChat("telegram"), discord: recordingChat("discord") },
    logger: createSilentLogger(),
  });
  bot = botBillingFrom(billing, store, createSilentLogger(), {
    async send(event) {
      scheduled.push(...(Array.isArray(event) ? event : [event]));
    },
  });
  // A PGlite boot and its migrations take seconds, and far longer on a busy machine.
}, 180_000);
afterAll(() => db.close());

const id = () => randomBytes(6).toString("hex");
const toldTo = (channelId: string, pattern: RegExp) =>
  told.filter((t) => t.target.channelId === channelId && pattern.test(t.text)).length;

async function telegramUpgrade(): Promise<{
  token: string;
  holder: Holder;
  target: ChatTarget;
  userId: string;
}> {
  const userId = String(Math.floor(Math.random() * 1e9));
  const target: ChatTarget = { platform: "telegram", channelId: userId };
  const holder = await holderForUser(store, "telegram", userId);
  const token = await billing.rows.createUpgradeToken({ holder, target });
  return { token, holder, target, userId };
}

function payment(token: string, userId: string, over: Partial<StarsPayment> = {}): StarsPayment {
  const at = new Date();
  return {
    chargeId: `stx${id()}${"x".repeat(120)}`,
    token,
    userId,
    amount: 250,
    paidUntil: new Date(at.getTime() + 30 * DAY),
    renewal: false,
    at,
    ...over,
  };
}

const plan = async (holder: Holder) => billing.planOf(holder);
/** The period-end checks scheduled for a subscription, by the period end they look at. */
const checksFor = (subscriptionId: string) =>
  scheduled
    .filter((e) => e.name === "premium/period-recorded" && e.data.externalSubscriptionId === subscriptionId)
    .map((e) => (e.name === "premium/period-recorded" ? e.data.periodEnd : ""));

describe("Telegram Stars", () => {
  it("knows the live upgrade tokens only", async () => {
    const { token } = await telegramUpgrade();
    expect(await bot.isUpgradeToken(token)).toBe(true);
    expect(await bot.isUpgradeToken("pmu_forgedforgedforged00")).toBe(false);
    expect(await bot.isUpgradeToken("bad token")).toBe(false);
  });

  it("grants premium until the expiration date, tells the chat once for a payment delivered twice", async () => {
    const { token, holder, target, userId } = await telegramUpgrade();
    const paid = payment(token, userId);
    await bot.starsPaid(paid);
    await bot.starsPaid({ ...paid });
    const now = await plan(holder);
    expect(now.plan).toBe("premium");
    expect(now.subscription?.currentPeriodEnd?.getTime()).toBe(paid.paidUntil.getTime());
    expect(toldTo(target.channelId, /Premium is on/)).toBe(1);
  });

  it("schedules a look at the end of each paid period (a renewal's too), once per period", async () => {
    const { token, userId } = await telegramUpgrade();
    const first = payment(token, userId);
    await bot.starsPaid(first);
    const renewal = payment(token, userId, {
      renewal: true,
      at: new Date(first.at.getTime() + 1000),
      paidUntil: new Date(first.at.getTime() + 60 * DAY),
    });
    await bot.starsPaid(renewal);
    expect(checksFor(token)).toEqual([first.paidUntil.toISOString(), renewal.paidUntil.toISOString()]);
    const ids = scheduled.filter((e) => e.name === "premium/period-recorded").map((e) => e.id);
    expect(new Set(ids).size).toBe(ids.length);
    const [event] = scheduled.filter((e) => e.id?.includes(token));
    expect(event?.name === "premium/period-recorded" && event.data.checkAt).toBe(
      new Date(first.paidUntil.getTime() + 3_600_000).toISOString(),
    );
  });

  it("extends premium with each renewal, and a renewal delivered late never shortens it", async () => {
    const { token, holder, userId } = await telegramUpgrade();
    const first = payment(token, userId);
    const renewal = payment(token, userId, {
      renewal: true,
      at: new Date(first.at.getTime() + 1000),
      paidUntil: new Date(first.at.getTime() + 60 * DAY),
    });
    await bot.starsPaid(renewal);
    await bot.starsPaid(first);
    expect((await plan(holder)).subscription?.currentPeriodEnd?.getTime()).toBe(renewal.paidUntil.getTime());
  });

  it("ends premium on a refund and says so; a refund that arrives before its payment still wins", async () => {
    const { token, holder, target, userId } = await telegramUpgrade();
    const paid = payment(token, userId);
    await bot.starsPaid(paid);
    const refund = {
      chargeId: paid.chargeId,
      token,
      userId,
      amount: 250,
      at: new Date(paid.at.getTime() + 5000),
    };
    await bot.starsRefunded(refund);
    await bot.starsRefunded({ ...refund });
    expect((await plan(holder)).plan).toBe("free");
    expect(toldTo(target.channelId, /Premium has ended/)).toBe(1);

    const late = await telegramUpgrade();
    const latePaid = payment(late.token, late.userId);
    await bot.starsRefunded({
      chargeId: latePaid.chargeId,
      token: late.token,
      userId: late.userId,
      amount: 250,
      at: new Date(latePaid.at.getTime() + 5000),
    });
    await bot.starsPaid(latePaid);
    expect((await plan(late.holder)).plan).toBe("free");
  });

  it("gives premium to the Telegram user who paid when the token is no longer known", async () => {
    const userId = String(Math.floor(Math.random() * 1e9));
    await bot.starsPaid(payment("pmu_unknownunknownunkn0", userId));
    expect((await plan(await holderForUser(store, "telegram", userId))).plan).toBe("premium");
  });
});

describe("Discord entitlements", () => {
  const entitlement = (over: Partial<DiscordEntitlement>): DiscordEntitlement => ({
    source: "create",
    entitlementId: `126${Date.now()}${Math.floor(Math.random() * 1000)}`,
    skuId: "1250000000000000001",
    userId: "1700000000000000001",
    endsAt: null,
    active: true,
    at: new Date(),
    eventId: `create:${id()}`,
    ...over,
  });

  it("makes the server premium, tells the channel that asked to upgrade once, and ends it on delete", async () => {
    const guildId = `13${Date.now()}`;
    const holder = await holderForWorkspace(store, "discord", guildId);
    const asked: ChatTarget = { platform: "discord", workspaceId: guildId, channelId: `14${id()}` };
    await billing.rows.createUpgradeToken({ holder, target: asked });
    const created = entitlement({ guildId });
    await bot.discordEntitlement(created);
    await bot.discordEntitlement({ ...created });
    expect((await plan(holder)).plan).toBe("premium");
    expect(toldTo(asked.channelId, /Premium is on for everyone in this server/)).toBe(1);
    // No end known (Discord sets ends_at only when the subscription ends): nothing to look at.
    expect(checksFor(created.entitlementId)).toHaveLength(0);

    await bot.discordEntitlement({
      ...created,
      source: "delete",
      active: false,
      at: new Date(created.at.getTime() + 1000),
      eventId: `delete:${id()}`,
    });
    expect((await plan(holder)).plan).toBe("free");
    expect(toldTo(asked.channelId, /^Premium has ended for everyone in this server\./)).toBe(1);
  });

  it("makes a DM user premium for a user entitlement, until an update's ends_at", async () => {
    const userId = `17${Date.now()}`;
    const holder = await holderForUser(store, "discord", userId);
    const created = entitlement({ userId, target: { platform: "discord", channelId: `15${id()}` } });
    await bot.discordEntitlement(created);
    expect((await plan(holder)).plan).toBe("premium");
    await bot.discordEntitlement({
      ...created,
      source: "update",
      endsAt: new Date(Date.now() + 3 * DAY),
      at: new Date(created.at.getTime() + 1000),
      eventId: `update:${id()}`,
    });
    expect((await plan(holder)).subscription?.currentPeriodEnd?.getTime()).toBeGreaterThan(Date.now());
    // Discord sends ENTITLEMENT_UPDATE when a subscription ends; an end seen ahead of time is looked at too.
    expect(checksFor(created.entitlementId)).toHaveLength(1);
    await bot.discordEntitlement({
      ...created,
      source: "update",
      endsAt: new Date(Date.now() - 1000),
      active: false,
      at: new Date(created.at.getTime() + 2000),
      eventId: `update:${id()}`,
    });
    expect((await plan(holder)).plan).toBe("free");
    expect(toldTo(created.target?.channelId ?? "", /^Premium has ended for you\./)).toBe(1);
  });
});
