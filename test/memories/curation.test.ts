/**
 * Curation as a user meets it: `/memory` on a big collection makes a memory of about 75 s, says what it left out and
 * why; `/memory all` keeps every photo up to the cap; 10 000 photos are chosen from in bounded time.
 */
import { createHash, randomBytes } from "node:crypto";
import sharp from "sharp";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { PreparedPhoto, StyleName } from "../../src/core/domain.ts";
import { ALL_PHOTOS_CAP, curatePhotos, photosForLength } from "../../src/core/memories/curate.ts";
import { handleMemoryCommand, receivePhotos } from "../../src/core/memories/index.ts";
import { planRender } from "../../src/core/render/index.ts";
import { createOfflineScriptWriter } from "../../src/core/script/offline-script-writer.ts";
import type { Photo } from "../../src/core/store/records.ts";
import { noise } from "../fixtures/generate-photos.ts";
import { createHarness, type Harness } from "./harness.ts";

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

const randomHash = () => randomBytes(8).toString("hex");
const GOOD = { sharpness: 800, brightness: 0.5, clipped: 0.01 };

/** Photo rows as intake leaves them (metrics included), without images: curation never reads one. */
async function addRows(count: number, quality: (i: number) => Partial<Photo["quality"]> = () => ({})) {
  const conversation = await h.deps.store.upsertConversation({
    platform: h.target.platform,
    workspaceId: null,
    channelId: h.target.channelId,
    threadId: null,
  });
  for (let i = 0; i < count; i++)
    await h.deps.store.addPhoto({
      conversationId: conversation.id,
      blobKey: `${conversation.id}/photos/${i}.jpg`,
      sha256: randomBytes(32).toString("hex"),
      width: 1600,
      height: 1200,
      takenAt: new Date(Date.UTC(2025, 6, 1 + Math.floor(i / 20), 8, i % 60)),
      quality: { dhash: randomHash(), ...GOOD, ...quality(i) },
    });
  return conversation;
}

const base = Date.UTC(2025, 6, 14, 10);
/** A photo row as intake leaves it, taken a minute after the one before. */
const photo = (i: number, quality: Partial<NonNullable<Photo["quality"]>>, faces = 0): Photo => ({
  id: `p${i}`,
  seq: i,
  conversationId: "c",
  contributorAccountId: null,
  blobKey: `c/photos/${i}.jpg`,
  sha256: "0".repeat(64),
  width: 1600,
  height: 1200,
  takenAt: new Date(base + i * 60_000),
  focus: null,
  faces: Array.from({ length: faces }, () => ({ x: 0.4, y: 0.3, w: 0.1, h: 0.1, score: 0.9 })),
  quality: { dhash: "0f0f0f0f0f0f0f0f", ...GOOD, ...quality },
  originalName: null,
  mimeType: null,
  bytes: null,
  status: "ready",
  rejectReason: null,
  rejectCode: null,
  duplicateOf: null,
  sourceFileId: null,
  source: null,
  albumKey: null,
  messageId: null,
  deletedAt: null,
  createdAt: new Date(base),
});

function lastRequested() {
  const event = h.events.at(-1);
  if (event?.name !== "memory/requested") throw new Error(`expected memory/requested, got ${event?.name}`);
  return event.data;
}

/** The plan the render step would make of the memory's photos. */
async function plannedSeconds(photoIds: string[], style: StyleName): Promise<number> {
  const photos = await h.deps.store.getPhotos(photoIds);
  const prepared: PreparedPhoto[] = photos.map((p, i) => ({
    id: p.id,
    path: `/nowhere/${p.id}.jpg`,
    width: p.width ?? 0,
    height: p.height ?? 0,
    takenAt: p.takenAt,
    arrivalIndex: i,
    name: `IMG_${i}.jpg`,
  }));
  const script = await createOfflineScriptWriter().write({ photos: prepared, style, locale: "en" });
  return planRender(prepared, script, style, { aspect: "16:9", resolution: 720 }).durationSeconds;
}

describe("curation", { timeout: 120_000 }, () => {
  it("makes a memory of 60–90 s from 100 photos, and says how many it left out", async () => {
    await addRows(100);
    for (const style of ["classic", "modern"] as const) {
      await handleMemoryCommand(h.deps, { target: h.target, user: ada, text: `/memory all ${style}` });
      expect(lastRequested().style).toBe(style);
      const all = await h.deps.store.getProject(lastRequested().projectId);
      expect(all?.photoIds).toHaveLength(100); // /memory all: every photo
      await h.deps.store.transitionVideo(lastRequested().videoId, ["queued"], "cancelled");

      await handleMemoryCommand(h.deps, { target: h.target, user: ada, text: `/memory ${style}` });
      const project = await h.deps.store.getProject(lastRequested().projectId);
      const seconds = await plannedSeconds(project?.photoIds ?? [], style);
      expect(seconds).toBeGreaterThanOrEqual(60);
      expect(seconds).toBeLessThanOrEqual(90);
      const left = 100 - (project?.photoIds.length ?? 0);
      expect((await h.botTexts()).at(-1)).toContain(
        `from ${project?.photoIds.length} of 100 photos in the ${style} style… Left out: ${left} to keep it about 75 s. \`/memory all\` keeps every photo.`,
      );
      // The render's final status repeats it (the start message is edited into "ready").
      expect(lastRequested().curationNote).toBe(
        ` Left out: ${left} to keep it about 75 s. \`/memory all\` keeps every photo.`,
      );
      await h.deps.store.transitionVideo(lastRequested().videoId, ["queued"], "cancelled");
    }
  });

  it("chooses from 10 000 photos in bounded time, a memory of the target length spread over the whole period", async () => {
    const conversation = await h.deps.store.upsertConversation({
      platform: h.target.platform,
      workspaceId: null,
      channelId: h.target.channelId,
      threadId: null,
    });
    // 10 000 rows in one statement, as a long-lived group chat would hold them: a year of photos.
    await h.db.query(
      `insert into public.photos (conversation_id, blob_key, sha256, width, height, taken_at, dhash, sharpness,
         brightness, clipped)
       select $1::uuid, $1::text || '/photos/' || i || '.jpg', encode(sha256(convert_to(i::text, 'UTF8')), 'hex'), 1600, 1200,
              timestamptz '2025-01-01' + (i * interval '52 minutes'), substr(md5(i::text), 1, 16), 500, 0.5, 0.01
         from generate_series(1, 10000) as i`,
      [conversation.id],
    );
    const started = performance.now();
    await handleMemoryCommand(h.deps, { target: h.target, user: ada, text: "/memory" });
    const elapsed = performance.now() - started;
    expect(elapsed).toBeLessThan(15_000); // listing 10 000 rows and choosing: well under a second when idle
    const project = await h.deps.store.getProject(lastRequested().projectId);
    const chosen = await h.deps.store.getPhotos(project?.photoIds ?? []);
    const seconds = await plannedSeconds(project?.photoIds ?? [], "classic");
    expect(seconds).toBeGreaterThanOrEqual(60);
    expect(seconds).toBeLessThanOrEqual(90);
    expect((await h.botTexts()).at(-1)).toContain(`from ${chosen.length} of 10000 photos`);
    // The year is covered: first and last months both have photos.
    const months = new Set(chosen.map((p) => p.takenAt?.toISOString().slice(0, 7)));
    expect(months.has("2025-01")).toBe(true);
    expect(months.has("2025-12")).toBe(true);
    // The left-out photos do not linger into the next memory.
    expect(await h.deps.store.listPhotosSinceLastMemory(conversation.id)).toEqual([]);
  });

  it("says so instead of starting when /memory all is over the cap", async () => {
    await addRows(ALL_PHOTOS_CAP + 1);
    await handleMemoryCommand(h.deps, { target: h.target, user: ada, text: "/memory all" });
    expect(h.events).toEqual([]);
    expect((await h.botTexts()).at(-1)).toBe(
      `That is ${ALL_PHOTOS_CAP + 1} photos: \`/memory all\` makes memories of up to ${ALL_PHOTOS_CAP} photos, so I did not start one that long. Type \`/memory\` for the best of them in about 75 s, or \`/memory new\` and drop the photos you want.`,
    );
  });

  it("leaves out near-duplicates, blurred and badly exposed photos first, and prefers faces", () => {
    const photos = [
      photo(1, { dhash: "ffff0000ffff0000" }),
      photo(2, { dhash: "ffff0000ffff0001", sharpness: 900 }, 2), // a burst of 1: with faces, kept instead
      photo(3, { dhash: "ffff0000ffff0003" }), // the same burst
      photo(4, { dhash: "00ff00ff00ff00ff", sharpness: 40 }), // blurred against a median of 800
      photo(5, { dhash: "0f0f0f0f0f0f0f0f", brightness: 0.03, clipped: 0.7 }), // almost black
      photo(6, { dhash: "a5a5a5a5a5a5a5a5" }),
      photo(7, { dhash: "5a5a5a5a5a5a5a5a" }),
      photo(8, { dhash: "3c3c3c3c3c3c3c3c", brightness: 0.97 }), // blown out
    ];
    const curated = curatePhotos(photos, { style: "classic" });
    expect(curated.photos.map((p) => p.id)).toEqual(["p2", "p6", "p7"]);
    expect(curated.leftOut).toEqual({ duplicates: 2, blurred: 1, exposure: 2, length: 0, plan: 0 });
    expect(curatePhotos(photos, { style: "classic", all: true }).photos).toHaveLength(8);
    // Quality alone never leaves fewer than three photos.
    expect(curatePhotos(photos.slice(2, 5), { style: "classic" }).photos).toHaveLength(3);
  });

  it("measures real photos at intake: a blurred copy, a dark one and a re-saved near-duplicate are left out", async () => {
    const scene = async (seed: number) =>
      sharp(noise(160, 120, seed), { raw: { width: 160, height: 120, channels: 3 } })
        .resize(640, 480)
        .jpeg({ quality: 90 })
        .toBuffer();
    const originals = await Promise.all([1, 2, 3, 4].map(scene));
    const first = originals[0] as Buffer;
    const photos = [
      ...originals.map((bytes, i) => ({ name: `IMG_${i + 1}.jpg`, bytes })),
      {
        name: "IMG_1 copy.jpg",
        bytes: await sharp(first)
          .extract({ left: 6, top: 4, width: 628, height: 472 })
          .jpeg({ quality: 60 })
          .toBuffer(),
      },
      {
        name: "IMG_5.jpg",
        bytes: await sharp(await scene(5))
          .blur(6)
          .jpeg()
          .toBuffer(),
      },
      {
        name: "IMG_6.jpg",
        bytes: await sharp(await scene(6))
          .linear(0.05, 0)
          .jpeg()
          .toBuffer(),
      },
    ];
    const received = await receivePhotos(h.deps, { target: h.target, user: ada, photos });
    expect(received.added).toHaveLength(7);
    const stored = await h.deps.store.getPhotos(received.added.map((p) => p.id));
    expect(stored.every((p) => p.quality !== null)).toBe(true);

    await handleMemoryCommand(h.deps, { target: h.target, user: ada, text: "/memory" });
    const project = await h.deps.store.getProject(lastRequested().projectId);
    expect(project?.photoIds).toHaveLength(4);
    expect((await h.botTexts()).at(-1)).toContain(
      "from 4 of 7 photos in the classic style… Left out: 1 near-duplicate, 1 blurred, 1 too dark or too bright.",
    );
  });

  it("keeps a photo people reacted to over its unreacted near-duplicate and over its unreacted neighbours", () => {
    const ids = (c: { photos: Photo[] }) => c.photos.map((p) => p.id);
    const burst = [
      photo(1, { dhash: "ffff0000ffff0000" }),
      photo(2, { dhash: "ffff0000ffff0001" }), // the same shot again
      photo(3, { dhash: "00ff00ff00ff00ff" }),
      photo(4, { dhash: "a5a5a5a5a5a5a5a5" }),
    ];
    expect(ids(curatePhotos(burst, { style: "classic" }))).toEqual(["p1", "p3", "p4"]);
    expect(ids(curatePhotos(burst, { style: "classic", reactors: new Map([["p2", 1]]) }))).toEqual([
      "p2",
      "p3",
      "p4",
    ]);

    // Twice as many distinct photos as places: each stretch of two gives one, the first when nothing tells them apart.
    const places = photosForLength("classic");
    const many = Array.from({ length: places * 2 }, (_, i) =>
      photo(i, { dhash: createHash("sha256").update(String(i)).digest("hex").slice(0, 16) }),
    );
    const plain = ids(curatePhotos(many, { style: "classic" }));
    expect(plain).toHaveLength(places);
    expect(plain).not.toContain("p5");
    const reacted = ids(curatePhotos(many, { style: "classic", reactors: new Map([["p5", 1]]) }));
    expect(reacted).toHaveLength(places);
    expect(reacted).toContain("p5");
    expect(reacted).not.toContain("p4");
    // More people weigh more: between two reacted neighbours, the one three people reacted to stays.
    const crowd = ids(
      curatePhotos(many, {
        style: "classic",
        reactors: new Map([
          ["p4", 1],
          ["p5", 3],
        ]),
      }),
    );
    expect(crowd).toContain("p5");
    expect(crowd).not.toContain("p4");
  });

  it("/memory keeps the photo whose chat message people reacted to, counting each person once", async () => {
    const conversation = await h.deps.store.upsertConversation({
      platform: h.target.platform,
      channelId: h.target.channelId,
    });
    const hashes = ["ffff0000ffff0000", "ffff0000ffff0001", "00ff00ff00ff00ff", "a5a5a5a5a5a5a5a5"];
    const photoIds: string[] = [];
    for (const [i, dhash] of hashes.entries()) {
      const [recorded] = await h.deps.store.recordPendingPhotos({
        conversationId: conversation.id,
        messageId: `m${i + 1}`,
        files: [{ fileId: `upload-${i}`, name: `IMG_${i + 1}.jpg`, source: { platform: "playground" } }],
      });
      const id = recorded?.photo.id ?? "";
      await h.deps.store.completePendingPhoto(id, {
        blobKey: `${conversation.id}/photos/${i}.jpg`,
        sha256: randomBytes(32).toString("hex"),
        width: 1600,
        height: 1200,
        takenAt: new Date(Date.UTC(2025, 6, 14, 10, i)),
        quality: { dhash, ...GOOD },
      });
      photoIds.push(id);
    }
    // Two people react to the second shot of the burst, one of them twice.
    const message = { platform: h.target.platform, channelId: h.target.channelId, messageId: "m2" };
    for (const [reactorId, emoji] of [
      ["ada", "heart"],
      ["ada", "fire"],
      ["bob", "heart"],
    ] as const)
      await h.deps.store.applyReaction({ kind: "added", message, reactorId, emoji });
    expect(Object.fromEntries(await h.deps.store.countReactors(conversation.id))).toEqual({
      [photoIds[1] as string]: 2,
    });

    await handleMemoryCommand(h.deps, { target: h.target, user: ada, text: "/memory" });
    const project = await h.deps.store.getProject(lastRequested().projectId);
    expect(project?.photoIds).toEqual([photoIds[1], photoIds[2], photoIds[3]]);
    expect((await h.botTexts()).at(-1)).toContain("Left out: 1 near-duplicate");
  });
});
