/**
 * What the Worker does per platform once the signature holds: the answer the platform needs in time (the same the
 * service gives: `firstAnswer` for Discord interactions, 204 for Discord's webhook events, an empty 200 or the
 * url_verification challenge for Slack, an empty 200 for Telegram and Stripe), and whether the webhook goes on to the service, under which delivery id. The paths are
 * the service's own, so pointing a platform at the Worker changes only the host.
 */
import { firstAnswer, type InteractionHead } from "../../src/bots/discord/first-answer.ts";
import { parseSlackBody } from "../../src/bots/slack/parse-body.ts";
import type { EdgeEnv, EdgePlatform } from "./env.ts";
import { verifyDiscord, verifySlack, verifyStripe, verifyTelegram } from "./verify.ts";

export interface Answer {
  response: Response;
  /** The platform's delivery id when the webhook goes on to the service; null when the answer was all. */
  forward: string | null;
}

export interface EdgeRoute {
  platform: EdgePlatform;
  /** The secret or key this route needs; the route is off (404) without it. */
  secret(env: EdgeEnv): string | undefined;
  verify(secret: string, headers: Headers, body: Uint8Array, nowSeconds: number): Promise<boolean>;
  /** Refusal status: 401, except Stripe's 400 (what stripe-node's examples answer a bad signature). */
  refusal: 400 | 401;
  /** Headers passed on besides content-type (never the Telegram secret token). */
  passHeaders: string[];
  answer(text: string, headers: Headers): Answer;
}

const json = (value: unknown, status = 200) =>
  new Response(JSON.stringify(value), { status, headers: { "content-type": "application/json" } });
const empty = () => new Response(null, { status: 200 });
const badRequest = (): Answer => ({ response: json({ error: "bad_request" }, 400), forward: null });

function parseJson(text: string): Record<string, unknown> | null {
  try {
    const value: unknown = JSON.parse(text);
    return value && typeof value === "object" ? (value as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

/** Both Discord URLs (interactions, Webhook Events) are signed alike: Ed25519 with the application's public key. */
const discordSigned: Omit<EdgeRoute, "answer"> = {
  platform: "discord",
  secret: (env) => env.DISCORD_PUBLIC_KEY,
  verify: verifyDiscord,
  refusal: 401,
  passHeaders: ["x-signature-ed25519", "x-signature-timestamp"],
};

export const ROUTES: Record<string, EdgeRoute> = {
  "/slack/events": {
    platform: "slack",
    secret: (env) => env.SLACK_SIGNING_SECRET,
    verify: verifySlack,
    refusal: 401,
    passHeaders: [
      "x-slack-signature",
      "x-slack-request-timestamp",
      "x-slack-retry-num",
      "x-slack-retry-reason",
    ],
    answer(text, headers) {
      const body = parseSlackBody(text, headers.get("content-type") ?? "");
      if (!body) return badRequest();
      if (body.type === "url_verification")
        return { response: json({ challenge: String(body.challenge ?? "") }), forward: null };
      if (body.ssl_check) return { response: empty(), forward: null };
      // Events, slash commands and button presses: the service's listeners ack with no body, so this is the same.
      const id = body.event_id ?? body.trigger_id;
      return { response: empty(), forward: typeof id === "string" ? id : "" };
    },
  },
  "/discord/interactions": {
    ...discordSigned,
    answer(text) {
      const interaction = parseJson(text) as (InteractionHead & { id?: unknown }) | null;
      if (!interaction || typeof interaction.type !== "number") return badRequest();
      const first = firstAnswer(interaction);
      const channel = interaction.channel_id ?? interaction.channel?.id;
      const follows = first.follows && channel && typeof interaction.id === "string";
      return { response: json(first.body), forward: follows ? String(interaction.id) : null };
    },
  },
  "/discord/webhook-events": {
    ...discordSigned,
    answer(text) {
      // Discord's Webhook Events (entitlements): 204 within 3 s; a PING (type 0) is all there is to it.
      const payload = parseJson(text) as {
        type?: unknown;
        event?: { type?: unknown; timestamp?: unknown; data?: { id?: unknown } };
      } | null;
      if (payload?.type === 0) return { response: new Response(null, { status: 204 }), forward: null };
      if (payload?.type !== 1 || !payload.event) return badRequest();
      const { type, data, timestamp } = payload.event;
      const id = `${String(type)}:${String(data?.id ?? "")}:${String(timestamp ?? "")}`;
      return { response: new Response(null, { status: 204 }), forward: id };
    },
  },
  "/telegram/webhook": {
    platform: "telegram",
    secret: (env) => env.TELEGRAM_WEBHOOK_SECRET,
    verify: async (secret, headers) => verifyTelegram(secret, headers),
    refusal: 401,
    passHeaders: [],
    answer(text) {
      const update = parseJson(text);
      if (typeof update?.update_id !== "number") return badRequest();
      return { response: empty(), forward: String(update.update_id) };
    },
  },
  "/stripe/webhook": {
    platform: "stripe",
    secret: (env) => env.STRIPE_WEBHOOK_SECRET,
    verify: verifyStripe,
    refusal: 400,
    passHeaders: ["stripe-signature"],
    answer(text) {
      const event = parseJson(text);
      if (typeof event?.id !== "string") return badRequest();
      return { response: json({ received: true }), forward: event.id };
    },
  },
};
