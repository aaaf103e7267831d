/**
 * The job engine of a process, chosen by configuration and role: the Jobs port every role sends events through, the
 * `/api/inngest` handler when this process serves Inngest's calls, and start/stop for the part that runs jobs.
 * - Embedded runner: web processes only store runs; worker (and all) processes run them. On Postgres runners share
 *   the database (per-run leases); on PGlite the one process runs everything.
 * - Inngest: web (and all) processes serve `/api/inngest`; worker processes `connect()` to Inngest with the same
 *   function list and serve no route for it.
 */
import type { Logger } from "pino";
import type { Jobs } from "../core/jobs/jobs.ts";
import type { Db } from "../core/store/db.ts";
import type { AnyJobFunction } from "./define-function.ts";
import { createEmbeddedRunner } from "./embedded-runner.ts";
import type { createInngestHandler, InngestOptions } from "./inngest-client.ts";

export type JobEngineConfig =
  | { kind: "embedded"; leaseTtlMs: number }
  | ({ kind: "inngest"; dev: boolean } & Omit<InngestOptions, "logger" | "isDev">);

export interface JobEngine {
  readonly jobs: Jobs;
  /** The `/api/inngest` handler, when this process serves Inngest's calls. */
  readonly inngestHandler?: ReturnType<typeof createInngestHandler>;
  /** Starts running jobs, if this process runs them. */
  start(): Promise<void>;
  /** Stops running jobs; runs in flight get up to timeoutMs, unfinished ones are resumed by another runner. */
  stop(options: { timeoutMs: number }): Promise<void>;
}

/** Inngest's SDK is loaded only when Inngest runs the jobs. */
export async function createJobEngine(
  config: JobEngineConfig,
  deps: {
    db: Db;
    functions: readonly AnyJobFunction[];
    logger: Logger;
    /** Whether this process runs jobs (worker, all) and whether it serves web requests (web, all). */
    runsJobs: boolean;
    servesWeb: boolean;
  },
): Promise<JobEngine> {
  const { db, functions, logger } = deps;
  if (config.kind === "embedded") {
    const runner = createEmbeddedRunner({
      db,
      functions,
      logger,
      leaseTtlMs: config.leaseTtlMs,
      // Postgres is shared by every process of the deployment; PGlite belongs to this one.
      shared: db.kind === "postgres",
    });
    return {
      jobs: runner.jobs,
      start: async () => {
        if (deps.runsJobs) await runner.start();
      },
      stop: async ({ timeoutMs }) => {
        if (deps.runsJobs) await runner.stop({ timeoutMs });
      },
    };
  }
  const { connectInngestWorker, createInngestClient, createInngestHandler, createInngestJobs } = await import(
    "./inngest-client.ts"
  );
  const client = createInngestClient({
    ...(config.signingKey ? { signingKey: config.signingKey } : {}),
    ...(config.eventKey ? { eventKey: config.eventKey } : {}),
    ...(config.baseUrl ? { baseUrl: config.baseUrl } : {}),
    isDev: config.dev,
    logger,
  });
  let connection: Promise<{ close(): Promise<void> } | null> = Promise.resolve(null);
  return {
    jobs: createInngestJobs(client),
    ...(deps.servesWeb ? { inngestHandler: createInngestHandler({ client, functions, logger }) } : {}),
    async start() {
      if (!deps.runsJobs || deps.servesWeb) return;
      // In the background, as the platforms start: Inngest unreachable at start must not keep the worker unready.
      connection = connectInngestWorker({ client, functions, logger }).then(
        (open) => {
          logger.info("connected to Inngest: this worker runs the functions");
          return open;
        },
        (error: unknown) => {
          logger.error({ err: error }, "could not connect to Inngest");
          return null;
        },
      );
    },
    async stop({ timeoutMs }) {
      const open = await Promise.race([
        connection,
        new Promise<null>((resolve) => setTimeout(() => resolve(null), Math.min(timeoutMs, 1000)).unref()),
      ]);
      await open?.close();
    },
  };
}
