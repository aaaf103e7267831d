/**
 * Slack's environment block, parsed by `src/config.ts` (the one module that reads process.env). Slack is on when a
 * signing secret (HTTP events) or an app token (Socket Mode) is set, together with a bot token or OAuth credentials.
 */
import { z } from "zod";
import { PhotoMemoryError } from "../../core/errors.ts";
import { parseEnvBlock } from "../common/parse-env.ts";

const blank = (v: unknown) => (typeof v === "string" && v.trim() === "" ? undefined : v);
const opt = z.preprocess(blank, z.string().optional());

export const slackEnvSchema = z.object({
  SLACK_SIGNING_SECRET: opt,
  SLACK_BOT_TOKEN: z.preprocess(blank, z.string().startsWith("xoxb-").optional()),
  SLACK_CLIENT_ID: opt,
  SLACK_CLIENT_SECRET: opt,
  SLACK_STATE_SECRET: opt,
  SLACK_APP_TOKEN: z.preprocess(blank, z.string().startsWith("xapp-").optional()),
  SLACK_API_URL: z.preprocess(blank, z.url().default("https://slack.com/api/")),
});

export interface SlackConfig {
  signingSecret?: string;
  /** Single-workspace mode. */
  botToken?: string;
  /** Multi-workspace OAuth install flow at /slack/install. */
  oauth?: { clientId: string; clientSecret: string; stateSecret: string };
  /** Socket Mode (local use without a public URL). */
  appToken?: string;
  apiUrl: string;
}

export function parseSlackConfig(env: Record<string, string | undefined>): SlackConfig | null {
  const e = parseEnvBlock(slackEnvSchema, env, "Slack");
  if (!e.SLACK_SIGNING_SECRET && !e.SLACK_APP_TOKEN) return null;
  const oauth =
    e.SLACK_CLIENT_ID && e.SLACK_CLIENT_SECRET
      ? {
          clientId: e.SLACK_CLIENT_ID,
          clientSecret: e.SLACK_CLIENT_SECRET,
          stateSecret: e.SLACK_STATE_SECRET ?? e.SLACK_CLIENT_SECRET,
        }
      : undefined;
  if (!e.SLACK_BOT_TOKEN && !oauth) {
    throw new PhotoMemoryError(
      "config.invalid",
      "The Slack configuration is invalid: set SLACK_BOT_TOKEN (one workspace) or SLACK_CLIENT_ID and SLACK_CLIENT_SECRET (OAuth install).",
    );
  }
  return {
    ...(e.SLACK_SIGNING_SECRET ? { signingSecret: e.SLACK_SIGNING_SECRET } : {}),
    ...(e.SLACK_BOT_TOKEN ? { botToken: e.SLACK_BOT_TOKEN } : {}),
    ...(oauth ? { oauth } : {}),
    ...(e.SLACK_APP_TOKEN ? { appToken: e.SLACK_APP_TOKEN } : {}),
    apiUrl: e.SLACK_API_URL.endsWith("/") ? e.SLACK_API_URL : `${e.SLACK_API_URL}/`,
  };
}
