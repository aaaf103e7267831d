/**
 * Receive photos whose bytes are already here (the playground uploads them; platforms drop file references that the
 * intake job downloads). They take the same path: recorded as pending photos first, then settled by the intake's
 * normalise-store-complete step. One summary line answers the whole burst and names every skipped photo and why.
 */
import { randomUUID } from "node:crypto";
import { readFile } from "node:fs/promises";
import type { ChatTarget } from "../chat/chat-adapter.ts";
import { settlePendingPhoto } from "../photos/ingest.ts";
import { type ChatUser, chatFor, type MemoryDeps } from "./deps.ts";
import { takeRate } from "./rate-limit.ts";
import { plural } from "./replies.ts";

/** A photo's bytes, or the file they were spooled to (read only when its turn comes, one at a time). */
export type IncomingPhoto = { name: string; bytes: Uint8Array } | { name: string; path: string };

const bytesOf = async (photo: IncomingPhoto): Promise<Uint8Array> =>
  "bytes" in photo ? photo.bytes : new Uint8Array(await readFile(photo.path));

export interface PhotoSummary {
  conversationId: string;
  added: { id: string; name: string }[];
  duplicates: string[];
  skipped: { name: string; reason: string; code: string }[];
  /** Photos in the current collection (what the next `/memory` uses). */
  collected: number;
  /** The summary line posted to the chat. */
  text: string;
}

export function photoSummaryText(
  s: Pick<PhotoSummary, "added" | "duplicates" | "skipped" | "collected">,
): string {
  const parts: string[] = [];
  if (s.added.length > 0)
    parts.push(`Got ${plural(s.added.length, "photo")} (${s.collected} in this collection).`);
  else parts.push(`No new photos (${s.collected} in this collection).`);
  if (s.duplicates.length > 0) {
    parts.push(`${s.duplicates.join(", ")} ${s.duplicates.length === 1 ? "was" : "were"} already here.`);
  }
  if (s.skipped.length > 0) {
    parts.push(`${s.skipped.length} skipped: ${s.skipped.map((k) => k.reason).join(" ")}`);
  }
  if (s.added.length > 0 || s.collected > 0) parts.push("Type `/memory` when you are ready.");
  return parts.join(" ");
}

export async function receivePhotos(
  deps: MemoryDeps,
  input: { target: ChatTarget; user: ChatUser; photos: IncomingPhoto[]; postSummary?: boolean },
): Promise<PhotoSummary> {
  const { store, blobs } = deps;
  const rate = await takeRate(deps, {
    kind: "photos",
    target: input.target,
    userId: input.user.id,
    count: input.photos.length,
  });
  const photos = input.photos.slice(0, rate.allowed);
  const conversation = await store.upsertConversation({
    platform: input.target.platform,
    workspaceId: input.target.workspaceId ?? null,
    channelId: input.target.channelId,
    threadId: input.target.threadId ?? null,
    ...(input.user.locale ? { locale: input.user.locale } : {}),
  });
  const account = await store.upsertAccount({
    platform: input.target.platform,
    workspaceId: input.target.workspaceId ?? null,
    userId: input.user.id,
    ...(input.user.name ? { displayName: input.user.name } : {}),
  });
  const log = deps.logger.child({ conversationId: conversation.id, accountId: account.id });
  const summary: PhotoSummary = {
    conversationId: conversation.id,
    added: [],
    duplicates: [],
    skipped: [],
    collected: 0,
    text: "",
  };
  const recorded =
    photos.length === 0
      ? []
      : await store.recordPendingPhotos({
          conversationId: conversation.id,
          contributorAccountId: account.id,
          files: photos.map((photo) => {
            const fileId = `upload-${randomUUID()}`;
            return {
              fileId,
              name: photo.name,
              source: { platform: input.target.platform, fileId, name: photo.name },
            };
          }),
        });
  // One at a time: a burst of 12 MP photos decoded in parallel would multiply peak memory for no gain on 2 cores.
  for (const [i, photo] of photos.entries()) {
    const pending = recorded[i]?.photo;
    if (!pending) continue;
    const stored = await settlePendingPhoto(
      { store, blobs, logger: log },
      { photoId: pending.id, conversationId: conversation.id, name: photo.name, bytes: await bytesOf(photo) },
    );
    if (stored.status === "skipped")
      summary.skipped.push({ name: photo.name, reason: stored.reason, code: stored.code });
    else if (stored.status === "duplicate") summary.duplicates.push(photo.name);
    else if (stored.status === "added") summary.added.push({ id: stored.photoId, name: photo.name });
  }
  summary.collected = await store.countPhotosSinceLastMemory(conversation.id);
  summary.text = photoSummaryText(summary);
  if (summary.added.length > 0) {
    const month = (deps.now?.() ?? new Date()).toISOString().slice(0, 7);
    await store.incrementUsage(account.id, month, "photosAdded", summary.added.length);
  }
  log.info(
    { added: summary.added.length, duplicates: summary.duplicates.length, skipped: summary.skipped.length },
    "photos received",
  );
  if (input.postSummary !== false)
    await chatFor(deps, input.target).postMessage(input.target, { text: summary.text });
  return summary;
}
