/**
 * ChatAdapter for Slack on the Web API: chat.postMessage / chat.update for the status message, reactions.add for
 * the light acknowledgement, files.info + url_private_download for photos, the external upload for the video
 * (files.getUploadURLExternal → POST the bytes → files.completeUploadExternal). Every text from users or the model
 * is escaped for mrkdwn here (see escapeSlack), so a title cannot ping @channel or disguise a link.
 */
import { readFile } from "node:fs/promises";
import { webApi } from "@slack/bolt";
import type { Logger } from "pino";
import type {
  ChatAdapter,
  ChatTarget,
  DeliveryJournal,
  FileRef,
  MessageRef,
  OutgoingMessage,
  OutgoingVideo,
} from "../../core/chat/chat-adapter.ts";
import { isPhotoMemoryError, PhotoMemoryError } from "../../core/errors.ts";
import type { HostPolicy } from "../../core/net/host-policy.ts";
import { safeDownloadImage } from "../../core/net/safe-download.ts";
import { toSlackMessage } from "./blocks.ts";
import { escapeSlack } from "./escape.ts";
import type { SlackTokenSource } from "./installations.ts";
import { toSlackLogger } from "./slack-logger.ts";

/** Slack has no small per-file cap for bots (believed 1 GB); stay well under it. */
const SLACK_MAX_UPLOAD_BYTES = 1_000_000_000;

export interface SlackAdapterOptions {
  apiUrl: string;
  tokens: SlackTokenSource;
  logger: Logger;
  /** Overrides for tests. */
  downloadTimeoutMs?: number;
}

export interface SlackAdapter extends ChatAdapter {
  /** A Web API client for a workspace (token resolved through the installation). */
  client(teamId: string | undefined): Promise<webApi.WebClient>;
}

export function createSlackAdapter(options: SlackAdapterOptions): SlackAdapter {
  const log = options.logger.child({ module: "slack-adapter" });
  const clients = new Map<string, webApi.WebClient>();
  const policy = slackFilePolicy(options.apiUrl);

  async function client(teamId: string | undefined): Promise<webApi.WebClient> {
    const { botToken } = await options.tokens(teamId);
    const key = `${teamId ?? ""}:${botToken.slice(-6)}`;
    let found = clients.get(key);
    if (!found) {
      found = createSlackWebClient(botToken, options.apiUrl, log);
      clients.set(key, found);
    }
    return found;
  }

  async function call<T>(what: string, fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (error) {
      throw toPlatformError(what, error);
    }
  }

  return {
    platform: "slack",
    photoAckEmoji: "frame_with_picture",
    client,
    limits: () => ({ maxUploadBytes: SLACK_MAX_UPLOAD_BYTES }),

    async postMessage(target, message) {
      const web = await client(target.workspaceId);
      if (message.privateTo) {
        // Only the asker sees it (a Customer Portal link is a login); ephemeral messages cannot be edited.
        const ephemeral = await call("chat.postEphemeral", () =>
          web.chat.postEphemeral({
            channel: target.channelId,
            user: message.privateTo,
            ...(target.threadId ? { thread_ts: target.threadId } : {}),
            ...toSlackMessage(message),
          } as webApi.ChatPostEphemeralArguments),
        );
        return { target, messageId: String(ephemeral.message_ts), editableUntil: new Date(0).toISOString() };
      }
      const result = await call("chat.postMessage", () =>
        web.chat.postMessage({
          channel: target.channelId,
          ...(target.threadId ? { thread_ts: target.threadId } : {}),
          ...toSlackMessage(message),
          unfurl_links: false,
        } as webApi.ChatPostMessageArguments),
      );
      return { target, messageId: String(result.ts) };
    },

    async editMessage(ref: MessageRef, message: OutgoingMessage) {
      const web = await client(ref.target.workspaceId);
      await call("chat.update", () =>
        web.chat.update({
          channel: ref.target.channelId,
          ts: ref.messageId,
          ...toSlackMessage(message),
        } as webApi.ChatUpdateArguments),
      );
    },

    // The file id is noted before the bytes go up and again once they are up, so a resumed attempt finds the upload
    // (files.info shows whether it was shared into this conversation) instead of posting a second video.
    redeliverySafeForMs: Number.POSITIVE_INFINITY,

    async postVideo(target: ChatTarget, video: OutgoingVideo, journal?: DeliveryJournal) {
      const web = await client(target.workspaceId);
      const { botToken } = await options.tokens(target.workspaceId);
      const earlier = journal?.earlier ?? {};
      if (earlier.slackFileId) {
        const found = await sharedInto(web, earlier.slackFileId, target.channelId);
        if (found) return { target, messageId: earlier.slackFileId };
      }
      let fileId = earlier.slackFileUploaded ? earlier.slackFileId : undefined;
      if (!fileId) {
        const bytes = await readFile(video.path);
        const slot = await uploadCall("files.getUploadURLExternal", () =>
          web.files.getUploadURLExternal({
            filename: `${slugify(video.title)}.mp4`,
            length: bytes.byteLength,
          }),
        );
        if (!slot.file_id || !slot.upload_url) {
          throw new PhotoMemoryError("platform.failed", "Slack gave no upload address for the video.");
        }
        fileId = slot.file_id;
        await journal?.note({ slackFileId: fileId });
        const sent = await fetch(slot.upload_url, {
          method: "POST",
          headers: { authorization: `Bearer ${botToken}`, "content-type": "application/octet-stream" },
          body: bytes,
          signal: AbortSignal.timeout(10 * 60 * 1000),
        }).catch((cause: unknown) => {
          throw new PhotoMemoryError("platform.failed", "Slack could not be reached to upload the video.", {
            cause,
          });
        });
        if (!sent.ok) {
          throw new PhotoMemoryError(
            sent.status === 413 ? "chat.too_large" : "platform.failed",
            `Slack did not accept the video's bytes (HTTP ${sent.status}).`,
          );
        }
        await journal?.note({ slackFileUploaded: "yes" });
      }
      const title = escapeSlack(video.title);
      await uploadCall("files.completeUploadExternal", () =>
        web.files.completeUploadExternal({
          files: [{ id: fileId, title: video.title.slice(0, 250) }],
          channel_id: target.channelId,
          ...(target.threadId ? { thread_ts: target.threadId } : {}),
          initial_comment: video.shareUrl ? `*${title}*\n${escapeSlack(video.shareUrl)}` : `*${title}*`,
        } as webApi.FilesCompleteUploadExternalArguments),
      );
      return { target, messageId: fileId };
    },

    downloadFile: (file: FileRef, opts) => downloadSlackFile(file, opts),

    async addReaction(target, messageId, emoji) {
      const web = await client(target.workspaceId);
      try {
        await web.reactions.add({ channel: target.channelId, timestamp: messageId, name: emoji });
      } catch (error) {
        // A second acknowledgement of the same message is fine; anything else is worth a warning, not a failure.
        if (slackErrorCode(error) !== "already_reacted")
          log.warn({ err: toPlatformError("reactions.add", error) }, "reaction failed");
      }
    },
  };

  /** Errors of the upload calls, with Slack's "no, not here" answers typed for the deliver step. */
  async function uploadCall<T>(what: string, fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (error) {
      const code = slackErrorCode(error);
      if (code === "file_upload_size_restricted") {
        throw new PhotoMemoryError("chat.too_large", "The video is larger than this workspace accepts.", {
          cause: error,
        });
      }
      if (code && NOT_ALLOWED.has(code)) {
        throw new PhotoMemoryError("chat.not_allowed", toPlatformError(what, error).message, {
          cause: error,
        });
      }
      throw toPlatformError(what, error);
    }
  }

  async function downloadSlackFile(file: FileRef, opts: { maxBytes: number; signal?: AbortSignal }) {
    const teamId = file.workspaceId;
    const fileId = file.fileId;
    const { botToken } = await options.tokens(teamId);
    const web = await client(teamId);
    // A failed lookup is worth retrying (download.failed), unless the workspace's credentials are gone.
    const info = await web.files.info({ file: fileId }).catch((error: unknown) => {
      const e = toPlatformError("files.info", error);
      if (slackErrorCode(error) === "file_not_found" || slackErrorCode(error) === "file_deleted") {
        throw new PhotoMemoryError(
          "download.gone",
          "That file was deleted from Slack; please share it again.",
        );
      }
      throw e.code === "platform.unauthorized"
        ? e
        : new PhotoMemoryError("download.failed", e.message, { cause: error });
    });
    const meta = info.file;
    const url = meta?.url_private_download ?? meta?.url_private;
    if (!meta || !url) {
      throw new PhotoMemoryError(
        "download.gone",
        "That file is no longer available in Slack; please share it again.",
      );
    }
    if (typeof meta.size === "number" && meta.size > opts.maxBytes) {
      throw new PhotoMemoryError(
        "download.too_large",
        `${meta.name ?? "That file"} is too large for a memory.`,
      );
    }
    try {
      return await safeDownloadImage(url, {
        policy,
        maxBytes: opts.maxBytes,
        headers: { authorization: `Bearer ${botToken}` },
        ...(opts.signal ? { signal: opts.signal } : {}),
        ...(options.downloadTimeoutMs ? { timeoutMs: options.downloadTimeoutMs } : {}),
      });
    } catch (error) {
      if (isPhotoMemoryError(error, "download.html_page")) {
        throw new PhotoMemoryError(
          "download.html_page",
          "Slack sent a sign-in page instead of the photo: the app is missing the files:read permission. Ask a workspace admin to reinstall PhotoMemory.",
          { cause: error },
        );
      }
      throw error;
    }
  }
}

/** files.slack.com (and GovSlack's files host), plus the configured API origin (a stand-in or a proxy). */
export function slackFilePolicy(apiUrl: string): HostPolicy {
  const api = new URL(apiUrl);
  const hosts = ["files.slack.com"];
  const domain = api.hostname.split(".").slice(-2).join(".");
  if (api.protocol === "https:" && domain !== "slack.com" && domain.includes("slack"))
    hosts.push(`files.${domain}`);
  return { hosts, origins: api.hostname === "slack.com" ? [] : [api.origin] };
}

export function createSlackWebClient(token: string, apiUrl: string, log: Logger): webApi.WebClient {
  return new webApi.WebClient(token, {
    slackApiUrl: apiUrl,
    logger: toSlackLogger(log),
    retryConfig: { retries: 2, factor: 2, minTimeout: 500, maxTimeout: 5000 },
  });
}

/** Slack's answers meaning "this app may not post a file in this conversation". */
const NOT_ALLOWED = new Set([
  "not_in_channel",
  "channel_not_found",
  "is_archived",
  "restricted_action",
  "file_uploads_disabled",
  "file_uploads_except_images_disabled",
  "not_allowed_token_type",
  "missing_scope",
]);

/** Whether the file was shared into the channel (shares.public or shares.private has an entry for it). */
async function sharedInto(web: webApi.WebClient, fileId: string, channelId: string): Promise<boolean> {
  try {
    const info = await web.files.info({ file: fileId });
    const shares = (info.file as { shares?: Record<string, Record<string, unknown[]>> } | undefined)?.shares;
    return Boolean(shares?.public?.[channelId]?.length || shares?.private?.[channelId]?.length);
  } catch {
    // Unknown or unfinished upload: not shared yet.
    return false;
  }
}

function slackErrorCode(error: unknown): string | undefined {
  return (error as { data?: { error?: string } }).data?.error;
}

function toPlatformError(what: string, error: unknown): PhotoMemoryError {
  if (isPhotoMemoryError(error)) return error;
  const code = slackErrorCode(error);
  const hints: Record<string, string> = {
    not_in_channel: "Invite PhotoMemory to this channel first (type /invite @PhotoMemory), then try again.",
    channel_not_found: "I can't see this conversation. Invite PhotoMemory to it, then try again.",
    missing_scope: "The Slack app is missing a permission. Ask a workspace admin to reinstall PhotoMemory.",
    invalid_auth:
      "The Slack app's credentials are no longer valid. Ask a workspace admin to reinstall PhotoMemory.",
    token_revoked: "PhotoMemory was removed from this workspace. Ask a workspace admin to install it again.",
    file_uploads_disabled: "File uploads are disabled in this workspace, so I can't post the video here.",
  };
  return new PhotoMemoryError(
    code === "invalid_auth" || code === "token_revoked" ? "platform.unauthorized" : "platform.failed",
    (code && hints[code]) ?? `Slack did not accept ${what}${code ? ` (${code})` : ""}; please try again.`,
    { cause: error },
  );
}

function slugify(title: string): string {
  return (
    title
      .normalize("NFKD")
      .replace(/[^\w\s-]/g, "")
      .trim()
      .replace(/\s+/g, "-")
      .toLowerCase()
      .slice(0, 60) || "memory"
  );
}
