/**
 * Telegram Stars at the bot: the invoice link the upgrade card offers, the pre-checkout answered inside the webhook
 * request (in time even when the token check hangs), payments, renewals and refunds handed to billing once per
 * update, /paysupport and /terms, and allowed_updates that let pre-checkout queries through.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import type { BotBilling, StarsPayment, StarsRefund } from "../../../src/bots/common/bot-deps.ts";
import { parseTelegramConfig, type TelegramConfig } from "../../../src/bots/telegram/config.ts";
import { STARS_SUBSCRIPTION_PERIOD } from "../../../src/bots/telegram/stars.ts";
import type { TelegramBot } from "../../../src/bots/telegram/telegram-bot.ts";
import { isPhotoMemoryError } from "../../../src/core/errors.ts";
import { startTelegramStandIn, type TelegramStandIn } from "../../stand-ins/telegram-api.ts";
import { createFakeDeps, type FakeDeps } from "../fake-deps.ts";
import { TELEGRAM_TOKEN, telegramBotOn, telegramFixture, telegramPost } from "./contract-kit.ts";

const UPGRADE_TOKEN = "pmu_Zk3v9QeL0wYt7bN2xR5aH1cD";
const fixture = telegramFixture;

interface FakeBilling extends BotBilling {
  paid: StarsPayment[];
  refunds: StarsRefund[];
  tokens: Set<string>;
  /** How long isUpgradeToken takes (ms); Infinity hangs. */
  checkDelayMs: number;
  failNext: number;
}

function createFakeBilling(): FakeBilling {
  const billing: FakeBilling = {
    paid: [],
    refunds: [],
    tokens: new Set([UPGRADE_TOKEN]),
    checkDelayMs: 0,
    failNext: 0,
    async isUpgradeToken(token) {
      if (billing.checkDelayMs === Number.POSITIVE_INFINITY) return new Promise<boolean>(() => {});
      if (billing.checkDelayMs) await new Promise((r) => setTimeout(r, billing.checkDelayMs));
      return billing.tokens.has(token);
    },
    async starsPaid(payment) {
      if (billing.failNext > 0) {
        billing.failNext--;
        throw new Error("database unavailable");
      }
      billing.paid.push(payment);
    },
    async starsRefunded(refund) {
      billing.refunds.push(refund);
    },
    async discordEntitlement() {},
  };
  return billing;
}

let tg: TelegramStandIn;
let deps: FakeDeps;
let billing: FakeBilling;
let bot: TelegramBot;

beforeAll(async () => {
  tg = await startTelegramStandIn(TELEGRAM_TOKEN);
});
afterAll(() => tg.close());
afterEach(async () => {
  await bot.stop();
  expect(deps.logs()).not.toContain(TELEGRAM_TOKEN);
});

const STARS: Partial<TelegramConfig> = {
  starsPrice: 250,
  paymentSupport: "@photomemory_help",
  termsUrl: "https://photomemory.example/terms",
};

function setup(extra: Partial<TelegramConfig> = STARS, options: { deadlineMs?: number } = {}) {
  billing = createFakeBilling();
  deps = createFakeDeps({ billing });
  bot = telegramBotOn(
    tg,
    deps,
    { publicUrl: "https://photomemory.example", ...extra },
    { albumQuietMs: 50, ...(options.deadlineMs ? { preCheckoutDeadlineMs: options.deadlineMs } : {}) },
  );
}

const post = (body: string) => bot.router.request("/webhook", telegramPost(body));

/** A fixture with another update_id (Telegram's redelivery keeps it; a new update gets a new one). */
function withUpdateId(
  name: string,
  updateId: number,
  change: (u: Record<string, unknown>) => void = () => {},
) {
  const update = JSON.parse(fixture(name));
  update.update_id = updateId;
  change(update);
  return JSON.stringify(update);
}

describe("Telegram Stars: the invoice", () => {
  it("offers a Stars subscription link (XTR, 30 days, the configured price, the token as payload) and nothing else", async () => {
    setup();
    const checkout = await bot.adapter.checkout?.({
      token: UPGRADE_TOKEN,
      target: { platform: "telegram", channelId: "5550001" },
    });
    expect(checkout?.exclusive).toBe(true);
    expect(checkout?.action.value).toMatch(/^https:\/\/t\.me\/\$\S+$/);
    expect(checkout?.action.label).toContain("250 Stars");
    const call = tg.callsTo("createInvoiceLink").at(-1);
    expect(call?.params).toMatchObject({
      payload: UPGRADE_TOKEN,
      currency: "XTR",
      provider_token: "",
      subscription_period: STARS_SUBSCRIPTION_PERIOD,
      prices: [{ label: "Premium, 30 days", amount: 250 }],
    });
    expect(STARS_SUBSCRIPTION_PERIOD).toBe(2_592_000);
    // The link renders as a URL button on the upgrade card.
    await bot.adapter.postMessage(
      { platform: "telegram", channelId: "5550001" },
      { text: "Premium", actions: [checkout?.action ?? { id: "x", label: "x", value: "x" }] },
    );
    expect(tg.callsTo("sendMessage").at(-1)?.params.reply_markup).toEqual({
      inline_keyboard: [[{ text: "⭐ Premium for 250 Stars a month", url: checkout?.action.value }]],
    });
  });

  it("has no checkout when no Stars price is configured, and refuses a payload Telegram would refuse", async () => {
    setup({});
    expect(bot.adapter.checkout).toBeUndefined();
    setup();
    const error = await bot.adapter
      .checkout?.({ token: "x".repeat(129), target: { platform: "telegram", channelId: "1" } })
      .then(
        () => null,
        (e: unknown) => e,
      );
    expect(error).toBeInstanceOf(Error);
  });

  it("registers the webhook with pre_checkout_query among the allowed updates", async () => {
    setup();
    await bot.start();
    const set = tg.callsTo("setWebhook").at(-1);
    expect(set?.params.allowed_updates).toEqual(
      expect.arrayContaining(["message", "callback_query", "pre_checkout_query"]),
    );
  });
});

describe("Telegram Stars: pre-checkout", () => {
  it("answers ok inside the webhook request, well within Telegram's 10 seconds", async () => {
    setup();
    const before = tg.callsTo("answerPreCheckoutQuery").length;
    const started = Date.now();
    const res = await post(withUpdateId("pre-checkout-query.json", 804620201));
    const elapsed = Date.now() - started;
    expect(res.status).toBe(200);
    // Answered before the webhook returned: never left to a job.
    const answers = tg.callsTo("answerPreCheckoutQuery").slice(before);
    expect(answers).toHaveLength(1);
    expect(answers[0]?.params).toMatchObject({ pre_checkout_query_id: "2384929031238590841", ok: true });
    expect(answers[0]?.at).toBeLessThanOrEqual(started + elapsed);
    expect(elapsed).toBeLessThan(2_000);
  });

  it("still answers in time when checking the token is slow, and declines with a sentence when it hangs", async () => {
    setup(STARS, { deadlineMs: 400 });
    billing.checkDelayMs = 150;
    await post(withUpdateId("pre-checkout-query.json", 804620202));
    expect(tg.callsTo("answerPreCheckoutQuery").at(-1)?.params.ok).toBe(true);

    billing.checkDelayMs = Number.POSITIVE_INFINITY;
    const started = Date.now();
    expect((await post(withUpdateId("pre-checkout-query.json", 804620203))).status).toBe(200);
    expect(Date.now() - started).toBeLessThan(1_500);
    expect(tg.callsTo("answerPreCheckoutQuery").at(-1)?.params).toMatchObject({
      ok: false,
      error_message: "PhotoMemory could not check this payment in time. Please try again in a minute.",
    });
  });

  it("declines an unknown payload and a currency other than Stars, with a sentence", async () => {
    setup();
    await post(
      withUpdateId("pre-checkout-query.json", 804620204, (u) => {
        (u.pre_checkout_query as Record<string, unknown>).invoice_payload = "pmu_forgedforgedforged00";
      }),
    );
    expect(tg.callsTo("answerPreCheckoutQuery").at(-1)?.params).toMatchObject({
      ok: false,
      error_message: "This invoice has expired. Ask for a new one with /memory upgrade.",
    });
    await post(
      withUpdateId("pre-checkout-query.json", 804620205, (u) => {
        (u.pre_checkout_query as Record<string, unknown>).currency = "EUR";
      }),
    );
    expect(tg.callsTo("answerPreCheckoutQuery").at(-1)?.params.ok).toBe(false);
  });

  it("declines every checkout when this bot sells nothing", async () => {
    setup({});
    await post(withUpdateId("pre-checkout-query.json", 804620206));
    expect(tg.callsTo("answerPreCheckoutQuery").at(-1)?.params).toMatchObject({ ok: false });
  });
});

describe("Telegram Stars: payments and refunds", () => {
  it("hands the first payment to billing with its end date, once even when Telegram re-sends the update", async () => {
    setup();
    const body = withUpdateId("successful-payment.json", 804620301);
    expect((await post(body)).status).toBe(200);
    expect((await post(body)).status).toBe(200);
    expect(billing.paid).toHaveLength(1);
    const paid = billing.paid[0];
    expect(paid).toMatchObject({
      token: UPGRADE_TOKEN,
      userId: "5550001",
      amount: 250,
      renewal: false,
    });
    expect(paid?.chargeId).toMatch(/^stx/);
    expect(paid?.chargeId.length).toBeGreaterThan(128);
    expect(paid?.paidUntil.toISOString()).toBe(new Date(1767703000 * 1000).toISOString());
    expect(paid?.at.toISOString()).toBe(new Date(1765111000 * 1000).toISOString());
  });

  it("hands a renewal (no is_first_recurring, its own charge id) to billing as a renewal with the next end date", async () => {
    setup();
    await post(withUpdateId("successful-payment-renewal.json", 804620302));
    expect(billing.paid[0]).toMatchObject({ renewal: true, token: UPGRADE_TOKEN });
    expect(billing.paid[0]?.paidUntil.toISOString()).toBe(new Date(1770295010 * 1000).toISOString());
  });

  it("answers 500 when billing could not record the payment, and records Telegram's re-send", async () => {
    setup();
    billing.failNext = 1;
    const body = withUpdateId("successful-payment.json", 804620303);
    expect((await post(body)).status).toBe(500);
    expect((await post(body)).status).toBe(200);
    expect(billing.paid).toHaveLength(1);
  });

  it("hands a refund (provider_payment_charge_id left out) to billing", async () => {
    setup();
    await post(withUpdateId("refunded-payment.json", 804620304));
    expect(billing.refunds).toEqual([
      {
        chargeId: JSON.parse(fixture("successful-payment.json")).message.successful_payment
          .telegram_payment_charge_id,
        token: UPGRADE_TOKEN,
        userId: "5550001",
        amount: 250,
        at: new Date(1765200000 * 1000),
      },
    ]);
  });
});

describe("Telegram Stars: /paysupport and /terms", () => {
  const command = (text: string, updateId: number) =>
    withUpdateId("memory-command.json", updateId, (u) => {
      const message = u.message as Record<string, unknown>;
      message.text = text;
      message.entities = [{ offset: 0, length: text.length, type: "bot_command" }];
    });

  it("answers whom to ask about a payment, and the terms with the price and how to cancel", async () => {
    setup();
    await post(command("/paysupport", 804620401));
    expect(String(tg.callsTo("sendMessage").at(-1)?.params.text)).toContain("@photomemory_help");
    await post(command("/terms", 804620402));
    const terms = String(tg.callsTo("sendMessage").at(-1)?.params.text);
    expect(terms).toContain("250 Stars every 30 days");
    expect(terms).toContain("Settings → My Stars");
    expect(terms).toContain("https://photomemory.example/terms");
    expect(deps.commands).toHaveLength(0);
  });

  it("says there is nothing to pay for when Stars are off", async () => {
    setup({});
    await post(command("/paysupport", 804620403));
    expect(String(tg.callsTo("sendMessage").at(-1)?.params.text)).toContain("takes no payments");
  });
});

describe("Telegram Stars: configuration", () => {
  const env = { TELEGRAM_BOT_TOKEN: TELEGRAM_TOKEN };

  it("reads the price, the support contact and the terms link", () => {
    expect(
      parseTelegramConfig({
        ...env,
        TELEGRAM_STARS_PRICE: "250",
        PAYMENT_SUPPORT_CONTACT: "@photomemory_help",
        TERMS_URL: "https://photomemory.example/terms",
      }),
    ).toMatchObject({
      starsPrice: 250,
      paymentSupport: "@photomemory_help",
      termsUrl: "https://photomemory.example/terms",
    });
  });

  it("refuses a price without a support contact, and a price Telegram refuses, naming the variable", () => {
    const problem = (extra: Record<string, string>) => {
      try {
        parseTelegramConfig({ ...env, ...extra });
        return null;
      } catch (error) {
        return isPhotoMemoryError(error, "config.invalid") ? error.message : "other";
      }
    };
    expect(problem({ TELEGRAM_STARS_PRICE: "250" })).toContain("PAYMENT_SUPPORT_CONTACT");
    expect(problem({ TELEGRAM_STARS_PRICE: "10001", PAYMENT_SUPPORT_CONTACT: "@x" })).toContain(
      "TELEGRAM_STARS_PRICE",
    );
    expect(problem({ TELEGRAM_STARS_PRICE: "2.5", PAYMENT_SUPPORT_CONTACT: "@x" })).toContain(
      "TELEGRAM_STARS_PRICE",
    );
  });
});
