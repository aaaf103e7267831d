import { readFileSync } from "node:fs";
import { signSlackRequest } from "../../../src/bots/slack/verify.ts";
import { startSlackStandIn } from "../../stand-ins/slack-api.ts";
import type { PlatformKit } from "../contract/platform-kit.ts";

const SECRET = "contract0signing0secret";
const TOKEN = "xoxb-100000000001-100000000002-ContractSlackToken";

export async function startKit(): Promise<PlatformKit> {
  const slack = await startSlackStandIn({ botToken: TOKEN });
  const body = readFileSync(new URL("../../fixtures/slack/message-file-share.json", import.meta.url), "utf8");
  const request = (secret: string) => {
    const ts = Math.floor(Date.now() / 1000);
    return new Request("http://localhost/slack/events", {
      method: "POST",
      headers: {
        "content-type": "application/json",
        "x-slack-request-timestamp": String(ts),
        "x-slack-signature": signSlackRequest(secret, ts, body),
      },
      body,
    });
  };
  return {
    env: { SLACK_SIGNING_SECRET: SECRET, SLACK_BOT_TOKEN: TOKEN, SLACK_API_URL: slack.apiUrl },
    photoDelivery: () => request(SECRET),
    forgedDelivery: () => request("not-the-signing-secret"),
    close: () => slack.close(),
  };
}
