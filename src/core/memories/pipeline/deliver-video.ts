/**
 * Step `deliver`: the one place that decides how a finished video reaches the chat. It uploads the file when it fits
 * the chat's limit, and posts the share link instead when it does not, when the platform refuses the upload (too
 * large, not allowed, any other failure), or when an earlier attempt was cut off and the platform cannot tell us
 * whether it got through. A finished video is never lost, and never posted twice:
 * - the posted message is recorded on the video (delivered_message_ref) and checked first;
 * - before posting, the attempt is noted durably (delivery_intent); a resumed attempt repeats the upload only where
 *   the platform recognises the repeat (`redeliverySafeForMs`), else it posts the link.
 * The status message is left saying the memory is ready.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { ChatAdapter, ChatTarget, DeliveryJournal, MessageRef } from "../../chat/chat-adapter.ts";
import { canEdit, chatFor } from "../../chat/chat-for.ts";
import { isPhotoMemoryError, PhotoMemoryError } from "../../errors.ts";
import { type MemoryMusic, musicLine } from "../../songs/song-words.ts";
import type { GeneratedVideo } from "../../store/records.ts";
import type { PipelineDeps } from "./deps.ts";

export interface DeliveredVideo {
  messageId: string;
  /** How it reached the chat: the file itself, or its share link. */
  via: "upload" | "link";
  /** True when an earlier run of this step had already delivered it. */
  alreadyDelivered: boolean;
}

/** Why the share link goes out instead of the file. */
export type LinkReason = "too_large" | "not_allowed" | "failed" | "interrupted";

const WHY: Record<LinkReason, string> = {
  too_large: "It is too large to upload here",
  not_allowed: "I am not allowed to upload videos here",
  failed: "The upload did not go through",
  interrupted: "Its upload was interrupted",
};

/** The one sentence users read when a memory comes as a link (or, on a server without share links, cannot). */
export function shareLinkText(title: string, shareUrl: string | null, reason: LinkReason): string {
  return shareUrl
    ? `🎬 “${title}” is ready. ${WHY[reason]}, so here is a link to watch it: ${shareUrl}`
    : `🎬 “${title}” is ready. ${WHY[reason]}, and this server has no share page to link to.`;
}

export async function deliverVideo(
  deps: Pick<PipelineDeps, "store" | "blobs" | "chats" | "logger" | "tmpDir" | "now">,
  input: {
    videoId: string;
    target: ChatTarget;
    title: string;
    shareUrl: string | null;
    statusMessage?: MessageRef | undefined;
    /** Photos of the memory that are not in it, named with why in the final status. */
    leftOut?: readonly { reason: string }[] | undefined;
    /** The music it has, named in the final status. */
    music?: MemoryMusic | undefined;
    /** What curation left out (the start message's note), kept when the status becomes "ready". */
    curationNote?: string | undefined;
  },
): Promise<DeliveredVideo> {
  const { store } = deps;
  const video = await store.getVideo(input.videoId);
  if (!video) throw new PhotoMemoryError("store.not_found", "This memory no longer exists.");
  const delivered = video.deliveredMessageRef as { messageId?: string; via?: "upload" | "link" } | null;
  if (delivered?.messageId) {
    return { messageId: delivered.messageId, via: delivered.via ?? "upload", alreadyDelivered: true };
  }
  if (!video.videoKey || video.bytes === null) {
    throw new PhotoMemoryError("store.not_found", "The finished video was not found.");
  }
  const chat = chatFor(deps, input.target);
  const log = deps.logger.child({ videoId: input.videoId });
  const now = deps.now?.() ?? Date.now();

  let reason: LinkReason | null = null;
  let ref: MessageRef | undefined;
  if (video.bytes > chat.limits(input.target).maxUploadBytes) reason = "too_large";
  else if (!mayUploadAgain(chat, video, now)) reason = "interrupted";
  else {
    try {
      ref = await upload(deps, chat, video, input, now);
    } catch (error) {
      reason = isPhotoMemoryError(error, "chat.too_large")
        ? "too_large"
        : isPhotoMemoryError(error, "chat.not_allowed")
          ? "not_allowed"
          : "failed";
      log.warn({ err: error, reason }, "the video could not be uploaded; posting its share link");
    }
  }
  if (reason) {
    ref = await chat.postMessage(input.target, { text: shareLinkText(input.title, input.shareUrl, reason) });
  }
  if (!ref) throw new PhotoMemoryError("platform.failed", "The video could not be delivered.");
  const via = reason ? "link" : "upload";
  await store.setVideoDelivery(input.videoId, { ...toJson(ref), via });
  log.info({ via, reason, messageId: ref.messageId }, "memory delivered");

  // The status message ends saying the memory is ready; best effort, the video is already there.
  if (canEdit(chat, input.statusMessage, deps.now?.() ?? Date.now()) && chat.editMessage) {
    await chat
      .editMessage(input.statusMessage, {
        text: `✅ Your memory “${input.title}” is ready.${input.music ? ` ${musicLine(input.music)}` : ""}${input.curationNote ?? ""}${leftOutNote(input.leftOut)}`,
      })
      .catch((error: unknown) => log.warn({ err: error }, "could not update the status message"));
  }
  return { messageId: ref.messageId, via, alreadyDelivered: false };
}

/** Whether uploading now cannot post a second copy of what an earlier, cut-off attempt may have posted. */
function mayUploadAgain(chat: ChatAdapter, video: GeneratedVideo, now: number): boolean {
  const startedAt = video.deliveryIntent?.startedAt;
  if (typeof startedAt !== "string") return true;
  return now - Date.parse(startedAt) < (chat.redeliverySafeForMs ?? 0);
}

async function upload(
  deps: Pick<PipelineDeps, "store" | "blobs" | "tmpDir">,
  chat: ChatAdapter,
  video: GeneratedVideo,
  input: { videoId: string; target: ChatTarget; title: string; shareUrl: string | null },
  now: number,
): Promise<MessageRef> {
  const dir = await mkdtemp(join(deps.tmpDir ?? tmpdir(), "photomemory-deliver-"));
  try {
    const path = join(dir, "memory.mp4");
    await deps.blobs.download(video.videoKey ?? "", path);
    let posterPath: string | undefined;
    if (video.posterKey) {
      posterPath = join(dir, "memory.jpg");
      await deps.blobs.download(video.posterKey, posterPath);
    }
    const earlier = video.deliveryIntent ?? {};
    const noted: Record<string, string> = {};
    for (const [k, v] of Object.entries(earlier)) if (typeof v === "string") noted[k] = v;
    // Noted last thing before the post, so the window in which a crash leaves us unsure is as short as it can be.
    if (!noted.startedAt)
      await deps.store.noteDeliveryIntent(input.videoId, { startedAt: new Date(now).toISOString() });
    const journal: DeliveryJournal = {
      earlier: noted,
      note: (data) => deps.store.noteDeliveryIntent(input.videoId, data),
    };
    return await chat.postVideo(
      input.target,
      {
        path,
        ...(posterPath ? { posterPath } : {}),
        title: input.title,
        bytes: video.bytes ?? 0,
        durationSeconds: video.durationSeconds ?? 0,
        width: video.width ?? 0,
        height: video.height ?? 0,
        ...(input.shareUrl ? { shareUrl: input.shareUrl } : {}),
        deliveryKey: input.videoId,
      },
      journal,
    );
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

function leftOutNote(leftOut: readonly { reason: string }[] | undefined): string {
  if (!leftOut || leftOut.length === 0) return "";
  return ` Left out: ${leftOut.map((l) => l.reason).join(" ")}`;
}

/** A MessageRef as stored: without `handle` (interaction tokens, response_url), which are secrets with a short life. */
function toJson(ref: MessageRef): Record<string, unknown> {
  const { handle: _handle, ...rest } = ref;
  return JSON.parse(JSON.stringify(rest)) as Record<string, unknown>;
}
