/**
 * The one module that reads the environment. Every variable is validated with zod and has an embedded default, so
 * `npm start` with no configuration runs PGlite in DATA_DIR, local blobs, the embedded job runner and the offline
 * script writer. Platform blocks (Slack, Discord, Telegram) are added near the end by their owners.
 */
import path from "node:path";
import { z } from "zod";
import { type PlatformConfigs, parsePlatformConfigs } from "./bots/common/platform-bots.ts";
import type { PlanNumbers } from "./core/billing/plans.ts";
import { PhotoMemoryError } from "./core/errors.ts";

const emptyToUndefined = (value: unknown) =>
  typeof value === "string" && value.trim() === "" ? undefined : value;
const optionalString = z.preprocess(emptyToUndefined, z.string().optional());
const optionalUrl = z.preprocess(emptyToUndefined, z.url().optional());
const flag = z.preprocess(
  emptyToUndefined,
  z
    .enum(["1", "0", "true", "false", "yes", "no", "on", "off"])
    .optional()
    .transform((v) => v === "1" || v === "true" || v === "yes" || v === "on"),
);
const int = (fallback: number, min: number, max: number) =>
  z.preprocess(emptyToUndefined, z.coerce.number().int().min(min).max(max).default(fallback));

const envSchema = z.object({
  NODE_ENV: z.preprocess(
    emptyToUndefined,
    z.enum(["development", "production", "test"]).default("development"),
  ),
  LOG_LEVEL: z.preprocess(
    emptyToUndefined,
    z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
  ),
  /** What this process does: web (webhooks, pages), worker (jobs), or all of it (the default). */
  PHOTOMEMORY_ROLE: z.preprocess(emptyToUndefined, z.enum(["web", "worker", "all"]).default("all")),
  /** How long a job run's lease lasts without renewal: a killed worker's run is taken over after it. */
  JOB_LEASE_MS: int(30_000, 1500, 600_000),
  HOST: z.preprocess(emptyToUndefined, z.string().default("0.0.0.0")),
  PORT: int(3000, 0, 65535),
  PUBLIC_URL: optionalUrl,
  DATA_DIR: z.preprocess(emptyToUndefined, z.string().default("./.data")),
  DATABASE_URL: z.preprocess(
    emptyToUndefined,
    z
      .string()
      .regex(/^postgres(ql)?:\/\//, "must start with postgres:// or postgresql://")
      // The message never repeats the value: it holds a password.
      .refine(
        (url) => URL.canParse(url),
        "is not a valid URL (percent-encode special characters such as @ # / in the password)",
      )
      .optional(),
  ),
  TOKEN_ENCRYPTION_KEY: optionalString,
  SUPABASE_URL: optionalUrl,
  SUPABASE_SERVICE_ROLE_KEY: optionalString,
  SUPABASE_STORAGE_BUCKET: z.preprocess(emptyToUndefined, z.string().default("media")),
  OPENAI_API_KEY: optionalString,
  OPENAI_MODEL: z.preprocess(emptyToUndefined, z.string().default("gpt-4o-mini")),
  OPENAI_BASE_URL: optionalUrl,
  OPENAI_TIMEOUT_MS: int(60_000, 1000, 600_000),
  INNGEST_SIGNING_KEY: optionalString,
  INNGEST_EVENT_KEY: optionalString,
  INNGEST_DEV: flag,
  INNGEST_BASE_URL: optionalUrl,
  RENDER_CONCURRENCY: int(1, 1, 16),
  /** "Made with PhotoMemory" on each memory's closing card; on unless set to false/0/no/off. */
  VIDEO_CREDIT: z.preprocess(
    emptyToUndefined,
    z
      .enum(["1", "0", "true", "false", "yes", "no", "on", "off"])
      .default("true")
      .transform((v) => v === "1" || v === "true" || v === "yes" || v === "on"),
  ),
  FFMPEG_PATH: optionalString,
  FFPROBE_PATH: optionalString,
  /** Read by the render engine itself (resolveFfmpeg); listed so .env.example and the checks know it. */
  FFMPEG_CPUFLAGS: optionalString,
  SHUTDOWN_TIMEOUT_MS: int(30_000, 0, 600_000),
  /** Unset: on only in the embedded default (no DATABASE_URL, no chat platform). */
  PLAYGROUND: z.preprocess(
    emptyToUndefined,
    z
      .enum(["1", "0", "true", "false", "yes", "no", "on", "off"])
      .optional()
      .transform((v) =>
        v === undefined ? undefined : v === "1" || v === "true" || v === "yes" || v === "on",
      ),
  ),
  METRICS_TOKEN: optionalString,
  /** Shared with the edge Worker (edge/), which signs the webhooks it forwards with it. */
  EDGE_SHARED_SECRET: z.preprocess(
    emptyToUndefined,
    z.string().min(32, "must be at least 32 characters (openssl rand -hex 32)").optional(),
  ),
  /** Rate limits shared by every process through Redis; without it they live in the database. */
  REDIS_URL: z.preprocess(
    emptyToUndefined,
    z
      .string()
      .regex(/^rediss?:\/\//, "must start with redis:// or rediss://")
      .optional(),
  ),
  RATE_LIMIT_COMMANDS_PER_MINUTE: int(10, 0, 100_000),
  RATE_LIMIT_COMMANDS_PER_HOUR: int(100, 0, 1_000_000),
  RATE_LIMIT_PHOTOS_PER_MINUTE: int(60, 0, 100_000),
  RATE_LIMIT_PHOTOS_PER_HOUR: int(600, 0, 1_000_000),
  RATE_LIMIT_PLAYGROUND_UPLOADS_PER_MINUTE: int(20, 0, 100_000),
  RATE_LIMIT_PLAYGROUND_UPLOADS_PER_HOUR: int(200, 0, 1_000_000),
  /** Proxies of the operator's in front of the service that append to X-Forwarded-For; 0 = it is not read. */
  TRUST_PROXY_HOPS: int(0, 0, 10),
  SENTRY_DSN: optionalUrl,
  SENTRY_ENVIRONMENT: optionalString,
  SENTRY_TRACES_SAMPLE_RATE: z.preprocess(emptyToUndefined, z.coerce.number().min(0).max(1).default(0)),
  /** Plan numbers (see src/core/billing/plans.ts); they matter only once a payment provider is configured. */
  BILLING_FREE_MEMORIES_PER_MONTH: int(10, 0, 1_000_000),
  BILLING_FREE_PHOTOS_PER_MEMORY: int(30, 1, 300),
  BILLING_PREMIUM_MEMORIES_PER_MONTH: int(200, 1, 1_000_000),
  BILLING_PREMIUM_PHOTOS_PER_MEMORY: int(100, 1, 300),
  /** How long after a Telegram Stars period ends the chat is told premium ended, if no renewal came. */
  BILLING_END_GRACE_SECONDS: int(3600, 0, 86_400),
  STRIPE_SECRET_KEY: optionalString,
  STRIPE_WEBHOOK_SECRET: optionalString,
  STRIPE_PAYMENT_LINK_URL: z.preprocess(
    emptyToUndefined,
    z
      .url()
      .refine((u) => u.startsWith("https://"), "must be an https:// Payment Link")
      .optional(),
  ),
  /** Stripe's API origin; a local stand-in in tests. */
  STRIPE_API_BASE: optionalUrl,
  PLAYGROUND_TOKEN: z.preprocess(
    emptyToUndefined,
    z.string().min(16, "must be at least 16 characters").optional(),
  ),
});

export type Env = z.infer<typeof envSchema>;

/** The service's own variables (platform blocks list theirs in their schemas); `.env.example` documents each. */
export const SERVICE_VARIABLES = Object.keys(envSchema.shape);

/** web: webhooks, the playground, the share page, health and /api/inngest; worker: runs jobs; all: both. */
export type Role = Env["PHOTOMEMORY_ROLE"];

export interface Config {
  env: Env["NODE_ENV"];
  role: Role;
  logLevel: Env["LOG_LEVEL"];
  host: string;
  port: number;
  /** Base URL of this service as users reach it (share links); defaults to http://localhost:<port>. */
  publicUrl: string;
  dataDir: string;
  database: { kind: "postgres"; url: string } | { kind: "pglite"; dataDir: string };
  /** 32-byte key that encrypts bot tokens at rest (Store); absent in the playground-only default. */
  tokenEncryptionKey?: string;
  blobs:
    | { kind: "local"; root: string }
    | { kind: "supabase"; url: string; serviceRoleKey: string; bucket: string };
  script:
    | { kind: "offline" }
    | { kind: "openai"; apiKey: string; model: string; baseURL?: string; timeoutMs: number };
  jobs:
    | { kind: "embedded"; leaseTtlMs: number }
    | { kind: "inngest"; signingKey?: string; eventKey?: string; dev: boolean; baseUrl?: string };
  renderConcurrency: number;
  /** A "Made with PhotoMemory" line on the closing card. */
  videoCredit: boolean;
  ffmpeg: { ffmpegPath?: string; ffprobePath?: string };
  shutdownTimeoutMs: number;
  /** The local chat page and its API; `token` guards it (required when PUBLIC_URL is not this machine). */
  playground: { enabled: boolean; token?: string };
  /** Bearer token for `/metrics`; unset = open (keep the port internal). */
  metricsToken?: string;
  /** Per-user limits at ingress (0 = off) and where they are counted: Redis when `redisUrl` is set, else the database. */
  rateLimits: {
    redisUrl?: string;
    commands: { points: number; seconds: number }[];
    photos: { points: number; seconds: number }[];
    /** Playground upload requests per client address. */
    uploads: { points: number; seconds: number }[];
  };
  /** How many proxies in front append to X-Forwarded-For (0: the connection's own address is the client's). */
  trustProxyHops: number;
  /**
   * Plans and payment providers. No provider configured: billing is off and every style and limit is open.
   * Stripe is on when STRIPE_PAYMENT_LINK_URL is set (with its secret key and webhook secret).
   */
  billing: {
    plans: PlanNumbers;
    /** How long after a paid period ends its end is looked at (room for a renewal charged at the end to arrive). */
    endGraceMs: number;
    stripe: { secretKey: string; webhookSecret: string; paymentLinkUrl: string; apiBase?: string } | null;
  };
  /** Checks webhooks forwarded by the edge Worker; unset = such requests are refused (direct ones still work). */
  edgeSharedSecret?: string;
  /** The validated raw variables, for platform blocks that read their own. */
  raw: Env;
  /** Slack, Discord and Telegram, each null unless its variables are set (see src/bots/common/platform-bots.ts). */
  platforms: PlatformConfigs;
}

export interface SentryConfig {
  dsn: string;
  environment: string;
  tracesSampleRate: number;
}

/** Sentry's settings, or null when SENTRY_DSN is unset; read by src/instrument.ts before anything else loads. */
export function loadSentryConfig(env: NodeJS.ProcessEnv = process.env): SentryConfig | null {
  const e = loadConfig(env).raw;
  if (!e.SENTRY_DSN) return null;
  return {
    dsn: e.SENTRY_DSN,
    environment: e.SENTRY_ENVIRONMENT ?? e.NODE_ENV,
    tracesSampleRate: e.SENTRY_TRACES_SAMPLE_RATE,
  };
}

/** Parses the environment into a Config; throws `config.invalid` naming every bad variable. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ");
    throw new PhotoMemoryError("config.invalid", `The configuration is invalid: ${problems}.`);
  }
  const e = parsed.data;
  const dataDir = path.resolve(e.DATA_DIR);
  if (Boolean(e.SUPABASE_URL) !== Boolean(e.SUPABASE_SERVICE_ROLE_KEY)) {
    throw new PhotoMemoryError(
      "config.invalid",
      "The configuration is invalid: set both SUPABASE_URL and SUPABASE_SERVICE_ROLE_KEY for Supabase Storage, or neither for local files.",
    );
  }
  const inngestOn = Boolean(e.INNGEST_SIGNING_KEY) || e.INNGEST_DEV;
  if (e.NODE_ENV === "production" && e.INNGEST_DEV && !e.INNGEST_SIGNING_KEY) {
    throw new PhotoMemoryError(
      "config.invalid",
      "The configuration is invalid: INNGEST_DEV must not be used in production without INNGEST_SIGNING_KEY.",
    );
  }
  if (e.PHOTOMEMORY_ROLE !== "all" && !e.DATABASE_URL) {
    throw new PhotoMemoryError(
      "config.invalid",
      `The configuration is invalid: PHOTOMEMORY_ROLE=${e.PHOTOMEMORY_ROLE} needs DATABASE_URL (Postgres): the embedded database lives in one process, which runs as PHOTOMEMORY_ROLE=all.`,
    );
  }
  const platforms = parsePlatformConfigs(env);
  const publicUrl = (e.PUBLIC_URL ?? `http://localhost:${e.PORT}`).replace(/\/+$/, "");
  // A worker serves no pages: the playground belongs to web processes.
  const playground =
    e.PHOTOMEMORY_ROLE !== "worker" &&
    (e.PLAYGROUND ?? (!e.DATABASE_URL && !Object.values(platforms).some(Boolean)));
  const localOnly = ["localhost", "127.0.0.1", "[::1]"].includes(new URL(publicUrl).hostname);
  if (playground && !localOnly && !e.PLAYGROUND_TOKEN) {
    throw new PhotoMemoryError(
      "config.invalid",
      "The configuration is invalid: the playground is on and PUBLIC_URL is public, so anyone could use it: set PLAYGROUND_TOKEN (e.g. openssl rand -hex 16) or PLAYGROUND=0.",
    );
  }
  const stripeVariables = {
    STRIPE_PAYMENT_LINK_URL: e.STRIPE_PAYMENT_LINK_URL,
    STRIPE_SECRET_KEY: e.STRIPE_SECRET_KEY,
    STRIPE_WEBHOOK_SECRET: e.STRIPE_WEBHOOK_SECRET,
  };
  const stripeMissing = Object.entries(stripeVariables)
    .filter(([, v]) => !v)
    .map(([k]) => k);
  if (stripeMissing.length > 0 && stripeMissing.length < 3) {
    throw new PhotoMemoryError(
      "config.invalid",
      `The configuration is invalid: Stripe needs STRIPE_PAYMENT_LINK_URL, STRIPE_SECRET_KEY and STRIPE_WEBHOOK_SECRET together; ${stripeMissing.join(" and ")} ${stripeMissing.length === 1 ? "is" : "are"} missing.`,
    );
  }
  return {
    env: e.NODE_ENV,
    role: e.PHOTOMEMORY_ROLE,
    logLevel: e.LOG_LEVEL,
    host: e.HOST,
    port: e.PORT,
    publicUrl,
    dataDir,
    database: e.DATABASE_URL ? { kind: "postgres", url: e.DATABASE_URL } : { kind: "pglite", dataDir },
    ...(e.TOKEN_ENCRYPTION_KEY ? { tokenEncryptionKey: e.TOKEN_ENCRYPTION_KEY } : {}),
    blobs:
      e.SUPABASE_URL && e.SUPABASE_SERVICE_ROLE_KEY
        ? {
            kind: "supabase",
            url: e.SUPABASE_URL,
            serviceRoleKey: e.SUPABASE_SERVICE_ROLE_KEY,
            bucket: e.SUPABASE_STORAGE_BUCKET,
          }
        : { kind: "local", root: path.join(dataDir, "blobs") },
    script: e.OPENAI_API_KEY
      ? {
          kind: "openai",
          apiKey: e.OPENAI_API_KEY,
          model: e.OPENAI_MODEL,
          ...(e.OPENAI_BASE_URL ? { baseURL: e.OPENAI_BASE_URL } : {}),
          timeoutMs: e.OPENAI_TIMEOUT_MS,
        }
      : { kind: "offline" },
    jobs: inngestOn
      ? {
          kind: "inngest",
          ...(e.INNGEST_SIGNING_KEY ? { signingKey: e.INNGEST_SIGNING_KEY } : {}),
          ...(e.INNGEST_EVENT_KEY ? { eventKey: e.INNGEST_EVENT_KEY } : {}),
          dev: e.INNGEST_DEV,
          ...(e.INNGEST_BASE_URL ? { baseUrl: e.INNGEST_BASE_URL } : {}),
        }
      : { kind: "embedded", leaseTtlMs: e.JOB_LEASE_MS },
    renderConcurrency: e.RENDER_CONCURRENCY,
    videoCredit: e.VIDEO_CREDIT,
    ffmpeg: {
      ...(e.FFMPEG_PATH ? { ffmpegPath: e.FFMPEG_PATH } : {}),
      ...(e.FFPROBE_PATH ? { ffprobePath: e.FFPROBE_PATH } : {}),
    },
    shutdownTimeoutMs: e.SHUTDOWN_TIMEOUT_MS,
    ...(e.METRICS_TOKEN ? { metricsToken: e.METRICS_TOKEN } : {}),
    ...(e.EDGE_SHARED_SECRET ? { edgeSharedSecret: e.EDGE_SHARED_SECRET } : {}),
    rateLimits: {
      ...(e.REDIS_URL ? { redisUrl: e.REDIS_URL } : {}),
      commands: [
        { points: e.RATE_LIMIT_COMMANDS_PER_MINUTE, seconds: 60 },
        { points: e.RATE_LIMIT_COMMANDS_PER_HOUR, seconds: 3600 },
      ],
      photos: [
        { points: e.RATE_LIMIT_PHOTOS_PER_MINUTE, seconds: 60 },
        { points: e.RATE_LIMIT_PHOTOS_PER_HOUR, seconds: 3600 },
      ],
      uploads: [
        { points: e.RATE_LIMIT_PLAYGROUND_UPLOADS_PER_MINUTE, seconds: 60 },
        { points: e.RATE_LIMIT_PLAYGROUND_UPLOADS_PER_HOUR, seconds: 3600 },
      ],
    },
    trustProxyHops: e.TRUST_PROXY_HOPS,
    playground: { enabled: playground, ...(e.PLAYGROUND_TOKEN ? { token: e.PLAYGROUND_TOKEN } : {}) },
    billing: {
      plans: {
        free: {
          memoriesPerMonth: e.BILLING_FREE_MEMORIES_PER_MONTH,
          photosPerMemory: e.BILLING_FREE_PHOTOS_PER_MEMORY,
        },
        premium: {
          memoriesPerMonth: e.BILLING_PREMIUM_MEMORIES_PER_MONTH,
          photosPerMemory: e.BILLING_PREMIUM_PHOTOS_PER_MEMORY,
        },
      },
      endGraceMs: e.BILLING_END_GRACE_SECONDS * 1000,
      stripe:
        e.STRIPE_PAYMENT_LINK_URL && e.STRIPE_SECRET_KEY && e.STRIPE_WEBHOOK_SECRET
          ? {
              secretKey: e.STRIPE_SECRET_KEY,
              webhookSecret: e.STRIPE_WEBHOOK_SECRET,
              paymentLinkUrl: e.STRIPE_PAYMENT_LINK_URL,
              ...(e.STRIPE_API_BASE ? { apiBase: e.STRIPE_API_BASE } : {}),
            }
          : null,
    },
    raw: e,
    // ── Platform bots (Slack, Discord, Telegram): each platform folder owns and validates its own variables. ──
    platforms,
  };
}
