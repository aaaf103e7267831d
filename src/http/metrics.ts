/**
 * Prometheus metrics (prom-client), served at `/metrics`: render duration by style and render failures (measured
 * around the MemoryRenderer), the render queue (videos queued or rendering, read from the database at scrape time,
 * so it is the same on every instance and under Inngest), webhook latency by platform and status, and Node's own
 * process metrics.
 */
import type { MiddlewareHandler } from "hono";
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from "prom-client";
import type { MemoryRenderer } from "../core/memories/pipeline/index.ts";

export interface Metrics {
  registry: Registry;
  /** The renderer, timed: `photomemory_render_duration_seconds{style}`, `photomemory_render_failures_total{style}`. */
  instrumentRenderer(renderer: MemoryRenderer): MemoryRenderer;
  /** Times requests under the platforms' webhook paths: `photomemory_webhook_duration_seconds{platform,status}`. */
  webhookTimer(): MiddlewareHandler;
}

export interface MetricsOptions {
  /** Videos by status, for `photomemory_render_queue{status="queued"|"processing"}`. */
  countVideos: () => Promise<{ status: string; count: number }[]>;
}

const WEBHOOK_PLATFORMS = ["slack", "discord", "telegram", "stripe"];

export function createMetrics(options: MetricsOptions): Metrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: "photomemory_" });

  const renderDuration = new Histogram({
    name: "photomemory_render_duration_seconds",
    help: "Time to render a memory video (plan + ffmpeg), by style.",
    labelNames: ["style"] as const,
    buckets: [5, 10, 20, 30, 45, 60, 90, 120, 180, 300, 600],
    registers: [registry],
  });
  const renderFailures = new Counter({
    name: "photomemory_render_failures_total",
    help: "Renders that ended with an error (each attempt), by style.",
    labelNames: ["style"] as const,
    registers: [registry],
  });
  new Gauge({
    name: "photomemory_render_queue",
    help: "Memory videos waiting to render (queued) or rendering (processing), across all instances.",
    labelNames: ["status"] as const,
    registers: [registry],
    async collect() {
      const counts = new Map((await options.countVideos()).map((r) => [r.status, r.count]));
      for (const status of ["queued", "processing"]) this.set({ status }, counts.get(status) ?? 0);
    },
  });
  const webhookDuration = new Histogram({
    name: "photomemory_webhook_duration_seconds",
    help: "Time to answer a platform webhook, by platform and HTTP status.",
    labelNames: ["platform", "status"] as const,
    buckets: [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2, 3, 5],
    registers: [registry],
  });

  return {
    registry,
    instrumentRenderer(renderer) {
      return {
        async render(input) {
          const end = renderDuration.startTimer({ style: input.style });
          try {
            const output = await renderer.render(input);
            end();
            return output;
          } catch (error) {
            renderFailures.inc({ style: input.style });
            throw error;
          }
        },
      };
    },
    webhookTimer() {
      return async (c, next) => {
        const platform = c.req.path.split("/")[1] ?? "";
        if (!WEBHOOK_PLATFORMS.includes(platform) || c.req.method !== "POST") return next();
        const started = performance.now();
        await next();
        webhookDuration.observe(
          { platform, status: String(c.res.status) },
          (performance.now() - started) / 1000,
        );
      };
    },
  };
}
