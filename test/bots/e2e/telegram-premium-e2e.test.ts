/**
 * Telegram premium end to end, through the running service: a locked style answers with a Stars invoice (and no
 * other way to pay), the pre-checkout is answered in time, the payment turns premium on (told in the chat, once for
 * a repeated payment), the vintage memory renders and arrives, a renewal extends premium, and a refund ends it.
 */

import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, expect, it } from "vitest";
import { probe } from "../../../src/core/render/probe.ts";
import { noisyJpeg } from "../../fixtures/generate-photos.ts";
import {
  startTelegramStandIn,
  type TelegramCall,
  type TelegramStandIn,
} from "../../stand-ins/telegram-api.ts";
import { type BotService, eventually, startBotService } from "./bot-service.ts";
import { frameColour } from "./frames.ts";
import { invoiceButton, starsWebhook } from "./telegram-stars-kit.ts";

const TOKEN = "7000000001:AAE2eTelegramStarsTokenValue_01234567";
const SECRET = "e2e-stars-webhook-secret";
const CHAT = 5550001;
const DAY = 86_400;
let tg: TelegramStandIn;
let bots: BotService;
const { update, post, command, payment } = starsWebhook(() => bots, SECRET, 905000000);

beforeAll(async () => {
  tg = await startTelegramStandIn(TOKEN);
  tg.files.set("AgACAgQAAxkBAAMpZ-large", {
    path: "photos/file_1.jpg",
    size: 1,
    bytes: await noisyJpeg(800, 600, 41),
  });
  tg.files.set("BQACAgQAAxkBAAMqZ-doc", {
    path: "documents/file_2.jpg",
    size: 1,
    bytes: await noisyJpeg(600, 800, 42),
  });
  bots = await startBotService({
    TELEGRAM_BOT_TOKEN: TOKEN,
    TELEGRAM_WEBHOOK_SECRET: SECRET,
    TELEGRAM_API_ROOT: tg.apiRoot,
    PUBLIC_URL: "https://photomemory.example",
    TELEGRAM_STARS_PRICE: "250",
    PAYMENT_SUPPORT_CONTACT: "@photomemory_help",
  });
}, 180_000);
afterAll(async () => {
  await bots?.stop();
  await tg?.close();
});

const sentTexts = () => tg.callsTo("sendMessage").map((c) => String(c.params.text));
const count = (pattern: RegExp) => sentTexts().filter((t) => pattern.test(t)).length;

async function askForVintage(title: string): Promise<{ call: TelegramCall; token: string }> {
  const before = tg.callsTo("sendMessage").length;
  expect((await post(command(`/memory vintage ${title}`))).status).toBe(200);
  const call = await eventually(
    () =>
      tg
        .callsTo("sendMessage")
        .slice(before)
        .find((c) => invoiceButton(c)),
    "the upgrade card",
    30_000,
  );
  const invoice = tg.invoices.get(invoiceButton(call) ?? "");
  return { call, token: String(invoice?.payload) };
}

it("Telegram: vintage is locked → a Stars invoice → pre-checkout in time → payment → premium → vintage renders; renewal extends, refund revokes", async () => {
  expect((await post(update("photo.json"))).status).toBe(200);
  expect((await post(update("document-image.json"))).status).toBe(200);
  await eventually(() => tg.callsTo("setMessageReaction").at(1), "both photos taken in", 30_000);

  // Locked: the card offers the Stars subscription only.
  const { call: card, token } = await askForVintage("Summer in Lisbon");
  expect(String(card.params.text)).toMatch(/vintage style is a premium style/);
  const buttons = (
    card.params.reply_markup as { inline_keyboard: { url?: string }[][] }
  ).inline_keyboard.flat();
  expect(buttons).toHaveLength(1);
  expect(token).toMatch(/^[A-Za-z0-9_-]{16,128}$/);
  expect(tg.invoices.get(buttons[0]?.url ?? "")).toMatchObject({
    currency: "XTR",
    subscription_period: 2592000,
    prices: [{ label: "Premium, 30 days", amount: 250 }],
  });
  expect(tg.callsTo("sendVideo")).toHaveLength(0);

  // Pre-checkout: answered before the webhook request returns, well within 10 s.
  const started = Date.now();
  const checkout = update("pre-checkout-query.json", (u) => {
    u.pre_checkout_query.invoice_payload = token;
  });
  expect((await post(checkout)).status).toBe(200);
  const answered = tg.callsTo("answerPreCheckoutQuery").at(-1);
  expect(answered?.params).toMatchObject({ ok: true });
  expect((answered?.at ?? Number.POSITIVE_INFINITY) - started).toBeLessThan(2_000);
  // A forged payload is declined.
  await post(
    update("pre-checkout-query.json", (u) => {
      u.pre_checkout_query.invoice_payload = "pmu_forgedforgedforged00";
    }),
  );
  expect(tg.callsTo("answerPreCheckoutQuery").at(-1)?.params.ok).toBe(false);

  // The payment: premium starts, and the chat is told once even though the payment arrives twice.
  const now = Math.floor(Date.now() / 1000);
  const first = `stxhi4wFirst${"A".repeat(120)}`;
  const paid = payment(token, first, now, now + 30 * DAY, true);
  expect((await post(paid)).status).toBe(200);
  expect((await post(paid)).status).toBe(200);
  expect((await post(payment(token, first, now, now + 30 * DAY, true))).status).toBe(200);
  await eventually(() => count(/Premium is on/) > 0, "premium on", 20_000);

  // The premium style renders and comes back.
  const videosBefore = tg.callsTo("sendVideo").length;
  expect((await post(command("/memory vintage Summer in Lisbon"))).status).toBe(200);
  const sent = await eventually(() => tg.callsTo("sendVideo")[videosBefore], "the vintage video", 240_000);
  expect(count(/Premium is on/)).toBe(1);
  const metrics = await (await bots.service.app.request("/metrics")).text();
  expect(metrics).toMatch(/photomemory_render_duration_seconds_count\{style="vintage"\} 1/);
  const field = String(sent.params.video).replace("attach://", "");
  const bytes = sent.files?.[field];
  expect(bytes?.byteLength ?? 0).toBeGreaterThan(10_000);
  const dir = await mkdtemp(path.join(tmpdir(), "pm-stars-"));
  try {
    const file = path.join(dir, "vintage.mp4");
    await writeFile(file, bytes ?? Buffer.alloc(0));
    const probed = await probe(file);
    expect(probed.durationSeconds).toBeGreaterThan(3);
    // Vintage's warm grade: red over blue in the middle of the video (the photos are neutral noise).
    const colour = await frameColour(file, probed.durationSeconds / 2, path.join(dir, "frame.png"));
    expect(colour.r - colour.b).toBeGreaterThan(8);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }

  // A renewal: its own charge id, the next period; /memory plan shows the new end.
  const renewed = `stxhi4wRenewal${"B".repeat(120)}`;
  expect((await post(payment(token, renewed, now + 60, now + 60 * DAY, false))).status).toBe(200);
  expect((await post(command("/memory plan"))).status).toBe(200);
  const end = new Date((now + 60 * DAY) * 1000).toLocaleDateString("en-GB", {
    day: "numeric",
    month: "long",
    year: "numeric",
    timeZone: "UTC",
  });
  await eventually(
    () => sentTexts().some((t) => t.includes(`Premium is paid until ${end}`)),
    "the renewed end",
    20_000,
  );

  // The refund ends premium at once, says so, and vintage is locked again.
  const refund = update("refunded-payment.json", (u) => {
    u.message.date = now + 120;
    Object.assign(u.message.refunded_payment, {
      invoice_payload: token,
      telegram_payment_charge_id: renewed,
    });
  });
  expect((await post(refund)).status).toBe(200);
  await eventually(() => count(/Premium has ended/) > 0, "premium ended", 20_000);
  const again = await askForVintage("After the refund");
  expect(String(again.call.params.text)).toMatch(/premium style/);
  expect(count(/Premium has ended/)).toBe(1);
  expect(tg.callsTo("sendVideo")).toHaveLength(videosBefore + 1);

  expect(bots.logs()).not.toContain(TOKEN);
  expect(bots.logs()).not.toContain(TOKEN.split(":")[1]);
  expect(tg.callsTo("sendMessage").every((c) => Number(c.params.chat_id) === CHAT)).toBe(true);
}, 420_000);
