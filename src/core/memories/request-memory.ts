/**
 * `/memory [style] [title]`: check the style against entitlements, create the project and its queued video in one
 * Store call, post the status message that progress will edit, and send `memory/requested` to the jobs.
 */
import type { ChatTarget, MessageRef, OutgoingMessage } from "../chat/chat-adapter.ts";
import { canEdit } from "../chat/chat-for.ts";
import { type Aspect, type Resolution, STYLE_NAMES, type StyleName } from "../domain.ts";
import { isPhotoMemoryError } from "../errors.ts";
import type { MemoryRequested } from "../jobs/events.ts";
import type { Conversation, GeneratedVideo, MemoryProject } from "../store/records.ts";
import { ALL_PHOTOS_CAP, curatePhotos } from "./curate.ts";
import { type ChatUser, chatFor, type MemoryDeps } from "./deps.ts";
import { cleanTitle } from "./parse-command.ts";
import {
  busyReply,
  leftOutPart,
  noPhotosReply,
  remakeReply,
  startedReply,
  tooManyForAllReply,
} from "./replies.ts";

export interface RequestMemoryInput {
  target: ChatTarget;
  user: ChatUser;
  style?: StyleName;
  aspect?: Aspect;
  resolution?: Resolution;
  /** No music (`/memory … silent`). */
  silent?: boolean;
  title?: string;
  /** `/memory all`: every photo of the collection, up to ALL_PHOTOS_CAP, instead of the curated best. */
  all?: boolean;
  /** When no style was typed: true posts a style picker (buttons); false uses `classic`. */
  offerStylePicker?: boolean;
  /** A message already standing for this request (a deferred Discord reply): edited instead of a new post. */
  statusMessage?: MessageRef;
}

export type RequestMemoryResult =
  | { kind: "started"; project: MemoryProject; video: GeneratedVideo; statusMessage?: MessageRef }
  | { kind: "picker" }
  | { kind: "locked"; style: StyleName; reply: string }
  | { kind: "quota"; reply: string }
  | { kind: "no_photos" }
  | { kind: "too_many"; photoCount: number }
  | { kind: "busy"; video: GeneratedVideo };

export async function requestMemory(
  deps: MemoryDeps,
  input: RequestMemoryInput,
): Promise<RequestMemoryResult> {
  const { store } = deps;
  const chat = chatFor(deps, input.target);
  // Every platform's title passes here: whatever the user typed, it is stored and drawn safely.
  const cleaned = input.title === undefined ? undefined : cleanTitle(input.title);
  if (cleaned !== input.title) {
    const { title: _raw, ...rest } = input;
    input = cleaned ? { ...rest, title: cleaned } : rest;
  }
  const conversation = await upsertConversationOf(deps, input.target, input.user);
  const account = await store.upsertAccount({
    platform: input.target.platform,
    workspaceId: input.target.workspaceId ?? null,
    userId: input.user.id,
    ...(input.user.name ? { displayName: input.user.name } : {}),
    ...(input.user.locale ? { locale: input.user.locale } : {}),
  });
  const log = deps.logger.child({ conversationId: conversation.id, accountId: account.id });
  const say = async (text: string, actions?: { id: string; label: string; value: string }[]) => {
    const message = { text, ...(actions ? { actions } : {}) };
    if (input.statusMessage && (await tryEdit(deps, input.statusMessage, message)))
      return input.statusMessage;
    return chat.postMessage(input.target, message);
  };

  if (!input.style && input.offerStylePicker) {
    const title = input.title ? ` ${input.title}` : "";
    await say(
      "Which style should your memory have?",
      STYLE_NAMES.map((style) => ({ id: `style-${style}`, label: style, value: `/memory ${style}${title}` })),
    );
    return { kind: "picker" };
  }
  const style = input.style ?? "classic";

  const asker = { accountId: account.id, platform: input.target.platform, target: input.target };
  const decision = await deps.entitlements.checkStyle({ ...asker, style });
  if (!decision.allowed) {
    log.info({ style, code: decision.code }, "memory refused: style locked");
    await say(decision.reply, decision.actions);
    return { kind: "locked", style, reply: decision.reply };
  }

  const latest = await deps.lookup.latestMemory(conversation.id);
  if (latest) {
    const video = await store.getVideo(latest.videoId);
    if (video && (video.status === "queued" || video.status === "processing")) {
      await say(busyReply(video));
      return { kind: "busy", video };
    }
  }

  // No new photos since the last memory: remake that memory's photos (another style, say), unless `/memory new`
  // started a fresh collection since.
  let photos = await store.listPhotosSinceLastMemory(conversation.id);
  const remake = photos.length === 0;
  if (remake) photos = await store.listPhotosOfLastMemory(conversation.id);
  // A remake keeps the title the user typed for the memory it remakes, unless a new one is typed.
  const title =
    input.title ?? (remake && latest ? ((await store.getProject(latest.projectId))?.title ?? null) : null);
  if (photos.length === 0) {
    await say(noPhotosReply());
    return { kind: "no_photos" };
  }
  if (input.all && photos.length > ALL_PHOTOS_CAP) {
    await say(tooManyForAllReply(photos.length));
    return { kind: "too_many", photoCount: photos.length };
  }
  // Read before the quota's slot is taken, so a failure here costs no slot.
  const reactors = await store.countReactors(conversation.id);
  // One memory of the month's quota, taken atomically now and given back if the memory is not made.
  const claim = await deps.entitlements.claimMemory(asker);
  if (!claim.allowed) {
    log.info({ code: claim.code }, "memory refused: monthly quota reached");
    await say(claim.reply, claim.actions);
    return { kind: "quota", reply: claim.reply };
  }
  const collection = photos;
  const curation = curatePhotos(collection, {
    style,
    all: input.all ?? false,
    ...(claim.photosPerMemory !== null ? { maxPhotos: claim.photosPerMemory } : {}),
    reactors,
  });
  photos = curation.photos;

  // The music: the newest song sent since the last memory; a remake keeps the song of the memory it remakes.
  const song = input.silent
    ? null
    : ((await store.nextSong(conversation.id)) ??
      (remake ? await store.songOfLastMemory(conversation.id) : null));
  const locale = memoryLanguage(conversation, input.user);
  let created: Awaited<ReturnType<typeof store.createProjectWithVideo>>;
  try {
    created = await store.createProjectWithVideo({
      conversationId: conversation.id,
      requesterAccountId: account.id,
      style,
      title,
      photoIds: photos.map((p) => p.id),
      ...(remake ? {} : { collectionUpToSeq: collection.reduce((max, p) => Math.max(max, p.seq), 0) }),
      locale,
      platform: input.target.platform,
      // Two `/memory` at once: the second must not make another memory of the same photos.
      requireInCollection: !remake,
      ...(input.aspect ? { aspect: input.aspect } : {}),
      ...(input.resolution ? { resolution: input.resolution } : {}),
      ...(input.silent ? { silent: true } : {}),
      ...(song ? { songId: song.id } : {}),
    });
  } catch (error) {
    await claim.giveBack();
    if (!isPhotoMemoryError(error, "store.conflict")) throw error;
    const winner = await deps.lookup.latestMemory(conversation.id);
    const running = winner ? await store.getVideo(winner.videoId) : null;
    if (running) {
      await say(busyReply(running));
      return { kind: "busy", video: running };
    }
    await say(error.message);
    return { kind: "no_photos" };
  }
  const { project, video } = created;
  await claim.attach(project.id);
  const videoLog = log.child({ projectId: project.id, videoId: video.id });
  const curated = {
    from: collection.length,
    leftOut: curation.leftOut,
    ...(curation.leftOut.plan > 0 && claim.photosPerMemory !== null
      ? { planLimit: { photos: claim.photosPerMemory, premium: claim.premiumPhotosPerMemory } }
      : {}),
  };
  // The status message is edited into "ready" at the end: the note on what was left out goes along.
  const curationNote = leftOutPart({ curation: curated });
  const statusMessage = await announceAndSend(deps, {
    conversation,
    project,
    video,
    accountId: account.id,
    target: input.target,
    userId: input.user.id,
    text: (remake ? remakeReply : startedReply)({
      ...project,
      photoCount: photos.length,
      song,
      curation: curated,
    }),
    standing: input.statusMessage,
    ...(curationNote ? { curationNote } : {}),
  });
  const month = (deps.now?.() ?? new Date()).toISOString().slice(0, 7);
  await store.incrementUsage(account.id, month, "memoriesRequested");
  videoLog.info(
    { style, photos: photos.length, from: collection.length, songId: song?.id, ...curation.leftOut },
    "memory requested",
  );
  return { kind: "started", project, video, ...(statusMessage ? { statusMessage } : {}) };
}

/**
 * Posts the status message that progress will edit (or edits a standing one), records it on the video, and sends
 * `memory/requested`. A failure to post must not lose the memory, so the event is sent either way.
 */
export async function announceAndSend(
  deps: MemoryDeps,
  input: Omit<Parameters<typeof sendRequested>[1], "statusMessage"> & { text: string; standing?: MessageRef },
): Promise<MessageRef | undefined> {
  const { text, standing, ...event } = input;
  const statusMessage =
    standing && (await tryEdit(deps, standing, { text, progress: 0 }))
      ? standing
      : await postStatus(deps, input.target, text);
  if (statusMessage)
    await deps.store.setVideoStatusMessage(
      input.video.id,
      statusMessage as unknown as Record<string, unknown>,
    );
  await sendRequested(deps, { ...event, statusMessage });
  return statusMessage;
}

export async function upsertConversationOf(
  deps: MemoryDeps,
  target: ChatTarget,
  user?: ChatUser,
): Promise<Conversation> {
  return deps.store.upsertConversation({
    platform: target.platform,
    workspaceId: target.workspaceId ?? null,
    channelId: target.channelId,
    threadId: target.threadId ?? null,
    ...(user?.locale ? { locale: user.locale } : {}),
  });
}

/** Edits a standing message when the platform still allows it; false means post a new one instead. */
async function tryEdit(deps: MemoryDeps, ref: MessageRef, message: OutgoingMessage): Promise<boolean> {
  const chat = chatFor(deps, ref.target);
  if (!canEdit(chat, ref) || !chat.editMessage) return false;
  try {
    await chat.editMessage(ref, message);
    return true;
  } catch (error) {
    deps.logger.warn({ err: error }, "could not edit the standing message; posting a new one");
    return false;
  }
}

/** Posts the status message progress will edit; a failure to post must not lose the memory, so it is logged. */
async function postStatus(
  deps: MemoryDeps,
  target: ChatTarget,
  text: string,
): Promise<MessageRef | undefined> {
  try {
    return await chatFor(deps, target).postMessage(target, { text, progress: 0 });
  } catch (error) {
    deps.logger.warn({ err: error }, "could not post the status message; the memory goes on without it");
    return undefined;
  }
}

export async function sendRequested(
  deps: MemoryDeps,
  input: {
    conversation: Conversation;
    project: MemoryProject;
    video: GeneratedVideo;
    accountId: string;
    target: ChatTarget;
    statusMessage?: MessageRef | undefined;
    userId?: string;
    curationNote?: string;
  },
): Promise<void> {
  const { project, video } = input;
  const data: MemoryRequested = {
    accountId: input.accountId,
    conversationId: input.conversation.id,
    projectId: project.id,
    videoId: video.id,
    target: stripUndefined(input.target),
    style: project.style,
    locale: project.locale,
    aspect: project.aspect,
    resolution: project.resolution,
    ...(project.silent ? { silent: true } : {}),
    ...(project.songId ? { songId: project.songId } : {}),
    ...(project.title ? { title: project.title } : {}),
    ...(input.statusMessage ? { statusMessage: stripUndefined(input.statusMessage) } : {}),
    ...(input.userId ? { userId: input.userId } : {}),
    ...(input.curationNote ? { curationNote: input.curationNote } : {}),
  };
  // The event id makes a re-sent request (a retried webhook) start the render once.
  await deps.jobs.send({ name: "memory/requested", id: `memory-requested-${video.id}`, data });
}

function stripUndefined<T extends object>(value: T): T {
  return JSON.parse(JSON.stringify(value)) as T;
}

/** The language a memory of this conversation is written in: the chosen one, else the asker's, else the last seen. */
export function memoryLanguage(
  conversation: { language: string | null; locale: string | null },
  user: { locale?: string },
): string {
  return conversation.language ?? user.locale ?? conversation.locale ?? "en";
}
