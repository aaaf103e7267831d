/**
 * Photos dropped on a platform, the one way in: each file is recorded durably as a pending photo of its conversation
 * the moment its message arrives (so a `/memory` right after includes it), then the `ingest-photos` job downloads,
 * normalises and stores it. No bytes pass through here.
 */
import type { ChatTarget, FileRef } from "../chat/chat-adapter.ts";
import type { MemoryDeps } from "./deps.ts";
import { takeRate } from "./rate-limit.ts";
import { upsertConversationOf } from "./request-memory.ts";

export interface DropPhotosInput {
  target: ChatTarget;
  files: FileRef[];
  userId?: string;
  /** The platform delivery these came from (`slack:Ev123`, `tg:4711`); the job event id dedupes on it. */
  deliveryKey: string;
  /** The message that brought them; it gets the acknowledgement reaction once a photo of it is accepted. */
  messageId?: string;
  /** The burst they belong to (a Telegram album's media_group_id), answered by one line. */
  albumKey?: string;
  /** The bot answers this burst itself (one line per Telegram album): intake reports only skipped photos. */
  quiet?: boolean;
}

export interface DroppedPhotos {
  conversationId: string;
  /** The photo ids of the files, in order (new or already recorded). */
  photoIds: string[];
  /** How many files were new to this conversation. */
  fresh: number;
}

/** At most this many files per event (the event schema's cap); a larger burst becomes several events. */
const FILES_PER_EVENT = 100;

export async function dropPhotos(deps: MemoryDeps, given: DropPhotosInput): Promise<DroppedPhotos> {
  const rate = await takeRate(deps, {
    kind: "photos",
    target: given.target,
    userId: given.userId ?? `${given.target.platform}:unknown`,
    count: given.files.length,
  });
  const input = rate.refused > 0 ? { ...given, files: given.files.slice(0, rate.allowed) } : given;
  const conversation = await upsertConversationOf(deps, input.target);
  if (input.files.length === 0) return { conversationId: conversation.id, photoIds: [], fresh: 0 };
  const account = await deps.store.upsertAccount({
    platform: input.target.platform,
    workspaceId: input.target.workspaceId ?? null,
    userId: input.userId ?? `${input.target.platform}:unknown`,
  });
  const recorded = await deps.store.recordPendingPhotos({
    conversationId: conversation.id,
    contributorAccountId: account.id,
    ...(input.albumKey ? { albumKey: input.albumKey } : {}),
    ...(input.messageId ? { messageId: input.messageId } : {}),
    files: input.files.map((f) => ({
      fileId: f.fileId,
      name: f.name ?? null,
      source: JSON.parse(JSON.stringify(f)) as Record<string, unknown>,
    })),
  });
  // Still pending includes files recorded by an earlier try of this delivery whose event never went out (the send
  // failed, the platform retried): they are sent again; the event id keeps a delivered one from running twice.
  const pending = recorded.filter((r) => r.photo.status === "pending").map((r) => r.photo.id);
  const target = JSON.parse(JSON.stringify(input.target)) as ChatTarget;
  const events = [];
  for (let i = 0; i < pending.length; i += FILES_PER_EVENT) {
    events.push({
      name: "photos/dropped" as const,
      id: `photos-dropped-${input.deliveryKey}-${i / FILES_PER_EVENT}`,
      data: {
        accountId: account.id,
        conversationId: conversation.id,
        target,
        photoIds: pending.slice(i, i + FILES_PER_EVENT),
        ...(input.messageId ? { messageId: input.messageId } : {}),
        ...(input.userId ? { userId: input.userId } : {}),
        ...(input.quiet ? { quiet: true } : {}),
      },
    });
  }
  if (events.length > 0) await deps.jobs.send(events);
  const fresh = recorded.filter((r) => r.fresh).length;
  deps.logger.info(
    { conversationId: conversation.id, accountId: account.id, files: input.files.length, fresh },
    "photos dropped",
  );
  return { conversationId: conversation.id, photoIds: recorded.map((r) => r.photo.id), fresh };
}
