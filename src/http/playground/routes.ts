/**
 * The playground's page and JSON API: upload photos, type `/memory …`, list messages, follow them over SSE, and
 * stream delivered videos with Range support.
 */
import { randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import { type Context, Hono } from "hono";
import type { Logger } from "pino";
import { z } from "zod";
import type { PlaygroundMessage } from "../../bots/playground/message-log.ts";
import { PLAYGROUND_CONVERSATION_ID, type PlaygroundBot } from "../../bots/playground/playground-bot.ts";
import type { BlobStore } from "../../core/blobs/blob-store.ts";
import { type RateLimits, whenAgain } from "../../core/limits/rate-limits.ts";
import { PHOTO_DEFAULTS } from "../../core/photos/normalise-photo.ts";
import { SONG_MAX_BYTES } from "../../core/songs/index.ts";
import type { ClientIp } from "../client-ip.ts";
import { serveBytes, serveFile } from "../range.ts";
import { pageCsp } from "../security-headers.ts";
import { createPlaygroundAccess } from "./access.ts";
import { streamConversation } from "./event-stream.ts";
import {
  type SavedUpload,
  type SaveUploadOptions,
  saveMultipartUpload,
  type UploadLimits,
  UploadRefused,
} from "./multipart-upload.ts";

const PAGE = readFileSync(new URL("./page.html", import.meta.url), "utf8");
const PAGE_CSP = pageCsp(PAGE);
/** A photo's cap is the normaliser's (the platforms' downloads have the same); 300 MB and 50 photos a request. */
export const UPLOAD_LIMITS: UploadLimits = {
  maxFileBytes: PHOTO_DEFAULTS.maxBytes,
  maxRequestBytes: 300 * 1024 * 1024,
  maxFiles: 50,
};
/** A song's cap is the chats' (the intake's); one song a request. */
export const SONG_UPLOAD_LIMITS: UploadLimits = {
  maxFileBytes: SONG_MAX_BYTES,
  maxRequestBytes: SONG_MAX_BYTES + 1024 * 1024,
  maxFiles: 1,
};

const messageBody = z.object({
  text: z.string().trim().min(1, "text is empty").max(2000),
  user: z.string().trim().min(1).max(64).optional(),
});

export interface ApiMessage {
  id: string;
  from: "user" | "bot";
  text: string;
  progress?: number;
  video?: { url: string; bytes: number; durationSeconds: number; shareUrl?: string };
  user?: string;
  actions?: PlaygroundMessage["actions"];
}

export function toApiMessage(m: PlaygroundMessage): ApiMessage {
  return {
    id: m.id,
    from: m.from,
    text: m.text,
    ...(m.progress !== undefined ? { progress: m.progress } : {}),
    ...(m.video
      ? {
          video: {
            url: `/playground/api/conversations/${encodeURIComponent(m.conversationId)}/messages/${m.id}/video`,
            bytes: m.video.bytes,
            durationSeconds: m.video.durationSeconds,
            ...(m.video.shareUrl ? { shareUrl: m.video.shareUrl } : {}),
          },
        }
      : {}),
    ...(m.user ? { user: m.user } : {}),
    ...(m.actions ? { actions: m.actions } : {}),
  };
}

export interface PlaygroundRoutesDeps {
  bot: PlaygroundBot;
  blobs: BlobStore;
  /** PLAYGROUND_TOKEN: when set, every playground route needs it (see access.ts). */
  token?: string;
  logger?: Logger;
  /**
   * Upload requests counted per client address (`rateLimits` kind `uploads`); `clientIp` follows TRUST_PROXY_HOPS.
   * Absent: not limited.
   */
  uploadLimit?: { rateLimits: RateLimits; clientIp: ClientIp };
  /** Where uploads are spooled and their caps (UPLOAD_LIMITS by default); tests inject a failing disk. */
  uploads?: Pick<SaveUploadOptions, "tmpDir" | "openFile"> & { limits?: Partial<UploadLimits> };
}

/**
 * Conversation ids are capabilities: whoever knows one reads that conversation. The server issues them (128 random
 * bits, `POST /playground/api/conversations`) and refuses short ones, which could be guessed.
 */
const ISSUED_CONVERSATION_ID = /^[A-Za-z0-9_-]{22,64}$/;

export function createPlaygroundRoutes(deps: PlaygroundRoutesDeps): Hono {
  const { bot, blobs } = deps;
  const log = deps.logger?.child({ module: "playground" });
  const app = new Hono();
  if (deps.token) {
    const access = createPlaygroundAccess(deps.token);
    app.use("/playground", access);
    app.use("/playground/*", access);
  }

  app.get("/playground", (c) => c.html(PAGE, 200, { "content-security-policy": PAGE_CSP }));

  const api = new Hono();
  api.post("/conversations", (c) => c.json({ id: randomBytes(16).toString("base64url") }, 201));
  api.use("/conversations/:id/*", async (c, next) => {
    const id = c.req.param("id") ?? "";
    if (!PLAYGROUND_CONVERSATION_ID.test(id) || !ISSUED_CONVERSATION_ID.test(id)) {
      return c.json(
        {
          error: "bad_conversation",
          message:
            "Use a conversation id from POST /playground/api/conversations (22-64 letters, digits, - or _).",
        },
        400,
      );
    }
    await next();
  });

  /** Streams the upload to temp files under its caps (see multipart-upload.ts); a refusal is answered right here. */
  async function receiveUpload(
    c: Context,
    options: Pick<SaveUploadOptions, "limits" | "fileFields" | "noun" | "fileCapText">,
  ): Promise<SavedUpload | Response> {
    // Counted before a byte of the body is read: a client over its limit costs no disk.
    if (deps.uploadLimit) {
      const { rateLimits, clientIp } = deps.uploadLimit;
      const decision = await rateLimits.take("uploads", `ip:${clientIp(c)}`, 1);
      if (decision.allowed === 0) {
        c.header("retry-after", String(Math.max(1, Math.ceil(decision.retryAfterMs / 1000))));
        c.header("connection", "close");
        return c.json(
          {
            error: "rate_limited",
            message: `That is a lot of uploads from your address: please wait and try again ${whenAgain(decision.retryAfterMs)}.`,
          },
          429,
        );
      }
    }
    try {
      return await saveMultipartUpload(c.req.raw, {
        ...options,
        ...(deps.uploads?.tmpDir ? { tmpDir: deps.uploads.tmpDir } : {}),
        ...(deps.uploads?.openFile ? { openFile: deps.uploads.openFile } : {}),
      });
    } catch (error) {
      if (!(error instanceof UploadRefused)) throw error;
      if (error.status === 507) throw error; // app.onError logs the ENOSPC in its cause for the operator, answers 507
      // The rest of the body is not read: the connection closes after the answer.
      c.header("connection", "close");
      return c.json({ error: error.code, message: error.message }, error.status);
    }
  }

  // Photos are handed over one file at a time.
  api.post("/conversations/:id/photos", async (c) => {
    const id = c.req.param("id");
    const upload = await receiveUpload(c, { limits: { ...UPLOAD_LIMITS, ...deps.uploads?.limits } });
    if (upload instanceof Response) return upload;
    try {
      const files = upload.files.filter((f) => f.bytes > 0); // an empty file input sends an empty part
      if (files.length === 0) {
        return c.json({ error: "no_photos", message: "Send one or more files in the field `photos`." }, 400);
      }
      const user = upload.fields.user?.trim().slice(0, 64) || "you";
      const summary = await bot.receivePhotos(
        id,
        user,
        files.map((f) => ({ name: f.name, path: f.path })),
      );
      return c.json({
        added: summary.added.map((p) => p.name),
        duplicates: summary.duplicates,
        skipped: summary.skipped.map((s) => ({ name: s.name, reason: s.reason })),
        collected: summary.collected,
        text: summary.text,
      });
    } finally {
      await upload.cleanup();
    }
  });

  // A song (field `song`) or a voice note (field `voice`) for the next memory. It is checked by the song intake job,
  // which answers in the conversation as it does in a chat; the answer here only says it arrived.
  api.post("/conversations/:id/songs", async (c) => {
    const id = c.req.param("id");
    const upload = await receiveUpload(c, {
      limits: SONG_UPLOAD_LIMITS,
      fileFields: ["song", "voice"],
      noun: { one: "song", many: "songs" },
      fileCapText: `${Math.round(SONG_MAX_BYTES / 1024 / 1024)} MB`,
    });
    if (upload instanceof Response) return upload;
    try {
      const file = upload.files.find((f) => f.bytes > 0);
      if (!file) {
        return c.json(
          {
            error: "no_song",
            message: "Send one sound file in the field `song` (or `voice` for a voice note).",
          },
          400,
        );
      }
      const user = upload.fields.user?.trim().slice(0, 64) || "you";
      const kind = file.field === "voice" ? "voice" : "song";
      const { songId } = await bot.receiveSong(id, user, { name: file.name, path: file.path, kind });
      return c.json({ song: { id: songId, name: file.name, kind, status: "pending" } }, 202);
    } finally {
      await upload.cleanup();
    }
  });

  api.post("/conversations/:id/messages", async (c) => {
    const parsed = messageBody.safeParse(await c.req.json().catch(() => null));
    if (!parsed.success) {
      return c.json(
        { error: "bad_message", message: 'Send JSON like { "text": "/memory classic", "user": "ada" }.' },
        400,
      );
    }
    const message = await bot.receiveText(c.req.param("id"), parsed.data.user ?? "you", parsed.data.text);
    return c.json({ message: toApiMessage(message) }, 201);
  });

  api.get("/conversations/:id/messages", async (c) => {
    const messages = await bot.messages.list(c.req.param("id"));
    return c.json({ messages: messages.map(toApiMessage) });
  });

  // The photos and the song the next /memory uses, with thumbnails, so the page shows what was collected.
  api.get("/conversations/:id/photos", async (c) => {
    const id = c.req.param("id");
    const photos = await bot.listPhotos(id);
    const song = await bot.nextSong(id);
    return c.json({
      song,
      photos: photos.map((p) => ({
        id: p.id,
        name: p.name,
        thumbnailUrl: `/playground/api/conversations/${encodeURIComponent(id)}/photos/${p.id}/thumbnail`,
      })),
    });
  });

  api.get("/conversations/:id/photos/:photoId/thumbnail", async (c) => {
    const thumbnail = await bot.photoThumbnail(c.req.param("id"), c.req.param("photoId"));
    if (!thumbnail) return c.json({ error: "not_found", message: "There is no such photo here." }, 404);
    return c.body(new Uint8Array(thumbnail), 200, {
      "content-type": "image/jpeg",
      "cache-control": "private, max-age=86400",
    });
  });

  api.get("/conversations/:id/messages/:messageId/video", async (c) => {
    const message = await bot.messages.get(c.req.param("messageId"));
    if (!message?.video || message.conversationId !== c.req.param("id")) {
      return c.json({ error: "not_found", message: "There is no video here." }, 404);
    }
    const headers = { "content-type": "video/mp4", "cache-control": "private, max-age=3600" };
    const range = c.req.header("range");
    const local = blobs.localPath?.(message.video.key);
    if (local) return serveFile(local, range, headers);
    return serveBytes(await blobs.get(message.video.key), range, headers);
  });

  api.get("/conversations/:id/events", (c) => streamConversation(c, bot.messages, toApiMessage, log));

  app.route("/playground/api", api);
  return app;
}
