/**
 * A cancelled Telegram Stars subscription running out, end to end through the running service (PGlite, the embedded
 * runner) with the Telegram stand-in. Telegram sends nothing when it runs out; with periods of a few seconds and a
 * grace of one second, the check at the end of a period that a renewal extended says nothing, and the check at the
 * end of the renewed period tells the chat once that premium has ended, with a new Stars invoice.
 */
import { afterAll, beforeAll, expect, it } from "vitest";
import { startTelegramStandIn, type TelegramStandIn } from "../../stand-ins/telegram-api.ts";
import { type BotService, eventually, startBotService } from "./bot-service.ts";
import { invoiceButton, starsWebhook } from "./telegram-stars-kit.ts";

const TOKEN = "7000000001:AAE2eTelegramLapseTokenValue_0123456789";
const SECRET = "e2e-lapse-webhook-secret";
let tg: TelegramStandIn;
let bots: BotService;
const { post, command, payment } = starsWebhook(() => bots, SECRET, 906000000);

beforeAll(async () => {
  tg = await startTelegramStandIn(TOKEN);
  bots = await startBotService({
    TELEGRAM_BOT_TOKEN: TOKEN,
    TELEGRAM_WEBHOOK_SECRET: SECRET,
    TELEGRAM_API_ROOT: tg.apiRoot,
    PUBLIC_URL: "https://photomemory.example",
    TELEGRAM_STARS_PRICE: "250",
    PAYMENT_SUPPORT_CONTACT: "@photomemory_help",
    BILLING_END_GRACE_SECONDS: "1",
  });
}, 180_000);
afterAll(async () => {
  await bots?.stop();
  await tg?.close();
});

const sent = (pattern: RegExp) =>
  tg.callsTo("sendMessage").filter((c) => pattern.test(String(c.params.text)));

it("Telegram: a renewed period's end says nothing; the last period running out is told once, with a new invoice", async () => {
  expect((await post(command("/memory upgrade"))).status).toBe(200);
  const card = await eventually(
    () => sent(/Premium unlocks/).find((c) => invoiceButton(c)),
    "the card",
    20_000,
  );
  const token = String(tg.invoices.get(invoiceButton(card) ?? "")?.payload);

  // The first period ends in 3 s; its renewal, charged at the end, extends premium to 6 s.
  const now = Math.floor(Date.now() / 1000);
  expect((await post(payment(token, `stxLapseFirst${"A".repeat(110)}`, now, now + 3, true))).status).toBe(
    200,
  );
  expect(
    (await post(payment(token, `stxLapseRenew${"B".repeat(110)}`, now + 1, now + 6, false))).status,
  ).toBe(200);
  expect(sent(/Premium is on/)).toHaveLength(1);

  // Told after the renewed period's end plus the grace, never at the first period's end.
  const ended = await eventually(() => sent(/Premium has ended/)[0], "premium ended", 30_000);
  expect(ended.at).toBeGreaterThanOrEqual((now + 7) * 1000);
  expect(String(ended.params.text)).toMatch(
    /^Premium has ended for you: it was paid until \d+ \w+ \d{4} and was not renewed\. This is the free plan again: the classic and modern styles \(cinematic and vintage are locked\), up to 30 photos per memory and 10 memories a month\. To get it back, press the button below or type `\/memory upgrade`\.$/,
  );
  const again = tg.invoices.get(invoiceButton(ended) ?? "");
  expect(again).toMatchObject({ currency: "XTR", subscription_period: 2592000 });
  expect(again?.payload).not.toBe(token);
  expect(bots.logs()).toMatch(/"outcome":"renewed"[^\n]*premium period end looked at/);

  // Once: nothing more after another poll or two.
  await new Promise((r) => setTimeout(r, 2500));
  expect(sent(/Premium has ended/)).toHaveLength(1);
  expect((await post(command("/memory plan"))).status).toBe(200);
  await eventually(() => sent(/You are on the free plan/)[0], "the free plan", 20_000);
  expect(bots.logs()).not.toContain(TOKEN);
}, 120_000);
