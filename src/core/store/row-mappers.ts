/** snake_case rows → the Store's camelCase records. Numbers from int8 columns arrive as strings or bigints. */
import type { Aspect, FaceBox, Platform, Resolution, Script, StyleName } from "../domain.ts";
import type { MusicBeats } from "../render/types.ts";
import type {
  Account,
  Conversation,
  GeneratedVideo,
  MemoryProject,
  MessageRefJson,
  Photo,
  PhotoStatus,
  ProjectStatus,
  Song,
  SongKind,
  Subscription,
  SubscriptionProvider,
  SubscriptionStatus,
  Usage,
  VideoStatus,
  Workspace,
} from "./records.ts";

export type Row = Record<string, unknown>;

const str = (v: unknown): string => String(v);
const strOrNull = (v: unknown): string | null => (v === null || v === undefined ? null : String(v));
const num = (v: unknown): number => Number(v);
const numOrNull = (v: unknown): number | null => (v === null || v === undefined ? null : Number(v));
const date = (v: unknown): Date => (v instanceof Date ? v : new Date(String(v)));
const dateOrNull = (v: unknown): Date | null => (v === null || v === undefined ? null : date(v));
const json = <T>(v: unknown): T | null =>
  v === null || v === undefined ? null : ((typeof v === "string" ? JSON.parse(v) : v) as T);

/** uuid[] comes back as a JS array (both drivers) or, defensively, as a `{a,b}` literal. */
function uuidArray(v: unknown): string[] {
  if (Array.isArray(v)) return v.map(String);
  const text = String(v ?? "{}").replace(/^\{|\}$/g, "");
  return text ? text.split(",") : [];
}

export const toAccount = (r: Row): Account => ({
  id: str(r.id),
  platform: r.platform as Platform,
  workspaceId: strOrNull(r.workspace_id),
  userId: str(r.user_id),
  displayName: strOrNull(r.display_name),
  locale: strOrNull(r.locale),
  createdAt: date(r.created_at),
  updatedAt: date(r.updated_at),
});

export const toWorkspace = (r: Row): Workspace => ({
  id: str(r.id),
  platform: r.platform as Platform,
  externalId: str(r.external_id),
  name: strOrNull(r.name),
  botUserId: strOrNull(r.bot_user_id),
  hasBotToken: r.bot_token_encrypted !== null && r.bot_token_encrypted !== undefined,
  installedByAccountId: strOrNull(r.installed_by_account_id),
  uninstalledAt: dateOrNull(r.uninstalled_at),
  createdAt: date(r.created_at),
  updatedAt: date(r.updated_at),
});

export const toConversation = (r: Row): Conversation => ({
  id: str(r.id),
  platform: r.platform as Platform,
  workspaceId: strOrNull(r.workspace_id),
  channelId: str(r.channel_id),
  threadId: strOrNull(r.thread_id),
  locale: strOrNull(r.locale),
  language: strOrNull(r.language),
  lastMemoryAt: dateOrNull(r.last_memory_at),
  createdAt: date(r.created_at),
  updatedAt: date(r.updated_at),
});

export const toPhoto = (r: Row): Photo => ({
  id: str(r.id),
  seq: num(r.seq),
  conversationId: str(r.conversation_id),
  contributorAccountId: strOrNull(r.contributor_account_id),
  blobKey: strOrNull(r.blob_key),
  sha256: strOrNull(r.sha256),
  width: numOrNull(r.width),
  height: numOrNull(r.height),
  takenAt: dateOrNull(r.taken_at),
  focus: r.focus_x === null || r.focus_y === null ? null : { x: num(r.focus_x), y: num(r.focus_y) },
  faces: json<FaceBox[]>(r.faces),
  quality:
    r.dhash === null || r.dhash === undefined
      ? null
      : {
          dhash: str(r.dhash),
          sharpness: num(r.sharpness),
          brightness: num(r.brightness),
          clipped: num(r.clipped),
        },
  originalName: strOrNull(r.original_name),
  mimeType: strOrNull(r.mime_type),
  bytes: numOrNull(r.bytes),
  status: r.status as PhotoStatus,
  rejectReason: strOrNull(r.reject_reason),
  rejectCode: strOrNull(r.reject_code),
  duplicateOf: strOrNull(r.duplicate_of),
  sourceFileId: strOrNull(r.source_file_id),
  source: json<Record<string, unknown>>(r.source),
  albumKey: strOrNull(r.album_key),
  messageId: strOrNull(r.message_id),
  deletedAt: dateOrNull(r.deleted_at),
  createdAt: date(r.created_at),
});

export const toProject = (r: Row): MemoryProject => ({
  id: str(r.id),
  conversationId: str(r.conversation_id),
  requesterAccountId: strOrNull(r.requester_account_id),
  style: r.style as StyleName,
  title: strOrNull(r.title),
  status: r.status as ProjectStatus,
  photoIds: uuidArray(r.photo_ids),
  script: json<Script>(r.script),
  locale: str(r.locale),
  aspect: r.aspect as Aspect,
  resolution: num(r.resolution) as Resolution,
  silent: r.silent === true,
  songId: strOrNull(r.song_id),
  platform: r.platform as Platform,
  createdAt: date(r.created_at),
  updatedAt: date(r.updated_at),
});

export const toVideo = (r: Row): GeneratedVideo => ({
  id: str(r.id),
  projectId: str(r.project_id),
  status: r.status as VideoStatus,
  progress: num(r.progress),
  videoKey: strOrNull(r.video_key),
  posterKey: strOrNull(r.poster_key),
  durationSeconds: numOrNull(r.duration_seconds),
  bytes: numOrNull(r.bytes),
  width: numOrNull(r.width),
  height: numOrNull(r.height),
  shareToken: str(r.share_token),
  statusMessageRef: json<MessageRefJson>(r.status_message_ref),
  deliveredMessageRef: json<MessageRefJson>(r.delivered_message_ref),
  deliveryIntent: json<Record<string, unknown>>(r.delivery_intent),
  errorCode: strOrNull(r.error_code),
  errorMessage: strOrNull(r.error_message),
  startedAt: dateOrNull(r.started_at),
  finishedAt: dateOrNull(r.finished_at),
  createdAt: date(r.created_at),
  updatedAt: date(r.updated_at),
});

export const toSubscription = (r: Row): Subscription => ({
  id: str(r.id),
  accountId: strOrNull(r.account_id),
  workspaceId: strOrNull(r.workspace_id),
  provider: r.provider as SubscriptionProvider,
  externalCustomerId: strOrNull(r.external_customer_id),
  externalSubscriptionId: str(r.external_subscription_id),
  status: r.status as SubscriptionStatus,
  currentPeriodEnd: dateOrNull(r.current_period_end),
  cancelAtPeriodEnd:
    r.cancel_at_period_end === null || r.cancel_at_period_end === undefined
      ? null
      : Boolean(r.cancel_at_period_end),
  lastEventAt: date(r.last_event_at),
  createdAt: date(r.created_at),
  updatedAt: date(r.updated_at),
});

export const toUsage = (r: Row): Usage => ({
  accountId: str(r.account_id),
  month: str(r.month),
  memoriesRequested: num(r.memories_requested),
  videosRendered: num(r.videos_rendered),
  photosAdded: num(r.photos_added),
  renderSeconds: num(r.render_seconds),
});

export const toSong = (r: Row): Song => ({
  id: str(r.id),
  seq: num(r.seq),
  conversationId: str(r.conversation_id),
  contributorAccountId: strOrNull(r.contributor_account_id),
  kind: r.kind as SongKind,
  status: r.status as PhotoStatus,
  sourceFileId: str(r.source_file_id),
  source: json<Record<string, unknown>>(r.source),
  originalName: strOrNull(r.original_name),
  title: strOrNull(r.title),
  performer: strOrNull(r.performer),
  blobKey: strOrNull(r.blob_key),
  sha256: strOrNull(r.sha256),
  mimeType: strOrNull(r.mime_type),
  bytes: numOrNull(r.bytes),
  durationSeconds: numOrNull(r.duration_seconds),
  beats: json<MusicBeats>(r.beats),
  rejectCode: strOrNull(r.reject_code),
  rejectReason: strOrNull(r.reject_reason),
  createdAt: date(r.created_at),
});
