/**
 * What a hostile or careless client meets at the edge: webhook bodies are capped before anything reads them (an
 * unsigned 2 GiB POST is refused at once and a chunked stream is cut off after 1 MiB, with the process's memory flat),
 * and every response, HTML pages included, carries the security headers.
 */
import { createHash } from "node:crypto";
import { request } from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type BotService, startBotService } from "../bots/e2e/bot-service.ts";
import { type DiscordStandIn, startDiscordStandIn } from "../stand-ins/discord-api.ts";
import { type SlackStandIn, startSlackStandIn } from "../stand-ins/slack-api.ts";

let slack: SlackStandIn;
let discord: DiscordStandIn;
let bots: BotService;

beforeAll(async () => {
  slack = await startSlackStandIn({ botToken: "xoxb-1-hardening" });
  discord = await startDiscordStandIn();
  bots = await startBotService({
    SLACK_SIGNING_SECRET: "hardening-signing-secret",
    SLACK_BOT_TOKEN: "xoxb-1-hardening",
    SLACK_API_URL: slack.apiUrl,
    DISCORD_APPLICATION_ID: "1100000000000000001",
    DISCORD_TOKEN: "discord-bot-token-hardening",
    DISCORD_PUBLIC_KEY: "a".repeat(64),
    DISCORD_API_URL: discord.apiUrl,
    PLAYGROUND: "1",
  });
}, 120_000);
afterAll(async () => {
  await bots?.stop();
  await slack?.close();
  await discord?.close();
});

/**
 * POSTs to `path` on the running service, either declaring `declared` bytes or streaming chunks (no length) until
 * the server answers, closes, or `max` bytes went out. Resolves with the status and how much was sent.
 */
function post(
  path: string,
  options: { declared?: number; max: number },
): Promise<{ status: number | undefined; sent: number }> {
  const url = new URL(path, bots.service.url);
  return new Promise((resolve) => {
    let sent = 0;
    let status: number | undefined;
    let finished = false;
    const done = () => {
      if (finished) return;
      finished = true;
      resolve({ status, sent });
    };
    const req = request(url, {
      method: "POST",
      headers: {
        "content-type": "application/json",
        ...(options.declared ? { "content-length": String(options.declared) } : {}),
      },
    });
    req.on("response", (res) => {
      status = res.statusCode;
      res.resume();
      res.on("end", () => {
        req.destroy();
        done();
      });
    });
    req.on("error", done);
    req.on("close", done);
    const chunk = Buffer.alloc(64 * 1024, 0x7b);
    const pump = () => {
      while (!finished && status === undefined && sent < options.max) {
        sent += chunk.length;
        if (!req.write(chunk)) return req.once("drain", pump);
      }
      if (!finished && status === undefined) req.end();
    };
    pump();
  });
}

function rssMiB(): number {
  return process.memoryUsage().rss / 1024 / 1024;
}

describe("webhook body caps", () => {
  for (const path of ["/slack/events", "/discord/interactions"]) {
    it(`refuses a declared 2 GiB unsigned body to ${path} with 413 before reading it`, async () => {
      const { status, sent } = await post(path, { declared: 2 * 1024 ** 3, max: 8 * 1024 * 1024 });
      expect(status).toBe(413);
      expect(sent).toBeLessThan(8 * 1024 * 1024 + 1);
    });

    it(`cuts a chunked unsigned stream to ${path} after 1 MiB, memory flat`, {
      timeout: 120_000,
    }, async () => {
      global.gc?.();
      const before = rssMiB();
      const { status, sent } = await post(path, { max: 256 * 1024 * 1024 });
      const after = rssMiB();
      expect(status).toBe(413);
      expect(sent).toBeLessThan(256 * 1024 * 1024);
      expect(after - before).toBeLessThan(64);
    });
  }

  it("still takes a small webhook body to the handler (a bad signature, not a size refusal)", async () => {
    const res = await fetch(`${bots.service.url}/discord/interactions`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ type: 1 }),
    });
    expect(res.status).toBe(401);
  });
});

describe("/metrics", () => {
  it("exposes webhook latency, the render queue and render series for Prometheus", async () => {
    await fetch(`${bots.service.url}/discord/interactions`, { method: "POST", body: "{}" });
    const res = await fetch(`${bots.service.url}/metrics`);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toContain("text/plain");
    const text = await res.text();
    expect(text).toMatch(
      /^photomemory_webhook_duration_seconds_count\{platform="discord",status="401"\} [1-9]/m,
    );
    expect(text).toMatch(/^photomemory_render_queue\{status="queued"\} 0$/m);
    expect(text).toMatch(/^photomemory_render_queue\{status="processing"\} 0$/m);
    expect(text).toContain("# TYPE photomemory_render_duration_seconds histogram");
    expect(text).toContain("# TYPE photomemory_render_failures_total counter");
    expect(text).toMatch(/^photomemory_process_resident_memory_bytes \d+/m);
  });
});

describe("security headers", () => {
  it("are on JSON answers and on refusals", async () => {
    for (const path of ["/healthz", "/nowhere"]) {
      const res = await fetch(`${bots.service.url}${path}`);
      expect(res.headers.get("x-content-type-options")).toBe("nosniff");
      expect(res.headers.get("strict-transport-security")).toMatch(/max-age=\d+/);
      expect(res.headers.get("referrer-policy")).toBe("no-referrer");
      expect(res.headers.get("x-frame-options")).toBe("DENY");
      expect(res.headers.get("content-security-policy")).toContain("frame-ancestors 'none'");
    }
  });

  it("let the playground page run its own script and nothing else", async () => {
    const res = await fetch(`${bots.service.url}/playground`);
    expect(res.status).toBe(200);
    const html = await res.text();
    const csp = res.headers.get("content-security-policy") ?? "";
    const script = /<script>([\s\S]*?)<\/script>/.exec(html)?.[1] ?? "";
    const hash = createHash("sha256").update(script).digest("base64");
    expect(csp).toContain(`script-src 'self' 'sha256-${hash}'`);
    expect(csp).not.toContain("unsafe-eval");
    expect(csp).toMatch(/script-src [^;]*$|script-src [^;]*;/);
    expect(csp.split(";").find((d) => d.trim().startsWith("script-src"))).not.toContain("unsafe-inline");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(res.headers.get("x-content-type-options")).toBe("nosniff");
  });
});
