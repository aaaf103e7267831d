/**
 * Port: every row PhotoMemory keeps. One SQL implementation (sql-store.ts) runs on Postgres and PGlite. Methods are
 * safe under retries and concurrency: upserts are keyed on the platform's ids, duplicates resolve to the existing
 * row, and writes that must agree share one transaction.
 */
import type { Aspect, FaceBox, Platform, Resolution, Script, StyleName } from "../domain.ts";
import type { PhotoQuality } from "../photos/quality.ts";
import type { MusicBeats } from "../render/types.ts";
import type {
  Account,
  Conversation,
  GeneratedVideo,
  MemoryProject,
  MessageRefJson,
  Photo,
  Song,
  SongKind,
  Subscription,
  SubscriptionProvider,
  SubscriptionStatus,
  Usage,
  UsageField,
  VideoStatus,
  Workspace,
} from "./records.ts";

export type * from "./records.ts";

export interface AccountInput {
  platform: Platform;
  workspaceId?: string | null;
  userId: string;
  /** Given values overwrite; absent ones keep what is stored. */
  displayName?: string | null;
  locale?: string | null;
}

export interface WorkspaceInput {
  platform: Platform;
  externalId: string;
  name?: string | null;
  botUserId?: string | null;
  /** Plaintext bot token; stored encrypted (AES-256-GCM). Absent keeps the stored one. */
  botToken?: string;
  installedByAccountId?: string | null;
}

export interface ConversationInput {
  platform: Platform;
  workspaceId?: string | null;
  channelId: string;
  threadId?: string | null;
  locale?: string | null;
}

export interface PhotoInput {
  conversationId: string;
  contributorAccountId?: string | null;
  blobKey: string;
  /** Lowercase hex sha256 of the normalised bytes. */
  sha256: string;
  width: number;
  height: number;
  takenAt?: Date | null;
  focus?: { x: number; y: number } | null;
  /** Faces found at intake; null when the detector could not run. */
  faces?: FaceBox[] | null;
  /** Curation metrics measured at intake (photos/quality.ts). */
  quality?: PhotoQuality | null;
  originalName?: string | null;
  mimeType?: string | null;
  bytes?: number | null;
}

/** A song or voice note a chat message brought, recorded before its bytes are fetched. */
export interface PendingSongInput {
  conversationId: string;
  contributorAccountId?: string | null;
  kind: SongKind;
  /** The platform's file id; a song is recorded once per conversation and file. */
  fileId: string;
  name?: string | null;
  /** What the platform says about it (Telegram's audio has a title and performer). */
  title?: string | null;
  performer?: string | null;
  /** The platform file reference the intake job downloads (JSON; never a tokenised URL). */
  source: Record<string, unknown>;
}

/** What a pending song became once fetched and checked. */
export interface CompletedSongInput {
  blobKey: string;
  sha256: string;
  mimeType: string;
  bytes: number;
  durationSeconds: number;
  /** A song's beats, found at intake; absent or null when not analysed. */
  beats?: MusicBeats | null;
  /** From the file's tags when the platform said nothing; absent keeps what is recorded. */
  title?: string | null;
  performer?: string | null;
}

/** A file a chat message brought, recorded as a pending photo before its bytes are fetched. */
export interface PendingPhotoInput {
  /** The platform's file id (Slack file id, Telegram file_id, Discord attachment id, playground upload id). */
  fileId: string;
  name?: string | null;
  /** The platform file reference the intake job will download (JSON; never a tokenised URL). */
  source: Record<string, unknown>;
}

/** What a pending photo became once its bytes were normalised (PhotoInput without the conversation). */
export type CompletedPhotoInput = Omit<
  PhotoInput,
  "conversationId" | "contributorAccountId" | "originalName"
>;

export interface ProjectInput {
  conversationId: string;
  requesterAccountId?: string | null;
  style: StyleName;
  title?: string | null;
  /** Photo ids in arrival order; the conversation's collection restarts after the newest of them. */
  photoIds: string[];
  /**
   * The arrival seq of the newest photo of the collection the memory was chosen from, when curation left later ones
   * out: the collection restarts after it too, so left-out photos do not linger into the next memory.
   */
  collectionUpToSeq?: number;
  locale: string;
  aspect?: Aspect;
  resolution?: Resolution;
  /** No music (`/memory … silent`). */
  silent?: boolean;
  /** The chat's song or voice note the memory plays (see nextSong / songOfLastMemory). */
  songId?: string | null;
  platform: Platform;
  statusMessageRef?: MessageRefJson | null;
  /**
   * For `/memory` from the current collection: refuse (`store.conflict`) when another memory took any of these
   * photos since they were listed (two requests at once). Leave unset to remake an earlier memory from its photos.
   */
  requireInCollection?: boolean;
}

/** Fields a status transition may set at the same time. */
export interface VideoPatch {
  progress?: number;
  videoKey?: string;
  posterKey?: string;
  durationSeconds?: number;
  bytes?: number;
  width?: number;
  height?: number;
  errorCode?: string | null;
  errorMessage?: string | null;
}

export interface SubscriptionEvent {
  /** Exactly one of accountId / workspaceId (the Workspace row's id, not the platform's team or guild id). */
  accountId?: string | null;
  workspaceId?: string | null;
  provider: SubscriptionProvider;
  externalCustomerId?: string | null;
  externalSubscriptionId: string;
  status: SubscriptionStatus;
  currentPeriodEnd?: Date | null;
  /**
   * True: cancelled, premium lasts to currentPeriodEnd and does not renew; false: renews then; null or absent: the
   * provider does not say (Telegram tells nobody of a cancellation).
   */
  cancelAtPeriodEnd?: boolean | null;
  /** When the provider created the event (Stripe `event.created`); older events than the last applied are ignored. */
  eventAt: Date;
}

/** A chat message, as its platform names it (workspace: Slack team, Discord guild; none for Telegram or DMs). */
export interface ReactedMessage {
  platform: Platform;
  workspaceId?: string | null;
  channelId: string;
  messageId: string;
}

/**
 * What changed in a message's reactions. Slack and Discord report one emoji of one person at a time; Telegram gives a
 * person's whole new set (`replaced`), or only counts when reactions are anonymous; Discord can clear a message's
 * reactions at once, or those of one emoji (`cleared`).
 */
export type ReactionChange =
  | { kind: "added" | "removed"; message: ReactedMessage; reactorId: string; emoji: string }
  | { kind: "replaced"; message: ReactedMessage; reactorId: string; emojis: readonly string[] }
  | { kind: "cleared"; message: ReactedMessage; emoji?: string }
  | { kind: "anonymous"; message: ReactedMessage; reactors: number };

export interface Store {
  upsertAccount(input: AccountInput): Promise<Account>;
  getAccount(id: string): Promise<Account | null>;

  upsertWorkspace(input: WorkspaceInput): Promise<Workspace>;
  getWorkspace(platform: Platform, externalId: string): Promise<Workspace | null>;
  /** The decrypted bot token, or null when none is stored (or the workspace is unknown). */
  getWorkspaceToken(platform: Platform, externalId: string): Promise<string | null>;
  /** Forgets the token and marks the installation gone (app uninstalled, bot kicked). */
  markWorkspaceUninstalled(platform: Platform, externalId: string): Promise<void>;

  upsertConversation(input: ConversationInput): Promise<Conversation>;
  getConversation(id: string): Promise<Conversation | null>;
  /** Records the language chosen with `/memory lang` (null: back to the platform's locale). */
  setConversationLanguage(conversationId: string, language: string | null): Promise<Conversation>;

  /**
   * Adds a photo. The same content again in the same conversation returns the existing row: with duplicate: true
   * while it is in the current collection; when an earlier memory took it (or it was deleted), it comes back into the
   * current collection as a new arrival (duplicate: false), so re-sending a photo always gets it into the next memory.
   */
  addPhoto(input: PhotoInput): Promise<{ photo: Photo; duplicate: boolean }>;
  getPhoto(id: string): Promise<Photo | null>;
  /** Photos by id in the order asked (missing ids are left out). */
  getPhotos(ids: readonly string[]): Promise<Photo[]>;
  /**
   * Records the files of one chat message as pending photos, in order, the moment the message arrives. A file already
   * recorded in this conversation (a platform retry, a second event for the same upload) is returned with fresh: false.
   */
  recordPendingPhotos(input: {
    conversationId: string;
    contributorAccountId?: string | null;
    /** The burst they came with (a Telegram album's media_group_id). */
    albumKey?: string | null;
    /** The chat message that brought them; reactions on it count for them. */
    messageId?: string | null;
    files: readonly PendingPhotoInput[];
  }): Promise<{ photo: Photo; fresh: boolean }[]>;
  /**
   * Fills in a pending photo's content and marks it ready. When the conversation already holds the same content, the
   * pending row is rejected as `photo.duplicate` and the existing photo comes back with duplicate: true. A photo that is
   * no longer pending is returned as it is (a re-run).
   */
  completePendingPhoto(id: string, input: CompletedPhotoInput): Promise<{ photo: Photo; duplicate: boolean }>;
  /** Marks a pending photo unusable, with a code and a sentence for the user. No-op when it is no longer pending. */
  rejectPendingPhoto(id: string, code: string, reason: string): Promise<Photo | null>;
  /** Photos of one burst (album) of a conversation, in arrival order, and whether a memory already took any of them. */
  getAlbum(conversationId: string, albumKey: string): Promise<{ photos: Photo[]; inMemory: boolean }>;
  /**
   * Pending and ready, not deleted photos added since the conversation's last memory (or reset), in arrival order:
   * what the next memory takes (it waits for the pending ones).
   */
  listPhotosSinceLastMemory(conversationId: string): Promise<Photo[]>;
  /** How many `listPhotosSinceLastMemory` would list, without reading them (a reply after each photo asks). */
  countPhotosSinceLastMemory(conversationId: string): Promise<number>;
  /**
   * The photos of the conversation's last memory that took a collection (ready, not deleted, arrival order), for
   * `/memory <style>` with no new photos; empty when there is none or `/memory new` came after it.
   */
  listPhotosOfLastMemory(conversationId: string): Promise<Photo[]>;
  /** How many `listPhotosOfLastMemory` would list, without reading them. */
  countPhotosOfLastMemory(conversationId: string): Promise<number>;
  /** `/memory new` (`reset`): the next memory only uses photos added after now. Returns how many were set aside. */
  resetCollection(conversationId: string): Promise<number>;
  /** Soft-deletes a photo (it stays out of every later memory). */
  deletePhoto(id: string): Promise<void>;

  /**
   * Applies a reaction change. Reactions are kept only on messages that brought photos: returns false when nothing
   * was kept or removed (another message, a repeat).
   */
  applyReaction(change: ReactionChange): Promise<boolean>;
  /**
   * How many distinct people reacted to each photo of the conversation (to the message that brought it, or to any
   * message of its album), for the photos that have any.
   */
  countReactors(conversationId: string): Promise<Map<string, number>>;
  /** Records a song or voice note the moment its message arrives; the same file again returns it with fresh: false. */
  recordPendingSong(input: PendingSongInput): Promise<{ song: Song; fresh: boolean }>;
  getSong(id: string): Promise<Song | null>;
  /** Marks a pending song ready with its content; a song no longer pending is returned as it is (a re-run). */
  completePendingSong(id: string, input: CompletedSongInput): Promise<Song | null>;
  /** Marks a pending song unusable, with a code and a sentence for the user. No-op when it is no longer pending. */
  rejectPendingSong(id: string, code: string, reason: string): Promise<Song | null>;
  /**
   * The next memory's music: the newest pending or ready song of the conversation that arrived after every song a
   * memory took (a failed or cancelled memory gives its song back) and after `/memory new`; null when there is none.
   */
  nextSong(conversationId: string): Promise<Song | null>;
  /** The song of the conversation's last memory (not failed or cancelled), for a remake of it; null when none. */
  songOfLastMemory(conversationId: string): Promise<Song | null>;

  /** One transaction: the project (processing), its queued video, and the conversation's collection restarting. */
  createProjectWithVideo(input: ProjectInput): Promise<{ project: MemoryProject; video: GeneratedVideo }>;
  getProject(id: string): Promise<MemoryProject | null>;
  setProjectScript(projectId: string, script: Script): Promise<void>;
  getVideo(id: string): Promise<GeneratedVideo | null>;
  getVideoByShareToken(shareToken: string): Promise<GeneratedVideo | null>;
  /**
   * Moves a video from one of `from` to `to` (and its project along with it) in one transaction. Returns false when the
   * video is not in `from` (a retried step finding the work done). Throws `store.invalid_transition` for a move the
   * lifecycle forbids (completed → processing), and `store.not_found` for an unknown video.
   */
  transitionVideo(
    id: string,
    from: readonly VideoStatus[],
    to: VideoStatus,
    patch?: VideoPatch,
  ): Promise<boolean>;
  /** Progress 0..1 of a processing video; never goes backwards. */
  setVideoProgress(id: string, progress: number): Promise<void>;
  setVideoStatusMessage(id: string, ref: MessageRefJson): Promise<void>;
  /**
   * Records where the video was delivered, so a retried deliver step does not post twice. The first record wins:
   * returns false when a delivery was already recorded.
   */
  setVideoDelivery(id: string, ref: MessageRefJson): Promise<boolean>;
  /**
   * Notes, durably and before the video is posted, what a delivery attempt is about to do; merged into what earlier
   * attempts noted (`deliveryIntent`), so a resumed attempt after a crash can tell whether it may post again.
   */
  noteDeliveryIntent(id: string, note: Record<string, unknown>): Promise<void>;

  /**
   * Claims a webhook delivery. True when this caller should process it (first time, or a retry of a delivery that
   * failed or whose processing went stale); false for a duplicate.
   */
  recordInboundDelivery(
    source: string,
    deliveryId: string,
    options?: { staleAfterMs?: number },
  ): Promise<boolean>;
  markDeliveryDone(source: string, deliveryId: string): Promise<void>;
  /** True once the delivery was processed; false while a claim on it is still running (or failed, or unknown). */
  isDeliveryDone(source: string, deliveryId: string): Promise<boolean>;
  /** The platform's retry of this delivery will be claimed again. */
  markDeliveryFailed(source: string, deliveryId: string, error?: string): Promise<void>;

  /** Applies a provider event unless an event newer than it was already applied. Returns whether it was applied. */
  upsertSubscription(event: SubscriptionEvent): Promise<{ applied: boolean; subscription: Subscription }>;
  /** The subscription that currently entitles the account (its own, or its workspace's), if any. */
  findActiveSubscription(holder: { accountId?: string; workspaceId?: string }): Promise<Subscription | null>;

  incrementUsage(accountId: string, month: string, field: UsageField, by?: number): Promise<Usage>;
  getUsage(accountId: string, month: string): Promise<Usage>;
}
