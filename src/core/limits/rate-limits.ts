/**
 * Per-user rate limits at ingress, on rate-limiter-flexible: Redis when REDIS_URL is set (shared by every process),
 * otherwise the database (`public.rate_limits`, on Postgres or PGlite through the Db port). Fixed windows; a burst is
 * taken in part when it straddles the limit. A store that fails lets the request through (logged): a limiter outage
 * must not silence the bot.
 */
import type { Redis } from "ioredis";
import type { Logger } from "pino";
import { RateLimiterPostgres, RateLimiterRedis, RateLimiterRes } from "rate-limiter-flexible";
import type { Queryable } from "../store/db.ts";

/** `uploads`: the playground's upload requests, counted per client address (src/http/playground/routes.ts). */
export type RateKind = "commands" | "photos" | "uploads";

export interface RateRule {
  points: number;
  seconds: number;
}

export interface RateDecision {
  /** How many of the asked units may go ahead (the first ones). */
  allowed: number;
  /** How many were refused. */
  refused: number;
  /** When the window that refused them ends. */
  retryAfterMs: number;
  /** This is the first refusal of its window: tell the user (once per window, not once per refused photo). */
  tell: boolean;
}

export interface RateLimits {
  take(kind: RateKind, userKey: string, count: number): Promise<RateDecision>;
}

export type RateStore = { kind: "redis"; client: Redis; prefix?: string } | { kind: "db"; db: Queryable };

interface Limiter {
  rule: RateRule;
  consume(key: string, points: number): Promise<RateLimiterRes>;
}

/** The Db port as the `pg` client rate-limiter-flexible expects (`query({ text, values }) → { rows }`). */
function pgClientOf(db: Queryable) {
  return {
    async query(q: { text: string; values?: unknown[] }) {
      const rows = await db.query<{ points: number; expire: unknown }>(q.text, q.values ?? []);
      // PGlite returns bigint columns as BigInt, postgres.js as strings: the limiter does arithmetic on them.
      return { rows: rows.map((r) => ({ ...r, expire: r.expire === null ? null : Number(r.expire) })) };
    },
  };
}

export function createRateLimits(options: {
  store: RateStore;
  /** A kind without rules is not limited. */
  rules: Partial<Record<RateKind, RateRule[]>>;
  logger: Logger;
}): RateLimits {
  const log = options.logger.child({ module: "rate-limits" });
  const build = (kind: RateKind, rule: RateRule): Limiter => {
    const keyPrefix = `${options.store.kind === "redis" ? (options.store.prefix ?? "photomemory:rl:") : ""}${kind}-${rule.seconds}s`;
    const common = { points: rule.points, duration: rule.seconds, keyPrefix };
    const limiter =
      options.store.kind === "redis"
        ? new RateLimiterRedis({ ...common, storeClient: options.store.client, useRedisPackage: false })
        : new RateLimiterPostgres({
            ...common,
            storeClient: pgClientOf(options.store.db),
            storeType: "client",
            tableName: "rate_limits",
            tableCreated: true,
          });
    return { rule, consume: (key, points) => limiter.consume(key, points) };
  };
  const limiters = Object.fromEntries(
    (Object.keys(options.rules) as RateKind[]).map((kind) => [
      kind,
      (options.rules[kind] ?? []).filter((r) => r.points > 0).map((r) => build(kind, r)),
    ]),
  ) as Partial<Record<RateKind, Limiter[]>>;

  return {
    async take(kind, userKey, count) {
      let allowed = count;
      let retryAfterMs = 0;
      let tell = false;
      for (const limiter of limiters[kind] ?? []) {
        let res: RateLimiterRes;
        try {
          res = await limiter.consume(userKey, count);
        } catch (outcome) {
          if (!(outcome instanceof RateLimiterRes)) {
            log.warn({ err: outcome, kind }, "rate limit store failed; letting the request through");
            continue;
          }
          res = outcome;
        }
        const before = res.consumedPoints - count;
        const left = Math.max(0, Math.min(count, limiter.rule.points - before));
        if (left < count) {
          retryAfterMs = Math.max(retryAfterMs, res.msBeforeNext);
          // The first refusal of this window is the one that crossed the limit.
          if (before <= limiter.rule.points) tell = true;
        }
        allowed = Math.min(allowed, left);
      }
      return { allowed, refused: count - allowed, retryAfterMs, tell };
    },
  };
}

/** "in 40 seconds", "in 3 minutes", "in about an hour". */
export function whenAgain(ms: number): string {
  const seconds = Math.max(1, Math.ceil(ms / 1000));
  if (seconds < 60) return `in ${seconds} second${seconds === 1 ? "" : "s"}`;
  const minutes = Math.ceil(seconds / 60);
  if (minutes < 60) return `in ${minutes} minute${minutes === 1 ? "" : "s"}`;
  return minutes < 90 ? "in about an hour" : `in about ${Math.round(minutes / 60)} hours`;
}
