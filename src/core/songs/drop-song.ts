/**
 * A song or voice note sent to a chat: recorded durably as the conversation's pending song the moment its message
 * arrives (so a `/memory` right after plays it), then the `ingest-song` job fetches, checks and stores it. No bytes
 * pass through here.
 */
import type { ChatTarget, FileRef } from "../chat/chat-adapter.ts";
import type { MemoryDeps } from "../memories/deps.ts";
import { upsertConversationOf } from "../memories/request-memory.ts";
import type { SongKind } from "../store/records.ts";

export interface DropSongInput {
  target: ChatTarget;
  file: FileRef;
  kind: SongKind;
  /** What the platform says about it (Telegram's audio has a title and a performer). */
  title?: string;
  performer?: string;
  userId?: string;
  /** The platform delivery it came from; the job event id dedupes on it. */
  deliveryKey: string;
  messageId?: string;
}

export async function dropSong(
  deps: MemoryDeps,
  input: DropSongInput,
): Promise<{ conversationId: string; songId: string; fresh: boolean }> {
  const conversation = await upsertConversationOf(deps, input.target);
  const account = await deps.store.upsertAccount({
    platform: input.target.platform,
    workspaceId: input.target.workspaceId ?? null,
    userId: input.userId ?? `${input.target.platform}:unknown`,
  });
  const replaced = await deps.store.nextSong(conversation.id);
  const { song, fresh } = await deps.store.recordPendingSong({
    conversationId: conversation.id,
    contributorAccountId: account.id,
    kind: input.kind,
    fileId: input.file.fileId,
    name: input.file.name ?? null,
    title: input.title?.trim().slice(0, 200) || null,
    performer: input.performer?.trim().slice(0, 200) || null,
    source: JSON.parse(JSON.stringify(input.file)) as Record<string, unknown>,
  });
  // Still pending includes a song recorded by an earlier try of this delivery whose event never went out.
  if (song.status === "pending") {
    await deps.jobs.send({
      name: "song/dropped",
      id: `song-dropped-${input.deliveryKey}-${song.id}`,
      data: {
        accountId: account.id,
        conversationId: conversation.id,
        target: JSON.parse(JSON.stringify(input.target)) as ChatTarget,
        songId: song.id,
        ...(replaced && replaced.id !== song.id ? { replacesSongId: replaced.id } : {}),
        ...(input.messageId ? { messageId: input.messageId } : {}),
        ...(input.userId ? { userId: input.userId } : {}),
      },
    });
  }
  deps.logger.info(
    { conversationId: conversation.id, songId: song.id, kind: input.kind, fresh },
    "song dropped",
  );
  return { conversationId: conversation.id, songId: song.id, fresh };
}
