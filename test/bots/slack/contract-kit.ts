/**
 * What Slack's tests share: the signing secret and bot token, the recorded payloads, requests signed as Slack signs
 * them, the bot built on given deps against the Slack stand-in, and `startKit` for the platform contract.
 */
import { readFileSync } from "node:fs";
import { createSlackBot } from "../../../src/bots/slack/slack-bot.ts";
import { signSlackRequest } from "../../../src/bots/slack/verify.ts";
import { type SlackStandIn, startSlackStandIn } from "../../stand-ins/slack-api.ts";
import type { PlatformKit } from "../contract/platform-kit.ts";

export const SLACK_SECRET = "8f742231b10e8888abcd99yyyzzz85a5";
export const SLACK_TOKEN = "xoxb-17653672481-19874698323-pdFZKVeTuE8sk7oOcBrzbqgy";

export const slackFixture = (name: string) =>
  readFileSync(new URL(`../../fixtures/slack/${name}`, import.meta.url), "utf8");

/**
 * A POST signed as Slack signs it, now (or at `at`, unix seconds, to replay or age one; with another `secret` to
 * forge one). `signature: null` leaves the signature out; a string sends that one instead.
 */
export function signedSlackPost(
  body: string,
  options: {
    type?: string;
    at?: number;
    secret?: string;
    signature?: string | null;
    headers?: Record<string, string>;
  } = {},
) {
  const at = options.at ?? Math.floor(Date.now() / 1000);
  const headers: Record<string, string> = {
    "content-type": options.type ?? "application/json",
    "x-slack-request-timestamp": String(at),
    ...options.headers,
  };
  const signature =
    options.signature === undefined
      ? signSlackRequest(options.secret ?? SLACK_SECRET, at, body)
      : options.signature;
  if (signature !== null) headers["x-slack-signature"] = signature;
  return { method: "POST", headers, body };
}

/** The Slack bot on `deps`, with SLACK_SECRET and SLACK_TOKEN, talking to the stand-in. */
export function slackBotOn(
  slack: SlackStandIn,
  deps: Omit<Parameters<typeof createSlackBot>[0], "publicUrl">,
) {
  return createSlackBot(
    { ...deps, publicUrl: "http://localhost:3000" },
    { signingSecret: SLACK_SECRET, botToken: SLACK_TOKEN, apiUrl: slack.apiUrl },
  );
}

const CONTRACT_SECRET = "contract0signing0secret";
const CONTRACT_TOKEN = "xoxb-100000000001-100000000002-ContractSlackToken";

export async function startKit(): Promise<PlatformKit> {
  const slack = await startSlackStandIn({ botToken: CONTRACT_TOKEN });
  const body = slackFixture("message-file-share.json");
  const request = (secret: string) =>
    new Request("http://localhost/slack/events", signedSlackPost(body, { secret }));
  return {
    env: {
      SLACK_SIGNING_SECRET: CONTRACT_SECRET,
      SLACK_BOT_TOKEN: CONTRACT_TOKEN,
      SLACK_API_URL: slack.apiUrl,
    },
    photoDelivery: () => request(CONTRACT_SECRET),
    forgedDelivery: () => request("not-the-signing-secret"),
    close: () => slack.close(),
  };
}
