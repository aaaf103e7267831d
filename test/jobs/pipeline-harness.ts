/**
 * A real Store on PGlite, local blobs in a temp dir, a recording chat adapter and a fast fake renderer (it writes a
 * small file and reports progress), wired into the real job functions.
 */
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import sharp from "sharp";
import { createLocalBlobStore } from "../../src/core/blobs/local-blob-store.ts";
import type {
  ChatAdapter,
  ChatTarget,
  FileRef,
  MessageRef,
  OutgoingMessage,
  OutgoingVideo,
} from "../../src/core/chat/chat-adapter.ts";
import type { ScriptWriter } from "../../src/core/domain.ts";
import { PhotoMemoryError } from "../../src/core/errors.ts";
import { createSemaphore } from "../../src/core/jobs/semaphore.ts";
import type { MemoryRenderer, RenderInput } from "../../src/core/memories/pipeline/index.ts";
import { createOfflineScriptWriter } from "../../src/core/script/offline-script-writer.ts";
import { createSqlStore, type Db } from "../../src/core/store/index.ts";
import { createJobFunctions } from "../../src/jobs/functions.ts";
import { migratedDb, silentLogger } from "./helpers.ts";

export interface ChatRecord {
  kind: "post" | "edit" | "video" | "reaction";
  messageId: string;
  text?: string;
  progress?: number;
  actions?: OutgoingMessage["actions"];
  video?: Omit<OutgoingVideo, "path" | "posterPath">;
}

export function createRecordingChat(
  options: { maxUploadBytes?: number; files?: Map<string, Uint8Array>; ackEmoji?: string } = {},
) {
  const records: ChatRecord[] = [];
  let next = 1;
  const files = options.files ?? new Map<string, Uint8Array>();
  const adapter: ChatAdapter = {
    platform: "playground",
    limits: () => ({ maxUploadBytes: options.maxUploadBytes ?? 50_000_000 }),
    async postMessage(target: ChatTarget, message: OutgoingMessage): Promise<MessageRef> {
      const messageId = `m${next++}`;
      records.push({ kind: "post", messageId, ...message });
      return { target, messageId };
    },
    async editMessage(ref: MessageRef, message: OutgoingMessage) {
      records.push({ kind: "edit", messageId: ref.messageId, ...message });
    },
    async postVideo(target: ChatTarget, video: OutgoingVideo): Promise<MessageRef> {
      const messageId = `m${next++}`;
      const { path: _p, posterPath: _pp, ...rest } = video;
      records.push({ kind: "video", messageId, video: rest });
      return { target, messageId };
    },
    ...(options.ackEmoji ? { photoAckEmoji: options.ackEmoji } : {}),
    async addReaction(_target: ChatTarget, messageId: string, emoji: string) {
      records.push({ kind: "reaction", messageId, text: emoji });
    },
    async downloadFile(file: FileRef) {
      const bytes = files.get(file.fileId);
      if (!bytes) throw new PhotoMemoryError("download.failed", "The file could not be downloaded.");
      return bytes;
    },
  };
  return { adapter, records, files };
}

/** Writes a tiny "video" and poster, reporting progress in 1 % steps (the throttle decides what the chat sees). */
export function createFakeRenderer(hooks: { onRender?: (input: RenderInput) => Promise<void> | void } = {}) {
  const calls: RenderInput[] = [];
  const renderer: MemoryRenderer = {
    async render(input) {
      calls.push(input);
      await hooks.onRender?.(input);
      for (let i = 0; i <= 100; i++) input.onProgress?.(i / 100);
      const body = Buffer.alloc(1000 * input.photos.length, 7);
      await writeFile(input.videoPath, body);
      await writeFile(input.posterPath, Buffer.from([0xff, 0xd8, 0xff, 0xd9]));
      return { durationSeconds: 3 * input.photos.length, bytes: body.byteLength, width: 1280, height: 720 };
    },
  };
  return { renderer, calls };
}

export async function samplePhoto(seed: number, format: "jpeg" | "png" = "jpeg"): Promise<Buffer> {
  const img = sharp({
    create: {
      width: 64 + seed,
      height: 48,
      channels: 3,
      background: { r: (seed * 50) % 255, g: 90, b: 160 },
    },
  });
  return format === "png" ? img.png().toBuffer() : img.jpeg().toBuffer();
}

export async function createPipelineHarness(
  options: {
    /** A renderer, or "real" for planRender + renderMemory with ffmpeg. Default: the fast fake. */
    renderer?: MemoryRenderer | "real";
    scriptWriter?: ScriptWriter;
    maxUploadBytes?: number;
    db?: Db;
    /** The chat acknowledges accepted photos with this reaction (like Slack, Telegram, Discord). */
    ackEmoji?: string;
    /** The conversation's channel; give each test its own when tests share a database. */
    room?: string;
  } = {},
) {
  const db = options.db ?? (await migratedDb());
  const dir = await mkdtemp(join(tmpdir(), "photomemory-jobs-test-"));
  const store = createSqlStore(db);
  const blobs = createLocalBlobStore({ root: join(dir, "blobs") });
  const chat = createRecordingChat({
    ...(options.maxUploadBytes ? { maxUploadBytes: options.maxUploadBytes } : {}),
    ...(options.ackEmoji ? { ackEmoji: options.ackEmoji } : {}),
  });
  const fake = createFakeRenderer();
  // A new set per "process": each has its own render semaphore, as a restarted process would.
  const makeFunctions = () =>
    createJobFunctions({
      store,
      blobs,
      scriptWriter: options.scriptWriter ?? createOfflineScriptWriter(),
      chats: { playground: chat.adapter },
      logger: silentLogger,
      renderSemaphore: createSemaphore(1),
      downloadRetryDelaysMs: [0],
      ...(options.renderer === "real" ? {} : { renderer: options.renderer ?? fake.renderer }),
      tmpDir: dir,
    });
  const functions = makeFunctions();
  const room = options.room ?? "room-1";
  const target: ChatTarget = { platform: "playground", channelId: room };
  const conversation = await store.upsertConversation({ platform: "playground", channelId: room });
  const account = await store.upsertAccount({ platform: "playground", userId: "ada" });

  /** Records files as pending photos, as a platform message does, and returns the `photos/dropped` data. */
  async function dropFiles(files: { fileId: string; name: string }[], conversationId = conversation.id) {
    const recorded = await store.recordPendingPhotos({
      conversationId,
      contributorAccountId: account.id,
      files: files.map((f) => ({ ...f, source: { platform: "playground", ...f } })),
    });
    return {
      accountId: account.id,
      conversationId,
      target,
      photoIds: recorded.filter((r) => r.photo.status === "pending").map((r) => r.photo.id),
    };
  }

  /** Adds photos to the conversation and creates a project with its queued video, as `/memory` does. */
  async function requestMemory(count = 3, title?: string, extra: { songId?: string } = {}) {
    for (let i = 0; i < count; i++) {
      const bytes = await samplePhoto(i);
      const key = `${conversation.id}/photos/seed-${i}.jpg`;
      await blobs.put(key, bytes, "image/jpeg");
      await store.addPhoto({
        conversationId: conversation.id,
        contributorAccountId: account.id,
        blobKey: key,
        sha256: `${"0".repeat(62)}${String(i).padStart(2, "0")}`,
        width: 64 + i,
        height: 48,
        originalName: `IMG_${i}.jpg`,
      });
    }
    const photos = await store.listPhotosSinceLastMemory(conversation.id);
    const { project, video } = await store.createProjectWithVideo({
      conversationId: conversation.id,
      requesterAccountId: account.id,
      style: "classic",
      title: title ?? null,
      photoIds: photos.map((p) => p.id),
      locale: "en",
      platform: "playground",
      ...(extra.songId ? { songId: extra.songId } : {}),
    });
    const status = await chat.adapter.postMessage(target, { text: "🎞️ Making your memory…", progress: 0 });
    const data = {
      accountId: account.id,
      conversationId: conversation.id,
      projectId: project.id,
      videoId: video.id,
      target,
      style: "classic" as const,
      locale: "en",
      ...(title ? { title } : {}),
      ...(extra.songId ? { songId: extra.songId } : {}),
      statusMessage: status,
    };
    return { project, video, data };
  }

  return {
    db,
    dir,
    store,
    blobs,
    chat,
    fake,
    functions,
    makeFunctions,
    target,
    conversation,
    account,
    requestMemory,
    dropFiles,
    async close() {
      if (!options.db) await db.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
