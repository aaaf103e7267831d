/**
 * Port: how core talks back to a chat platform. Each platform (Slack, Discord, Telegram, the local playground)
 * implements it in `src/bots/<platform>`. Required capabilities are few; optional ones have a fallback in core
 * (no `editMessage` → post a new message instead).
 */
import type { Platform } from "../domain.ts";

/** Where a conversation lives: the thread when in a thread, else the channel or the DM. */
export interface ChatTarget {
  platform: Platform;
  /** Slack team id, Discord guild id; absent for Telegram DMs and the playground. */
  workspaceId?: string;
  channelId: string;
  threadId?: string;
}

/** A message the bot posted, enough to edit it later. `expiresAt` marks the end of the platform's edit window. */
export interface MessageRef {
  target: ChatTarget;
  messageId: string;
  /** Discord interaction tokens last 15 min, Slack response_url 30 min; after this, post a new message. */
  editableUntil?: string;
  /** Extra platform data needed to edit (interaction token, response_url); never logged. */
  handle?: Record<string, string>;
}

export interface OutgoingMessage {
  text: string;
  /** 0..1 when the message shows render progress. */
  progress?: number;
  /** Buttons, e.g. the style picker or "Retry". `value` goes back to the bot when pressed. */
  actions?: { id: string; label: string; value: string; style?: "primary" | "danger" }[];
}

export interface OutgoingVideo {
  /** Local file path of the MP4. */
  path: string;
  posterPath?: string;
  title: string;
  bytes: number;
  durationSeconds: number;
  width: number;
  height: number;
  /** A share page URL, offered alongside (or instead, when the file is too large). */
  shareUrl?: string;
}

/** A platform file reference as carried in job events: never bytes, never a tokenised URL. */
export interface FileRef {
  platform: Platform;
  /** Platform file id (Slack file id, Telegram file_id, Discord attachment id). */
  fileId: string;
  /** Slack team id / Discord guild id, so the adapter picks that workspace's credentials. */
  workspaceId?: string;
  /** Public-ish URL when the platform gives one without a token (Discord CDN); absent for Telegram. */
  url?: string;
  name?: string;
  mimeType?: string;
  size?: number;
}

export interface ChatLimits {
  /** Largest video the bot may upload here (Discord 10 MiB by default, Telegram 50 MB). */
  maxUploadBytes: number;
}

export interface ChatAdapter {
  readonly platform: Platform;
  limits(target: ChatTarget): ChatLimits;
  postMessage(target: ChatTarget, message: OutgoingMessage): Promise<MessageRef>;
  editMessage?(ref: MessageRef, message: OutgoingMessage): Promise<void>;
  postVideo(target: ChatTarget, video: OutgoingVideo): Promise<MessageRef>;
  /** Downloads a platform file with the platform's auth, host allow-list, size cap and timeout. */
  downloadFile(file: FileRef, options: { maxBytes: number; signal?: AbortSignal }): Promise<Uint8Array>;
  addReaction?(target: ChatTarget, messageId: string, emoji: string): Promise<void>;
}
