/**
 * What the Telegram Stars end-to-end tests share: the recorded updates as new updates (each its own update_id, a
 * field or two changed), the webhook request as Telegram sends it, a command, a payment, and the invoice button of a
 * message.
 */
import { readFileSync } from "node:fs";
import type { TelegramCall } from "../../stand-ins/telegram-api.ts";
import type { BotService } from "./bot-service.ts";

/** A Telegram update as the fixtures hold it (JSON), for a test to change a field or two. */
type Fields = Record<string, string | number | boolean | null | undefined | object>;
export interface StarsUpdate {
  update_id: number;
  message: Fields & { successful_payment: Fields; refunded_payment: Fields };
  pre_checkout_query: Fields;
}

const fixture = (name: string) =>
  JSON.parse(readFileSync(new URL(`../../fixtures/telegram/${name}`, import.meta.url), "utf8"));

/** The Stars invoice link a message's button opens, if it has one. */
export function invoiceButton(call: TelegramCall | undefined): string | undefined {
  const markup = call?.params.reply_markup as { inline_keyboard?: { url?: string }[][] } | undefined;
  return markup?.inline_keyboard?.flat().find((b) => b.url?.startsWith("https://t.me/$"))?.url;
}

/** Updates numbered from `firstUpdateId`, posted to the service's webhook with `secret`. */
export function starsWebhook(bots: () => BotService, secret: string, firstUpdateId: number) {
  let updateId = firstUpdateId;
  /** A fixture as a new update (its own update_id), changed by `change`. */
  const update = (name: string, change: (u: StarsUpdate) => void = () => {}): string => {
    const u = fixture(name) as StarsUpdate;
    u.update_id = ++updateId;
    change(u);
    return JSON.stringify(u);
  };
  const post = (body: string) =>
    bots().service.app.request("/telegram/webhook", {
      method: "POST",
      headers: { "content-type": "application/json", "x-telegram-bot-api-secret-token": secret },
      body,
    });
  const command = (text: string) =>
    update("memory-command.json", (u) => {
      u.message.text = text;
      u.message.message_id = updateId;
      u.message.entities = [{ offset: 0, length: text.split(" ")[0]?.length ?? 0, type: "bot_command" }];
    });
  /** A subscription's first payment or its renewal, paid at `paidAt`, premium until `until` (Unix seconds). */
  const payment = (token: string, charge: string, paidAt: number, until: number, first: boolean) =>
    update(first ? "successful-payment.json" : "successful-payment-renewal.json", (u) => {
      u.message.date = paidAt;
      Object.assign(u.message.successful_payment, {
        invoice_payload: token,
        telegram_payment_charge_id: charge,
        subscription_expiration_date: until,
      });
    });
  return { update, post, command, payment };
}
