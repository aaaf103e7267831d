/**
 * Discord premium at the bot: the Webhook Events URL (Ed25519 like interactions, PING type 0 → 204, entitlement
 * events handed to billing, a forged or altered delivery → 401), entitlements carried by an interaction reported
 * before its command runs, and the premium button (component style 6 with the SKU) on the upgrade card.
 */
import { generateKeyPairSync, type KeyObject } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { BotBilling, DiscordEntitlement } from "../../../src/bots/common/bot-deps.ts";
import { toDiscordMessage } from "../../../src/bots/discord/components.ts";
import { parseDiscordConfig } from "../../../src/bots/discord/config.ts";
import type { DiscordBot } from "../../../src/bots/discord/discord-bot.ts";
import { type DiscordStandIn, startDiscordStandIn } from "../../stand-ins/discord-api.ts";
import { createFakeDeps, type FakeDeps } from "../fake-deps.ts";
import {
  DISCORD_BOT_TOKEN,
  discordBotOn,
  discordFixture,
  discordPrivateKey,
  discordPublicKeyHex,
  signedDiscordPost,
} from "./contract-kit.ts";

const SKU = "1250000000000000001";

interface FakeBilling extends BotBilling {
  entitlements: DiscordEntitlement[];
  failNext: number;
}

let discord: DiscordStandIn;
let deps: FakeDeps;
let billing: FakeBilling;
let bot: DiscordBot;
let pending: Promise<void>[] = [];

beforeAll(async () => {
  discord = await startDiscordStandIn();
});
afterAll(() => discord.close());

function setup(premiumSkuId: string | null = SKU) {
  billing = {
    entitlements: [],
    failNext: 0,
    isUpgradeToken: async () => false,
    starsPaid: async () => {},
    starsRefunded: async () => {},
    async discordEntitlement(entitlement) {
      if (billing.failNext > 0) {
        billing.failNext--;
        throw new Error("database unavailable");
      }
      billing.entitlements.push(entitlement);
    },
  };
  deps = createFakeDeps({
    billing,
    // The command sees what billing was told before it ran.
    runMemoryCommand: async (input) => {
      deps.commands.push({ ...input, userName: `entitlements seen: ${billing.entitlements.length}` });
    },
  });
  ({ bot, pending } = discordBotOn(discord, deps, premiumSkuId ? { premiumSkuId } : {}));
}

const fixture = (name: string) => discordFixture(discord, name);

const signed = (path: string, body: string, key?: KeyObject, sent?: string) =>
  bot.router.request(path, signedDiscordPost(body, { ...(key ? { key } : {}), ...(sent ? { sent } : {}) }));
const event = (body: string, key?: KeyObject, sent?: string) => signed("/webhook-events", body, key, sent);

describe("Discord Webhook Events URL", () => {
  it("answers a signed PING (type 0) with 204 and no body", async () => {
    setup();
    const res = await event(fixture("webhook-ping.json"));
    expect(res.status).toBe(204);
    expect(await res.text()).toBe("");
  });

  it("refuses a forged signature, an altered body and missing headers with 401, and records nothing", async () => {
    setup();
    const body = fixture("entitlement-create.json");
    expect((await event(body, generateKeyPairSync("ed25519").privateKey)).status).toBe(401);
    expect(
      (await event(body, discordPrivateKey, body.replace('"deleted": false', '"deleted": true '))).status,
    ).toBe(401);
    const bare = await bot.router.request("/webhook-events", { method: "POST", body });
    expect(bare.status).toBe(401);
    expect(
      (await event(fixture("webhook-ping.json"), generateKeyPairSync("ed25519").privateKey)).status,
    ).toBe(401);
    expect(billing.entitlements).toHaveLength(0);
  });

  it("takes an entitlement the edge Worker verified and forwarded, though its Discord timestamp is past our window", async () => {
    setup();
    const body = fixture("entitlement-create.json");
    const timestamp = String(Math.floor(Date.now() / 1000) - 600);
    const init = signedDiscordPost(body, { timestamp });
    expect((await bot.router.request("/webhook-events", init)).status).toBe(401);
    expect(billing.entitlements).toHaveLength(0);
    const edge = { receivedAt: Date.now() - 600_000 };
    expect((await bot.router.request("/webhook-events", init, { edge })).status).toBe(204);
    expect(billing.entitlements.map((e) => e.entitlementId)).toEqual(["1260000000000000001"]);
  });

  it("hands ENTITLEMENT_CREATE for a server to billing as active, with the event's time (UTC)", async () => {
    setup();
    const res = await event(fixture("entitlement-create.json"));
    expect(res.status).toBe(204);
    expect(billing.entitlements).toEqual([
      {
        source: "create",
        entitlementId: "1260000000000000001",
        skuId: SKU,
        guildId: "1300000000000000001",
        userId: "1700000000000000001",
        endsAt: null,
        active: true,
        at: new Date("2026-12-01T10:00:00.512Z"),
        eventId: "ENTITLEMENT_CREATE:1260000000000000001:2026-12-01T10:00:00.512345",
      },
    ]);
  });

  it("hands a test-mode entitlement for a user (no starts_at, ends_at or guild_id) to billing as active", async () => {
    setup();
    await event(fixture("entitlement-create-test-mode.json"));
    expect(billing.entitlements[0]).toMatchObject({
      entitlementId: "1260000000000000002",
      userId: "1700000000000000002",
      active: true,
      endsAt: null,
    });
    expect(billing.entitlements[0]?.guildId).toBeUndefined();
  });

  it("hands ENTITLEMENT_UPDATE with its end and ENTITLEMENT_DELETE as no longer active", async () => {
    setup();
    await event(fixture("entitlement-update.json"));
    expect(billing.entitlements[0]).toMatchObject({ source: "update", active: false });
    expect(billing.entitlements[0]?.endsAt?.toISOString()).toBe("2027-01-01T10:00:00.104Z");
    await event(fixture("entitlement-delete.json"));
    expect(billing.entitlements[1]).toMatchObject({ source: "delete", active: false });
  });

  it("acknowledges other SKUs, other event types and other applications without telling billing", async () => {
    setup();
    const other = fixture("entitlement-create.json").replaceAll(SKU, "1250000000000000999");
    expect((await event(other)).status).toBe(204);
    const authorized = JSON.stringify({
      version: 1,
      application_id: "1100000000000000001",
      type: 1,
      event: {
        type: "APPLICATION_AUTHORIZED",
        timestamp: "2026-12-07T17:30:00.000000",
        data: { integration_type: 0, scopes: ["applications.commands"], user: { id: "1" } },
      },
    });
    expect((await event(authorized)).status).toBe(204);
    const stranger = fixture("entitlement-create.json").replaceAll(
      "1100000000000000001",
      "1100000000000000777",
    );
    expect((await event(stranger)).status).toBe(204);
    expect(billing.entitlements).toHaveLength(0);
  });

  it("answers 500 when billing could not record the event, so Discord delivers it again", async () => {
    setup();
    billing.failNext = 1;
    expect((await event(fixture("entitlement-create.json"))).status).toBe(500);
    expect((await event(fixture("entitlement-create.json"))).status).toBe(204);
    expect(billing.entitlements).toHaveLength(1);
  });
});

describe("Discord interaction entitlements", () => {
  const entitlement = () => JSON.parse(fixture("entitlement-create.json")).event.data;
  const withEntitlements = (id: string, entitlements: unknown[]) => {
    const interaction = JSON.parse(fixture("memory-command.json"));
    interaction.id = id;
    interaction.entitlements = entitlements;
    return JSON.stringify(interaction);
  };

  it("reports the premium SKU's entitlement on an interaction to billing before the command runs", async () => {
    setup();
    const other = { ...entitlement(), id: "1260000000000000009", sku_id: "1250000000000000999" };
    const res = await signed(
      "/interactions",
      withEntitlements("1200000000000000101", [entitlement(), other]),
    );
    expect(await res.json()).toEqual({ type: 5 });
    await Promise.all(pending);
    expect(billing.entitlements).toEqual([
      expect.objectContaining({
        source: "interaction",
        entitlementId: "1260000000000000001",
        guildId: "1300000000000000001",
        active: true,
        eventId: "interaction:1260000000000000001:open",
      }),
    ]);
    expect(deps.commands[0]?.userName).toBe("entitlements seen: 1");
  });

  it("reports an ended entitlement as not active, and nothing without a premium SKU configured", async () => {
    setup();
    const ended = { ...entitlement(), ends_at: "2026-01-01T00:00:00.000000+00:00" };
    await signed("/interactions", withEntitlements("1200000000000000102", [ended]));
    await Promise.all(pending);
    expect(billing.entitlements[0]).toMatchObject({ active: false });

    setup(null);
    await signed("/interactions", withEntitlements("1200000000000000103", [entitlement()]));
    await Promise.all(pending);
    expect(billing.entitlements).toHaveLength(0);
    expect(deps.commands).toHaveLength(1);
  });
});

describe("Discord premium button", () => {
  it("is offered on the upgrade card with the SKU, next to other ways to pay", async () => {
    setup();
    const checkout = await bot.adapter.checkout?.({
      token: "pmu_Zk3v9QeL0wYt7bN2xR5aH1cD",
      target: { platform: "discord", workspaceId: "1300000000000000001", channelId: "1400000000000000001" },
    });
    expect(checkout?.exclusive).toBe(false);
    const body = toDiscordMessage({
      text: "The vintage style is premium.",
      actions: [
        ...(checkout ? [checkout.action] : []),
        {
          id: "stripe",
          label: "Upgrade on the web",
          value: "https://buy.stripe.com/test_123?client_reference_id=x",
        },
      ],
    });
    expect(body.components).toEqual([
      {
        type: 1,
        components: [
          // Premium buttons carry only the SKU: no label, custom_id, url or emoji.
          { type: 2, style: 6, sku_id: SKU },
          {
            type: 2,
            style: 5,
            label: "Upgrade on the web",
            url: "https://buy.stripe.com/test_123?client_reference_id=x",
          },
        ],
      },
    ]);
  });

  it("is not offered without DISCORD_PREMIUM_SKU_ID, which must be a Discord id", () => {
    setup(null);
    expect(bot.adapter.checkout).toBeUndefined();
    const env = {
      DISCORD_APPLICATION_ID: "1100000000000000001",
      DISCORD_TOKEN: DISCORD_BOT_TOKEN,
      DISCORD_PUBLIC_KEY: discordPublicKeyHex,
    };
    expect(parseDiscordConfig({ ...env, DISCORD_PREMIUM_SKU_ID: SKU })?.premiumSkuId).toBe(SKU);
    expect(() => parseDiscordConfig({ ...env, DISCORD_PREMIUM_SKU_ID: "premium" })).toThrow(
      /DISCORD_PREMIUM_SKU_ID/,
    );
  });
});
