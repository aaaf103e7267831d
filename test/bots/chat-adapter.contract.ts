/**
 * The ChatAdapter contract: one suite, run against every adapter (chat-adapters.test.ts), each talking to its
 * platform's local stand-in (Slack, Discord, Telegram) or to the playground's real message log. What core relies on:
 * messages post and edit, a video within the limits arrives once (also when posted again with the same delivery key,
 * where the adapter says the platform recognises the repeat), refusals are typed (`chat.too_large`,
 * `chat.not_allowed`) so the deliver step can post the share link, and downloads honour the size cap.
 */
import { mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type {
  ChatAdapter,
  ChatTarget,
  DeliveryJournal,
  FileRef,
  OutgoingVideo,
} from "../../src/core/chat/chat-adapter.ts";
import { isPhotoMemoryError } from "../../src/core/errors.ts";

export type Refusal = "too_large" | "not_allowed";

export interface AdapterUnderTest {
  adapter: ChatAdapter;
  target: ChatTarget;
  /** The text the platform holds for a message the adapter posted or edited (its latest version). */
  textOf(messageId: string): Promise<string | undefined>;
  /** How many videos the platform has received in the target conversation. */
  videoCount(): Promise<number>;
  /** Makes the platform refuse uploads the way it really does; `null` lets them through again. */
  refuseUploads(kind: Refusal | null): void;
  /** The refusals this platform can give (the playground cannot refuse a permission, for one). */
  refusals: Refusal[];
  /** A photo the platform holds, with its size; absent where there are no remote files (the playground). */
  photo?: { file: FileRef; bytes: number };
  close(): Promise<void>;
}

async function errorOf(p: Promise<unknown>): Promise<unknown> {
  return p.then(
    () => null,
    (e: unknown) => e,
  );
}

export function chatAdapterContract(name: string, open: () => Promise<AdapterUnderTest>): void {
  describe(`ChatAdapter contract: ${name}`, () => {
    let t: AdapterUnderTest;
    let video: OutgoingVideo;

    beforeAll(async () => {
      t = await open();
      const dir = await mkdtemp(path.join(tmpdir(), "pm-contract-"));
      const file = path.join(dir, "memory.mp4");
      await writeFile(file, Buffer.alloc(4096, 1));
      video = { path: file, title: "Lisbon 2026", bytes: 4096, durationSeconds: 8, width: 1280, height: 720 };
    });
    afterAll(() => t.close());

    const journal = (): DeliveryJournal & { notes: Record<string, string> } => {
      const notes: Record<string, string> = {};
      return {
        notes,
        get earlier() {
          return { ...notes };
        },
        async note(data) {
          Object.assign(notes, data);
        },
      };
    };

    it("posts a message the chat shows, and edits it (or says it cannot)", async () => {
      const ref = await t.adapter.postMessage(t.target, {
        text: "Making your memory “Lisbon”…",
        progress: 0.2,
      });
      expect(ref.messageId).toBeTruthy();
      expect(await t.textOf(ref.messageId)).toContain("Making your memory “Lisbon”…");
      expect(typeof t.adapter.editMessage).toBe("function");
      await t.adapter.editMessage?.(ref, { text: "✅ Your memory “Lisbon” is ready." });
      const edited = await t.textOf(ref.messageId);
      expect(edited).toContain("is ready");
      expect(edited).not.toContain("%");
    });

    it("uploads a video within the limits once, with its title", async () => {
      expect(video.bytes).toBeLessThan(t.adapter.limits(t.target).maxUploadBytes);
      const before = await t.videoCount();
      const ref = await t.adapter.postVideo(
        t.target,
        { ...video, deliveryKey: crypto.randomUUID() },
        journal(),
      );
      expect(ref.messageId).toBeTruthy();
      expect(await t.videoCount()).toBe(before + 1);
    });

    it("reports a platform's refusal as a typed error the deliver step understands", async () => {
      for (const kind of t.refusals) {
        t.refuseUploads(kind);
        try {
          const error = await errorOf(
            t.adapter.postVideo(t.target, { ...video, deliveryKey: crypto.randomUUID() }, journal()),
          );
          expect(isPhotoMemoryError(error, `chat.${kind}`), `${kind}: ${String(error)}`).toBe(true);
          // The sentence is for people: no stack, no raw JSON.
          expect((error as Error).message).not.toMatch(/[{}]|at .+:\d+/);
        } finally {
          t.refuseUploads(null);
        }
      }
      expect(t.refusals).toContain("too_large");
    });

    it("downloads a platform file within the cap, and refuses one over it with download.too_large", async () => {
      const photo = t.photo;
      if (!photo) {
        // No remote files here: asking is a clear PhotoMemoryError, never a crash.
        const error = await errorOf(
          t.adapter.downloadFile({ platform: t.adapter.platform, fileId: "x" }, { maxBytes: 1000 }),
        );
        expect(isPhotoMemoryError(error)).toBe(true);
        return;
      }
      const bytes = await t.adapter.downloadFile(photo.file, { maxBytes: 1_000_000 });
      expect(bytes.byteLength).toBe(photo.bytes);
      const error = await errorOf(t.adapter.downloadFile(photo.file, { maxBytes: photo.bytes - 1 }));
      expect(isPhotoMemoryError(error, "download.too_large"), String(error)).toBe(true);
    });

    describe("a repeated delivery", () => {
      it("posts the video once when the adapter says the platform recognises the repeat, else says nothing", async () => {
        const safe = t.adapter.redeliverySafeForMs;
        // Telegram has no idempotency key: the contract is that it does not claim one.
        if (safe === undefined) {
          expect(t.adapter.platform).toBe("telegram");
          return;
        }
        expect(safe).toBeGreaterThan(60_000);
        const key = crypto.randomUUID();
        const j = journal();
        const before = await t.videoCount();
        const first = await t.adapter.postVideo(t.target, { ...video, deliveryKey: key }, j);
        const again = await t.adapter.postVideo(t.target, { ...video, deliveryKey: key }, j);
        expect(again.messageId).toBe(first.messageId);
        expect(await t.videoCount()).toBe(before + 1);
      });
    });
  });
}
