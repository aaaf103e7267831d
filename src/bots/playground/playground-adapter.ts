/**
 * The `playground` ChatAdapter: the local page is the chat. Messages go to the playground message log (the
 * database), videos are copied into the BlobStore under the message's id so the page can stream them with Range.
 * A song the page uploads is kept in the BlobStore under an upload key, which is its "file" the song intake fetches
 * (in whichever process runs the job), as a platform's file would be.
 */
import { randomUUID } from "node:crypto";
import type { BlobStore } from "../../core/blobs/blob-store.ts";
import type {
  ChatAdapter,
  ChatTarget,
  MessageRef,
  OutgoingMessage,
  OutgoingVideo,
} from "../../core/chat/chat-adapter.ts";
import { isPhotoMemoryError, PhotoMemoryError } from "../../core/errors.ts";
import type { PlaygroundMessageLog } from "./message-log.ts";

/** The playground has no platform upload limit; this only keeps a runaway file from filling the disk. */
const MAX_UPLOAD_BYTES = 2 * 1024 * 1024 * 1024;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function playgroundVideoKey(conversationId: string, messageId: string): string {
  return `playground-${conversationId}/deliveries/${messageId}.mp4`;
}

/** Where an uploaded song waits for the intake job: also its FileRef's fileId. */
export function playgroundUploadKey(conversationId: string, uploadId: string): string {
  return `playground-${conversationId}/uploads/${uploadId}`;
}

const UPLOAD_KEY =
  /^playground-[A-Za-z0-9_-]{1,64}\/uploads\/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

export function createPlaygroundAdapter(deps: {
  messages: PlaygroundMessageLog;
  blobs: BlobStore;
  /** Default 2 GiB. */
  maxUploadBytes?: number;
}): ChatAdapter {
  const { messages, blobs } = deps;
  const maxUploadBytes = deps.maxUploadBytes ?? MAX_UPLOAD_BYTES;
  return {
    platform: "playground",
    limits: () => ({ maxUploadBytes }),
    async postMessage(target: ChatTarget, message: OutgoingMessage): Promise<MessageRef> {
      const saved = await messages.add({
        conversationId: target.channelId,
        from: "bot",
        text: message.text,
        ...(message.progress !== undefined ? { progress: message.progress } : {}),
        ...(message.actions ? { actions: message.actions } : {}),
      });
      return { target, messageId: saved.id };
    },
    async editMessage(ref: MessageRef, message: OutgoingMessage): Promise<void> {
      const updated = await messages.update(ref.messageId, {
        text: message.text,
        progress: message.progress ?? null,
        actions: message.actions ?? null,
      });
      if (!updated)
        throw new PhotoMemoryError("platform.failed", "That playground message no longer exists.");
    },
    // The message id is the delivery key (a video id): posting the same video again finds the message it made.
    redeliverySafeForMs: Number.POSITIVE_INFINITY,
    async postVideo(target: ChatTarget, video: OutgoingVideo): Promise<MessageRef> {
      const id = video.deliveryKey && UUID.test(video.deliveryKey) ? video.deliveryKey : randomUUID();
      const posted = await messages.get(id);
      if (posted) return { target, messageId: posted.id };
      if (video.bytes > maxUploadBytes) {
        throw new PhotoMemoryError("chat.too_large", "The video is larger than the playground keeps.");
      }
      const key = playgroundVideoKey(target.channelId, id);
      await blobs.putFile(key, video.path, "video/mp4");
      const saved = await messages.add({
        id,
        conversationId: target.channelId,
        from: "bot",
        text: `🎬 ${video.title}`,
        video: {
          key,
          bytes: video.bytes,
          durationSeconds: video.durationSeconds,
          width: video.width,
          height: video.height,
          title: video.title,
          ...(video.shareUrl ? { shareUrl: video.shareUrl } : {}),
        },
      });
      return { target, messageId: saved.id };
    },
    async downloadFile(file, options): Promise<Uint8Array> {
      // Photos come with their bytes; a song waits in the BlobStore for the intake job.
      if (!UPLOAD_KEY.test(file.fileId))
        throw new PhotoMemoryError("platform.failed", "that is not a playground upload.");
      const bytes = await blobs.get(file.fileId).catch((error: unknown) => {
        // Gone for good, or storage not answering (a passing failure the intake retries).
        throw isPhotoMemoryError(error, "blob.not_found")
          ? new PhotoMemoryError("platform.failed", "the upload is gone; please send it again.", {
              cause: error,
            })
          : new PhotoMemoryError("download.failed", "The upload could not be read.", { cause: error });
      });
      if (bytes.byteLength > options.maxBytes)
        throw new PhotoMemoryError("download.too_large", `The upload is over ${options.maxBytes} bytes.`);
      return bytes;
    },
  };
}
