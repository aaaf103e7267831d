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

/** A button. `value` goes back to the bot when pressed, or is a https link to open. */
export interface MessageAction {
  id: string;
  label: string;
  value: string;
  style?: "primary" | "danger";
}

export interface OutgoingMessage {
  text: string;
  /** 0..1 when the message shows render progress. */
  progress?: number;
  /** Buttons, e.g. the style picker or "Retry". */
  actions?: MessageAction[];
  /**
   * Show it to this platform user only where the platform can (Slack ephemeral, Discord ephemeral follow-up); a
   * private message cannot be edited. Adapters without private messages post it to the conversation.
   */
  privateTo?: string;
}

/**
 * A platform's own way to buy premium (a Telegram Stars invoice, a Discord SKU), offered on the upgrade card for
 * billing's upgrade token.
 */
export interface PlatformCheckout {
  /** The button that buys premium for this token. */
  action: MessageAction;
  /** The platform forbids any other way to pay (Telegram: digital goods in bots are paid in Stars only). */
  exclusive: boolean;
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
  /** A share page URL, offered alongside the file. */
  shareUrl?: string;
  /** The same on every attempt to deliver this video: platforms that dedupe posts on a key use it (Discord's nonce). */
  deliveryKey?: string;
}

/**
 * Lets postVideo keep what it needs across a crash: the platform's own id of an upload in progress (Slack's file id),
 * saved durably before the call that makes the video visible.
 */
export interface DeliveryJournal {
  /** What an earlier attempt of this delivery noted and did not finish; empty on the first attempt. */
  earlier: Readonly<Record<string, string>>;
  note(data: Record<string, string>): Promise<void>;
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
  /**
   * Uploads the video. Deciding upload vs share link is core's (deliver step): an adapter only reports what went
   * wrong, as PhotoMemoryError `chat.too_large` (the platform refused the size) or `chat.not_allowed` (no right to
   * upload here), else `platform.*`.
   */
  postVideo(target: ChatTarget, video: OutgoingVideo, journal?: DeliveryJournal): Promise<MessageRef>;
  /**
   * For how long after a first attempt a repeated postVideo with the same `deliveryKey` (and journal) is known not
   * to post a second video (Infinity: always; absent: never, so core posts the share link instead of trying again).
   */
  readonly redeliverySafeForMs?: number;
  /** Downloads a platform file with the platform's auth, host allow-list, size cap and timeout. */
  downloadFile(file: FileRef, options: { maxBytes: number; signal?: AbortSignal }): Promise<Uint8Array>;
  addReaction?(target: ChatTarget, messageId: string, emoji: string): Promise<void>;
  /** The reaction (with addReaction) that tells the sender their photos were taken in; without it, a line is posted. */
  readonly photoAckEmoji?: string;
  /** Present when premium can be bought on the platform itself: the upgrade card's button for this upgrade token. */
  checkout?(input: { token: string; target: ChatTarget }): Promise<PlatformCheckout>;
}
