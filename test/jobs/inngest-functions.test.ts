import { InngestTestEngine } from "@inngest/test";
import { RetryAfterError as InngestRetryAfterError } from "inngest";
import { describe, expect, it } from "vitest";
import type { ScriptWriter } from "../../src/core/domain.ts";
import { RetryAfterError } from "../../src/core/jobs/job-errors.ts";
import { createInngestClient } from "../../src/jobs/inngest-client.ts";
import { toInngestError, toInngestFunction } from "../../src/jobs/inngest-function.ts";
import { silentLogger } from "./helpers.ts";
import { createPipelineHarness } from "./pipeline-harness.ts";

const client = createInngestClient({ logger: silentLogger, isDev: true });

function inngestFn(h: Awaited<ReturnType<typeof createPipelineHarness>>, id: string) {
  const spec = h.functions.find((f) => f.id === id);
  if (!spec) throw new Error(`no function ${id}`);
  return toInngestFunction(client, spec, silentLogger);
}

describe("the job functions on Inngest", { timeout: 180_000 }, () => {
  it("declares render-memory with its trigger, per-account concurrency, retries and cancelOn", async () => {
    const h = await createPipelineHarness();
    try {
      const config = inngestFn(h, "render-memory")["getConfig"]({
        baseUrl: new URL("http://localhost:3000/api/inngest"),
        appPrefix: "photomemory",
      })[0] as Record<string, unknown>;
      expect(config).toMatchObject({
        triggers: [{ event: "memory/requested" }],
        concurrency: [{ key: "event.data.accountId", limit: 1 }],
        cancel: [{ event: "memory/cancelled", if: "event.data.videoId == async.data.videoId" }],
      });
      expect(JSON.stringify(config)).toContain('"attempts":3');
    } finally {
      await h.close();
    }
  });

  it("runs render-memory's steps in order and delivers the video", async () => {
    const h = await createPipelineHarness();
    try {
      const { data, video } = await h.requestMemory(2, "Inngest trip");
      const t = new InngestTestEngine({ function: inngestFn(h, "render-memory") });
      const { result, ctx } = await t.execute({ events: [{ name: "memory/requested", data }] });
      expect(result).toMatchObject({ videoId: video.id, status: "completed", via: "upload" });
      const stepIds = (ctx.step.run as unknown as { mock: { calls: unknown[][] } }).mock.calls.map(
        (c) => c[0],
      );
      expect(stepIds).toEqual(["load-photos", "write-script", "render", "publish", "deliver"]);
      // Step outputs are ids, keys and numbers: small JSON, never bytes.
      const outputs = await Promise.all(
        (ctx.step.run as unknown as { mock: { results: { value: unknown }[] } }).mock.results.map(
          (r) => r.value,
        ),
      );
      expect(outputs[2]).toMatchObject({ videoKey: `${h.conversation.id}/videos/${video.id}.mp4` });
      for (const output of outputs) expect(JSON.stringify(output).length).toBeLessThan(4000);
      expect(h.chat.records.filter((r) => r.kind === "video")).toHaveLength(1);
    } finally {
      await h.close();
    }
  });

  it("turns the script writer's rate limit into Inngest's RetryAfterError at the same time", async () => {
    const limited: ScriptWriter = {
      name: "limited",
      async write() {
        throw new RetryAfterError("OpenAI rate limit reached", 30_000);
      },
    };
    const h = await createPipelineHarness({ scriptWriter: limited });
    try {
      const { data } = await h.requestMemory(1);
      const t = new InngestTestEngine({ function: inngestFn(h, "render-memory") });
      const { error, ctx } = await t.execute({ events: [{ name: "memory/requested", data }] });
      const stepIds = (ctx.step.run as unknown as { mock: { calls: unknown[][] } }).mock.calls.map(
        (c) => c[0],
      );
      expect(stepIds).toEqual(["load-photos", "write-script"]);
      // The step failed with Inngest's RetryAfterError wrapping the core one (Inngest then waits that long).
      expect(error).toMatchObject({
        name: "RetryAfterError",
        message: "OpenAI rate limit reached",
        cause: { name: "RetryAfterError" },
      });
      const mapped = toInngestError(new RetryAfterError("OpenAI rate limit reached", 30_000));
      expect(mapped).toBeInstanceOf(InngestRetryAfterError);
      expect((mapped as InngestRetryAfterError).retryAfter).toBe("30");
      expect(h.chat.records.filter((r) => r.kind === "video")).toHaveLength(0);
    } finally {
      await h.close();
    }
  });

  it("hands onFailure the original event: the video is marked failed and the user gets a Retry button", async () => {
    const h = await createPipelineHarness();
    try {
      const { data, video } = await h.requestMemory(1, "Lost one");
      await h.store.transitionVideo(video.id, ["queued"], "processing");
      const fn = inngestFn(h, "render-memory") as unknown as {
        onFailureFn: (ctx: Record<string, unknown>) => Promise<unknown>;
      };
      // What Inngest sends once the retries are used up: `inngest/function.failed` with the trigger under data.event.
      await fn.onFailureFn({
        event: {
          name: "inngest/function.failed",
          data: {
            function_id: "photomemory-render-memory",
            run_id: "01JRUN",
            error: { name: "NonRetriableError", message: "ffmpeg is not installed on this server." },
            event: { name: "memory/requested", data },
          },
        },
        error: Object.assign(new Error("ffmpeg is not installed on this server."), {
          name: "NonRetriableError",
        }),
        step: { run: (_id: string, body: () => Promise<unknown>) => body() },
        runId: "01JRUN",
      });
      expect((await h.store.getVideo(video.id))?.status).toBe("failed");
      const told = h.chat.records.find((r) => r.actions?.length);
      expect(told?.text).toContain("“Lost one” could not be made: ffmpeg is not installed on this server.");
      expect(told?.actions?.[0]?.value).toBe(`retry:${video.id}`);
    } finally {
      await h.close();
    }
  });

  it("runs ingest-photos with one step per photo and a summary", async () => {
    const h = await createPipelineHarness();
    try {
      const { samplePhoto } = await import("./pipeline-harness.ts");
      h.chat.files.set("A", await samplePhoto(3));
      h.chat.files.set("B", await samplePhoto(4));
      const t = new InngestTestEngine({ function: inngestFn(h, "ingest-photos") });
      const data = await h.dropFiles([
        { fileId: "A", name: "a.jpg" },
        { fileId: "B", name: "b.jpg" },
      ]);
      const { result, ctx } = await t.execute({ events: [{ name: "photos/dropped", data }] });
      expect(result).toMatchObject({ photos: 2 });
      const stepIds = (ctx.step.run as unknown as { mock: { calls: unknown[][] } }).mock.calls.map(
        (c) => c[0],
      );
      expect(stepIds).toEqual([...data.photoIds.map((id) => `ingest-photo-${id}`), "summary"]);
      expect(h.chat.records.map((r) => r.text)).toEqual([
        expect.stringContaining("Got 2 photos (2 in this collection)."),
      ]);
    } finally {
      await h.close();
    }
  });
});

describe("/api/inngest", { timeout: 180_000 }, () => {
  it("serves every function and its failure handler through inngest/hono", async () => {
    const { Hono } = await import("hono");
    const { createInngestHandler } = await import("../../src/jobs/inngest-client.ts");
    const h = await createPipelineHarness();
    try {
      const handler = createInngestHandler({ client, functions: h.functions, logger: silentLogger });
      const app = new Hono();
      app.on(["GET", "POST", "PUT"], "/api/inngest", (c) => handler(c));
      const res = await app.request("http://localhost:3000/api/inngest");
      expect(res.status).toBe(200);
      // Three functions (ingest-photos, ingest-song, render-memory), each with its onFailure handler (Inngest
      // registers those as functions of their own).
      expect(await res.json()).toMatchObject({ function_count: 6 });
    } finally {
      await h.close();
    }
  });
});
