/**
 * The billing core on a real database (run on PGlite and on Postgres): holders, plans, the atomic monthly quota
 * through `/memory` (a race gives exactly the limit; a failed or cancelled memory gives its slot back), provider
 * events deduplicated, subscriptions recorded in order, the thread told when premium starts and ends.
 */
import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createPlaygroundChat } from "../../src/bots/playground/playground-bot.ts";
import {
  type Billing,
  type BillingProviderPlugin,
  createBilling,
  createBillingEntitlements,
  type Holder,
} from "../../src/core/billing/index.ts";
import type { ChatTarget } from "../../src/core/chat/chat-adapter.ts";
import type { JobEvent } from "../../src/core/jobs/events.ts";
import { createSilentLogger } from "../../src/core/log.ts";
import {
  cancelMemory,
  createSqlMemoryLookup,
  type MemoryDeps,
  requestMemory,
  runMemoryCommand,
} from "../../src/core/memories/index.ts";
import { createSqlStore, type Db, migrate, type Store } from "../../src/core/store/index.ts";
import { createMemoryBlobStore } from "../memories/harness.ts";

const PAY = "https://buy.stripe.test/premium";
/** A provider that sells through a link carrying the token, as a Payment Link does. */
const linkProvider: BillingProviderPlugin = {
  name: "stripe",
  async upgradeAction({ token }) {
    return { id: "upgrade", label: "Get premium", value: `${PAY}?client_reference_id=${token}` };
  },
};

export function billingCoreContract(name: string, open: () => Promise<{ db: Db; close(): Promise<void> }>) {
  describe(`billing core (${name})`, () => {
    let db: Db;
    let close: () => Promise<void>;
    let store: Store;
    let chat: ReturnType<typeof createPlaygroundChat>;
    let events: JobEvent[];
    let clock: Date;

    beforeAll(async () => {
      ({ db, close } = await open());
      await migrate(db);
      store = createSqlStore(db);
      chat = createPlaygroundChat({ db, blobs: createMemoryBlobStore() });
      events = [];
    }, 60_000);
    afterAll(async () => close());

    function setup(
      options: { providers?: BillingProviderPlugin[]; free?: number; freePhotos?: number } = {},
    ) {
      clock = new Date("2026-12-07T12:00:00Z");
      const billing = createBilling({
        db,
        store,
        chats: { playground: chat.adapter },
        logger: createSilentLogger(),
        plans: {
          free: { memoriesPerMonth: options.free ?? 3, photosPerMemory: options.freePhotos ?? 30 },
          premium: { memoriesPerMonth: 200, photosPerMemory: 100 },
        },
        providers: options.providers ?? [linkProvider],
        now: () => clock,
      });
      const deps: MemoryDeps = {
        store,
        blobs: createMemoryBlobStore(),
        jobs: {
          kind: "embedded",
          async send(event) {
            events.push(...(Array.isArray(event) ? event : [event]));
          },
        },
        entitlements: createBillingEntitlements(billing),
        lookup: createSqlMemoryLookup(db),
        chats: { playground: chat.adapter },
        logger: createSilentLogger(),
        now: () => clock,
      };
      return { billing, deps };
    }

    const newTarget = (): ChatTarget => ({
      platform: "playground",
      channelId: `c-${randomBytes(8).toString("hex")}`,
    });
    const user = () => ({ id: `u-${randomBytes(6).toString("hex")}`, name: "Ada" });

    async function addPhotos(target: ChatTarget, n: number) {
      const conversation = await store.upsertConversation({
        platform: target.platform,
        channelId: target.channelId,
      });
      for (let i = 0; i < n; i++) {
        await store.addPhoto({
          conversationId: conversation.id,
          blobKey: `photos/${conversation.id}/${i}.jpg`,
          sha256: randomBytes(32).toString("hex"),
          width: 640,
          height: 480,
        });
      }
    }
    const botTexts = async (target: ChatTarget) =>
      (await chat.messages.list(target.channelId)).filter((m) => m.from === "bot");
    async function holderOf(billing: Billing, target: ChatTarget, userId: string): Promise<Holder> {
      const account = await store.upsertAccount({ platform: target.platform, userId });
      return billing.holderOf({ target, accountId: account.id });
    }

    it("lets 'discord' be a subscription provider", async () => {
      const { billing } = setup();
      const holder = await holderForNewWorkspace(billing);
      const result = await billing.grantPremium({
        holder,
        provider: "discord",
        externalSubscriptionId: `ent-${randomBytes(4).toString("hex")}`,
        until: new Date("2027-01-07T00:00:00Z"),
        eventAt: new Date(),
      });
      expect(result.subscription.provider).toBe("discord");
      expect((await billing.planOf(holder)).plan).toBe("premium");
    });

    async function holderForNewWorkspace(billing: Billing): Promise<Holder> {
      const target: ChatTarget = {
        platform: "slack",
        workspaceId: `T${randomBytes(4).toString("hex")}`,
        channelId: "C1",
      };
      return holderOf(billing, target, "U1");
    }

    it("holds a Slack or Discord server's plan by the workspace, and a DM's or Telegram's by the person", async () => {
      const { billing } = setup();
      const slack = await holderOf(
        billing,
        { platform: "slack", workspaceId: "TBILL1", channelId: "C1" },
        "U1",
      );
      const slack2 = await holderOf(
        billing,
        { platform: "slack", workspaceId: "TBILL1", channelId: "C9" },
        "U2",
      );
      expect(slack.kind).toBe("workspace");
      expect(slack2).toEqual(slack);
      const dm = await holderOf(billing, { platform: "discord", channelId: "D1" }, "111");
      expect(dm.kind).toBe("account");
      const telegram = await holderOf(billing, { platform: "telegram", channelId: "-100" }, "42");
      expect(telegram.kind).toBe("account");
      expect(telegram).not.toEqual(dm);
    });

    it("with no provider configured, opens every style and limit, and /memory plan says so", async () => {
      const { deps } = setup({ providers: [], free: 1 });
      const target = newTarget();
      const ada = user();
      for (let i = 0; i < 3; i++) {
        await addPhotos(target, 2);
        const result = await requestMemory(deps, { target, user: ada, style: "vintage" });
        expect(result.kind).toBe("started");
        await finish(result);
      }
      await runMemoryCommand(deps, { target, user: ada, command: { kind: "plan" } });
      expect((await botTexts(target)).at(-1)?.text).toMatch(/No payment is configured.*everything is open/);
    });

    async function finish(result: Awaited<ReturnType<typeof requestMemory>>) {
      if (result.kind !== "started") return;
      await store.transitionVideo(result.video.id, ["queued"], "processing");
      await store.transitionVideo(result.video.id, ["processing"], "completed");
    }

    it("locks a premium style on the free plan with an upgrade card whose token is tied to the holder and thread", async () => {
      const { billing, deps } = setup();
      const target = newTarget();
      const ada = user();
      await addPhotos(target, 3);
      const result = await requestMemory(deps, { target, user: ada, style: "cinematic" });
      expect(result.kind).toBe("locked");
      const card = (await botTexts(target)).at(-1);
      expect(card?.text).toContain("cinematic style is a premium style");
      const link = card?.actions?.[0]?.value ?? "";
      const token = new URL(link).searchParams.get("client_reference_id") ?? "";
      expect(token).toMatch(/^[A-Za-z0-9_-]{16,}$/);
      const found = await billing.rows.findUpgradeToken(token);
      expect(found?.holder).toEqual(await holderOf(billing, target, ada.id));
      expect(found?.target).toEqual(target);
      expect(await billing.rows.findUpgradeToken(`${token.slice(0, -1)}x`)).toBeNull();
      expect(await billing.rows.findUpgradeToken("../etc/passwd")).toBeNull();
    });

    it("lets exactly the limit through when /memory is typed in many chats of one holder at once", async () => {
      const { billing, deps } = setup({ free: 3 });
      const ada = user();
      const targets = Array.from({ length: 8 }, newTarget);
      for (const t of targets) await addPhotos(t, 2);
      const results = await Promise.all(targets.map((target) => requestMemory(deps, { target, user: ada })));
      const kinds = results.map((r) => r.kind).sort();
      expect(kinds.filter((k) => k === "started")).toHaveLength(3);
      expect(kinds.filter((k) => k === "quota")).toHaveLength(5);
      const holder = await holderOf(billing, targets[0] as ChatTarget, ada.id);
      expect(await billing.rows.memoriesUsed(holder, "2026-12")).toBe(3);
      const refused = results.findIndex((r) => r.kind === "quota");
      const reply = (await botTexts(targets[refused] as ChatTarget)).at(-1);
      expect(reply?.text).toMatch(
        /free plan makes 3 memories a month.*starts again on 1 January.*Upgrade to premium/,
      );
      expect(reply?.actions?.[0]?.value).toMatch(
        /^https:\/\/buy\.stripe\.test\/premium\?client_reference_id=/,
      );
    });

    it("takes slots atomically: 25 claims at once against a limit of 7 give exactly 7", async () => {
      const { billing } = setup();
      const holder = await holderForNewWorkspace(billing);
      const taken = await Promise.all(
        Array.from({ length: 25 }, () => billing.rows.takeMemorySlot(holder, "2026-12", 7)),
      );
      expect(taken.filter((n) => n !== null).sort((a, b) => Number(a) - Number(b))).toEqual([
        1, 2, 3, 4, 5, 6, 7,
      ]);
    });

    it("gives the slot back when a memory fails or is cancelled, and takes it again when it is retried", async () => {
      const { billing, deps } = setup({ free: 1 });
      const target = newTarget();
      const ada = user();
      await addPhotos(target, 2);
      const first = await requestMemory(deps, { target, user: ada });
      if (first.kind !== "started") throw new Error(`expected a start, got ${first.kind}`);
      const holder = await holderOf(billing, target, ada.id);
      expect(await billing.rows.memoriesUsed(holder, "2026-12")).toBe(1);
      await store.transitionVideo(first.video.id, ["queued"], "processing");
      await store.transitionVideo(first.video.id, ["processing"], "failed", {
        errorCode: "render.ffmpeg_failed",
      });
      expect(await billing.rows.memoriesUsed(holder, "2026-12")).toBe(0);
      // The same video started again holds a slot again.
      await store.transitionVideo(first.video.id, ["failed"], "processing");
      expect(await billing.rows.memoriesUsed(holder, "2026-12")).toBe(1);
      await store.transitionVideo(first.video.id, ["processing"], "failed", {
        errorCode: "render.ffmpeg_failed",
      });
      expect(await billing.rows.memoriesUsed(holder, "2026-12")).toBe(0);

      const other = newTarget();
      await addPhotos(other, 2);
      const second = await requestMemory(deps, { target: other, user: ada });
      expect(second.kind).toBe("started");
      expect(await billing.rows.memoriesUsed(holder, "2026-12")).toBe(1);
      const cancelled = await cancelMemory(deps, { target: other, user: ada });
      expect(cancelled.cancelled).toBe(true);
      expect(await billing.rows.memoriesUsed(holder, "2026-12")).toBe(0);
    });

    it("keeps the free photos-per-memory limit on /memory all and says what was left out", async () => {
      const { deps } = setup({ freePhotos: 4 });
      const target = newTarget();
      await addPhotos(target, 9);
      const result = await requestMemory(deps, { target, user: user(), all: true });
      if (result.kind !== "started") throw new Error(`expected a start, got ${result.kind}`);
      expect(result.project.photoIds).toHaveLength(4);
      expect((await botTexts(target)).at(-1)?.text).toMatch(
        /4 of 9 photos.*Left out: 5 over this plan's 4 photos per memory\. Premium makes memories of up to 100 photos/,
      );
    });

    it("processes a provider event once, and again after a failed attempt", async () => {
      const { billing } = setup();
      const id = `evt_${randomBytes(6).toString("hex")}`;
      let runs = 0;
      const work = async () => {
        runs++;
      };
      const both = await Promise.all([
        billing.processEventOnce("stripe", id, "invoice.paid", work),
        billing.processEventOnce("stripe", id, "invoice.paid", work),
      ]);
      expect(both.sort()).toEqual(["duplicate", "processed"]);
      expect(runs).toBe(1);
      const failing = `evt_${randomBytes(6).toString("hex")}`;
      await expect(
        billing.processEventOnce("stripe", failing, "invoice.paid", async () => {
          throw new Error("API down");
        }),
      ).rejects.toThrow("API down");
      expect(await billing.processEventOnce("stripe", failing, "invoice.paid", work)).toBe("processed");
      expect(runs).toBe(2);
      // Other providers have their own ids.
      expect(await billing.processEventOnce("telegram_stars", id, "successful_payment", work)).toBe(
        "processed",
      );
    });

    it("records subscriptions in event order, tells the thread when premium starts and ends, and opens the styles", async () => {
      const { billing, deps } = setup();
      const target = newTarget();
      const ada = user();
      const holder = await holderOf(billing, target, ada.id);
      const sub = `sub_${randomBytes(6).toString("hex")}`;
      const periodEnd = new Date("2027-01-07T12:00:00Z");
      const t = (s: number) => new Date(Date.UTC(2026, 11, 7, 12, 0, s));
      const started = await billing.setSubscription({
        holder,
        provider: "stripe",
        externalSubscriptionId: sub,
        externalCustomerId: "cus_1",
        status: "active",
        currentPeriodEnd: periodEnd,
        eventAt: t(2),
        target,
      });
      expect(started).toMatchObject({ applied: true, premiumBefore: false, premiumAfter: true });
      expect((await botTexts(target)).at(-1)?.text).toMatch(/Premium is on for you/);
      // An older event arriving late changes nothing.
      const stale = await billing.setSubscription({
        holder,
        provider: "stripe",
        externalSubscriptionId: sub,
        status: "cancelled",
        eventAt: t(1),
      });
      expect(stale.applied).toBe(false);
      expect((await billing.planOf(holder)).plan).toBe("premium");

      await addPhotos(target, 2);
      expect((await requestMemory(deps, { target, user: ada, style: "vintage" })).kind).toBe("started");
      await runMemoryCommand(deps, { target, user: ada, command: { kind: "plan" } });
      expect((await botTexts(target)).at(-1)?.text).toMatch(
        /You are on the premium plan.*\n.*1 of 200 memories/,
      );

      await billing.updateSubscription({
        provider: "stripe",
        externalSubscriptionId: sub,
        status: "past_due",
        eventAt: t(3),
      });
      expect((await billing.planOf(holder)).plan).toBe("premium");
      expect((await botTexts(target)).at(-1)?.text).toMatch(/did not go through/);

      const ended = await billing.updateSubscription({
        provider: "stripe",
        externalSubscriptionId: sub,
        status: "cancelled",
        eventAt: t(4),
      });
      expect(ended).toMatchObject({ applied: true, premiumBefore: true, premiumAfter: false });
      expect((await botTexts(target)).at(-1)?.text).toMatch(
        /^Premium has ended for you\. This is the free plan/,
      );
    });

    it("ends premium at the end of the paid period even with no further event", async () => {
      const { billing } = setup();
      const holder = await holderForNewWorkspace(billing);
      await billing.grantPremium({
        holder,
        provider: "telegram_stars",
        externalSubscriptionId: `charge-${randomBytes(4).toString("hex")}`,
        until: new Date(Date.now() + 60_000),
        eventAt: new Date(),
      });
      expect((await billing.planOf(holder)).plan).toBe("premium");
      clock = new Date(Date.now() + 120_000);
      expect((await billing.planOf(holder)).plan).toBe("free");
    });

    describe("the end of a paid period no provider reports (a cancelled Stars subscription running out)", () => {
      const HOUR = 3_600_000;
      /** A Stars-like subscription bought from a new thread, paid until `until` (a real future time). */
      async function starsPeriod(billing: Billing, until: Date) {
        const target = newTarget();
        const holder = await holderOf(billing, target, user().id);
        const sub = `pmu_${randomBytes(9).toString("base64url")}`;
        await billing.grantPremium({
          holder,
          provider: "telegram_stars",
          externalSubscriptionId: sub,
          until,
          eventAt: clock,
          target,
        });
        const check = (periodEnd = until) =>
          billing.checkPeriodEnd({ provider: "telegram_stars", externalSubscriptionId: sub, periodEnd });
        return { target, holder, sub, check };
      }
      const ended = async (target: ChatTarget) =>
        (await botTexts(target)).filter((m) => /^Premium has ended/.test(m.text));

      it("schedules the check at the end plus the grace, once per period", async () => {
        const { billing } = setup();
        const until = new Date(Date.now() + 10 * 86_400_000);
        const { sub, holder } = await starsPeriod(billing, until);
        const { subscription } = await billing.planOf(holder);
        const event = subscription ? billing.periodEndCheck(subscription) : null;
        expect(event).toMatchObject({
          name: "premium/period-recorded",
          id: `premium-end:telegram_stars:${sub}:${until.getTime()}`,
          data: {
            provider: "telegram_stars",
            externalSubscriptionId: sub,
            periodEnd: until.toISOString(),
            checkAt: new Date(until.getTime() + HOUR).toISOString(),
          },
        });
      });

      it("tells the thread once, with the upgrade button, when the period ran out with no renewal; run twice, once", async () => {
        const { billing } = setup();
        const until = new Date(Date.now() + 60_000);
        const { target, holder, check } = await starsPeriod(billing, until);
        expect((await botTexts(target)).at(-1)?.text).toMatch(/Premium is on for you/);
        clock = new Date(until.getTime() + HOUR);
        const outcomes = await Promise.all([check(), check()]);
        expect(outcomes.sort()).toEqual(["told", "told-before"]);
        expect(await check()).toBe("told-before");
        const told = await ended(target);
        expect(told).toHaveLength(1);
        expect(told[0]?.text).toMatch(
          /^Premium has ended for you: it was paid until \d+ \w+ \d{4} and was not renewed\. This is the free plan again: the classic and modern styles \(cinematic and vintage are locked\), up to 30 photos per memory and 3 memories a month\. To get it back, press the button below or type `\/memory upgrade`\.$/,
        );
        // The button is a fresh upgrade for the same holder and thread.
        const link = told[0]?.actions?.[0]?.value ?? "";
        const token = new URL(link).searchParams.get("client_reference_id");
        const upgrade = await billing.rows.findUpgradeToken(token);
        expect(upgrade?.holder).toEqual(holder);
        expect(upgrade?.target).toEqual(target);
        expect((await billing.planOf(holder)).plan).toBe("free");
      });

      it("does nothing when a renewal extended premium before the check, and tells at the renewed period's end", async () => {
        const { billing } = setup();
        const until = new Date(Date.now() + 60_000);
        const { target, holder, sub, check } = await starsPeriod(billing, until);
        const next = new Date(until.getTime() + 30 * 86_400_000);
        clock = new Date(until.getTime() - 1000);
        await billing.grantPremium({
          holder,
          provider: "telegram_stars",
          externalSubscriptionId: sub,
          until: next,
          eventAt: clock,
          target,
        });
        clock = new Date(until.getTime() + HOUR);
        expect(await check()).toBe("renewed");
        expect((await billing.planOf(holder)).plan).toBe("premium");
        clock = new Date(next.getTime() + HOUR);
        expect(await check(next)).toBe("told");
        expect(await ended(target)).toHaveLength(1);
        expect((await botTexts(target)).filter((m) => /Premium is on/.test(m.text))).toHaveLength(1);
      });

      it("tells a later period's end again after premium came back (a renewal after the end was told)", async () => {
        const { billing } = setup();
        const until = new Date(Date.now() + 60_000);
        const { target, holder, sub, check } = await starsPeriod(billing, until);
        clock = new Date(until.getTime() + HOUR);
        expect(await check()).toBe("told");
        const next = new Date(clock.getTime() + 30 * 86_400_000);
        await billing.grantPremium({
          holder,
          provider: "telegram_stars",
          externalSubscriptionId: sub,
          until: next,
          eventAt: clock,
          target,
        });
        expect((await billing.planOf(holder)).plan).toBe("premium");
        expect((await botTexts(target)).filter((m) => /Premium is on/.test(m.text))).toHaveLength(2);
        clock = new Date(next.getTime() + HOUR);
        expect(await check(next)).toBe("told");
        expect(await ended(target)).toHaveLength(2);
      });

      it("does not tell a second time after a refund ended premium", async () => {
        const { billing } = setup();
        const until = new Date(Date.now() + 60_000);
        const { target, holder, sub, check } = await starsPeriod(billing, until);
        clock = new Date(clock.getTime() + 5000);
        await billing.setSubscription({
          holder,
          provider: "telegram_stars",
          externalSubscriptionId: sub,
          status: "cancelled",
          currentPeriodEnd: clock,
          eventAt: clock,
          target,
        });
        const refunded = await ended(target);
        expect(refunded).toHaveLength(1);
        expect(refunded[0]?.text).toMatch(/^Premium has ended for you\. This is the free plan again/);
        clock = new Date(until.getTime() + HOUR);
        expect(await check()).toBe("ended-before");
        expect(await ended(target)).toHaveLength(1);
      });

      it("does not tell while the holder has premium from another subscription", async () => {
        const { billing } = setup();
        const until = new Date(Date.now() + 60_000);
        const { target, holder, check } = await starsPeriod(billing, until);
        await billing.grantPremium({
          holder,
          provider: "telegram_stars",
          externalSubscriptionId: `pmu_${randomBytes(9).toString("base64url")}`,
          until: new Date(until.getTime() + 30 * 86_400_000),
          eventAt: clock,
          target,
        });
        clock = new Date(until.getTime() + HOUR);
        expect(await check()).toBe("premium-elsewhere");
        expect(await ended(target)).toHaveLength(0);
      });

      it("a provider's end event after the period ran out (Stripe's subscription.deleted) still tells once", async () => {
        const { billing } = setup();
        const target = newTarget();
        const holder = await holderOf(billing, target, user().id);
        const sub = `sub_${randomBytes(6).toString("hex")}`;
        const end = new Date(Date.now() + 60_000);
        await billing.setSubscription({
          holder,
          provider: "stripe",
          externalSubscriptionId: sub,
          status: "active",
          currentPeriodEnd: end,
          eventAt: clock,
          target,
        });
        // Stripe ends a subscription cancelled at period end at that time; its event comes a few seconds later.
        clock = new Date(end.getTime() + 5000);
        for (const at of [6000, 9000]) {
          await billing.updateSubscription({
            provider: "stripe",
            externalSubscriptionId: sub,
            status: "cancelled",
            currentPeriodEnd: end,
            eventAt: new Date(end.getTime() + at),
          });
        }
        const told = await ended(target);
        expect(told).toHaveLength(1);
        expect(told[0]?.actions?.[0]?.value).toMatch(/client_reference_id=/);
      });
    });

    describe("/memory plan and /memory upgrade say until when premium lasts", () => {
      const day = (d: Date) =>
        d.toLocaleDateString("en-GB", { day: "numeric", month: "long", year: "numeric", timeZone: "UTC" });

      async function premiumBy(
        provider: "stripe" | "telegram_stars",
        cancelAtPeriodEnd: boolean | null,
      ): Promise<{ deps: MemoryDeps; target: ChatTarget; ada: { id: string; name: string }; end: Date }> {
        const { billing, deps } = setup();
        const target = newTarget();
        const ada = user();
        const end = new Date(Date.now() + 20 * 86_400_000);
        await billing.setSubscription({
          holder: await holderOf(billing, target, ada.id),
          provider,
          externalSubscriptionId: `sub_${randomBytes(6).toString("hex")}`,
          status: "active",
          currentPeriodEnd: end,
          cancelAtPeriodEnd,
          eventAt: clock,
          target,
        });
        return { deps, target, ada, end };
      }
      const ask = async (
        deps: MemoryDeps,
        target: ChatTarget,
        ada: { id: string; name: string },
        kind: "plan" | "upgrade",
      ) => {
        await runMemoryCommand(deps, { target, user: ada, command: { kind } });
        return (await botTexts(target)).at(-1)?.text ?? "";
      };

      it("a cancelled subscription that still runs: until when, and how to keep it", async () => {
        const { deps, target, ada, end } = await premiumBy("stripe", true);
        expect(await ask(deps, target, ada, "plan")).toContain(
          `Premium was cancelled and lasts until ${day(end)}; then this is the free plan again. Type \`/memory billing\` to keep it.`,
        );
        expect(await ask(deps, target, ada, "upgrade")).toBe(
          `Premium is on here until ${day(end)}: it was cancelled and does not renew. Type \`/memory billing\` to keep it. Type \`/memory plan\` to see its limits.`,
        );
      });

      it("a renewing subscription: the day it renews", async () => {
        const { deps, target, ada, end } = await premiumBy("stripe", false);
        expect(await ask(deps, target, ada, "plan")).toContain(`Premium renews on ${day(end)}.`);
        expect(await ask(deps, target, ada, "upgrade")).toBe(
          `Premium is already on here, paid until ${day(end)}. Type \`/memory plan\` to see its limits.`,
        );
      });

      it("a Stars period (Telegram tells nobody of a cancellation): paid until, and where it is cancelled", async () => {
        const { deps, target, ada, end } = await premiumBy("telegram_stars", null);
        expect(await ask(deps, target, ada, "plan")).toMatch(
          new RegExp(
            `^You are on the premium plan: every style.*\\n.*\\nPremium is paid until ${day(end)}; it renews then unless the subscription was cancelled in Telegram \\(Settings → My Stars\\)\\.$`,
          ),
        );
      });
    });
  });
}
