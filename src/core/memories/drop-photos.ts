/**
 * Photos dropped on a platform: record the conversation and the contributor, then hand the file references to the
 * `ingest-photos` job (download → normalise → store → record, then one summary line). No bytes pass through here.
 */
import type { ChatTarget, FileRef } from "../chat/chat-adapter.ts";
import type { MemoryDeps } from "./deps.ts";
import { upsertConversationOf } from "./request-memory.ts";

export interface DropPhotosInput {
  target: ChatTarget;
  files: FileRef[];
  userId?: string;
  /** The platform delivery these came from (`slack:Ev123`, `tg:4711`); the job event id dedupes on it. */
  deliveryKey: string;
  /** The bot acknowledges this burst itself (one line per Telegram album): ingest reports only skipped photos. */
  quiet?: boolean;
}

/** At most this many files per event (the event schema's cap); a larger burst becomes several events. */
const FILES_PER_EVENT = 100;

export async function dropPhotos(
  deps: MemoryDeps,
  input: DropPhotosInput,
): Promise<{ conversationId: string }> {
  const conversation = await upsertConversationOf(deps, input.target);
  const account = await deps.store.upsertAccount({
    platform: input.target.platform,
    workspaceId: input.target.workspaceId ?? null,
    userId: input.userId ?? `${input.target.platform}:unknown`,
  });
  const target = JSON.parse(JSON.stringify(input.target)) as ChatTarget;
  const events = [];
  for (let i = 0; i < input.files.length; i += FILES_PER_EVENT) {
    const files = input.files
      .slice(i, i + FILES_PER_EVENT)
      .map((f) => JSON.parse(JSON.stringify(f)) as FileRef);
    events.push({
      name: "photos/dropped" as const,
      id: `photos-dropped-${input.deliveryKey}-${i / FILES_PER_EVENT}`,
      data: {
        accountId: account.id,
        conversationId: conversation.id,
        target,
        files,
        ...(input.userId ? { userId: input.userId } : {}),
        ...(input.quiet ? { quiet: true } : {}),
      },
    });
  }
  if (events.length > 0) await deps.jobs.send(events);
  deps.logger.info(
    { conversationId: conversation.id, accountId: account.id, files: input.files.length },
    "photos dropped",
  );
  return { conversationId: conversation.id };
}
