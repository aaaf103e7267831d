/**
 * `GET …/conversations/:id/events`: the conversation's live feed as Server-Sent Events. `ready` once following (the
 * page then fetches the list once more, for whatever came before), `message` for each added or changed message
 * whichever process wrote it, `resync` when some may have been missed (the database connection was lost for a while).
 */
import type { Context } from "hono";
import { streamSSE } from "hono/streaming";
import type { Logger } from "pino";
import type { PlaygroundMessage, PlaygroundMessageLog } from "../../bots/playground/message-log.ts";

export async function streamConversation(
  c: Context,
  messages: PlaygroundMessageLog,
  toJson: (message: PlaygroundMessage) => unknown,
  log?: Logger,
): Promise<Response> {
  const id = c.req.param("id") ?? "";
  const queue: ({ kind: "message"; message: PlaygroundMessage } | { kind: "resync" })[] = [];
  let wake: (() => void) | undefined;
  let unsubscribe: () => void;
  try {
    unsubscribe = await messages.subscribe(id, {
      message(message) {
        queue.push({ kind: "message", message });
        wake?.();
      },
      resync() {
        queue.push({ kind: "resync" });
        wake?.();
      },
    });
  } catch (error) {
    // The page polls meanwhile and opens the stream again; the operator finds why in the log.
    log?.warn({ err: error }, "playground live feed unavailable");
    return c.json(
      { error: "unavailable", message: "Live updates are unavailable right now; try again shortly." },
      503,
    );
  }
  return streamSSE(c, async (stream) => {
    let open = true;
    stream.onAbort(() => {
      open = false;
      wake?.();
    });
    try {
      await stream.writeSSE({ event: "ready", data: "{}" });
      while (open) {
        const next = queue.shift();
        if (next?.kind === "message") {
          await stream.writeSSE({
            event: "message",
            id: next.message.id,
            data: JSON.stringify(toJson(next.message)),
          });
          continue;
        }
        if (next) {
          await stream.writeSSE({ event: "resync", data: "{}" });
          continue;
        }
        // Wait for a message, or send a comment every 15 s so proxies keep the stream open.
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, 15_000);
          wake = () => {
            clearTimeout(timer);
            resolve();
          };
        });
        wake = undefined;
        if (open && queue.length === 0) await stream.write(": keep-alive\n\n");
      }
    } finally {
      unsubscribe();
    }
  });
}
