/**
 * A Bolt receiver on hono: `POST /slack/events` takes events, slash commands and interactivity. It verifies the
 * signature on the raw bytes before anything parses them, answers url_verification, then hands the body to Bolt.
 * Event deliveries are processed before the response so that a failure answers 500 and Slack's retry is processed.
 * One still running at 2.5 s (Slack gives up at 3 s) is answered 503, never 200: if it then fails, Slack's retry
 * (at about 1 and 5 minutes) processes it again, and a retry arriving while the first attempt still runs is answered
 * 503 too (DeliveryInProgressError). Commands and button presses answer as soon as they ack. A request the edge
 * Worker forwarded was verified and answered there (an empty 200, as our listeners ack): only its queue consumer
 * waits here, so an event gets longer before 503 sends it back to the queue.
 */
import type { App, Receiver, ReceiverEvent } from "@slack/bolt";
import type { Context } from "hono";
import type { Logger } from "pino";
import { DeliveryInProgressError } from "../common/deliveries.ts";
import { edgeDeliveryOf } from "../common/edge-delivery.ts";
import { parseSlackBody } from "./parse-body.ts";
import { isValidSlackSignature } from "./verify.ts";

const ANSWER_WITHIN_MS = 2500;
/** The edge's queue consumer waits longer than Slack does (Cloudflare waits up to 100 s for an origin). */
const EDGE_ANSWER_WITHIN_MS = 20_000;

export class HonoReceiver implements Receiver {
  private app: App | undefined;

  constructor(
    private readonly signingSecret: string,
    private readonly log: Logger,
  ) {}

  init(app: App): void {
    this.app = app;
  }

  async start(): Promise<void> {}
  async stop(): Promise<void> {}

  /** The hono handler for `POST /events`. */
  handle = async (c: Context): Promise<Response> => {
    const raw = new Uint8Array(await c.req.arrayBuffer());
    const edge = edgeDeliveryOf(c);
    const valid =
      edge !== undefined ||
      isValidSlackSignature({
        signingSecret: this.signingSecret,
        rawBody: raw,
        timestamp: c.req.header("x-slack-request-timestamp"),
        signature: c.req.header("x-slack-signature"),
      });
    if (!valid) {
      this.log.warn({ path: c.req.path }, "slack request refused: bad signature or timestamp");
      return c.json({ error: "invalid_signature" }, 401);
    }
    const body = parseSlackBody(new TextDecoder().decode(raw), c.req.header("content-type") ?? "");
    if (!body) return c.json({ error: "bad_request" }, 400);
    if (body.type === "url_verification") return c.json({ challenge: String(body.challenge ?? "") });
    if (body.ssl_check) return c.body(null, 200);
    if (!this.app) return c.json({ error: "not_ready" }, 503);

    let acked: { body: unknown } | undefined;
    let ackResolve: () => void = () => undefined;
    const ackedPromise = new Promise<void>((resolve) => {
      ackResolve = resolve;
    });
    const retryNum = c.req.header("x-slack-retry-num");
    const retryReason = c.req.header("x-slack-retry-reason");
    const event: ReceiverEvent = {
      body,
      ...(retryNum ? { retryNum: Number(retryNum) } : {}),
      ...(retryReason ? { retryReason } : {}),
      ack: async (response?: unknown) => {
        acked = { body: response };
        ackResolve();
      },
    };
    const isEvent = body.type === "event_callback";
    const processing = this.app.processEvent(event).then(
      () => ({ ok: true as const }),
      (error: unknown) => ({ ok: false as const, error }),
    );
    const deadline = new Promise<"late">((resolve) =>
      setTimeout(() => resolve("late"), edge ? EDGE_ANSWER_WITHIN_MS : ANSWER_WITHIN_MS).unref(),
    );
    const first = await Promise.race([
      processing,
      deadline,
      ...(isEvent ? [] : [ackedPromise.then(() => "acked" as const)]),
    ]);

    if (first === "late" && isEvent) {
      this.log.warn("slack event still processing at the deadline; answering 503 so Slack retries");
      void processing.then((r) => {
        if (!r.ok)
          this.log.error({ err: r.error }, "slack event failed after a 503; Slack's retry will redo it");
      });
      return c.json({ error: "still_processing" }, 503);
    }
    if (first === "late" || first === "acked") {
      void processing.then((r) => {
        if (!r.ok) this.log.error({ err: r.error }, "slack request failed after it was acknowledged");
      });
      return respond(c, acked?.body);
    }
    if (!first.ok) {
      if (isInProgress(first.error)) {
        this.log.info(
          "slack retry of a delivery still being processed; answering 503 so Slack retries later",
        );
        return c.json({ error: "still_processing" }, 503);
      }
      this.log.error({ err: first.error }, "slack delivery failed; answering 500 so Slack retries");
      return c.json({ error: "processing_failed" }, 500);
    }
    return respond(c, acked?.body);
  };
}

/** Bolt hands listener errors to `app.error` wrapped (`original`) when they carry no code of their own. */
function isInProgress(error: unknown): boolean {
  const original = (error as { original?: unknown } | null)?.original;
  return error instanceof DeliveryInProgressError || original instanceof DeliveryInProgressError;
}

function respond(c: Context, body: unknown): Response {
  if (body === undefined || body === null || body === "") return c.body(null, 200);
  if (typeof body === "string") return c.json({ text: body });
  return c.json(body as Record<string, unknown>);
}
