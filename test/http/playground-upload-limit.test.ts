/**
 * Playground uploads are limited per client address (rate-limiter-flexible, counted in the database here): over the
 * limit a request gets 429 with Retry-After and a sentence, before its body is read. The address is the connection's
 * own unless TRUST_PROXY_HOPS says how many proxies stand in front; X-Forwarded-For is not trusted by default.
 * Served over a real socket, as the service is, so the connection's address is real.
 */
import type { AddressInfo } from "node:net";
import { serve } from "@hono/node-server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createPlaygroundBot } from "../../src/bots/playground/playground-bot.ts";
import { createRateLimits } from "../../src/core/limits/rate-limits.ts";
import { createSilentLogger } from "../../src/core/log.ts";
import { createApp } from "../../src/http/app.ts";
import { createClientIp } from "../../src/http/client-ip.ts";
import { createPlaygroundRoutes } from "../../src/http/playground/routes.ts";
import { createHarness, type Harness, makeJpeg } from "../memories/harness.ts";

let h: Harness;
const servers: ReturnType<typeof serve>[] = [];

beforeAll(async () => {
  h = await createHarness();
}, 180_000);
afterAll(async () => {
  for (const server of servers) server.close();
  await h.close();
});

/** A service whose playground takes 2 uploads a minute per address, with `hops` trusted proxies in front. */
async function serviceWith(hops: number, prefix: string): Promise<string> {
  const rateLimits = createRateLimits({
    store: { kind: "db", db: h.db },
    rules: { uploads: [{ points: 2, seconds: 60 }] },
    logger: createSilentLogger(),
  });
  const app = createApp({
    logger: createSilentLogger(),
    checkDatabase: async () => {},
    playground: createPlaygroundRoutes({
      bot: createPlaygroundBot(h.chat, h.deps, createSilentLogger()),
      blobs: h.blobs,
      uploadLimit: {
        rateLimits,
        // Both services count in the same table: each keys its clients apart.
        clientIp: (c) => `${prefix}-${createClientIp(hops)(c)}`,
      },
    }),
  });
  const server = serve({ fetch: app.fetch, port: 0, hostname: "127.0.0.1" });
  servers.push(server);
  await new Promise((resolve) => server.once("listening", resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

async function upload(url: string, path: "photos" | "songs", headers: Record<string, string> = {}) {
  const form = new FormData();
  form.append(path === "photos" ? "photos" : "song", new File([(await makeJpeg(7)) as BlobPart], "p.jpg"));
  const res = await fetch(`${url}/playground/api/conversations/${h.target.channelId}/${path}`, {
    method: "POST",
    body: form,
    headers,
  });
  return {
    status: res.status,
    retryAfter: res.headers.get("retry-after"),
    body: (await res.json()) as { message?: string },
  };
}

describe("the playground's per-address upload limit", () => {
  it("answers 429 with Retry-After and a sentence past the limit, photos and songs alike; X-Forwarded-For is ignored", async () => {
    h.newConversation();
    const url = await serviceWith(0, "direct");
    expect((await upload(url, "photos")).status).toBe(200);
    expect((await upload(url, "songs")).status).toBe(202);
    const refused = await upload(url, "photos");
    expect(refused.status).toBe(429);
    expect(Number(refused.retryAfter)).toBeGreaterThanOrEqual(1);
    expect(Number(refused.retryAfter)).toBeLessThanOrEqual(60);
    expect(refused.body.message).toMatch(
      /^That is a lot of uploads from your address: please wait and try again in \d+ seconds?\.$/,
    );
    // A client cannot pass for another by writing the header itself.
    expect((await upload(url, "photos", { "x-forwarded-for": "203.0.113.9" })).status).toBe(429);
    expect((await upload(url, "songs", { "x-forwarded-for": "203.0.113.10" })).status).toBe(429);
  });

  it("behind one trusted proxy, counts the address that proxy saw, whatever the client wrote before it", async () => {
    h.newConversation();
    const url = await serviceWith(1, "proxied");
    const from = (address: string) => ({ "x-forwarded-for": address });
    expect((await upload(url, "photos", from("198.51.100.1"))).status).toBe(200);
    expect((await upload(url, "photos", from("198.51.100.1"))).status).toBe(200);
    expect((await upload(url, "photos", from("198.51.100.1"))).status).toBe(429);
    expect((await upload(url, "photos", from("10.9.9.9, 198.51.100.1"))).status).toBe(429);
    expect((await upload(url, "photos", from("198.51.100.2"))).status).toBe(200);
  });
});
