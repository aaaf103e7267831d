/** What users read: their own words stored safely, and sentences without storage keys, paths or settings. */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { friendlyError } from "../../src/bots/common/friendly-error.ts";
import { PhotoMemoryError } from "../../src/core/errors.ts";
import {
  cancelMemory,
  handleMemoryCommand,
  receivePhotos,
  requestMemory,
} from "../../src/core/memories/index.ts";
import { cleanTitle } from "../../src/core/memories/parse-command.ts";
import {
  asStepError,
  createProgressReporter,
  failureSentence,
} from "../../src/core/memories/pipeline/index.ts";
import { createHarness, type Harness, makeJpeg } from "./harness.ts";

const ada = { id: "ada", name: "Ada" };
let h: Harness;

beforeAll(async () => {
  h = await createHarness();
});
afterAll(async () => {
  await h.close();
});
beforeEach(() => {
  h.newConversation();
});

describe("titles as typed", () => {
  it("makes the memory when the title holds a NUL or other control characters", async () => {
    await receivePhotos(h.deps, {
      target: h.target,
      user: ada,
      photos: [{ name: "a.jpg", bytes: await makeJpeg(1) }],
    });
    await handleMemoryCommand(h.deps, {
      target: h.target,
      user: ada,
      text: "/memory Beach\u0000 day\u0007 🏖️",
    });
    const texts = await h.botTexts();
    expect(texts.join("\n")).not.toMatch(/went wrong/i);
    expect(h.events.at(-1)).toMatchObject({ name: "memory/requested", data: { title: "Beach day 🏖️" } });
  });

  it("cuts a long title without splitting an emoji", () => {
    const title = cleanTitle(`${"a".repeat(79)}👨‍👩‍👧`);
    expect(Array.from(title)).toHaveLength(80);
    expect(title.endsWith("👨")).toBe(true);
  });
});

describe("status messages end in their final state", () => {
  it("a cancelled memory's status says cancelled, with no progress left", async () => {
    await receivePhotos(h.deps, {
      target: h.target,
      user: ada,
      photos: [{ name: "a.jpg", bytes: await makeJpeg(2) }],
    });
    const started = await requestMemory(h.deps, { target: h.target, user: ada, title: "Lisbon" });
    if (started.kind !== "started" || !started.statusMessage) throw new Error(started.kind);
    const statusId = started.statusMessage.messageId;
    expect((await h.chat.messages.get(statusId))?.progress).toBe(0);
    await cancelMemory(h.deps, { target: h.target, user: ada });
    const status = await h.chat.messages.get(statusId);
    expect(status?.text).toBe("⏹️ “Lisbon” was cancelled.");
    expect(status?.progress).toBeUndefined();

    // A progress report still in flight from the render does not bring "Making your memory…" back.
    const reporter = createProgressReporter({
      chat: h.chat.adapter,
      target: h.target,
      statusMessage: started.statusMessage,
      text: "🎞️ Making your memory “Lisbon”…",
      stillMaking: async () => (await h.deps.store.getVideo(started.video.id))?.status === "processing",
    });
    reporter.report(0.5);
    await reporter.flush();
    expect((await h.chat.messages.get(statusId))?.text).toBe("⏹️ “Lisbon” was cancelled.");
  });
});

describe("sentences for users", () => {
  const internal = [
    new PhotoMemoryError("blob.not_found", "Nothing is stored under c_1/photos/9f86d081.jpg."),
    new PhotoMemoryError(
      "render.ffmpeg_missing",
      "FFMPEG_PATH points to /opt/ffmpeg/bin/ffmpeg, which does not exist.",
    ),
    new PhotoMemoryError("blob.failed", "Storage could not upload c_1/videos/v.mp4."),
  ];

  it("never shows a storage key, a path or a setting, in a failed memory or a chat reply", () => {
    for (const error of internal) {
      for (const shown of [
        failureSentence(error).message,
        failureSentence(asStepError(error)).message,
        friendlyError(error),
      ]) {
        expect(shown).not.toMatch(/c_1\/|\/opt\/|FFMPEG_PATH|\.jpg|\.mp4/);
        expect(shown.length).toBeGreaterThan(20);
      }
    }
  });

  it("keeps the sentences already written for users", () => {
    const heic = new PhotoMemoryError("photo.heic", "IMG_1.HEIC is a HEIC photo; send it as JPEG instead.");
    expect(failureSentence(asStepError(heic)).message).toBe(heic.message);
    expect(friendlyError(heic)).toBe(heic.message);
  });
});
