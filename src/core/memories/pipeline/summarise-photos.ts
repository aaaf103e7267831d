/**
 * The last step of `ingest-photos`: one acknowledgement for the whole burst, only after a photo of it was accepted.
 * A reaction on the message where the platform has one; a line ("Got 5 photos (12 in this collection). 1 skipped: …")
 * where it has none, or when a photo was skipped, never one message per photo.
 */
import type { ChatTarget } from "../../chat/chat-adapter.ts";
import type { IngestedPhoto } from "../../photos/ingest.ts";
import { photoSummaryText } from "../receive-photos.ts";
import { chatFor, type PipelineDeps } from "./deps.ts";

export async function summarisePhotos(
  deps: Pick<PipelineDeps, "store" | "chats" | "logger" | "now">,
  input: {
    conversationId: string;
    accountId?: string | undefined;
    target: ChatTarget;
    results: IngestedPhoto[];
    /** The message that brought the photos (reacted to). */
    messageId?: string | undefined;
    /** The bot answers this burst itself (a Telegram album): speak only about skipped photos. */
    quiet?: boolean | undefined;
  },
): Promise<{ text: string | null; messageId: string | null; reacted: boolean }> {
  const added = input.results.flatMap((r) => (r.status === "added" ? [{ id: r.photoId, name: r.name }] : []));
  const duplicates = input.results.flatMap((r) => (r.status === "duplicate" ? [r.name] : []));
  const skipped = input.results.flatMap((r) =>
    r.status === "skipped" ? [{ name: r.name, reason: r.reason, code: r.code }] : [],
  );
  const log = deps.logger.child({ conversationId: input.conversationId });
  if (added.length > 0 && input.accountId) {
    const month = new Date(deps.now?.() ?? Date.now()).toISOString().slice(0, 7);
    await deps.store.incrementUsage(input.accountId, month, "photosAdded", added.length);
  }
  const chat = chatFor(deps, input.target);
  let reacted = false;
  if (added.length + duplicates.length > 0 && input.messageId && chat.addReaction && chat.photoAckEmoji) {
    try {
      await chat.addReaction(input.target, input.messageId, chat.photoAckEmoji);
      reacted = true;
    } catch (error) {
      log.warn({ err: error }, "could not react to the photos; answering with a line");
    }
  }
  const reported = added.length + duplicates.length + skipped.length;
  const speak = skipped.length > 0 || (!input.quiet && !reacted && reported > 0);
  log.info(
    { added: added.length, duplicates: duplicates.length, skipped: skipped.length, reacted },
    "photos ingested",
  );
  if (!speak) return { text: null, messageId: null, reacted };
  const collected = await deps.store.countPhotosSinceLastMemory(input.conversationId);
  const text = photoSummaryText({ added, duplicates, skipped, collected });
  const ref = await chat.postMessage(input.target, { text });
  return { text, messageId: ref.messageId, reacted };
}
