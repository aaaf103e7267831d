import { readCappedStream } from "../../src/core/net/read-capped.ts";

/** Webhooks are a few KB; the queue takes 128 KB a message, and the body is read no further than this. */
export const MAX_BODY_BYTES = 96 * 1024;
/** A queued message, serialised, stays under Cloudflare's 128 KB. */
export const MAX_MESSAGE_BYTES = 127 * 1024;

/** Reads a request body up to a cap: a larger declared length is refused unread, a longer stream is cut off. */
export async function readCappedBody(
  request: Request,
  limit: number,
): Promise<Uint8Array<ArrayBuffer> | null> {
  if (Number(request.headers.get("content-length") ?? "0") > limit) return null;
  if (!request.body) return new Uint8Array(0);
  return readCappedStream(request.body, limit);
}
