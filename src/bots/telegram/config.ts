/**
 * Telegram's environment block, parsed by `src/config.ts`. The bot is on when TELEGRAM_BOT_TOKEN is set; with
 * TELEGRAM_WEBHOOK_SECRET it takes updates at POST /telegram/webhook, otherwise it long-polls.
 */
import { z } from "zod";
import { PhotoMemoryError } from "../../core/errors.ts";
import { parseEnvBlock } from "../common/parse-env.ts";

const blank = (v: unknown) => (typeof v === "string" && v.trim() === "" ? undefined : v);

export const telegramEnvSchema = z.object({
  TELEGRAM_BOT_TOKEN: z.preprocess(
    blank,
    z
      .string()
      .regex(/^\d+:[A-Za-z0-9_-]+$/, "must look like 123456:ABC-def")
      .optional(),
  ),
  TELEGRAM_WEBHOOK_SECRET: z.preprocess(
    blank,
    z
      .string()
      .regex(/^[A-Za-z0-9_-]{1,256}$/, "must be 1-256 characters of A-Z, a-z, 0-9, _ and -")
      .optional(),
  ),
  TELEGRAM_API_ROOT: z.preprocess(blank, z.url().default("https://api.telegram.org")),
  TELEGRAM_WEBHOOK_URL: z.preprocess(blank, z.url().startsWith("https://").optional()),
  PUBLIC_URL: z.preprocess(blank, z.url().optional()),
  TELEGRAM_STARS_PRICE: z.preprocess(
    blank,
    z.coerce
      .number()
      .int("must be a whole number of Stars")
      .min(1, "must be at least 1 Star")
      .max(10000, "must be at most 10000 Stars (Telegram's limit for a subscription)")
      .optional(),
  ),
  PAYMENT_SUPPORT_CONTACT: z.preprocess(blank, z.string().max(200).optional()),
  TERMS_URL: z.preprocess(blank, z.url().optional()),
});

export interface TelegramConfig {
  token: string;
  webhookSecret?: string;
  /** Bot API root; a self-hosted Bot API server lifts the 50 MB upload and 20 MB download limits. */
  apiRoot: string;
  /** When set together with the secret, setWebhook points Telegram at `<publicUrl>/telegram/webhook` on start. */
  publicUrl?: string;
  /** Where setWebhook points Telegram instead (the edge Worker's `/telegram/webhook`). */
  webhookUrl?: string;
  /** Premium is sold as a Stars subscription at this price every 30 days; unset, Telegram sells nothing. */
  starsPrice?: number;
  /** Whom buyers ask about a payment or a refund (/paysupport). Required with a Stars price. */
  paymentSupport?: string;
  /** The full terms, linked from /terms. */
  termsUrl?: string;
}

export function parseTelegramConfig(env: Record<string, string | undefined>): TelegramConfig | null {
  const e = parseEnvBlock(telegramEnvSchema, env, "Telegram");
  if (!e.TELEGRAM_BOT_TOKEN) return null;
  if (e.TELEGRAM_STARS_PRICE && !e.PAYMENT_SUPPORT_CONTACT) {
    throw new PhotoMemoryError(
      "config.invalid",
      "The Telegram configuration is invalid: TELEGRAM_STARS_PRICE needs PAYMENT_SUPPORT_CONTACT (an @username, email or page buyers can reach about a payment), because Telegram requires /paysupport to answer.",
    );
  }
  return {
    token: e.TELEGRAM_BOT_TOKEN,
    ...(e.TELEGRAM_WEBHOOK_SECRET ? { webhookSecret: e.TELEGRAM_WEBHOOK_SECRET } : {}),
    apiRoot: e.TELEGRAM_API_ROOT.replace(/\/+$/, ""),
    ...(e.PUBLIC_URL ? { publicUrl: e.PUBLIC_URL.replace(/\/+$/, "") } : {}),
    ...(e.TELEGRAM_WEBHOOK_URL ? { webhookUrl: e.TELEGRAM_WEBHOOK_URL } : {}),
    ...(e.TELEGRAM_STARS_PRICE ? { starsPrice: e.TELEGRAM_STARS_PRICE } : {}),
    ...(e.PAYMENT_SUPPORT_CONTACT ? { paymentSupport: e.PAYMENT_SUPPORT_CONTACT.trim() } : {}),
    ...(e.TERMS_URL ? { termsUrl: e.TERMS_URL } : {}),
  };
}
