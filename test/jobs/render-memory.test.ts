import { describe, expect, it } from "vitest";
import type { Script, ScriptWriter } from "../../src/core/domain.ts";
import { PhotoMemoryError } from "../../src/core/errors.ts";
import { deliverVideo } from "../../src/core/memories/pipeline/index.ts";
import { createOfflineScriptWriter } from "../../src/core/script/offline-script-writer.ts";
import { createEmbeddedRunner } from "../../src/jobs/embedded-runner.ts";
import { gate, migratedDb, silentLogger } from "./helpers.ts";
import { createFakeRenderer, createPipelineHarness } from "./pipeline-harness.ts";

function runnerFor(h: Awaited<ReturnType<typeof createPipelineHarness>>, functions = h.functions) {
  return createEmbeddedRunner({
    db: h.db,
    functions,
    logger: silentLogger,
    pollIntervalMs: 10,
    backoff: () => 0,
  });
}

describe("render-memory", { timeout: 180_000 }, () => {
  it("makes the video, stores it under deterministic keys and posts it once to the chat", async () => {
    const h = await createPipelineHarness();
    try {
      const { data, video } = await h.requestMemory(3, "Our trip");
      const curationNote = " Left out: 2 near-duplicates. `/memory all` keeps every photo.";
      const runner = runnerFor(h);
      await runner.start();
      await runner.jobs.send({ name: "memory/requested", data: { ...data, curationNote } });
      await runner.idle();
      await runner.stop();

      const videos = h.chat.records.filter((r) => r.kind === "video");
      expect(videos).toHaveLength(1);
      expect(videos[0]?.video).toMatchObject({ title: "Our trip", bytes: 3000, durationSeconds: 9 });
      const row = await h.store.getVideo(video.id);
      expect(row).toMatchObject({
        status: "completed",
        videoKey: `${h.conversation.id}/videos/${video.id}.mp4`,
        posterKey: `${h.conversation.id}/posters/${video.id}.jpg`,
        deliveredMessageRef: expect.objectContaining({ messageId: videos[0]?.messageId }),
      });
      expect(await h.blobs.exists(`${h.conversation.id}/videos/${video.id}.mp4`)).toBe(true);
      // The renderer got the photos as local files fetched from the BlobStore, in a temp dir that is gone now.
      expect(h.fake.calls[0]?.photos).toHaveLength(3);
      expect((await h.store.getProject(data.projectId))?.script?.title).toBe("Our trip");
      const edits = h.chat.records.filter((r) => r.kind === "edit");
      // The status ends ready, still saying what curation left out.
      expect(edits.at(-1)?.text).toMatch(
        /is ready\..* Left out: 2 near-duplicates\. `\/memory all` keeps every photo\.$/,
      );
      for (const edit of edits) expect(Math.round((edit.progress ?? 0) * 100) % 5).toBe(0);
    } finally {
      await h.close();
    }
  });

  it("renders a `/memory … silent` memory without music, and others with the style's soundtrack", async () => {
    const h = await createPipelineHarness();
    try {
      const runner = runnerFor(h);
      await runner.start();
      const quiet = await h.requestMemory(2);
      await runner.jobs.send({ name: "memory/requested", data: { ...quiet.data, silent: true } });
      await runner.idle();
      const loud = await h.requestMemory(1);
      await runner.jobs.send({ name: "memory/requested", data: loud.data });
      await runner.idle();
      await runner.stop();
      expect(h.fake.calls.map((c) => c.silent ?? false)).toEqual([true, false]);
    } finally {
      await h.close();
    }
  });

  it("resumes after a crash during the render without re-running earlier steps, and delivers exactly once", async () => {
    const db = await migratedDb();
    const writes: string[] = [];
    const counting: ScriptWriter = {
      name: "counting",
      async write(request) {
        writes.push(request.photos.map((p) => p.id).join(","));
        return createOfflineScriptWriter().write(request);
      },
    };
    const renderStarted = gate();
    let crash = true;
    const fake = createFakeRenderer({
      async onRender() {
        if (crash) {
          crash = false;
          renderStarted.open();
          await new Promise(() => {}); // SIGKILL in the middle of ffmpeg: nothing after this happens
        }
      },
    });
    const h = await createPipelineHarness({ db, renderer: fake.renderer, scriptWriter: counting });
    try {
      const { data, video } = await h.requestMemory(2);
      const first = runnerFor(h);
      await first.start();
      await first.jobs.send({ name: "memory/requested", data });
      await renderStarted.promise;
      await first.stop({ timeoutMs: 20 });

      // The restarted process: same database and blobs, fresh memory (its own render semaphore).
      const second = runnerFor(h, h.makeFunctions());
      await second.start();
      await second.idle();
      await second.stop();

      expect(writes).toHaveLength(1);
      expect(fake.calls).toHaveLength(2);
      expect(h.chat.records.filter((r) => r.kind === "video")).toHaveLength(1);
      expect((await h.store.getVideo(video.id))?.status).toBe("completed");
    } finally {
      await h.close();
      await db.close();
    }
  });

  it("does not post the video twice when the deliver step runs again", async () => {
    const h = await createPipelineHarness();
    try {
      const { data, video } = await h.requestMemory(1);
      const runner = runnerFor(h);
      await runner.start();
      await runner.jobs.send({ name: "memory/requested", data });
      await runner.idle();
      await runner.stop();
      const again = await deliverVideo(
        { ...h, logger: silentLogger, chats: { playground: h.chat.adapter } },
        { videoId: video.id, target: h.target, title: "x", shareUrl: null },
      );
      expect(again.alreadyDelivered).toBe(true);
      expect(h.chat.records.filter((r) => r.kind === "video")).toHaveLength(1);
    } finally {
      await h.close();
    }
  });

  it("offers the share link instead of the file when the video is larger than the chat accepts", async () => {
    const h = await createPipelineHarness({ maxUploadBytes: 1500 });
    try {
      const { data, video } = await h.requestMemory(2, "Big one");
      const stored = await h.store.getVideo(video.id);
      const runner = runnerFor(h);
      await runner.start();
      await runner.jobs.send({ name: "memory/requested", data });
      await runner.idle();
      await runner.stop();
      expect(h.chat.records.filter((r) => r.kind === "video")).toHaveLength(0);
      const link = h.chat.records.find((r) => r.text?.includes("too large to upload here"));
      expect(link?.text).toContain("“Big one” is ready");
      expect(stored?.shareToken).toBeTruthy();
      expect((await h.store.getVideo(video.id))?.deliveredMessageRef).toMatchObject({ via: "link" });
    } finally {
      await h.close();
    }
  });

  it("marks the video failed and tells the user why, with a Retry button, when the render cannot work", async () => {
    const fake = createFakeRenderer({
      onRender() {
        throw new PhotoMemoryError("render.ffmpeg_missing", "ffmpeg is not installed on this server.");
      },
    });
    const h = await createPipelineHarness({ renderer: fake.renderer });
    try {
      const { data, video } = await h.requestMemory(2, "Beach");
      const runner = runnerFor(h);
      await runner.start();
      await runner.jobs.send({ name: "memory/requested", data });
      await runner.idle();
      await runner.stop();
      expect(fake.calls).toHaveLength(1); // a missing ffmpeg is not retried
      const row = await h.store.getVideo(video.id);
      // The operator's detail stays in the log; the user reads what it means for them.
      const forUsers = "This server cannot make videos right now (its video tool is not set up)";
      expect(row?.status).toBe("failed");
      expect(row?.errorMessage).toContain(forUsers);
      const told = h.chat.records.find((r) => r.actions?.some((a) => a.id === "retry"));
      expect(told?.text).toContain(`“Beach” could not be made: ${forUsers}`);
      expect(told?.text).not.toContain("ffmpeg");
      // The status message itself ends there: the failure, no progress bar or percentage left behind.
      const status = data.statusMessage?.messageId;
      const last = h.chat.records.filter((r) => r.messageId === status).at(-1);
      expect(last).toMatchObject({ kind: "edit", text: told?.text });
      expect(last?.progress).toBeUndefined();
      expect(last?.text).not.toMatch(/%/);
      expect(h.chat.records.filter((r) => r.kind === "post")).toHaveLength(1);
      expect(told?.actions).toEqual([
        expect.objectContaining({ label: "Retry", value: `retry:${video.id}` }),
      ]);
    } finally {
      await h.close();
    }
  });

  it("retries a failing render, then gives up with a plain sentence", async () => {
    const fake = createFakeRenderer({
      onRender() {
        throw new Error("ffmpeg exited with code 137");
      },
    });
    const h = await createPipelineHarness({ renderer: fake.renderer });
    try {
      const { data, video } = await h.requestMemory(1);
      const runner = runnerFor(h);
      await runner.start();
      await runner.jobs.send({ name: "memory/requested", data });
      await runner.idle();
      await runner.stop();
      expect(fake.calls).toHaveLength(4);
      expect((await h.store.getVideo(video.id))?.status).toBe("failed");
      const told = h.chat.records.filter((r) => r.actions?.some((a) => a.value === `retry:${video.id}`));
      expect(told).toHaveLength(1);
      expect(told[0]?.text).toContain("Something went wrong while making it.");
      expect(told[0]?.text).not.toContain("137");
    } finally {
      await h.close();
    }
  });

  it("stops on memory/cancelled: nothing is delivered and no failure is reported", async () => {
    const inRender = gate();
    const fake = createFakeRenderer({
      async onRender(input) {
        inRender.open();
        await new Promise((resolve) => input.signal?.addEventListener("abort", resolve, { once: true }));
        throw new PhotoMemoryError("render.cancelled", "The render was cancelled.");
      },
    });
    const h = await createPipelineHarness({ renderer: fake.renderer });
    try {
      const { data, video } = await h.requestMemory(2);
      const runner = runnerFor(h);
      await runner.start();
      await runner.jobs.send({ name: "memory/requested", data });
      await inRender.promise;
      await h.store.transitionVideo(video.id, ["queued", "processing"], "cancelled");
      await runner.jobs.send({ name: "memory/cancelled", data: { videoId: video.id } });
      await runner.idle();
      await runner.stop();
      expect(h.chat.records.filter((r) => r.kind === "video")).toHaveLength(0);
      expect(h.chat.records.some((r) => r.actions?.some((a) => a.id === "retry"))).toBe(false);
      expect((await h.store.getVideo(video.id))?.status).toBe("cancelled");
    } finally {
      await h.close();
    }
  });

  it("writes the script in the requester's language through the configured writer", async () => {
    const seen: string[] = [];
    const writer: ScriptWriter = {
      name: "spy",
      async write(request): Promise<Script> {
        seen.push(request.locale);
        const preview = await request.preview?.(request.photos[0]?.id ?? "");
        expect(preview?.byteLength).toBeGreaterThan(100);
        return { ...(await createOfflineScriptWriter().write(request)), title: "Souvenirs", writer: "spy" };
      },
    };
    const h = await createPipelineHarness({ scriptWriter: writer });
    try {
      const { data } = await h.requestMemory(2);
      const runner = runnerFor(h);
      await runner.start();
      await runner.jobs.send({ name: "memory/requested", data: { ...data, locale: "fr-FR" } });
      await runner.idle();
      await runner.stop();
      expect(seen).toEqual(["fr-FR"]);
      expect(h.chat.records.find((r) => r.kind === "video")?.video?.title).toBe("Souvenirs");
    } finally {
      await h.close();
    }
  });
});
