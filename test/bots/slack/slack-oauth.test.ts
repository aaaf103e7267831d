import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { SlackInstallation } from "../../../src/bots/slack/installations.ts";
import { createSlackBot } from "../../../src/bots/slack/slack-bot.ts";
import { signSlackRequest } from "../../../src/bots/slack/verify.ts";
import { type SlackStandIn, startSlackStandIn } from "../../stand-ins/slack-api.ts";
import { createFakeDeps } from "../fake-deps.ts";

const TOKEN = "xoxb-5555-6666-oauthInstalledToken";
let slack: SlackStandIn;
const saved: SlackInstallation[] = [];
const uninstalled: string[] = [];
const deps = createFakeDeps();
let bot: ReturnType<typeof createSlackBot>;

beforeAll(async () => {
  slack = await startSlackStandIn({ botToken: TOKEN });
  bot = createSlackBot(
    {
      ...deps,
      publicUrl: "https://photomemory.example",
      installations: {
        async saveSlackInstallation(i) {
          saved.push(i);
        },
        async findSlackInstallation(teamId) {
          if (uninstalled.includes(teamId)) return null;
          return saved.find((i) => i.teamId === teamId) ?? null;
        },
        async markSlackUninstalled(teamId) {
          uninstalled.push(teamId);
        },
      },
    },
    {
      signingSecret: "oauth-test-secret",
      oauth: { clientId: "111.222", clientSecret: "client-secret-value", stateSecret: "state-secret" },
      apiUrl: slack.apiUrl,
    },
  );
});
afterAll(async () => {
  await slack.close();
  expect(deps.logs()).not.toContain(TOKEN);
  expect(deps.logs()).not.toContain("client-secret-value");
});

describe("Slack OAuth install", () => {
  it("sends the browser to Slack with the scopes and a state bound to a cookie", async () => {
    const res = await bot.router.request("/install");
    expect(res.status).toBe(302);
    const location = new URL(res.headers.get("location") ?? "");
    expect(location.pathname).toBe("/oauth/v2/authorize");
    expect(location.searchParams.get("scope")).toContain("files:read");
    expect(location.searchParams.get("redirect_uri")).toBe(
      "https://photomemory.example/slack/oauth_redirect",
    );
    expect(res.headers.get("set-cookie")).toMatch(/slack_oauth_state=[0-9a-f]+.*HttpOnly/i);
  });

  it("refuses a callback whose state is not from this browser, and installs with a good one", async () => {
    const start = await bot.router.request("/install");
    const state = new URL(start.headers.get("location") ?? "").searchParams.get("state") ?? "";
    const cookie = (start.headers.get("set-cookie") ?? "").split(";")[0] ?? "";

    const forged = await bot.router.request(`/oauth_redirect?code=abc&state=${encodeURIComponent(state)}`, {
      headers: { cookie: "slack_oauth_state=someone-else" },
    });
    expect(forged.status).toBe(400);
    expect(saved).toHaveLength(0);

    const ok = await bot.router.request(`/oauth_redirect?code=abc&state=${encodeURIComponent(state)}`, {
      headers: { cookie },
    });
    expect(ok.status).toBe(200);
    expect(saved).toEqual([expect.objectContaining({ teamId: "T0002", botToken: TOKEN, botUserId: "UBOT" })]);
    expect(slack.callsTo("oauth.v2.access").at(-1)?.params).toMatchObject({
      code: "abc",
      client_id: "111.222",
    });
  });

  it("uses the installed workspace's token for that workspace", async () => {
    await bot.adapter.postMessage(
      { platform: "slack", workspaceId: "T0002", channelId: "C9" },
      { text: "hello" },
    );
    expect(slack.callsTo("chat.postMessage").at(-1)?.authorization).toBe(`Bearer ${TOKEN}`);
  });

  it("forgets the workspace when Slack says the app was uninstalled", async () => {
    const body = JSON.stringify({
      token: "XXYYZZ",
      team_id: "T0002",
      api_app_id: "A0001",
      event: { type: "app_uninstalled", event_ts: "1700000200.000100" },
      type: "event_callback",
      event_id: "Ev0200",
      event_time: 1700000200,
    });
    const ts = Math.floor(Date.now() / 1000);
    const res = await bot.router.request("/events", {
      method: "POST",
      headers: {
        "content-type": "application/json",
        "x-slack-request-timestamp": String(ts),
        "x-slack-signature": signSlackRequest("oauth-test-secret", ts, body),
      },
      body,
    });
    expect(res.status).toBe(200);
    expect(uninstalled).toEqual(["T0002"]);
    const error = await bot.adapter
      .postMessage({ platform: "slack", workspaceId: "T0002", channelId: "C9" }, { text: "still there?" })
      .then(
        () => null,
        (e: unknown) => e as Error,
      );
    expect(error?.message).toMatch(/not installed/);
  });
});
