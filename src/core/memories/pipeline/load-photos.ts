/**
 * Step `load-photos`: waits (bounded) for the memory's photos still arriving, marks the video processing and returns
 * its photos as ids and blob keys, with the ones left out and why. Every photo whose message reached us before
 * `/memory` is in the memory, however slow its download, unless it failed (then it is named with its reason). A
 * video that was cancelled (or already finished) before the run got here is reported as such, and the run stops.
 */
import type { ChatTarget, MessageRef } from "../../chat/chat-adapter.ts";
import { canEdit } from "../../chat/chat-for.ts";
import { PhotoMemoryError } from "../../errors.ts";
import type { Photo } from "../../store/records.ts";
import { plural } from "../replies.ts";
import { chatFor, type PipelineDeps } from "./deps.ts";
import { type PhotoRef, toPhotoRef } from "./photo-refs.ts";

/** How long a memory waits for its photos still downloading, from the moment it was asked for. */
export const PHOTO_WAIT_MS = 150_000;
const POLL_MS = 400;

export interface LeftOutPhoto {
  name: string;
  reason: string;
}

export type LoadedPhotos =
  | { kind: "ready"; photos: PhotoRef[]; leftOut: LeftOutPhoto[] }
  | { kind: "stopped"; status: "cancelled" | "completed" | "failed" };

export async function loadPhotos(
  deps: Pick<PipelineDeps, "store"> & Partial<Pick<PipelineDeps, "chats" | "logger" | "now">>,
  input: {
    projectId: string;
    videoId: string;
    target?: ChatTarget | undefined;
    statusMessage?: MessageRef | undefined;
    signal?: AbortSignal | undefined;
  },
): Promise<LoadedPhotos> {
  const { store } = deps;
  const now = () => deps.now?.() ?? Date.now();
  const video = await store.getVideo(input.videoId);
  if (!video) throw new PhotoMemoryError("store.not_found", "This memory no longer exists.");
  if (video.status === "cancelled" || video.status === "completed" || video.status === "failed") {
    return { kind: "stopped", status: video.status };
  }
  const project = await store.getProject(input.projectId);
  if (!project) throw new PhotoMemoryError("store.not_found", "This memory no longer exists.");

  // Measured from the request, so a retried step does not wait again from zero.
  const deadline = project.createdAt.getTime() + PHOTO_WAIT_MS;
  let photos = await store.getPhotos(project.photoIds);
  let shown = -1;
  for (;;) {
    const arriving = photos.filter((p) => p.status === "pending" && !p.deletedAt).length;
    if (arriving === 0 || now() >= deadline || input.signal?.aborted) break;
    if (arriving !== shown) {
      shown = arriving;
      await showWaiting(deps, input, arriving);
    }
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
    const current = await store.getVideo(input.videoId);
    if (current?.status === "cancelled") return { kind: "stopped", status: "cancelled" };
    photos = await store.getPhotos(project.photoIds);
  }

  const usable = await usablePhotos(store, photos);
  const leftOut = photos.flatMap((p) => leftOutOf(p));
  if (usable.length === 0) {
    const why = leftOut.length > 0 ? ` ${leftOut.map((l) => l.reason).join(" ")}` : "";
    throw new PhotoMemoryError(
      "render.no_photos",
      `None of the photos of this memory could be used, so no video could be made.${why} Drop photos again, then type \`/memory\`.`,
    );
  }
  await store.transitionVideo(input.videoId, ["queued"], "processing");
  return { kind: "ready", photos: usable.map((p, i) => toPhotoRef(p, i)), leftOut };
}

/**
 * The ready photos of the memory, in its order. A pending photo that turned out to repeat a photo the conversation
 * already had stands for that photo (once), so a picture sent again after an earlier memory is in this one too.
 */
async function usablePhotos(store: PipelineDeps["store"], photos: readonly Photo[]): Promise<Photo[]> {
  const repeatedIds = photos.flatMap((p) =>
    p.rejectCode === "photo.duplicate" && p.duplicateOf ? [p.duplicateOf] : [],
  );
  const repeated = new Map((await store.getPhotos(repeatedIds)).map((p) => [p.id, p]));
  const seen = new Set<string>();
  const out: Photo[] = [];
  for (const photo of photos) {
    const use =
      photo.rejectCode === "photo.duplicate" && photo.duplicateOf ? repeated.get(photo.duplicateOf) : photo;
    if (use?.status !== "ready" || use.deletedAt || seen.has(use.id)) continue;
    seen.add(use.id);
    out.push(use);
  }
  return out;
}

/** A photo of the memory that will not be in it, and the sentence that says why (a duplicate is not left out). */
function leftOutOf(photo: Photo): LeftOutPhoto[] {
  if (photo.deletedAt) return [];
  const name = photo.originalName?.trim() || "A photo";
  if (photo.status === "pending") {
    return [{ name, reason: `${name} was still arriving after ${PHOTO_WAIT_MS / 60_000} minutes.` }];
  }
  if (photo.status === "rejected" && photo.rejectCode !== "photo.duplicate") {
    return [{ name, reason: photo.rejectReason ?? `${name} could not be used.` }];
  }
  return [];
}

export function arrivingText(count: number): string {
  return `⏳ ${plural(count, "photo")} still arriving…`;
}

async function showWaiting(
  deps: Partial<Pick<PipelineDeps, "chats" | "logger">>,
  input: { target?: ChatTarget | undefined; statusMessage?: MessageRef | undefined },
  count: number,
): Promise<void> {
  const status = input.statusMessage;
  if (!deps.chats || !input.target || !status) return;
  try {
    const chat = chatFor({ chats: deps.chats }, input.target);
    if (canEdit(chat, status)) await chat.editMessage?.(status, { text: arrivingText(count), progress: 0 });
  } catch (error) {
    deps.logger?.warn({ err: error }, "could not show the photos still arriving");
  }
}
