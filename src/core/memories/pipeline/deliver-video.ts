/**
 * Step `deliver`: posts the finished video to the chat once. The posted message is recorded on the video
 * (delivered_message_ref) and checked first, so a re-run of this step never posts twice. A video larger than the
 * chat accepts is offered by its share link instead; the status message is updated to say the memory is ready.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { ChatTarget, MessageRef } from "../../chat/chat-adapter.ts";
import { PhotoMemoryError } from "../../errors.ts";
import { chatFor, type PipelineDeps } from "./deps.ts";

export interface DeliveredVideo {
  messageId: string;
  /** How it reached the chat: the file itself, or a link because it was too large. */
  via: "upload" | "link";
  /** True when an earlier run of this step had already delivered it. */
  alreadyDelivered: boolean;
}

export async function deliverVideo(
  deps: Pick<PipelineDeps, "store" | "blobs" | "chats" | "logger" | "tmpDir" | "now">,
  input: {
    videoId: string;
    target: ChatTarget;
    title: string;
    shareUrl: string | null;
    statusMessage?: MessageRef | undefined;
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
  const fits = video.bytes <= chat.limits(input.target).maxUploadBytes;
  let ref: MessageRef;
  let via: DeliveredVideo["via"];
  if (fits) {
    const dir = await mkdtemp(join(deps.tmpDir ?? tmpdir(), "photomemory-deliver-"));
    try {
      const path = join(dir, "memory.mp4");
      await deps.blobs.download(video.videoKey, path);
      let posterPath: string | undefined;
      if (video.posterKey) {
        posterPath = join(dir, "memory.jpg");
        await deps.blobs.download(video.posterKey, posterPath);
      }
      ref = await chat.postVideo(input.target, {
        path,
        ...(posterPath ? { posterPath } : {}),
        title: input.title,
        bytes: video.bytes,
        durationSeconds: video.durationSeconds ?? 0,
        width: video.width ?? 0,
        height: video.height ?? 0,
        ...(input.shareUrl ? { shareUrl: input.shareUrl } : {}),
      });
      via = "upload";
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  } else {
    const mb = (video.bytes / 1_000_000).toFixed(1);
    const text = input.shareUrl
      ? `🎬 “${input.title}” is ready. At ${mb} MB it is too large to upload here; watch it at ${input.shareUrl}`
      : `🎬 “${input.title}” is ready, but at ${mb} MB it is too large to upload here.`;
    ref = await chat.postMessage(input.target, { text });
    via = "link";
  }
  await store.setVideoDelivery(input.videoId, { ...toJson(ref), via });
  log.info({ via, messageId: ref.messageId }, "memory delivered");

  // The status message stops showing a bar; best effort, the video is already there.
  const status = input.statusMessage;
  const now = deps.now?.() ?? Date.now();
  if (status && chat.editMessage && (!status.editableUntil || Date.parse(status.editableUntil) > now)) {
    await chat
      .editMessage(status, { text: `✅ Your memory “${input.title}” is ready.`, progress: 1 })
      .catch((error: unknown) => log.warn({ err: error }, "could not update the status message"));
  }
  return { messageId: ref.messageId, via, alreadyDelivered: false };
}

/** A MessageRef as stored: without `handle` (interaction tokens, response_url), which are secrets with a short life. */
function toJson(ref: MessageRef): Record<string, unknown> {
  const { handle: _handle, ...rest } = ref;
  return JSON.parse(JSON.stringify(rest)) as Record<string, unknown>;
}
