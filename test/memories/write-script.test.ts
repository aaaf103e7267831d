/**
 * The `write-script` step and a rate-limited script writer: a short retry-after is worth one wait, a long one
 * (`retry-after: 3600`) or a rate limit that persists is not; the memory then gets the offline script at once.
 */
import { describe, expect, it } from "vitest";
import type { Script, ScriptWriter } from "../../src/core/domain.ts";
import { RetryAfterError } from "../../src/core/jobs/job-errors.ts";
import { createSilentLogger } from "../../src/core/log.ts";
import type { PhotoRef } from "../../src/core/memories/pipeline/photo-refs.ts";
import { writeScript } from "../../src/core/memories/pipeline/write-script.ts";
import { createOfflineScriptWriter } from "../../src/core/script/offline-script-writer.ts";

const photos: PhotoRef[] = [1, 2, 3].map((i) => ({
  id: `p${i}`,
  blobKey: `c/photos/p${i}.jpg`,
  width: 1200,
  height: 900,
  takenAt: `2025-07-1${i}T10:00:00.000Z`,
  arrivalIndex: i,
  focus: null,
  name: `IMG_${i}.jpg`,
}));

function deps(retryAfterMs: number) {
  const saved: Script[] = [];
  const limited: ScriptWriter = {
    name: "openai",
    async write() {
      throw new RetryAfterError("OpenAI rate limit reached", retryAfterMs);
    },
  };
  return {
    saved,
    deps: {
      store: {
        async setProjectScript(_projectId: string, script: Script) {
          saved.push(script);
        },
      },
      blobs: { get: async () => new Uint8Array() },
      scriptWriter: limited,
      fallbackWriter: createOfflineScriptWriter(),
      logger: createSilentLogger(),
    } as unknown as Parameters<typeof writeScript>[0],
  };
}

describe("writeScript with a rate-limited writer", () => {
  const input = { projectId: "proj", photos, style: "classic" as const, locale: "en" };

  it("waits once for a short retry-after", async () => {
    const { deps: d, saved } = deps(20_000);
    await expect(writeScript(d, { ...input, attempt: 0 })).rejects.toBeInstanceOf(RetryAfterError);
    expect(saved).toHaveLength(0);
  });

  it("uses the offline script when the rate limit persists on the next attempt", async () => {
    const { deps: d, saved } = deps(20_000);
    const script = await writeScript(d, { ...input, attempt: 1 });
    expect(script.order).toHaveLength(3);
    expect(saved).toEqual([script]);
  });

  it("does not park a memory for an hour: retry-after 3600 s gives the offline script at once", async () => {
    const { deps: d, saved } = deps(3_600_000);
    const script = await writeScript(d, { ...input, attempt: 0 });
    expect(script.title.length).toBeGreaterThan(0);
    expect(saved).toHaveLength(1);
  });
});
