/**
 * The hono app: health and readiness, the playground, `/api/inngest` when Inngest is configured, and each chat
 * platform's inbound handler under `/<name>/` (`handle(Request) → Response`). Tests call `createApp(deps).request(...)`
 * with no server.
 */

import type { Context } from "hono";
import { Hono } from "hono";
import type { Logger } from "pino";
import type { EdgeDelivery } from "../bots/common/edge-delivery.ts";
import { isPhotoMemoryError } from "../core/errors.ts";
import type { FfmpegStatus } from "../core/render/ffmpeg-readiness.ts";
import { createBodyLimits } from "./body-limits.ts";
import { createEdgeIngress } from "./edge-ingress.ts";
import type { Metrics } from "./metrics.ts";
import { createSecurityHeaders } from "./security-headers.ts";

/** A sub-app mounted at `path` (e.g. `{ path: "/", app: shareRoutes }`). */
export interface MountedRouter {
  path: string;
  // biome-ignore lint/suspicious/noExplicitAny: routers carry their own Env/Schema generics.
  app: Hono<any, any, any>;
}

export interface AppDeps {
  logger: Logger;
  /** Throws when the database does not answer. */
  checkDatabase: () => Promise<void>;
  /** False until start-up finished and again once shutdown began. */
  isReady?: () => boolean;
  /** The playground routes (`/playground`, `/playground/api/...`); absent when the playground is off. */
  playground?: MountedRouter["app"];
  /** Routers to mount (the share page, test additions). */
  routers?: MountedRouter[];
  /** Chat platforms: every request under `/<name>/` goes to `handle`, with the edge delivery when forwarded. */
  platforms?: { name: string; handle(request: Request, edge?: EdgeDelivery): Promise<Response> }[];
  /** Checks the signature of webhooks the edge Worker forwards (EDGE_SHARED_SECRET); unset refuses them. */
  edgeSharedSecret?: string;
  /** Prometheus metrics: served at `/metrics` (behind `metricsToken` when set) and fed by the webhook timer. */
  metrics?: Metrics;
  metricsToken?: string;
  /**
   * Whether this process can render: ffmpeg as checked at start (see createFfmpegReadiness). Not ready until it is
   * found; `/readyz` says what is missing and how to fix it. Absent in a process that does not render.
   */
  ffmpeg?: () => FfmpegStatus;
  /** The Inngest serve handler (inngest/hono), mounted at `/api/inngest` when Inngest is configured. */
  inngestHandler?: (c: Context) => Response | Promise<Response>;
}

async function answersWithin(check: () => Promise<void>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<boolean>((resolve) => {
    timer = setTimeout(() => resolve(false), ms);
  });
  try {
    return await Promise.race([
      check().then(
        () => true,
        () => false,
      ),
      timeout,
    ]);
  } finally {
    clearTimeout(timer);
  }
}

/** ENOSPC anywhere in the cause chain: the server's disk, not the request, is at fault. */
function isDiskFull(error: unknown): boolean {
  for (let e: unknown = error, depth = 0; e && depth < 5; e = (e as { cause?: unknown }).cause, depth++) {
    if ((e as { code?: unknown }).code === "ENOSPC") return true;
  }
  return false;
}

export function createApp(deps: AppDeps): Hono {
  const app = new Hono();
  const log = deps.logger.child({ module: "http" });

  // One line per request: debug for the chatty ones, warn/error when something failed. Paths pass the logger's masks.
  app.use(async (c, next) => {
    const started = performance.now();
    await next();
    const status = c.res.status;
    const line = {
      method: c.req.method,
      path: c.req.path,
      status,
      ms: Math.round(performance.now() - started),
    };
    if (status >= 500) log.error(line, "request ended with a server error");
    else if (status >= 400 && status !== 404) log.warn(line, "request refused");
    else log.debug(line, "request");
  });

  app.use(createSecurityHeaders());
  if (deps.metrics) {
    const { registry } = deps.metrics;
    app.use(deps.metrics.webhookTimer());
    app.get("/metrics", async (c) => {
      if (deps.metricsToken && c.req.header("authorization") !== `Bearer ${deps.metricsToken}`) {
        return c.json({ error: "unauthorized", message: "Send Authorization: Bearer <METRICS_TOKEN>." }, 401);
      }
      return c.body(await registry.metrics(), 200, { "content-type": registry.contentType });
    });
  }
  // Playground uploads carry photos or a song and apply their own, larger caps.
  app.use(createBodyLimits({ ownLimit: [/^\/playground\/api\/conversations\/[^/]+\/(photos|songs)$/] }));
  app.use(
    createEdgeIngress({
      logger: deps.logger,
      ...(deps.edgeSharedSecret ? { secret: deps.edgeSharedSecret } : {}),
    }),
  );

  app.get("/healthz", async (c) => {
    try {
      await deps.checkDatabase();
      return c.json({ ok: true, database: "ok" });
    } catch (error) {
      log.warn({ err: error }, "health check: database unavailable");
      return c.json({ ok: false, database: "unavailable" }, 503);
    }
  });

  // Ready: started, not stopping, the database answers (within 2 s: a partitioned network hangs, it does not
  // refuse), so a load balancer stops sending webhooks here during an outage instead of collecting failures, and
  // ffmpeg was found (a service that cannot render would take photos and fail every memory).
  app.get("/readyz", async (c) => {
    const started = deps.isReady ? deps.isReady() : true;
    const database = started && (await answersWithin(deps.checkDatabase, 2000));
    const ffmpeg = deps.ffmpeg?.();
    const ready = started && database && (ffmpeg === undefined || ffmpeg.status === "ok");
    return c.json(
      {
        ready,
        ...(started ? { database: database ? "ok" : "unavailable" } : {}),
        ...(ffmpeg ? { ffmpeg: ffmpeg.status } : {}),
        ...(ffmpeg?.status === "missing" ? { problem: ffmpeg.message } : {}),
      },
      ready ? 200 : 503,
    );
  });

  app.get("/", (c) => c.redirect(deps.playground ? "/playground" : "/healthz"));

  if (deps.inngestHandler) {
    const handler = deps.inngestHandler;
    app.on(["GET", "POST", "PUT"], "/api/inngest", (c) => handler(c));
  }
  if (deps.playground) app.route("/", deps.playground);
  for (const platform of deps.platforms ?? [])
    app.all(`/${platform.name}/*`, (c) => {
      const forwarded = c.get("edgeForwarded");
      return forwarded ? platform.handle(forwarded.request, forwarded.delivery) : platform.handle(c.req.raw);
    });
  for (const router of deps.routers ?? []) app.route(router.path, router.app);

  app.notFound((c) => c.json({ error: "not_found", message: "There is nothing at this address." }, 404));
  app.onError((error, c) => {
    if (isDiskFull(error)) {
      log.error({ err: error, path: c.req.path }, "disk full: free space on the data volume");
      return c.json(
        { error: "storage_full", message: "The server is out of storage space; please try again later." },
        507,
      );
    }
    if (isPhotoMemoryError(error)) {
      const status = error.code.endsWith("not_found") ? 404 : 400;
      return c.json({ error: error.code, message: error.message }, status);
    }
    const withStatus = error as { getResponse?: () => Response };
    if (typeof withStatus.getResponse === "function") return withStatus.getResponse();
    log.error({ err: error, path: c.req.path }, "request failed");
    return c.json({ error: "internal", message: "Something went wrong on our side; please try again." }, 500);
  });
  return app;
}
