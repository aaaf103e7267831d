/**
 * Per-user rate limits at ingress on each store the service uses: real Redis (a unique key prefix per test), real
 * Postgres and PGlite (the `rate_limits` table from the migrations). Then as a user meets them through the one
 * intake and command path: photos over the limit are left out and named, commands are refused, each with one
 * sentence saying when to try again, posted once per window.
 */
import { randomBytes } from "node:crypto";
import { Redis } from "ioredis";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import {
  createRateLimits,
  type RateKind,
  type RateRule,
  type RateStore,
  whenAgain,
} from "../../src/core/limits/rate-limits.ts";
import { createSilentLogger } from "../../src/core/log.ts";
import { dropPhotos, handleMemoryCommand } from "../../src/core/memories/index.ts";
import { describePostgres, migratedTestPostgres } from "../helpers/postgres.ts";
import { createHarness, type Harness } from "./harness.ts";

const rules = {
  commands: [{ points: 2, seconds: 60 }],
  photos: [
    { points: 5, seconds: 60 },
    { points: 100, seconds: 3600 },
  ],
};

const newUser = () => `u-${randomBytes(6).toString("hex")}`;
const limitsOn = (store: RateStore, on: Partial<Record<RateKind, RateRule[]>> = rules) =>
  createRateLimits({ store, rules: on, logger: createSilentLogger() });

function limiterContract(
  name: string,
  open: () => Promise<{ store: () => RateStore; close(): Promise<void> }>,
) {
  describe(`rate limits on ${name}`, () => {
    let env: Awaited<ReturnType<typeof open>>;
    beforeAll(async () => {
      env = await open();
    }, 180_000);
    afterAll(async () => {
      await env?.close();
    });

    it("takes a burst in part, tells once per window, and keeps users apart", async () => {
      const limits = limitsOn(env.store());
      const user = newUser();
      expect(await limits.take("photos", user, 3)).toEqual({
        allowed: 3,
        refused: 0,
        retryAfterMs: 0,
        tell: false,
      });
      const crossing = await limits.take("photos", user, 4);
      expect(crossing).toMatchObject({ allowed: 2, refused: 2, tell: true });
      expect(crossing.retryAfterMs).toBeGreaterThan(55_000);
      expect(crossing.retryAfterMs).toBeLessThanOrEqual(60_000);
      expect(await limits.take("photos", user, 1)).toMatchObject({ allowed: 0, refused: 1, tell: false });
      expect(await limits.take("photos", `${user}-other`, 5)).toMatchObject({ allowed: 5, refused: 0 });
      expect(await limits.take("commands", user, 1)).toMatchObject({ allowed: 1 });
      expect(await limits.take("commands", user, 1)).toMatchObject({ allowed: 1 });
      expect(await limits.take("commands", user, 1)).toMatchObject({ allowed: 0, tell: true });
      expect(await limits.take("commands", user, 1)).toMatchObject({ allowed: 0, tell: false });
    });

    it("starts a new window once the old one ends", async () => {
      const limits = limitsOn(env.store(), { commands: [{ points: 1, seconds: 1 }], photos: [] });
      const user = newUser();
      expect((await limits.take("commands", user, 1)).allowed).toBe(1);
      expect(await limits.take("commands", user, 1)).toMatchObject({ allowed: 0, tell: true });
      await new Promise((r) => setTimeout(r, 1100));
      expect((await limits.take("commands", user, 1)).allowed).toBe(1);
      expect(await limits.take("commands", user, 1)).toMatchObject({ allowed: 0, tell: true });
      expect((await limits.take("photos", user, 50)).allowed).toBe(50); // no photo rule: open
    });
  });
}

limiterContract("Redis", async () => {
  const client = new Redis("redis://127.0.0.1:6379", { maxRetriesPerRequest: 1 });
  const prefix = `pm-test-${randomBytes(8).toString("hex")}:`;
  return {
    store: () => ({ kind: "redis", client, prefix }),
    async close() {
      const keys = await client.keys(`${prefix}*`);
      if (keys.length > 0) await client.del(...keys);
      client.disconnect();
    },
  };
});

describePostgres("Postgres", () => {
  limiterContract("Postgres", async () => {
    const pg = await migratedTestPostgres();
    return { store: () => ({ kind: "db", db: pg.db }), close: () => pg.close() };
  });
});

describe("rate limits where users meet them (PGlite)", () => {
  let h: Harness;
  beforeAll(async () => {
    h = await createHarness();
    h.deps.rateLimits = limitsOn({ kind: "db", db: h.db });
  }, 180_000);
  afterAll(async () => {
    await h.close();
  });
  beforeEach(() => h.newConversation());

  limiterContract("PGlite", async () => ({ store: () => ({ kind: "db", db: h.db }), close: async () => {} }));

  it("leaves out the photos over the limit, says so once, and records the rest", async () => {
    const userId = newUser();
    // Bursts of 4, 3 and 2 photos against 5 a minute: all, one, none recorded.
    const bursts = [
      { from: 0, count: 4, fresh: 4 },
      { from: 4, count: 3, fresh: 1 },
      { from: 7, count: 2, fresh: 0 },
    ];
    for (const [i, burst] of bursts.entries()) {
      const files = Array.from({ length: burst.count }, (_, k) => ({
        platform: "playground" as const,
        fileId: `f${burst.from + k}`,
        name: `p${burst.from + k}.jpg`,
      }));
      const dropped = await dropPhotos(h.deps, { target: h.target, files, userId, deliveryKey: `d${i + 1}` });
      expect(dropped.fresh, `burst ${i + 1}`).toBe(burst.fresh);
    }
    const texts = await h.botTexts();
    expect(texts).toHaveLength(1);
    expect(texts[0]).toMatch(
      /^That's more photos than I can take from you right now, so I left out the last 2 photos; send them again in (\d+ seconds|1 minute)\.$/,
    );
    expect(h.events.flatMap((e) => (e.name === "photos/dropped" ? e.data.photoIds : []))).toHaveLength(5);
  });

  it("refuses commands over the limit with one sentence, once per window", async () => {
    const user = { id: newUser(), name: "ada" };
    for (let i = 0; i < 4; i++)
      await handleMemoryCommand(h.deps, { target: h.target, user, text: "/memory help" });
    const texts = await h.botTexts();
    expect(texts).toHaveLength(3);
    expect(texts[2]).toMatch(
      /^That's a lot of \/memory commands at once; please try again in (\d+ seconds|1 minute)\.$/,
    );
  });

  it("says when in words", () => {
    expect(whenAgain(400)).toBe("in 1 second");
    expect(whenAgain(40_000)).toBe("in 40 seconds");
    expect(whenAgain(150_000)).toBe("in 3 minutes");
    expect(whenAgain(3_500_000)).toBe("in 59 minutes");
    expect(whenAgain(3_600_000)).toBe("in about an hour");
  });
});
