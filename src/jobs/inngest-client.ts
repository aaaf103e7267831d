/**
 * The Inngest edge of the jobs layer: the client, the Jobs port over `inngest.send`, and the `/api/inngest` handler
 * for hono. Only this folder imports `inngest`.
 */
import { hostname } from "node:os";
import { Inngest } from "inngest";
import { connect } from "inngest/connect";
import { serve } from "inngest/hono";
import type { Logger } from "pino";
import { type JobEvent, parseJobEvent } from "../core/jobs/events.ts";
import type { Jobs } from "../core/jobs/jobs.ts";
import type { AnyJobFunction } from "./define-function.ts";
import { toInngestFunction } from "./inngest-function.ts";

export interface InngestOptions {
  /** INNGEST_SIGNING_KEY; required in production (Inngest Cloud or self-hosted). */
  signingKey?: string;
  /** INNGEST_EVENT_KEY, to send events. */
  eventKey?: string;
  /** INNGEST_BASE_URL, e.g. a self-hosted server or the dev server at http://127.0.0.1:8288. */
  baseUrl?: string;
  /** INNGEST_DEV: talk to the local dev server without keys. */
  isDev?: boolean;
  logger: Logger;
}

export function createInngestClient(options: InngestOptions): Inngest {
  return new Inngest({
    id: "photomemory",
    logger: options.logger,
    ...(options.signingKey ? { signingKey: options.signingKey } : {}),
    ...(options.eventKey ? { eventKey: options.eventKey } : {}),
    ...(options.baseUrl ? { baseUrl: options.baseUrl } : {}),
    ...(options.isDev !== undefined ? { isDev: options.isDev } : {}),
  });
}

/** The Jobs port over Inngest: validates each event with its schema, then sends it. */
export function createInngestJobs(client: Inngest): Jobs {
  return {
    kind: "inngest",
    async send(event) {
      const events = (Array.isArray(event) ? event : [event]).map((e: JobEvent) => ({
        name: e.name,
        data: parseJobEvent(e.name, e.data),
        ...(e.id ? { id: e.id } : {}),
      }));
      await client.send(events);
    },
  };
}

/** The hono handler for `/api/inngest` (GET, POST, PUT): `app.on(["GET","POST","PUT"], "/api/inngest", handler)`. */
export function createInngestHandler(deps: {
  client: Inngest;
  functions: readonly AnyJobFunction[];
  logger: Logger;
  /** PUBLIC_URL, so Inngest calls back the public address behind a proxy instead of the Host header's. */
  serveOrigin?: string;
}): ReturnType<typeof serve> {
  return serve({
    client: deps.client,
    functions: deps.functions.map((fn) => toInngestFunction(deps.client, fn, deps.logger)),
    servePath: "/api/inngest",
    ...(deps.serveOrigin ? { serveOrigin: deps.serveOrigin } : {}),
  });
}

/**
 * A worker's outbound connection to Inngest (`connect()`): Inngest runs the same functions here over a WebSocket, so
 * a worker needs no public route. Shutdown is ours (SIGTERM stops the service, which closes this and lets runs in
 * flight finish). Node 20 has no global WebSocket: the `ws` package stands in for it, in this thread only, so there the
 * connection runs in the main thread instead of the SDK's worker thread (Node 22 has its own WebSocket).
 */
export async function connectInngestWorker(deps: {
  client: Inngest;
  functions: readonly AnyJobFunction[];
  logger: Logger;
}): Promise<{ close(): Promise<void> }> {
  const nativeWebSocket = "WebSocket" in globalThis;
  if (!nativeWebSocket) {
    const { WebSocket } = await import("ws");
    Object.assign(globalThis, { WebSocket });
  }
  return connect({
    apps: [
      {
        client: deps.client,
        functions: deps.functions.map((fn) => toInngestFunction(deps.client, fn, deps.logger)),
      },
    ],
    instanceId: hostname(),
    handleShutdownSignals: [],
    isolateExecution: nativeWebSocket,
  });
}
