import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { probe } from "../../src/core/render/index.ts";
import { createEmbeddedRunner } from "../../src/jobs/embedded-runner.ts";
import { silentLogger } from "./helpers.ts";
import { createPipelineHarness } from "./pipeline-harness.ts";

describe("render-memory with the real render engine", { timeout: 180_000 }, () => {
  it("delivers a playable MP4 made by ffmpeg from the stored photos", async () => {
    const h = await createPipelineHarness({ renderer: "real" });
    try {
      const { data, video } = await h.requestMemory(2, "Real one");
      const runner = createEmbeddedRunner({
        db: h.db,
        functions: h.functions,
        logger: silentLogger,
        pollIntervalMs: 10,
      });
      await runner.start();
      await runner.jobs.send({ name: "memory/requested", data });
      await runner.idle();
      await runner.stop();

      const row = await h.store.getVideo(video.id);
      expect(row?.status).toBe("completed");
      const delivered = h.chat.records.find((r) => r.kind === "video");
      expect(delivered?.video).toMatchObject({ title: "Real one", width: 1280, height: 720 });
      const path = h.blobs.localPath?.(row?.videoKey ?? "") ?? "";
      const probed = await probe(join(path));
      expect(probed.durationSeconds).toBeGreaterThan(2);
      expect(probed.streams.some((s) => s.codecType === "video")).toBe(true);
    } finally {
      await h.close();
    }
  });
});
