/**
 * Premium on Telegram is a Telegram Stars subscription (digital goods in bots are paid in Stars): an invoice link
 * (`createInvoiceLink`, currency XTR, `subscription_period` 30 days) whose payload is billing's opaque upgrade token.
 * The pre-checkout query is answered here, inside the webhook request, within Telegram's 10 seconds; the payment
 * (`successful_payment`, and each renewal) and the refund (`refunded_payment`) go to billing; `/paysupport` and
 * `/terms` answer as Telegram requires of bots that sell.
 */
import type { Api, Bot, Context } from "grammy";
import type { Message, PreCheckoutQuery } from "grammy/types";
import type { Logger } from "pino";
import type { BotBilling, StarsPayment, StarsRefund } from "../common/bot-deps.ts";

/** Telegram's one allowed subscription period: 30 days, in seconds. */
export const STARS_SUBSCRIPTION_PERIOD = 2_592_000;
/** Telegram drops a checkout whose pre-checkout query is not answered within 10 s; ours answers well before. */
export const PRE_CHECKOUT_DEADLINE_MS = 7_000;
/** An invoice payload is 1–128 bytes. */
const MAX_PAYLOAD_BYTES = 128;

export interface StarsOptions {
  /** Stars per 30 days. */
  price: number;
  /** Whom buyers ask about a payment (/paysupport). */
  support: string;
  /** The full terms, linked from /terms. */
  termsUrl?: string;
  /** How long the token check may take before the checkout is declined with "try again" (tests shorten it). */
  deadlineMs?: number;
}

/** The invoice link that sells premium for this upgrade token: a https://t.me/$… link anyone in the chat can open. */
export async function createStarsInvoiceLink(
  api: Pick<Api, "createInvoiceLink">,
  input: { token: string; price: number },
): Promise<string> {
  if (Buffer.byteLength(input.token, "utf8") > MAX_PAYLOAD_BYTES) {
    throw new Error("An upgrade token is longer than a Telegram invoice payload may be (128 bytes).");
  }
  return api.createInvoiceLink(
    "PhotoMemory Premium",
    "Every style (cinematic and vintage too), more photos per memory and more memories a month. Renews every 30 days until you cancel it in Telegram.",
    input.token,
    "",
    "XTR",
    [{ label: "Premium, 30 days", amount: input.price }],
    { subscription_period: STARS_SUBSCRIPTION_PERIOD },
  );
}

export type PreCheckoutAnswer = { ok: true } | { ok: false; message: string };

/**
 * Whether to let this checkout go ahead: Stars, and a payload that is one of billing's live upgrade tokens (an
 * invoice made by this bot for a chat that asked to upgrade). A token check slower than the deadline declines
 * with a sentence asking to try again, so Telegram always gets an answer in time.
 */
export async function decidePreCheckout(
  query: Pick<PreCheckoutQuery, "currency" | "invoice_payload" | "total_amount">,
  billing: Pick<BotBilling, "isUpgradeToken">,
  deadlineMs = PRE_CHECKOUT_DEADLINE_MS,
): Promise<PreCheckoutAnswer> {
  if (query.currency !== "XTR" || !(query.total_amount > 0)) {
    return {
      ok: false,
      message: "This invoice is not one PhotoMemory sells. Ask for a new one with /memory upgrade.",
    };
  }
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<"late">((resolve) => {
    timer = setTimeout(() => resolve("late"), deadlineMs);
  });
  try {
    const known = await Promise.race([billing.isUpgradeToken(query.invoice_payload), late]);
    if (known === "late") {
      return {
        ok: false,
        message: "PhotoMemory could not check this payment in time. Please try again in a minute.",
      };
    }
    if (!known) {
      return { ok: false, message: "This invoice has expired. Ask for a new one with /memory upgrade." };
    }
    return { ok: true };
  } catch {
    return {
      ok: false,
      message: "PhotoMemory could not check this payment just now. Please try again in a minute.",
    };
  } finally {
    clearTimeout(timer);
  }
}

/** A `successful_payment` message as billing's StarsPayment; null when it is not a Stars payment. */
export function starsPaymentOf(message: Message): StarsPayment | null {
  const paid = message.successful_payment;
  if (paid?.currency !== "XTR") return null;
  const at = new Date(message.date * 1000);
  const userId = String(message.from?.id ?? message.chat.id);
  return {
    chargeId: paid.telegram_payment_charge_id,
    token: paid.invoice_payload,
    userId,
    amount: paid.total_amount,
    // A subscription payment carries its end; anything else (never sent by our invoices) counts for one period.
    paidUntil: paid.subscription_expiration_date
      ? new Date(paid.subscription_expiration_date * 1000)
      : new Date(at.getTime() + STARS_SUBSCRIPTION_PERIOD * 1000),
    renewal: paid.is_recurring === true && paid.is_first_recurring !== true,
    at,
  };
}

/** A `refunded_payment` message as billing's StarsRefund; null when it is not a Stars refund. */
export function starsRefundOf(message: Message): StarsRefund | null {
  const refunded = message.refunded_payment;
  if (refunded?.currency !== "XTR") return null;
  return {
    chargeId: refunded.telegram_payment_charge_id,
    token: refunded.invoice_payload,
    userId: String(message.from?.id ?? message.chat.id),
    amount: refunded.total_amount,
    at: new Date(message.date * 1000),
  };
}

export function paySupportText(options: Pick<StarsOptions, "support"> | undefined): string {
  if (!options) return "This PhotoMemory bot takes no payments: every style is open to everyone here.";
  return [
    `Questions about a payment or a refund: write to ${options.support}.`,
    "Say when you paid and how many Stars (Telegram lists both under Settings → My Stars).",
    "Telegram's own support cannot help with purchases made in bots.",
  ].join("\n");
}

export function termsText(options: StarsOptions | undefined): string {
  if (!options)
    return "This PhotoMemory bot sells nothing, so there are no terms of sale: every style is free here.";
  return [
    `PhotoMemory Premium costs ${options.price} Stars every 30 days and renews until you cancel it (Telegram: Settings → My Stars → your subscriptions).`,
    "It unlocks every style (cinematic and vintage too), more photos per memory and more memories a month for your Telegram account, wherever you use PhotoMemory on Telegram.",
    "Cancelling keeps Premium until the end of the period you paid for. A refunded payment ends Premium at once.",
    `Payment questions and refunds: /paysupport.${options.termsUrl ? `\nFull terms: ${options.termsUrl}` : ""}`,
  ].join("\n");
}

/**
 * Registers the payment updates and commands. The pre-checkout query is answered before the webhook request
 * returns (never from a job); payments and refunds reach billing inside the request too, so a failure makes
 * Telegram deliver the update again (the update and the charge id are both deduplicated).
 */
export function registerStarsHandlers(
  bot: Bot,
  input: { billing?: BotBilling; stars?: StarsOptions; logger: Logger },
): void {
  const log = input.logger.child({ module: "telegram-stars" });
  const { billing, stars } = input;

  bot.command("paysupport", (ctx) => ctx.reply(paySupportText(stars)));
  bot.command("terms", (ctx) => ctx.reply(termsText(stars)));

  bot.on("pre_checkout_query", async (ctx: Context) => {
    const query = ctx.preCheckoutQuery;
    if (!query) return;
    const started = Date.now();
    const answer: PreCheckoutAnswer =
      billing && stars
        ? await decidePreCheckout(query, billing, stars.deadlineMs)
        : { ok: false, message: "This bot does not sell anything at the moment." };
    await ctx.answerPreCheckoutQuery(answer.ok, answer.ok ? undefined : { error_message: answer.message });
    log.info({ ok: answer.ok, ms: Date.now() - started }, "pre-checkout answered");
  });

  bot.on("message:successful_payment", async (ctx) => {
    const payment = starsPaymentOf(ctx.message);
    if (!payment) {
      log.warn({ currency: ctx.message.successful_payment.currency }, "a payment not in Stars was ignored");
      return;
    }
    if (!billing) {
      // Paid while billing is off (the price was removed after the invoice was made): keep it in the log to reconcile.
      log.error(
        { chargeId: payment.chargeId, userId: payment.userId },
        "stars payment received with billing off",
      );
      return;
    }
    await billing.starsPaid(payment);
    // The charge id and the user are what refundStarPayment needs.
    log.info(
      {
        chargeId: payment.chargeId,
        userId: payment.userId,
        stars: payment.amount,
        renewal: payment.renewal,
        until: payment.paidUntil.toISOString(),
      },
      "stars payment recorded",
    );
  });

  bot.on("message:refunded_payment", async (ctx) => {
    const refund = starsRefundOf(ctx.message);
    if (!refund || !billing) return;
    await billing.starsRefunded(refund);
    log.info({ chargeId: refund.chargeId }, "stars refund recorded");
  });
}
