/**
 * The composition root: reads the configuration, opens and migrates the database, wires the Store, blobs, script
 * writer, jobs (embedded runner or Inngest), chat adapters and use cases, serves the hono app on Node, and shuts
 * down gracefully on SIGTERM/SIGINT (unfinished renders resume at the next start). Every part is built once, from
 * parts built before it. PHOTOMEMORY_ROLE picks what the process does: `web` serves webhooks, the playground, the
 * share page and /api/inngest and only sends jobs; `worker` runs jobs and serves health and metrics; `all` both.
 */
import { mkdir } from "node:fs/promises";
import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { pathToFileURL } from "node:url";
import { serve } from "@hono/node-server";
import type { Hono } from "hono";
import { botBillingFrom } from "./bots/common/bot-billing.ts";
import { createPlatformBots, createPlatformChats } from "./bots/common/platform-bots.ts";
import { createPlaygroundBot, createPlaygroundChat } from "./bots/playground/playground-bot.ts";
import { type Config, loadConfig } from "./config.ts";
import { createBilling, createBillingEntitlements } from "./core/billing/index.ts";
import type { BlobStore } from "./core/blobs/blob-store.ts";
import { createLocalBlobStore } from "./core/blobs/local-blob-store.ts";
import type { ChatAdapter } from "./core/chat/chat-adapter.ts";
import type { Platform, ScriptWriter } from "./core/domain.ts";
import { createSemaphore } from "./core/jobs/semaphore.ts";
import { createRateLimits } from "./core/limits/rate-limits.ts";
import { createLogger, type Logger } from "./core/log.ts";
import { createSqlMemoryLookup, type MemoryDeps } from "./core/memories/index.ts";
import { createMemoryRenderer } from "./core/memories/pipeline/index.ts";
import { createFfmpegReadiness } from "./core/render/ffmpeg-readiness.ts";
import { createOfflineScriptWriter } from "./core/script/offline-script-writer.ts";
import { migrate } from "./core/store/migrate.ts";
import { openDatabase } from "./core/store/open-database.ts";
import { sweepRetention } from "./core/store/retention.ts";
import { createSqlStore } from "./core/store/sql-store.ts";
import { createApp, type MountedRouter } from "./http/app.ts";
import { createClientIp } from "./http/client-ip.ts";
import { createMetrics } from "./http/metrics.ts";
import { createPlaygroundRoutes } from "./http/playground/routes.ts";
import { createShareRoutes, sharePath } from "./http/share-routes.ts";
import { createJobFunctions } from "./jobs/functions.ts";
import { createJobEngine } from "./jobs/job-engine.ts";
import { databaseStartError, describeStartError } from "./startup-errors.ts";

/** How often finished job runs, old deliveries, the playground log and stale scratch folders are swept. */
const RETENTION_SWEEP_MS = 6 * 3_600_000;

export interface Service {
  /** Where the service listens, e.g. http://127.0.0.1:3000. */
  url: string;
  app: Hono;
  /** Stops taking requests, lets renders in flight stop or finish, closes the database. */
  stop(): Promise<void>;
}

export interface StartOptions {
  logger?: Logger;
  /** Extra routers (tests, future platforms). */
  routers?: MountedRouter[];
  /** Extra chat adapters by platform. */
  chats?: Partial<Record<Platform, ChatAdapter>>;
}

// The SDKs of optional services (Supabase Storage, OpenAI, Stripe, Inngest) are loaded only when configured: together
// they were a third of the modules loaded at start, and the embedded default uses none of them.

async function createBlobStore(config: Config): Promise<BlobStore> {
  if (config.blobs.kind === "local") return createLocalBlobStore({ root: config.blobs.root });
  const { createSupabaseBlobStore } = await import("./core/blobs/supabase-blob-store.ts");
  return createSupabaseBlobStore({
    url: config.blobs.url,
    serviceRoleKey: config.blobs.serviceRoleKey,
    bucket: config.blobs.bucket,
  });
}

async function createScriptWriter(config: Config, logger: Logger): Promise<ScriptWriter> {
  if (config.script.kind === "offline") return createOfflineScriptWriter();
  const { createOpenAIScriptWriter } = await import("./core/script/openai-script-writer.ts");
  return createOpenAIScriptWriter({
    apiKey: config.script.apiKey,
    model: config.script.model,
    ...(config.script.baseURL ? { baseURL: config.script.baseURL } : {}),
    timeoutMs: config.script.timeoutMs,
    logger: logger.child({ module: "openai" }),
  });
}

export async function startService(config: Config, options: StartOptions = {}): Promise<Service> {
  const logger = options.logger ?? createLogger({ level: config.logLevel });
  const log = logger.child({ module: "main" });
  await mkdir(config.dataDir, { recursive: true });

  // Checked now, beside the database's start, so a missing ffmpeg shows in the log and /readyz before anyone asks.
  const ffmpeg = createFfmpegReadiness({
    onResult: (result) =>
      result.status === "missing"
        ? log.error({ problem: result.message }, `ffmpeg is missing: ${result.message}`)
        : log.info({ source: result.source }, "ffmpeg found"),
  });
  const db = await openDatabase({
    databaseUrl: config.database.kind === "postgres" ? config.database.url : undefined,
    dataDir: config.dataDir,
  });
  const databaseUrl = config.database.kind === "postgres" ? config.database.url : undefined;
  const migrated = await migrate(db).catch(async (error: unknown) => {
    await db.close().catch(() => {});
    throw databaseStartError(error, databaseUrl);
  });
  log.info({ database: db.kind, migrations: migrated }, "database ready");

  // Rate limits: Redis when REDIS_URL is set (a request that finds it down is let through), else the database.
  const redis = config.rateLimits.redisUrl
    ? new (await import("ioredis")).Redis(config.rateLimits.redisUrl, {
        maxRetriesPerRequest: 1,
        enableOfflineQueue: false,
      })
    : undefined;
  redis?.on("error", (error: unknown) => log.warn({ err: error }, "redis unavailable"));
  const store = createSqlStore(db, { tokenEncryptionKey: config.tokenEncryptionKey });
  const blobs = await createBlobStore(config);
  const scriptWriter = await createScriptWriter(config, logger);
  const playgroundChat = createPlaygroundChat({ db, blobs, logger });
  // Outbound adapters first, on their own: the jobs deliver through them whether or not this process serves webhooks.
  const chats: Partial<Record<Platform, ChatAdapter>> = {
    playground: playgroundChat.adapter,
    ...(await createPlatformChats(config.platforms, { logger, store })),
    ...options.chats,
  };

  const metrics = createMetrics({
    countVideos: () =>
      db.query<{ status: string; count: number }>(
        "select status::text as status, count(*)::int as count from public.generated_videos where status in ('queued', 'processing') group by status",
      ),
  });
  // Billing: off (everything open) until a payment provider or a platform checkout is configured.
  const stripeSettings = config.billing.stripe;
  const stripeModules = stripeSettings
    ? await Promise.all([
        import("./billing/stripe/stripe-provider.ts"),
        import("./billing/stripe/stripe-webhook.ts"),
      ])
    : null;
  const stripe = stripeSettings && stripeModules ? stripeModules[0].createStripeClient(stripeSettings) : null;
  const billing = createBilling({
    db,
    store,
    chats,
    logger,
    plans: config.billing.plans,
    endGraceMs: config.billing.endGraceMs,
    providers:
      stripe && stripeSettings && stripeModules
        ? [
            stripeModules[0].createStripeProvider({
              stripe,
              paymentLinkUrl: stripeSettings.paymentLinkUrl,
              returnUrl: config.publicUrl,
            }),
          ]
        : [],
  });
  const functions = createJobFunctions({
    renderer: metrics.instrumentRenderer(createMemoryRenderer({ credit: config.videoCredit, logger })),
    store,
    blobs,
    scriptWriter,
    chats,
    logger,
    renderSemaphore: createSemaphore(config.renderConcurrency),
    videoCredit: config.videoCredit,
    publicUrl: config.publicUrl,
    sharePath,
    ffmpeg: config.ffmpeg,
    billing,
  });
  const servesWeb = config.role !== "worker";
  const runsJobs = config.role !== "web";
  const engine = await createJobEngine(config.jobs, { db, functions, logger, servesWeb, runsJobs });

  const memory: MemoryDeps = {
    rateLimits: createRateLimits({
      store: redis ? { kind: "redis", client: redis } : { kind: "db", db },
      rules: config.rateLimits,
      logger,
    }),
    store,
    blobs,
    jobs: engine.jobs,
    entitlements: createBillingEntitlements(billing),
    lookup: createSqlMemoryLookup(db),
    chats,
    logger,
  };
  // Inbound: webhooks, the playground and the platforms' long-lived parts (sockets, polling) live in web processes.
  const platforms = servesWeb
    ? await createPlatformBots(config.platforms, chats, memory, {
        ...(billing.enabled ? { billing: botBillingFrom(billing, store, logger, engine.jobs) } : {}),
        publicUrl: config.publicUrl,
      })
    : { inbound: [], start: async () => {}, stop: async () => {} };
  const web = servesWeb
    ? {
        ...(config.playground.enabled
          ? {
              playground: createPlaygroundRoutes({
                bot: createPlaygroundBot(playgroundChat, memory, logger),
                blobs,
                token: config.playground.token,
                logger,
                ...(memory.rateLimits
                  ? {
                      uploadLimit: {
                        rateLimits: memory.rateLimits,
                        clientIp: createClientIp(config.trustProxyHops),
                      },
                    }
                  : {}),
              }),
            }
          : {}),
        routers: [
          { path: "/", app: createShareRoutes({ store, blobs, publicUrl: config.publicUrl }) },
          ...(stripe && stripeSettings && stripeModules
            ? [
                {
                  path: "/",
                  app: stripeModules[1].createStripeWebhook({
                    stripe,
                    webhookSecret: stripeSettings.webhookSecret,
                    billing,
                    logger,
                  }),
                },
              ]
            : []),
          ...(options.routers ?? []),
        ],
        platforms: platforms.inbound,
        ...(config.edgeSharedSecret ? { edgeSharedSecret: config.edgeSharedSecret } : {}),
        ...(engine.inngestHandler ? { inngestHandler: engine.inngestHandler } : {}),
      }
    : {};

  const readiness = { started: false };
  const app = createApp({
    logger,
    checkDatabase: async () => {
      await db.query("select 1");
    },
    isReady: () => readiness.started,
    // Only a process that renders needs ffmpeg to be ready.
    ...(runsJobs ? { ffmpeg: () => ffmpeg.current() } : {}),
    metrics,
    ...(config.metricsToken ? { metricsToken: config.metricsToken } : {}),
    ...web,
  });

  const server = serve({ fetch: app.fetch, port: config.port, hostname: config.host }) as Server;
  await new Promise<void>((resolve, reject) => {
    if (server.listening) resolve();
    server.once("listening", () => resolve());
    server.once("error", reject);
  }).catch(async (error: unknown) => {
    await db.close().catch(() => {});
    throw error;
  });
  const address = server.address() as AddressInfo;
  const host = config.host === "0.0.0.0" || config.host === "::" ? "localhost" : config.host;
  const url = `http://${host}:${address.port}`;

  await engine.start();
  // Platforms start in the background: a platform API that is down or hangs at start (grammY's init waits on getMe)
  // must not keep the service, its webhooks or the other platforms from serving. Failures are logged per platform.
  const platformsStarted = platforms.start();
  readiness.started = true;
  const sweep = () =>
    sweepRetention(db, { tmpDir: tmpdir() }).then(
      (swept) => log.info(swept, "retention sweep"),
      (error: unknown) => log.warn({ err: error }, "retention sweep failed"),
    );
  void sweep();
  const sweeper = setInterval(sweep, RETENTION_SWEEP_MS);
  sweeper.unref();
  log.info(
    { url, role: config.role, jobs: engine.jobs.kind, blobs: blobs.kind, script: scriptWriter.name },
    `PhotoMemory (${config.role}) is up: ${config.playground.enabled ? `${url}/playground` : url}`,
  );

  let stopping: Promise<void> | undefined;
  const stop = () => {
    stopping ??= (async () => {
      readiness.started = false;
      clearInterval(sweeper);
      log.info("shutting down");
      await Promise.race([platformsStarted, new Promise((resolve) => setTimeout(resolve, 1000).unref())]);
      await platforms.stop();
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeIdleConnections();
      await engine.stop({ timeoutMs: config.shutdownTimeoutMs });
      // Open SSE streams would keep the server up forever; the page reconnects to the next instance.
      server.closeAllConnections();
      await closed;
      await db.close();
      redis?.disconnect();
      log.info("stopped");
    })();
    return stopping;
  };
  return { url, app, stop };
}

async function main(): Promise<void> {
  let config: Config;
  try {
    config = loadConfig();
  } catch (error) {
    console.error(error instanceof Error ? error.message : error);
    process.exit(2);
  }
  // A person at a terminal reads pino-pretty's lines; pipes and log collectors get JSON.
  const logger = createLogger({ level: config.logLevel, pretty: process.stdout.isTTY === true });
  let service: Service;
  try {
    service = await startService(config, { logger });
  } catch (error) {
    logger.flush();
    console.error(describeStartError(error, config));
    process.exit(1);
  }
  let signals = 0;
  const onSignal = (signal: NodeJS.Signals) => {
    signals += 1;
    if (signals > 1) process.exit(1);
    logger.info({ signal }, "signal received");
    service.stop().then(
      () => process.exit(0),
      (error: unknown) => {
        logger.error({ err: error }, "shutdown failed");
        process.exit(1);
      },
    );
  };
  process.on("SIGTERM", onSignal);
  process.on("SIGINT", onSignal);
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main().catch((error: unknown) => {
    console.error(describeStartError(error, { host: "0.0.0.0", port: 0 }));
    process.exit(1);
  });
}
