/**
 * The Slack OAuth v2 install flow: `/slack/install` sends the browser to Slack with a signed, expiring `state` bound
 * to a cookie; `/slack/oauth_redirect` checks both, exchanges the code and keeps the installation in the Store.
 */
import { createHmac, randomBytes, timingSafeEqual } from "node:crypto";
import { webApi } from "@slack/bolt";
import type { Hono } from "hono";
import { getCookie, setCookie } from "hono/cookie";
import type { Logger } from "pino";
import type { SlackInstallationStore } from "./installations.ts";
import { toSlackLogger } from "./slack-logger.ts";

export const SLACK_BOT_SCOPES = [
  "app_mentions:read",
  "channels:history",
  "groups:history",
  "im:history",
  "mpim:history",
  "chat:write",
  "commands",
  "files:read",
  "files:write",
  // Reactions on photos steer curation; users:read gives the asker's locale (users.info include_locale).
  "reactions:read",
  "reactions:write",
  "users:read",
];

const STATE_COOKIE = "slack_oauth_state";
const STATE_TTL_SECONDS = 600;

export interface SlackOAuthOptions {
  clientId: string;
  clientSecret: string;
  stateSecret: string;
  apiUrl: string;
  /** Public base URL of this service; the redirect URI is `<publicUrl>/slack/oauth_redirect`. */
  publicUrl: string;
  installations: SlackInstallationStore;
  logger: Logger;
}

export function mountSlackOAuth(router: Hono, options: SlackOAuthOptions): void {
  const log = options.logger.child({ module: "slack-oauth" });
  const redirectUri = `${options.publicUrl.replace(/\/+$/, "")}/slack/oauth_redirect`;
  const secure = redirectUri.startsWith("https:");

  router.get("/install", (c) => {
    const nonce = randomBytes(16).toString("hex");
    const state = signState(options.stateSecret, nonce, Math.floor(Date.now() / 1000) + STATE_TTL_SECONDS);
    setCookie(c, STATE_COOKIE, nonce, {
      httpOnly: true,
      secure,
      sameSite: "Lax",
      path: "/slack",
      maxAge: STATE_TTL_SECONDS,
    });
    const url = new URL("/oauth/v2/authorize", new URL(options.apiUrl).origin);
    url.searchParams.set("client_id", options.clientId);
    url.searchParams.set("scope", SLACK_BOT_SCOPES.join(","));
    url.searchParams.set("state", state);
    url.searchParams.set("redirect_uri", redirectUri);
    return c.redirect(url.toString(), 302);
  });

  router.get("/oauth_redirect", async (c) => {
    const nonce = getCookie(c, STATE_COOKIE);
    const state = c.req.query("state") ?? "";
    setCookie(c, STATE_COOKIE, "", { path: "/slack", maxAge: 0 });
    if (c.req.query("error"))
      return c.html(page("Installation cancelled", "Slack reported: nothing was installed."), 400);
    if (!nonce || !checkState(options.stateSecret, state, nonce)) {
      log.warn("slack oauth refused: state missing, expired or not from this browser");
      return c.html(
        page("Installation link expired", "Please start the installation again from the install page."),
        400,
      );
    }
    const code = c.req.query("code");
    if (!code) return c.html(page("Installation failed", "Slack did not send an authorisation code."), 400);
    try {
      const web = new webApi.WebClient(undefined, {
        slackApiUrl: options.apiUrl,
        logger: toSlackLogger(log),
      });
      const result = await web.oauth.v2.access({
        client_id: options.clientId,
        client_secret: options.clientSecret,
        code,
        redirect_uri: redirectUri,
      });
      if (!result.team?.id || !result.access_token)
        throw new Error("oauth.v2.access returned no team or token");
      await options.installations.saveSlackInstallation({
        teamId: result.team.id,
        ...(result.team.name ? { teamName: result.team.name } : {}),
        botToken: result.access_token,
        ...(result.bot_user_id ? { botUserId: result.bot_user_id } : {}),
        ...(result.authed_user?.id ? { installedBy: result.authed_user.id } : {}),
      });
      log.info({ teamId: result.team.id }, "slack workspace installed");
      return c.html(
        page("PhotoMemory is installed", "Drop photos in a channel with the bot, then type /memory."),
      );
    } catch (error) {
      log.error({ err: error }, "slack oauth exchange failed");
      return c.html(
        page("Installation failed", "Slack did not complete the installation; please try again."),
        502,
      );
    }
  });
}

export function signState(secret: string, nonce: string, expiresAt: number): string {
  const mac = createHmac("sha256", secret).update(`${nonce}.${expiresAt}`).digest("base64url");
  return `${nonce}.${expiresAt}.${mac}`;
}

export function checkState(
  secret: string,
  state: string,
  cookieNonce: string,
  nowSeconds = Date.now() / 1000,
): boolean {
  const [nonce, exp, mac] = state.split(".");
  if (!nonce || !exp || !mac || nonce !== cookieNonce || Number(exp) < nowSeconds) return false;
  const expected = Buffer.from(signState(secret, nonce, Number(exp)).split(".")[2] ?? "");
  const given = Buffer.from(mac);
  return expected.length === given.length && timingSafeEqual(expected, given);
}

function page(title: string, text: string): string {
  const esc = (s: string) => s.replace(/[&<>"]/g, (ch) => `&#${ch.charCodeAt(0)};`);
  return `<!doctype html><meta charset="utf-8"><title>${esc(title)}</title><h1>${esc(title)}</h1><p>${esc(text)}</p>`;
}
