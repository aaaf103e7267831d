import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import {
  cancelMemory,
  handleMemoryCommand,
  receivePhotos,
  requestMemory,
  retryMemory,
} from "../../src/core/memories/index.ts";
import { createHarness, type Harness, makeJpeg } from "./harness.ts";

const ada = { id: "ada", name: "Ada" };
let h: Harness;

// One database for the file (PGlite start-up and migrations take a while); every test gets its own conversation.
beforeAll(async () => {
  h = await createHarness();
});
afterAll(async () => {
  await h.close();
});
beforeEach(() => {
  h.newConversation();
});

function lastRequested() {
  const event = h.events.at(-1);
  if (event?.name !== "memory/requested") throw new Error(`expected memory/requested, got ${event?.name}`);
  return event.data;
}

/** The memory's render as the job would end it. */
async function finish(videoId: string) {
  await h.deps.store.transitionVideo(videoId, ["queued"], "processing");
  await h.deps.store.transitionVideo(videoId, ["processing"], "completed");
}

async function dropPhotos(count: number) {
  const photos = await Promise.all(
    Array.from({ length: count }, async (_, i) => ({
      name: `IMG_${i + 1}.jpg`,
      bytes: await makeJpeg(i + 1),
    })),
  );
  return receivePhotos(h.deps, { target: h.target, user: ada, photos });
}

describe("receiving photos", () => {
  it("answers a burst with one line that names every skipped photo and why", async () => {
    const summary = await receivePhotos(h.deps, {
      target: h.target,
      user: ada,
      photos: [
        { name: "beach.jpg", bytes: await makeJpeg(1) },
        {
          name: "login.html",
          bytes: new TextEncoder().encode("<!doctype html><html><body>Sign in</body></html>"),
        },
        { name: "empty.jpg", bytes: new Uint8Array() },
        { name: "sunset.jpg", bytes: await makeJpeg(2) },
      ],
    });
    expect(summary.added.map((p) => p.name)).toEqual(["beach.jpg", "sunset.jpg"]);
    const texts = await h.botTexts();
    expect(texts).toHaveLength(1);
    expect(texts[0]).toContain("Got 2 photos (2 in this collection)");
    expect(texts[0]).toContain("2 skipped");
    expect(texts[0]).toMatch(/login\.html is not a photo/);
    expect(texts[0]).toMatch(/empty\.jpg is empty/);
  });

  it("recognises a photo sent twice", async () => {
    const bytes = await makeJpeg(7);
    await receivePhotos(h.deps, { target: h.target, user: ada, photos: [{ name: "a.jpg", bytes }] });
    const again = await receivePhotos(h.deps, {
      target: h.target,
      user: ada,
      photos: [{ name: "a-copy.jpg", bytes }],
    });
    expect(again.duplicates).toEqual(["a-copy.jpg"]);
    expect(again.collected).toBe(1);
    expect((await h.botTexts())[1]).toContain("a-copy.jpg was already here");
  });
});

describe("requesting a memory", () => {
  it("starts a memory: one status message with progress and one memory/requested event", async () => {
    await dropPhotos(3);
    const result = await requestMemory(h.deps, {
      target: h.target,
      user: ada,
      style: "modern",
      title: "Our trip",
    });
    expect(result.kind).toBe("started");
    if (result.kind !== "started") return;
    expect(h.events).toHaveLength(1);
    const event = h.events[0];
    expect(event?.name).toBe("memory/requested");
    expect(event?.data).toMatchObject({
      videoId: result.video.id,
      projectId: result.project.id,
      style: "modern",
      title: "Our trip",
      target: { platform: "playground", channelId: h.target.channelId },
    });
    expect(result.project.photoIds).toHaveLength(3);
    const messages = await h.chat.messages.list(h.target.channelId);
    const status = messages.at(-1);
    expect(status?.text).toContain("from 3 photos in the modern style");
    expect(status?.progress).toBe(0);
    expect((await h.deps.store.getVideo(result.video.id))?.statusMessageRef).toMatchObject({
      messageId: status?.id,
    });
  });

  it("answers a premium style with a locked reply that names it, and starts nothing", async () => {
    await dropPhotos(2);
    const result = await requestMemory(h.deps, { target: h.target, user: ada, style: "vintage" });
    expect(result.kind).toBe("locked");
    expect(h.events).toHaveLength(0);
    const last = (await h.botTexts()).at(-1);
    expect(last).toContain("vintage style is a premium style");
    expect(last).toContain("locked");
  });

  it("asks for photos first when there are none", async () => {
    await handleMemoryCommand(h.deps, { target: h.target, user: ada, text: "/memory" });
    expect(h.events).toHaveLength(0);
    expect((await h.botTexts()).at(-1)).toContain("no new photos");
  });

  it("does not start a second memory while one is being made", async () => {
    await dropPhotos(2);
    await handleMemoryCommand(h.deps, { target: h.target, user: ada, text: "/memory" });
    await dropPhotos(1);
    await handleMemoryCommand(h.deps, { target: h.target, user: ada, text: "/memory" });
    expect(h.events).toHaveLength(1);
    expect((await h.botTexts()).at(-1)).toContain("already being made");
  });

  it("makes one memory when two people type /memory at the same moment", async () => {
    await dropPhotos(2);
    const results = await Promise.all([
      requestMemory(h.deps, { target: h.target, user: ada, style: "classic" }),
      requestMemory(h.deps, { target: h.target, user: { id: "bob", name: "Bob" }, style: "modern" }),
    ]);
    expect(results.map((r) => r.kind).sort()).toEqual(["busy", "started"]);
    expect(h.events.filter((e) => e.name === "memory/requested")).toHaveLength(1);
  });

  it("offers a style picker when the platform has buttons and no style was typed", async () => {
    await dropPhotos(1);
    await handleMemoryCommand(h.deps, { target: h.target, user: ada, text: "", offerStylePicker: true });
    const last = (await h.chat.messages.list(h.target.channelId)).at(-1);
    expect(last?.actions?.map((a) => a.label)).toEqual(["classic", "modern", "cinematic", "vintage"]);
    expect(h.events).toHaveLength(0);
  });
});

describe("help, status, reset, cancel, retry", () => {
  it("explains the commands", async () => {
    await handleMemoryCommand(h.deps, { target: h.target, user: ada, text: "/memory help" });
    const help = (await h.botTexts()).at(-1) ?? "";
    for (const word of [
      "/memory status",
      "/memory new",
      "/memory cancel",
      "/memory retry",
      "vintage (premium)",
    ]) {
      expect(help).toContain(word);
    }
  });

  it("writes memories in the language chosen with /memory lang, over the app language of whoever asks", async () => {
    await dropPhotos(2);
    const german = { ...ada, locale: "de" };
    await handleMemoryCommand(h.deps, { target: h.target, user: german, text: "/memory lang" });
    expect((await h.botTexts()).at(-1)).toContain(
      "follow the app language of whoever asks (now German (Deutsch))",
    );
    await handleMemoryCommand(h.deps, { target: h.target, user: german, text: "/memory lang fr" });
    expect((await h.botTexts()).at(-1)).toContain("written in French (français)");
    await handleMemoryCommand(h.deps, { target: h.target, user: german, text: "/memory classic" });
    expect(lastRequested().locale).toBe("fr");
    // Remembered: asked again (a remake of the same photos), still French; a wrong code changes nothing.
    await finish(lastRequested().videoId);
    await handleMemoryCommand(h.deps, { target: h.target, user: german, text: "/memory lang klingon" });
    expect((await h.botTexts()).at(-1)).toContain("I don't know the language “klingon”");
    await handleMemoryCommand(h.deps, { target: h.target, user: german, text: "/memory modern" });
    expect(lastRequested()).toMatchObject({ style: "modern", locale: "fr" });
    // auto: back to the asker's app language.
    await finish(lastRequested().videoId);
    await handleMemoryCommand(h.deps, { target: h.target, user: german, text: "/memory lang auto" });
    await handleMemoryCommand(h.deps, { target: h.target, user: german, text: "/memory classic" });
    expect(lastRequested()).toMatchObject({ style: "classic", locale: "de" });
  });

  it("reports the collection and the last memory", async () => {
    await dropPhotos(2);
    await handleMemoryCommand(h.deps, { target: h.target, user: ada, text: "/memory status" });
    expect((await h.botTexts()).at(-1)).toContain("2 photos in this collection");
    await handleMemoryCommand(h.deps, { target: h.target, user: ada, text: "/memory Lake" });
    await handleMemoryCommand(h.deps, { target: h.target, user: ada, text: "/memory status" });
    // The photos are not used up: the status says a memory of them can be made again.
    expect((await h.botTexts()).at(-1)).toMatch(
      /^No new photos in this collection since the last memory; `\/memory <style>` makes another memory of the same 2 photos\. “Lake” is waiting/,
    );
    await handleMemoryCommand(h.deps, { target: h.target, user: ada, text: "/memory new" });
    await handleMemoryCommand(h.deps, { target: h.target, user: ada, text: "/memory status" });
    expect((await h.botTexts()).at(-1)).toMatch(/^0 photos in this collection\. “Lake” is waiting/);
  });

  it("remakes the last memory's photos in another style when no new photos came, until /memory new", async () => {
    await dropPhotos(3);
    await handleMemoryCommand(h.deps, { target: h.target, user: ada, text: "/memory classic Our trip" });
    const first = lastRequested();
    const firstProject = await h.deps.store.getProject(first.projectId);
    await finish(first.videoId);

    await handleMemoryCommand(h.deps, { target: h.target, user: ada, text: "/memory modern" });
    expect((await h.botTexts()).at(-1)).toContain("same 3 photos in the modern style");
    const second = lastRequested();
    expect(second.style).toBe("modern");
    expect(second.title).toBe("Our trip"); // the typed title is kept
    const secondProject = await h.deps.store.getProject(second.projectId);
    expect(secondProject?.photoIds).toEqual(firstProject?.photoIds);
    await finish(second.videoId);

    // A remake of a remake still has the photos; a title typed now wins.
    await handleMemoryCommand(h.deps, { target: h.target, user: ada, text: "/memory Lisbon again" });
    expect((await h.botTexts()).at(-1)).toContain("same 3 photos");
    expect(lastRequested().title).toBe("Lisbon again");
    await finish(lastRequested().videoId);

    await handleMemoryCommand(h.deps, { target: h.target, user: ada, text: "/memory new" });
    expect((await h.botTexts()).at(-1)).toContain("Started a new collection");
    const events = h.events.length;
    await handleMemoryCommand(h.deps, { target: h.target, user: ada, text: "/memory modern" });
    expect(h.events).toHaveLength(events);
    expect((await h.botTexts()).at(-1)).toContain("no new photos");
  });

  it("takes a photo sent again after a memory into the next one instead of answering 'already here'", async () => {
    const bytes = await makeJpeg(11);
    await receivePhotos(h.deps, { target: h.target, user: ada, photos: [{ name: "a.jpg", bytes }] });
    await dropPhotos(2);
    await handleMemoryCommand(h.deps, { target: h.target, user: ada, text: "/memory" });
    await finish(lastRequested().videoId);

    const again = await receivePhotos(h.deps, {
      target: h.target,
      user: ada,
      photos: [{ name: "a-again.jpg", bytes }],
    });
    expect(again.duplicates).toEqual([]);
    expect(again.added.map((p) => p.name)).toEqual(["a-again.jpg"]);
    expect((await h.botTexts()).at(-1)).toMatch(/^Got 1 photo \(1 in this collection\)/);
    await handleMemoryCommand(h.deps, { target: h.target, user: ada, text: "/memory" });
    expect((await h.botTexts()).at(-1)).toContain("from 1 photo");
  });

  it("starts a new collection on reset", async () => {
    await dropPhotos(3);
    await handleMemoryCommand(h.deps, { target: h.target, user: ada, text: "/memory reset" });
    expect((await h.botTexts()).at(-1)).toContain("3 photos set aside");
    await handleMemoryCommand(h.deps, { target: h.target, user: ada, text: "/memory" });
    expect(h.events).toHaveLength(0);
    expect((await h.botTexts()).at(-1)).toContain("no new photos");
  });

  it("cancels the memory being made and sends memory/cancelled", async () => {
    await dropPhotos(2);
    const started = await requestMemory(h.deps, { target: h.target, user: ada });
    if (started.kind !== "started") throw new Error(started.kind);
    const result = await cancelMemory(h.deps, { target: h.target, user: ada });
    expect(result.cancelled).toBe(true);
    expect((await h.deps.store.getVideo(started.video.id))?.status).toBe("cancelled");
    expect(h.events.at(-1)).toMatchObject({ name: "memory/cancelled", data: { videoId: started.video.id } });
    await cancelMemory(h.deps, { target: h.target, user: ada });
    expect((await h.botTexts()).at(-1)).toContain("nothing to cancel");
  });

  it("retries a failed memory with the same photos and style", async () => {
    await dropPhotos(2);
    const started = await requestMemory(h.deps, {
      target: h.target,
      user: ada,
      style: "modern",
      title: "Trip",
    });
    if (started.kind !== "started") throw new Error(started.kind);
    await h.deps.store.transitionVideo(started.video.id, ["queued"], "processing");
    await h.deps.store.transitionVideo(started.video.id, ["processing"], "failed", {
      errorCode: "render.ffmpeg_failed",
      errorMessage: "The video could not be encoded.",
    });
    const retried = await retryMemory(h.deps, { target: h.target, user: ada, videoId: started.video.id });
    expect(retried.retried).toBe(true);
    expect(retried.video?.id).not.toBe(started.video.id);
    expect(retried.project).toMatchObject({ style: "modern", title: "Trip" });
    expect(retried.project?.photoIds).toEqual(started.project.photoIds);
    expect(h.events.at(-1)).toMatchObject({ name: "memory/requested", data: { videoId: retried.video?.id } });
    expect((await h.botTexts()).at(-1)).toContain("Trying again");
  });

  it("makes a memory without music on `/memory … silent`, and its retry stays silent", async () => {
    await dropPhotos(2);
    await handleMemoryCommand(h.deps, {
      target: h.target,
      user: ada,
      text: "/memory modern silent Quiet morning",
    });
    const silent = lastRequested();
    expect(silent).toMatchObject({ style: "modern", silent: true, title: "Quiet morning" });
    expect((await h.botTexts()).at(-1)).toContain("in the modern style, without music");
    expect((await h.deps.store.getProject(silent.projectId))?.silent).toBe(true);
    await h.deps.store.transitionVideo(silent.videoId, ["queued"], "processing");
    await h.deps.store.transitionVideo(silent.videoId, ["processing"], "failed", {
      errorCode: "render.ffmpeg_failed",
      errorMessage: "The video could not be encoded.",
    });
    const retried = await retryMemory(h.deps, { target: h.target, user: ada, videoId: silent.videoId });
    expect(retried.project?.silent).toBe(true);
    expect(lastRequested()).toMatchObject({ videoId: retried.video?.id, silent: true });
    await finish(lastRequested().videoId);
    // Without the word, the next memory (a remake of the same photos) has the style's music again.
    await handleMemoryCommand(h.deps, { target: h.target, user: ada, text: "/memory classic" });
    expect(lastRequested().silent).toBeUndefined();
    expect((await h.deps.store.getProject(lastRequested().projectId))?.silent).toBe(false);
  });

  it("does not retry a memory of another conversation", async () => {
    await dropPhotos(1);
    const started = await requestMemory(h.deps, { target: h.target, user: ada });
    if (started.kind !== "started") throw new Error(started.kind);
    const elsewhere = { platform: "playground" as const, channelId: "other" };
    const result = await retryMemory(h.deps, { target: elsewhere, user: ada, videoId: started.video.id });
    expect(result.retried).toBe(false);
  });
});

describe("platform entry points", () => {
  it("records dropped platform files as pending photos at once and hands them to the ingest job, never bytes", async () => {
    const { dropPhotos, requestMemory } = await import("../../src/core/memories/index.ts");
    const target = { platform: "playground" as const, channelId: h.target.channelId };
    const drop = {
      target,
      userId: "U1",
      deliveryKey: "slack:Ev1",
      messageId: "1700000001.000200",
      files: [{ platform: "playground" as const, fileId: "F1", name: "IMG_1.jpg" }],
    };
    const dropped = await dropPhotos(h.deps, drop);
    expect(dropped.fresh).toBe(1);
    expect(h.events).toHaveLength(1);
    expect(h.events[0]).toMatchObject({
      name: "photos/dropped",
      id: "photos-dropped-slack:Ev1-0",
      data: { target, photoIds: dropped.photoIds, messageId: "1700000001.000200", userId: "U1" },
    });
    expect(JSON.stringify(h.events[0])).not.toContain("bytes");
    // The platform's retry of the same delivery: nothing new, the still-pending photo is sent under the same event id.
    const again = await dropPhotos(h.deps, drop);
    expect(again).toMatchObject({ fresh: 0, photoIds: dropped.photoIds });
    expect(h.events[1]?.id).toBe("photos-dropped-slack:Ev1-0");

    // `/memory` before the download: the pending photo is in the memory.
    const result = await requestMemory(h.deps, { target, user: ada, style: "classic" });
    expect(result.kind).toBe("started");
    if (result.kind === "started") expect(result.project.photoIds).toEqual(dropped.photoIds);
    expect((await h.botTexts()).at(-1)).toContain("from 1 photo");
  });

  it("edits a standing message (a deferred reply) instead of posting a new status", async () => {
    const { runMemoryCommand } = await import("../../src/core/memories/index.ts");
    await dropPhotos(2);
    const standing = await h.chat.adapter.postMessage(h.target, { text: "Thinking…" });
    const before = (await h.chat.messages.list(h.target.channelId)).length;
    await runMemoryCommand(h.deps, {
      target: h.target,
      user: ada,
      command: { kind: "request", style: "classic" },
      statusMessage: standing,
    });
    const after = await h.chat.messages.list(h.target.channelId);
    expect(after).toHaveLength(before);
    expect(after.find((m) => m.id === standing.messageId)?.text).toContain("Making your memory");
    expect(h.events[0]?.data).toMatchObject({ statusMessage: { messageId: standing.messageId } });
  });
});
