import { readFileSync } from "node:fs";
import { startTelegramStandIn } from "../../stand-ins/telegram-api.ts";
import type { PlatformKit } from "../contract/platform-kit.ts";

const TOKEN = "7000000001:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw";
const SECRET = "contract_webhook-secret";

export async function startKit(): Promise<PlatformKit> {
  const tg = await startTelegramStandIn(TOKEN);
  const body = readFileSync(new URL("../../fixtures/telegram/photo.json", import.meta.url), "utf8");
  const request = (secret: string) =>
    new Request("http://localhost/telegram/webhook", {
      method: "POST",
      headers: { "content-type": "application/json", "x-telegram-bot-api-secret-token": secret },
      body,
    });
  return {
    env: { TELEGRAM_BOT_TOKEN: TOKEN, TELEGRAM_WEBHOOK_SECRET: SECRET, TELEGRAM_API_ROOT: tg.apiRoot },
    photoDelivery: () => request(SECRET),
    forgedDelivery: () => request("wrong-secret"),
    close: () => tg.close(),
  };
}
