/** The rows the Store returns, as plain camelCase objects. Ids are uuids as strings; times are Dates. */
import type { Aspect, FaceBox, Platform, Resolution, Script, StyleName } from "../domain.ts";
import type { PhotoQuality } from "../photos/quality.ts";
import type { MusicBeats } from "../render/types.ts";

export const PROJECT_STATUSES = ["draft", "processing", "completed", "failed", "cancelled"] as const;
export type ProjectStatus = (typeof PROJECT_STATUSES)[number];
export const VIDEO_STATUSES = ["queued", "processing", "completed", "failed", "cancelled"] as const;
export type VideoStatus = (typeof VIDEO_STATUSES)[number];
export const SUBSCRIPTION_STATUSES = ["active", "past_due", "cancelled", "unpaid"] as const;
export type SubscriptionStatus = (typeof SUBSCRIPTION_STATUSES)[number];
export type SubscriptionProvider = "stripe" | "telegram_stars" | "discord";
/** pending: recorded when its message arrived, bytes not fetched yet; ready: stored; rejected: unusable (see rejectCode). */
export type PhotoStatus = "pending" | "ready" | "rejected";
export type DeliveryStatus = "processing" | "done" | "failed";
export const USAGE_FIELDS = ["memoriesRequested", "videosRendered", "photosAdded", "renderSeconds"] as const;
export type UsageField = (typeof USAGE_FIELDS)[number];

/** A chat message reference kept as JSON (see ChatAdapter's MessageRef); the Store does not look inside. */
export type MessageRefJson = Record<string, unknown>;

export interface Account {
  id: string;
  platform: Platform;
  /** Slack team / Discord guild id; null for Telegram and the playground. */
  workspaceId: string | null;
  userId: string;
  displayName: string | null;
  locale: string | null;
  createdAt: Date;
  updatedAt: Date;
}

export interface Workspace {
  id: string;
  platform: Platform;
  /** Slack team id or Discord guild id. */
  externalId: string;
  name: string | null;
  botUserId: string | null;
  hasBotToken: boolean;
  installedByAccountId: string | null;
  uninstalledAt: Date | null;
  createdAt: Date;
  updatedAt: Date;
}

export interface Conversation {
  id: string;
  platform: Platform;
  workspaceId: string | null;
  channelId: string;
  threadId: string | null;
  /** The platform's locale of the people here, as last seen. */
  locale: string | null;
  /** The language chosen with `/memory lang` (BCP 47); it wins over `locale`. */
  language: string | null;
  lastMemoryAt: Date | null;
  createdAt: Date;
  updatedAt: Date;
}

export interface Photo {
  id: string;
  /** Arrival order across the whole database; increasing within a conversation. */
  seq: number;
  conversationId: string;
  contributorAccountId: string | null;
  /** Null while pending (and for a photo rejected before it was stored). */
  blobKey: string | null;
  sha256: string | null;
  width: number | null;
  height: number | null;
  takenAt: Date | null;
  focus: { x: number; y: number } | null;
  /** Faces found at intake (fractions of width/height); null when not known (older photos, detector down). */
  faces: FaceBox[] | null;
  /** Curation metrics measured at intake (photos/quality.ts); null for photos stored before them. */
  quality: PhotoQuality | null;
  originalName: string | null;
  mimeType: string | null;
  bytes: number | null;
  status: PhotoStatus;
  /** Why a photo was rejected, for the user ("IMG_3.heic is a HEIC photo …"), and its code (`photo.duplicate`, …). */
  rejectReason: string | null;
  rejectCode: string | null;
  /** A pending photo whose content the conversation already had: that photo's id. */
  duplicateOf: string | null;
  /** The platform's file id and file reference (what the intake job downloads); null for uploaded bytes. */
  sourceFileId: string | null;
  source: Record<string, unknown> | null;
  /** The burst it came with (a Telegram album's media_group_id). */
  albumKey: string | null;
  /** The chat message that brought it (Slack ts, Discord message id, Telegram message_id): reactions on it count. */
  messageId: string | null;
  deletedAt: Date | null;
  createdAt: Date;
}

/** A song or voice note sent to a conversation; pending, ready and rejected like a photo. */
export interface Song {
  id: string;
  /** Arrival order; the newest song no memory took is the next memory's music. */
  seq: number;
  conversationId: string;
  contributorAccountId: string | null;
  /** "song": played as it is; "voice": a voice note, spoken over the style's music. */
  kind: SongKind;
  status: PhotoStatus;
  sourceFileId: string;
  source: Record<string, unknown> | null;
  originalName: string | null;
  title: string | null;
  performer: string | null;
  blobKey: string | null;
  sha256: string | null;
  mimeType: string | null;
  bytes: number | null;
  durationSeconds: number | null;
  /** Where its beats are (a song's, found at intake); null when not analysed (a voice note, an older song). */
  beats: MusicBeats | null;
  rejectCode: string | null;
  rejectReason: string | null;
  createdAt: Date;
}

export type SongKind = "song" | "voice";

export interface MemoryProject {
  id: string;
  conversationId: string;
  requesterAccountId: string | null;
  style: StyleName;
  title: string | null;
  status: ProjectStatus;
  /** The photos of this memory, in arrival order at request time. */
  photoIds: string[];
  script: Script | null;
  locale: string;
  aspect: Aspect;
  resolution: Resolution;
  /** No music (`/memory … silent`). */
  silent: boolean;
  /** The chat's song or voice note this memory plays; null for the style's own soundtrack (or none when silent). */
  songId: string | null;
  platform: Platform;
  createdAt: Date;
  updatedAt: Date;
}

export interface GeneratedVideo {
  id: string;
  projectId: string;
  status: VideoStatus;
  /** 0..1 */
  progress: number;
  videoKey: string | null;
  posterKey: string | null;
  durationSeconds: number | null;
  bytes: number | null;
  width: number | null;
  height: number | null;
  /** Unguessable token for the share page. */
  shareToken: string;
  statusMessageRef: MessageRefJson | null;
  deliveredMessageRef: MessageRefJson | null;
  /** What delivery attempts noted before posting (see Store.noteDeliveryIntent); null before the first attempt. */
  deliveryIntent: Record<string, unknown> | null;
  errorCode: string | null;
  errorMessage: string | null;
  startedAt: Date | null;
  finishedAt: Date | null;
  createdAt: Date;
  updatedAt: Date;
}

export interface Subscription {
  id: string;
  accountId: string | null;
  workspaceId: string | null;
  provider: SubscriptionProvider;
  externalCustomerId: string | null;
  externalSubscriptionId: string;
  status: SubscriptionStatus;
  currentPeriodEnd: Date | null;
  /** Cancelled, ending at currentPeriodEnd (true), renewing then (false), or not known (null: Telegram Stars). */
  cancelAtPeriodEnd: boolean | null;
  lastEventAt: Date;
  createdAt: Date;
  updatedAt: Date;
}

export interface Usage {
  accountId: string;
  /** 'YYYY-MM' (UTC). */
  month: string;
  memoriesRequested: number;
  videosRendered: number;
  photosAdded: number;
  renderSeconds: number;
}
