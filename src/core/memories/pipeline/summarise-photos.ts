/**
 * The last step of `ingest-photos`: one line back to the chat for the whole burst ("Got 5 photos (12 in this
 * collection). 1 skipped: …"), never one message per photo. Uses the same words as photos uploaded directly.
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
  },
): Promise<{ text: string; messageId: string }> {
  const added = input.results.flatMap((r) => (r.status === "added" ? [{ id: r.photoId, name: r.name }] : []));
  const duplicates = input.results.flatMap((r) => (r.status === "duplicate" ? [r.name] : []));
  const skipped = input.results.flatMap((r) =>
    r.status === "skipped" ? [{ name: r.name, reason: r.reason, code: r.code }] : [],
  );
  const collected = (await deps.store.listPhotosSinceLastMemory(input.conversationId)).length;
  const text = photoSummaryText({ added, duplicates, skipped, collected });
  if (added.length > 0 && input.accountId) {
    const month = new Date(deps.now?.() ?? Date.now()).toISOString().slice(0, 7);
    await deps.store.incrementUsage(input.accountId, month, "photosAdded", added.length);
  }
  const ref = await chatFor(deps, input.target).postMessage(input.target, { text });
  deps.logger.info(
    {
      conversationId: input.conversationId,
      added: added.length,
      duplicates: duplicates.length,
      skipped: skipped.length,
    },
    "photos ingested",
  );
  return { text, messageId: ref.messageId };
}
