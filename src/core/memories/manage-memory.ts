/** `/memory status`, `reset`, `cancel` and `retry`: the commands around a memory once it is requested. */
import type { ChatTarget, MessageRef } from "../chat/chat-adapter.ts";
import { canEdit } from "../chat/chat-for.ts";
import { songLabel } from "../songs/song-words.ts";
import type { GeneratedVideo, MemoryProject } from "../store/records.ts";
import { type ChatUser, chatFor, type MemoryDeps } from "./deps.ts";
import { plural, startedReply, videoStatusLine } from "./replies.ts";
import { announceAndSend, upsertConversationOf } from "./request-memory.ts";

interface CommandInput {
  target: ChatTarget;
  user: ChatUser;
}

async function latestOf(deps: MemoryDeps, conversationId: string) {
  const latest = await deps.lookup.latestMemory(conversationId);
  if (!latest) return null;
  const [project, video] = await Promise.all([
    deps.store.getProject(latest.projectId),
    deps.store.getVideo(latest.videoId),
  ]);
  return project && video ? { project, video } : null;
}

export async function memoryStatus(deps: MemoryDeps, input: CommandInput): Promise<string> {
  const conversation = await upsertConversationOf(deps, input.target);
  const collected = await deps.store.countPhotosSinceLastMemory(conversation.id);
  const latest = await latestOf(deps, conversation.id);
  // Photos are never used up: with none new, say that the last memory's photos are there for another memory.
  const remakable = collected === 0 ? await deps.store.countPhotosOfLastMemory(conversation.id) : 0;
  const lines = [
    remakable > 0
      ? `No new photos in this collection since the last memory; \`/memory <style>\` makes another memory of the same ${plural(remakable, "photo")}.`
      : `${plural(collected, "photo")} in this collection.`,
  ];
  const song = await deps.store.nextSong(conversation.id);
  if (song) lines.push(`The next memory's music: ${songLabel(song)}.`);
  if (latest) lines.push(videoStatusLine(latest.video, latest.project.title));
  else lines.push("No memory made here yet: type `/memory` to make one.");
  const text = lines.join(" ");
  await chatFor(deps, input.target).postMessage(input.target, { text });
  return text;
}

export async function resetCollection(deps: MemoryDeps, input: CommandInput): Promise<number> {
  const conversation = await upsertConversationOf(deps, input.target);
  const setAside = await deps.store.resetCollection(conversation.id);
  deps.logger.info({ conversationId: conversation.id, setAside }, "collection reset");
  const text =
    setAside > 0
      ? `Started a new collection; ${plural(setAside, "photo")} set aside. Drop new photos, then type \`/memory\`.`
      : "Started a new collection. Drop photos, then type `/memory`.";
  await chatFor(deps, input.target).postMessage(input.target, { text });
  return setAside;
}

export async function cancelMemory(
  deps: MemoryDeps,
  input: CommandInput,
): Promise<{ cancelled: boolean; video?: GeneratedVideo }> {
  const chat = chatFor(deps, input.target);
  const conversation = await upsertConversationOf(deps, input.target);
  const latest = await latestOf(deps, conversation.id);
  if (!latest || (latest.video.status !== "queued" && latest.video.status !== "processing")) {
    await chat.postMessage(input.target, {
      text: "There is no memory being made here, so there is nothing to cancel.",
    });
    return { cancelled: false };
  }
  const { video } = latest;
  const moved = await deps.store.transitionVideo(video.id, ["queued", "processing"], "cancelled");
  if (!moved) {
    const fresh = await deps.store.getVideo(video.id);
    await chat.postMessage(input.target, {
      text: fresh ? videoStatusLine(fresh, latest.project.title) : "That memory is gone.",
    });
    return { cancelled: false };
  }
  await deps.jobs.send({
    name: "memory/cancelled",
    id: `memory-cancelled-${video.id}`,
    data: { videoId: video.id, reason: "user" },
  });
  deps.logger.info({ conversationId: conversation.id, videoId: video.id }, "memory cancelled");
  // The status message stops saying "Making your memory…" (the render no longer edits it once cancelled).
  const status = video.statusMessageRef as unknown as MessageRef | null;
  if (status && canEdit(chat, status) && chat.editMessage) {
    const name = latest.project.title ? `“${latest.project.title}”` : "This memory";
    await chat
      .editMessage(status, { text: `⏹️ ${name} was cancelled.` })
      .catch((error: unknown) => deps.logger.warn({ err: error }, "could not update the status message"));
  }
  await chat.postMessage(input.target, {
    text: "Cancelled. Your photos are still here: type `/memory retry` to make it after all.",
  });
  return { cancelled: true, video };
}

/**
 * Makes a failed or cancelled memory again with the same photos, style and title: a new video row (the old one keeps
 * its history), and a new `memory/requested` event.
 */
export async function retryMemory(
  deps: MemoryDeps,
  input: CommandInput & { videoId?: string },
): Promise<{ retried: boolean; project?: MemoryProject; video?: GeneratedVideo }> {
  const chat = chatFor(deps, input.target);
  const say = (text: string) => chat.postMessage(input.target, { text });
  const conversation = await upsertConversationOf(deps, input.target);
  let found: { project: MemoryProject; video: GeneratedVideo } | null = null;
  if (input.videoId) {
    if (await deps.lookup.videoBelongsTo(input.videoId, conversation.id)) {
      const video = await deps.store.getVideo(input.videoId);
      const project = video ? await deps.store.getProject(video.projectId) : null;
      if (video && project) found = { project, video };
    }
  } else {
    found = await latestOf(deps, conversation.id);
  }
  if (!found) {
    await say("There is no memory here to try again. Type `/memory` to make one.");
    return { retried: false };
  }
  if (found.video.status !== "failed" && found.video.status !== "cancelled") {
    await say(videoStatusLine(found.video, found.project.title));
    return { retried: false };
  }
  const latest = await latestOf(deps, conversation.id);
  if (latest && (latest.video.status === "queued" || latest.video.status === "processing")) {
    await say(videoStatusLine(latest.video, latest.project.title));
    return { retried: false };
  }
  const old = found.project;
  const photos = (await deps.store.getPhotos(old.photoIds)).filter(
    (p) => p.status === "ready" && !p.deletedAt,
  );
  if (photos.length === 0) {
    await say("The photos of that memory are gone. Drop photos again, then type `/memory`.");
    return { retried: false };
  }
  const account = await deps.store.upsertAccount({
    platform: input.target.platform,
    workspaceId: input.target.workspaceId ?? null,
    userId: input.user.id,
    ...(input.user.name ? { displayName: input.user.name } : {}),
  });
  // A retry is a new memory: it takes a slot of the month (the failed one gave its slot back).
  const claim = await deps.entitlements.claimMemory({
    accountId: account.id,
    platform: input.target.platform,
    target: input.target,
  });
  if (!claim.allowed) {
    await chat.postMessage(input.target, {
      text: claim.reply,
      ...(claim.actions ? { actions: claim.actions } : {}),
    });
    return { retried: false };
  }
  // Photos dropped after the failed memory stay in the collection: createProjectWithVideo restarts it only after the
  // newest photo of this project.
  const { project, video } = await deps.store
    .createProjectWithVideo({
      conversationId: conversation.id,
      requesterAccountId: account.id,
      style: old.style,
      title: old.title,
      photoIds: photos.map((p) => p.id),
      locale: old.locale,
      aspect: old.aspect,
      resolution: old.resolution,
      silent: old.silent,
      songId: old.songId,
      platform: old.platform,
    })
    .catch(async (error: unknown) => {
      await claim.giveBack();
      throw error;
    });
  await claim.attach(project.id);
  const song = old.songId ? await deps.store.getSong(old.songId) : null;
  await announceAndSend(deps, {
    conversation,
    project,
    video,
    accountId: account.id,
    target: input.target,
    userId: input.user.id,
    text: `Trying again. ${startedReply({ photoCount: photos.length, style: project.style, title: project.title, silent: project.silent, song })}`,
  });
  deps.logger.info(
    { conversationId: conversation.id, projectId: project.id, videoId: video.id, retryOf: found.video.id },
    "memory retried",
  );
  return { retried: true, project, video };
}
