/**
 * The Store contract: one suite, run on every driver (store.pglite.test.ts, store.postgres.test.ts). Each call
 * starts from a freshly migrated database; tests keep apart through their own conversations and ids.
 */
import { createHash, randomBytes, randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { isPhotoMemoryError } from "../../src/core/errors.ts";
import type { Db } from "../../src/core/store/db.ts";
import { migrate } from "../../src/core/store/migrate.ts";
import { createSqlStore } from "../../src/core/store/sql-store.ts";
import type { Conversation, PhotoInput, Store } from "../../src/core/store/store.ts";

export interface StoreHarness {
  db: Db;
  close(): Promise<void>;
}

export const TEST_TOKEN_KEY = randomBytes(32).toString("base64");

const sha = (s: string) => createHash("sha256").update(s).digest("hex");

async function expectCode(p: Promise<unknown>, code: string): Promise<void> {
  const e = await p.then(
    () => null,
    (err: unknown) => err,
  );
  expect(isPhotoMemoryError(e) ? e.code : e).toBe(code);
}

export function storeContract(driver: string, open: () => Promise<StoreHarness>): void {
  describe(`Store contract on ${driver}`, () => {
    let harness: StoreHarness;
    let db: Db;
    let store: Store;

    beforeAll(async () => {
      harness = await open();
      db = harness.db;
      await migrate(db);
      store = createSqlStore(db, { tokenEncryptionKey: TEST_TOKEN_KEY });
    });
    afterAll(async () => {
      await harness?.close();
    });

    const newConversation = (threadId: string | null = null): Promise<Conversation> =>
      store.upsertConversation({
        platform: "slack",
        workspaceId: "T1",
        channelId: `C${randomUUID()}`,
        threadId,
      });

    const photo = (conversationId: string, name: string, extra: Partial<PhotoInput> = {}): PhotoInput => ({
      conversationId,
      blobKey: `${conversationId}/photos/${sha(name)}.jpg`,
      sha256: sha(name),
      width: 1600,
      height: 1200,
      ...extra,
    });

    /** A classic memory in English on Slack of these photos; `extra` sets what a case is about. */
    const startMemory = (
      conversationId: string,
      photoIds: string[],
      extra: Partial<Parameters<Store["createProjectWithVideo"]>[0]> = {},
    ) =>
      store.createProjectWithVideo({
        conversationId,
        style: "classic",
        photoIds,
        locale: "en",
        platform: "slack",
        ...extra,
      });

    async function addPhotos(conversationId: string, names: string[]) {
      const out = [];
      for (const n of names) out.push((await store.addPhoto(photo(conversationId, n))).photo);
      return out;
    }

    it("migrating again applies nothing", async () => {
      const again = await migrate(db);
      expect(again.applied).toEqual([]);
      expect(again.skipped.length).toBeGreaterThan(0);
    });

    it("keeps one account per platform identity, also without a workspace (Telegram)", async () => {
      const userId = `U${randomUUID()}`;
      const a = await store.upsertAccount({ platform: "telegram", userId, displayName: "Ana" });
      const b = await store.upsertAccount({ platform: "telegram", userId, locale: "pt-BR" });
      expect(b.id).toBe(a.id);
      expect(b.displayName).toBe("Ana");
      expect(b.locale).toBe("pt-BR");
      const other = await store.upsertAccount({ platform: "slack", workspaceId: "T1", userId });
      expect(other.id).not.toBe(a.id);
      expect((await store.getAccount(a.id))?.userId).toBe(userId);
      expect(await store.getAccount("not-a-uuid")).toBeNull();
    });

    it("keeps one conversation per channel and thread, telling threads apart from the channel", async () => {
      const channelId = `C${randomUUID()}`;
      const place = { platform: "discord" as const, workspaceId: null, channelId };
      const channel = await store.upsertConversation(place);
      const again = await store.upsertConversation(place);
      const thread = await store.upsertConversation({ ...place, threadId: "1700000000.0001" });
      expect(again.id).toBe(channel.id);
      expect(thread.id).not.toBe(channel.id);
      expect(thread.threadId).toBe("1700000000.0001");
    });

    it("remembers a conversation's chosen language over later platform locales, until it is cleared", async () => {
      const place = { platform: "telegram" as const, workspaceId: null, channelId: `T${randomUUID()}` };
      const c = await store.upsertConversation({ ...place, locale: "de" });
      expect(c.language).toBeNull();
      expect((await store.setConversationLanguage(c.id, "ja")).language).toBe("ja");
      // Someone with another app language drops photos: the platform locale follows them, the choice stays.
      const later = await store.upsertConversation({ ...place, locale: "en" });
      expect(later).toMatchObject({ id: c.id, language: "ja", locale: "en" });
      expect((await store.setConversationLanguage(c.id, null)).language).toBeNull();
      await expect(store.setConversationLanguage(randomUUID(), "fr")).rejects.toMatchObject({
        code: "store.not_found",
      });
    });

    it("stores bot tokens encrypted and gives them back only with the key", async () => {
      const externalId = `T${randomUUID()}`;
      const token = `xoxb-${randomUUID()}`;
      const ws = await store.upsertWorkspace({
        platform: "slack",
        externalId,
        name: "Acme",
        botToken: token,
      });
      expect(ws.hasBotToken).toBe(true);
      const [raw] = await db.query<{ bot_token_encrypted: string }>(
        "select bot_token_encrypted from public.workspaces where id = $1",
        [ws.id],
      );
      expect(raw?.bot_token_encrypted).not.toContain(token);
      expect(raw?.bot_token_encrypted).not.toContain("xoxb-");
      expect(await store.getWorkspaceToken("slack", externalId)).toBe(token);

      // An update without a token keeps it.
      await store.upsertWorkspace({ platform: "slack", externalId, name: "Acme Inc" });
      expect(await store.getWorkspaceToken("slack", externalId)).toBe(token);

      const otherKey = createSqlStore(db, { tokenEncryptionKey: randomBytes(32).toString("hex") });
      await expectCode(otherKey.getWorkspaceToken("slack", externalId), "store.token_unreadable");
      await expectCode(createSqlStore(db).getWorkspaceToken("slack", externalId), "config.invalid");

      // Ciphertext copied into another workspace's row does not decrypt there.
      const victim = `T${randomUUID()}`;
      await store.upsertWorkspace({ platform: "slack", externalId: victim, botToken: "xoxb-victim" });
      await db.query("update public.workspaces set bot_token_encrypted = $1 where external_id = $2", [
        raw?.bot_token_encrypted,
        victim,
      ]);
      await expectCode(store.getWorkspaceToken("slack", victim), "store.token_unreadable");

      await store.markWorkspaceUninstalled("slack", externalId);
      expect(await store.getWorkspaceToken("slack", externalId)).toBeNull();
    });

    it("returns the existing photo for the same content in the same conversation", async () => {
      const c = await newConversation();
      const first = await store.addPhoto(
        photo(c.id, "beach", {
          focus: { x: 0.25, y: 0.5 },
          faces: [{ x: 0.1, y: 0.2, w: 0.15, h: 0.2, score: 0.93 }],
          originalName: "a.jpg",
          takenAt: new Date("2024-07-14T18:30:05Z"),
          mimeType: "image/jpeg",
          bytes: 5_000_000_000,
        }),
      );
      expect(first.photo).toMatchObject({
        takenAt: new Date("2024-07-14T18:30:05Z"),
        mimeType: "image/jpeg",
        bytes: 5_000_000_000,
        width: 1600,
      });
      const again = await store.addPhoto(photo(c.id, "beach", { originalName: "copy.jpg" }));
      expect(first.duplicate).toBe(false);
      expect(again.duplicate).toBe(true);
      expect(again.photo.id).toBe(first.photo.id);
      expect(again.photo.originalName).toBe("a.jpg");
      expect(first.photo.focus).toEqual({ x: 0.25, y: 0.5 });
      expect(first.photo.faces).toEqual([{ x: 0.1, y: 0.2, w: 0.15, h: 0.2, score: 0.93 }]);
      expect((await store.getPhotos([first.photo.id]))[0]?.faces).toEqual(first.photo.faces);
      const elsewhere = await store.addPhoto(photo((await newConversation()).id, "beach"));
      expect(elsewhere.duplicate).toBe(false);
      expect(elsewhere.photo.id).not.toBe(first.photo.id);
      expect(await store.listPhotosSinceLastMemory(c.id)).toHaveLength(1);
    });

    it("lists the collection in arrival order, without deleted photos, and getPhotos keeps the asked order", async () => {
      const c = await newConversation("t-1");
      const [a, b, d] = (await addPhotos(c.id, ["a", "b", "d"])).map((p) => p.id) as [string, string, string];
      await store.deletePhoto(b);
      const listed = await store.listPhotosSinceLastMemory(c.id);
      expect(listed.map((p) => p.id)).toEqual([a, d]);
      const got = await store.getPhotos([d, a, randomUUID(), "junk"]);
      expect(got.map((p) => p.id)).toEqual([d, a]);
    });

    const pendingFile = (fileId: string, name = `${fileId}.jpg`) => ({
      fileId,
      name,
      source: { platform: "slack", fileId, workspaceId: "T1", name },
    });
    const content = (name: string) => {
      const { conversationId: _c, ...rest } = photo("x", name);
      return rest;
    };

    it("records pending photos in order, once per conversation and file, and a memory takes them", async () => {
      const c = await newConversation();
      const first = await store.recordPendingPhotos({
        conversationId: c.id,
        files: [pendingFile("F1"), pendingFile("F2")],
      });
      expect(first.map((r) => [r.photo.status, r.fresh, r.photo.originalName])).toEqual([
        ["pending", true, "F1.jpg"],
        ["pending", true, "F2.jpg"],
      ]);
      expect(first[0]?.photo.source).toEqual({
        platform: "slack",
        fileId: "F1",
        workspaceId: "T1",
        name: "F1.jpg",
      });
      // A platform retry (or file_shared after message/file_share) records nothing new.
      const again = await store.recordPendingPhotos({ conversationId: c.id, files: [pendingFile("F2")] });
      expect(again.map((r) => [r.photo.id, r.fresh])).toEqual([[first[1]?.photo.id, false]]);
      // The same Slack file shared into another channel is that channel's photo too.
      const other = await newConversation();
      const shared = await store.recordPendingPhotos({
        conversationId: other.id,
        files: [pendingFile("F1")],
      });
      expect(shared[0]?.fresh).toBe(true);
      expect(shared[0]?.photo.id).not.toBe(first[0]?.photo.id);

      const listed = await store.listPhotosSinceLastMemory(c.id);
      expect(listed.map((p) => p.status)).toEqual(["pending", "pending"]);
      const { project } = await startMemory(
        c.id,
        listed.map((p) => p.id),
        { requireInCollection: true },
      );
      expect(project.photoIds).toEqual(first.map((r) => r.photo.id));
      // Completed after the memory started: it stays that memory's, not the next collection's.
      const done = await store.completePendingPhoto(first[0]?.photo.id ?? "", content("pending-1"));
      expect(done).toMatchObject({ duplicate: false, photo: { status: "ready", sha256: sha("pending-1") } });
      expect(await store.listPhotosSinceLastMemory(c.id)).toEqual([]);
    });

    it("completes a pending photo once, and a second copy of the same content becomes a duplicate", async () => {
      const c = await newConversation();
      const [a, b] = await store.recordPendingPhotos({
        conversationId: c.id,
        files: [pendingFile("D1", "one.jpg"), pendingFile("D2", "two.jpg")],
      });
      const ready = await store.completePendingPhoto(a?.photo.id ?? "", content("same"));
      expect(ready.photo).toMatchObject({ status: "ready", width: 1600, height: 1200 });
      const rerun = await store.completePendingPhoto(a?.photo.id ?? "", content("other"));
      expect(rerun.photo.sha256).toBe(sha("same"));
      const dup = await store.completePendingPhoto(b?.photo.id ?? "", content("same"));
      expect(dup).toMatchObject({ duplicate: true, photo: { id: a?.photo.id } });
      expect(await store.getPhoto(b?.photo.id ?? "")).toMatchObject({
        status: "rejected",
        rejectCode: "photo.duplicate",
        rejectReason: "two.jpg was already here.",
      });
      expect((await store.listPhotosSinceLastMemory(c.id)).map((p) => p.id)).toEqual([a?.photo.id]);
    });

    it("a pending photo repeating a photo of an earlier memory brings that photo back into the collection", async () => {
      const c = await newConversation();
      const [old] = await store.recordPendingPhotos({
        conversationId: c.id,
        files: [pendingFile("O1", "a.jpg")],
      });
      await store.completePendingPhoto(old?.photo.id ?? "", content("again"));
      await startMemory(c.id, [old?.photo.id ?? ""]);
      const [repeat] = await store.recordPendingPhotos({
        conversationId: c.id,
        files: [pendingFile("O2", "b.jpg")],
      });
      const back = await store.completePendingPhoto(repeat?.photo.id ?? "", content("again"));
      expect(back).toMatchObject({ duplicate: false, photo: { id: old?.photo.id, status: "ready" } });
      expect(await store.getPhoto(repeat?.photo.id ?? "")).toMatchObject({
        status: "rejected",
        rejectCode: "photo.duplicate",
        duplicateOf: old?.photo.id,
      });
      expect((await store.listPhotosSinceLastMemory(c.id)).map((p) => p.id)).toEqual([old?.photo.id]);
    });

    it("rejects a pending photo with its reason; sent again after a failed download, it gets another chance", async () => {
      const c = await newConversation();
      const [heic, lost] = await store.recordPendingPhotos({
        conversationId: c.id,
        files: [pendingFile("H1", "IMG_1.heic"), pendingFile("L1", "IMG_2.jpg")],
      });
      await store.rejectPendingPhoto(heic?.photo.id ?? "", "photo.heic", "IMG_1.heic is a HEIC photo.");
      await store.rejectPendingPhoto(
        lost?.photo.id ?? "",
        "download.failed",
        "IMG_2.jpg could not be downloaded.",
      );
      expect(await store.listPhotosSinceLastMemory(c.id)).toEqual([]);
      // Rejecting twice keeps the first reason; completing a rejected photo changes nothing.
      await store.rejectPendingPhoto(heic?.photo.id ?? "", "other", "other");
      expect((await store.getPhoto(heic?.photo.id ?? ""))?.rejectReason).toBe("IMG_1.heic is a HEIC photo.");
      const again = await store.recordPendingPhotos({
        conversationId: c.id,
        files: [pendingFile("H1", "IMG_1.heic"), pendingFile("L1", "IMG_2.jpg")],
      });
      expect(again.map((r) => [r.photo.status, r.fresh])).toEqual([
        ["rejected", false],
        ["pending", true],
      ]);
      expect((again[1]?.photo.seq ?? 0) > (lost?.photo.seq ?? 0)).toBe(true);
      expect((await store.listPhotosSinceLastMemory(c.id)).map((p) => p.id)).toEqual([lost?.photo.id]);
    });

    it("tells how an album stands and whether a memory already took it", async () => {
      const c = await newConversation();
      const album = await store.recordPendingPhotos({
        conversationId: c.id,
        albumKey: "13579",
        files: [pendingFile("A1"), pendingFile("A2"), pendingFile("A3")],
      });
      await store.recordPendingPhotos({ conversationId: c.id, files: [pendingFile("B1")] });
      await store.completePendingPhoto(album[0]?.photo.id ?? "", content("album-1"));
      const before = await store.getAlbum(c.id, "13579");
      expect(before.inMemory).toBe(false);
      expect(before.photos.map((p) => p.status)).toEqual(["ready", "pending", "pending"]);
      await startMemory(
        c.id,
        (await store.listPhotosSinceLastMemory(c.id)).map((p) => p.id),
      );
      expect((await store.getAlbum(c.id, "13579")).inMemory).toBe(true);
      expect(await store.getAlbum(c.id, "other")).toEqual({ photos: [], inMemory: false });
    });

    it("counts the distinct people who reacted to a photo's message, in every conversation the message brought it to", async () => {
      const channelId = `C${randomUUID()}`;
      const place = { platform: "slack" as const, workspaceId: "T1", channelId };
      const channel = await store.upsertConversation({ ...place, threadId: null });
      // The thread's root message brings its photos into the thread's conversation too.
      const thread = await store.upsertConversation({ ...place, threadId: "1700000000.000100" });
      const both = [pendingFile("R1"), pendingFile("R2")];
      const inChannel = await store.recordPendingPhotos({
        conversationId: channel.id,
        messageId: "1700000000.000100",
        files: both,
      });
      const other = await store.recordPendingPhotos({
        conversationId: channel.id,
        messageId: "1700000009.000900",
        files: [pendingFile("R3")],
      });
      const inThread = await store.recordPendingPhotos({
        conversationId: thread.id,
        messageId: "1700000000.000100",
        files: both,
      });
      expect(inChannel[0]?.photo.messageId).toBe("1700000000.000100");
      const message = { ...place, messageId: "1700000000.000100" };
      const react = (kind: "added" | "removed", reactorId: string, emoji: string) =>
        store.applyReaction({ kind, message, reactorId, emoji });

      expect(await react("added", "U1", "heart")).toBe(true);
      expect(await react("added", "U1", "+1")).toBe(true);
      expect(await react("added", "U2", "heart")).toBe(true);
      expect(await react("added", "U2", "heart")).toBe(false); // a repeat
      // Messages that brought no photo keep nothing: another message, the same channel id in another workspace.
      for (const elsewhere of [{ messageId: "1700000005.000500" }, { workspaceId: "T2" }]) {
        const change = { message: { ...message, ...elsewhere }, reactorId: "U1", emoji: "heart" };
        expect(await store.applyReaction({ kind: "added", ...change })).toBe(false);
      }

      const ids = (rows: typeof inChannel) => rows.map((r) => r.photo.id);
      const expectCounts = async (conversationId: string, photoIds: string[], n: number) => {
        const counts = await store.countReactors(conversationId);
        expect(Object.fromEntries(counts)).toEqual(Object.fromEntries(photoIds.map((id) => [id, n])));
      };
      await expectCounts(channel.id, ids(inChannel), 2);
      await expectCounts(thread.id, ids(inThread), 2);
      expect((await store.countReactors(channel.id)).has(other[0]?.photo.id ?? "")).toBe(false);
      // U1 still has 👍 after taking back ❤️; then neither.
      await react("removed", "U1", "heart");
      await expectCounts(channel.id, ids(inChannel), 2);
      await react("removed", "U1", "+1");
      await expectCounts(channel.id, ids(inChannel), 1);
      await store.applyReaction({ kind: "cleared", message });
      await expectCounts(channel.id, [], 0);
    });

    it("counts a reaction on any message of an album for the whole album, and anonymous reaction counts", async () => {
      const chatId = `-100${Date.now()}`;
      const c = await store.upsertConversation({ platform: "telegram", channelId: chatId });
      const album = [];
      for (const [i, fileId] of ["T1", "T2", "T3"].entries())
        album.push(
          ...(await store.recordPendingPhotos({
            conversationId: c.id,
            albumKey: "13603457850436181",
            messageId: String(43 + i),
            files: [pendingFile(fileId)],
          })),
        );
      const single = await store.recordPendingPhotos({
        conversationId: c.id,
        messageId: "50",
        files: [pendingFile("T4")],
      });
      const message = (messageId: string) => ({
        platform: "telegram" as const,
        channelId: chatId,
        messageId,
      });
      const albumIds = album.map((r) => r.photo.id);
      const counts = async () => Object.fromEntries(await store.countReactors(c.id));
      /** A person's whole set of reactions on a message, as Telegram reports it. */
      const replace = (messageId: string, reactorId: string, emojis: string[]) =>
        store.applyReaction({ kind: "replaced", message: message(messageId), reactorId, emojis });

      await replace("44", "5550001", ["❤"]);
      await replace("45", "5550001", ["🔥"]);
      await replace("45", "5550002", ["👍"]);
      expect(await counts()).toEqual(Object.fromEntries(albumIds.map((id) => [id, 2])));
      // A person's new set replaces the old one; an empty set takes them back.
      await replace("45", "5550002", []);
      await replace("44", "5550001", []);
      expect(await counts()).toEqual(Object.fromEntries(albumIds.map((id) => [id, 1])));
      await replace("45", "5550001", []);
      // Anonymous reactions: the count replaces the last one.
      await store.applyReaction({ kind: "anonymous", message: message("50"), reactors: 7 });
      await store.applyReaction({ kind: "anonymous", message: message("50"), reactors: 4 });
      expect(await counts()).toEqual({ [single[0]?.photo.id ?? ""]: 4 });
    });

    it("creates a memory with its queued video and starts a new collection", async () => {
      const c = await newConversation();
      const requester = await store.upsertAccount({ platform: "slack", workspaceId: "T1", userId: "U-req" });
      const photos = await addPhotos(c.id, ["p1", "p2"]);
      const { project, video } = await store.createProjectWithVideo({
        conversationId: c.id,
        requesterAccountId: requester.id,
        style: "cinematic",
        title: "Summer",
        photoIds: photos.map((p) => p.id),
        locale: "en",
        platform: "slack",
        statusMessageRef: { messageId: "m1" },
        silent: true,
      });
      expect(project.status).toBe("processing");
      expect(project.photoIds).toEqual(photos.map((p) => p.id));
      expect(project.style).toBe("cinematic");
      expect((await store.getProject(project.id))?.silent).toBe(true);
      expect(video.status).toBe("queued");
      expect(video.projectId).toBe(project.id);
      expect(video.statusMessageRef).toEqual({ messageId: "m1" });
      expect(video.shareToken.length).toBeGreaterThanOrEqual(22);
      expect((await store.getVideoByShareToken(video.shareToken))?.id).toBe(video.id);
      expect(await store.getVideoByShareToken("A".repeat(32))).toBeNull();

      expect(await store.listPhotosSinceLastMemory(c.id)).toEqual([]);
      expect((await store.getConversation(c.id))?.lastMemoryAt).toBeInstanceOf(Date);
      const late = (await addPhotos(c.id, ["p3"])).map((p) => p.id);
      expect((await store.listPhotosSinceLastMemory(c.id)).map((p) => p.id)).toEqual(late);
    });

    it("creates nothing when part of a memory is invalid (one transaction)", async () => {
      const c = await newConversation();
      const own = await addPhotos(c.id, ["x1"]);
      const foreign = await addPhotos((await newConversation()).id, ["x2"]);
      const input = {
        conversationId: c.id,
        style: "classic" as const,
        photoIds: [...own, ...foreign].map((p) => p.id),
        locale: "en",
        platform: "slack" as const,
      };
      await expectCode(store.createProjectWithVideo(input), "store.not_found");
      const [count] = await db.query<{ n: number }>(
        "select count(*)::int as n from public.memory_projects where conversation_id = $1",
        [c.id],
      );
      expect(count?.n).toBe(0);
      expect(await store.listPhotosSinceLastMemory(c.id)).toHaveLength(1);
    });

    it("remakes an earlier memory from its photos, but a collection request cannot reuse taken photos", async () => {
      const c = await newConversation();
      const photoIds = (await addPhotos(c.id, ["m1", "m2"])).map((p) => p.id);
      const base = {
        conversationId: c.id,
        style: "vintage" as const,
        photoIds,
        locale: "en",
        platform: "slack" as const,
      };
      await store.createProjectWithVideo({ ...base, requireInCollection: true });
      await expectCode(
        store.createProjectWithVideo({ ...base, requireInCollection: true }),
        "store.conflict",
      );
      const remake = await store.createProjectWithVideo(base);
      expect(remake.project.photoIds).toEqual(photoIds);
    });

    it("guards status transitions and moves the project along", async () => {
      const c = await newConversation();
      const photos = await addPhotos(c.id, ["t1"]);
      const { project, video } = await store.createProjectWithVideo({
        conversationId: c.id,
        style: "modern",
        photoIds: photos.map((p) => p.id),
        locale: "de",
        aspect: "9:16",
        resolution: 1080,
        platform: "discord",
      });
      expect(await store.transitionVideo(video.id, ["queued"], "processing")).toBe(true);
      // A retried step finds the work moved on.
      expect(await store.transitionVideo(video.id, ["queued"], "processing")).toBe(false);
      await store.setVideoProgress(video.id, 0.6);
      await store.setVideoProgress(video.id, 0.4);
      expect((await store.getVideo(video.id))?.progress).toBeCloseTo(0.6);
      const done = await store.transitionVideo(video.id, ["processing"], "completed", {
        videoKey: `${c.id}/videos/${video.id}.mp4`,
        posterKey: `${c.id}/videos/${video.id}.jpg`,
        durationSeconds: 12.5,
        bytes: 1_234_567,
        width: 1080,
        height: 1920,
      });
      expect(done).toBe(true);
      const completed = await store.getVideo(video.id);
      expect(completed).toMatchObject({ status: "completed", progress: 1, bytes: 1_234_567, width: 1080 });
      expect(completed?.finishedAt).toBeInstanceOf(Date);
      expect((await store.getProject(project.id))?.status).toBe("completed");

      await expectCode(
        store.transitionVideo(video.id, ["completed"], "processing"),
        "store.invalid_transition",
      );
      expect(await store.transitionVideo(video.id, ["queued", "processing"], "processing")).toBe(false);
      expect((await store.getVideo(video.id))?.status).toBe("completed");
      await store.setVideoProgress(video.id, 0.1);
      expect((await store.getVideo(video.id))?.progress).toBe(1);
      await expectCode(store.transitionVideo(randomUUID(), ["queued"], "processing"), "store.not_found");
    });

    it("gives the photos back when a memory fails, and takes them again on retry", async () => {
      const c = await newConversation();
      const photos = await addPhotos(c.id, ["f1", "f2"]);
      const { project, video } = await startMemory(
        c.id,
        photos.map((p) => p.id),
        { platform: "telegram" },
      );
      await store.transitionVideo(video.id, ["queued"], "processing");
      await store.transitionVideo(video.id, ["processing"], "failed", {
        errorCode: "render.ffmpeg_failed",
        errorMessage: "The video could not be made.",
      });
      const failed = await store.getVideo(video.id);
      expect(failed).toMatchObject({ status: "failed", errorCode: "render.ffmpeg_failed" });
      expect((await store.getProject(project.id))?.status).toBe("failed");
      expect(await store.listPhotosSinceLastMemory(c.id)).toHaveLength(2);

      expect(await store.transitionVideo(video.id, ["failed"], "queued")).toBe(true);
      expect((await store.getVideo(video.id))?.errorCode).toBeNull();
      expect(await store.listPhotosSinceLastMemory(c.id)).toEqual([]);
    });

    it("keeps a conversation's songs: the newest one no live memory took is the next memory's music", async () => {
      const c = await newConversation();
      const song = (fileId: string, kind: "song" | "voice" = "song") =>
        store.recordPendingSong({
          conversationId: c.id,
          kind,
          fileId,
          name: `${fileId}.mp3`,
          title: fileId === "s1" ? "Summer Song" : null,
          source: { platform: "slack", fileId },
        });
      const first = await song("s1");
      expect(first).toMatchObject({
        fresh: true,
        song: { status: "pending", kind: "song", title: "Summer Song" },
      });
      expect((await song("s1")).fresh).toBe(false);
      expect((await store.nextSong(c.id))?.id).toBe(first.song.id);
      const done = await store.completePendingSong(first.song.id, {
        blobKey: `${c.id}/songs/${sha("s1")}.mp3`,
        sha256: sha("s1"),
        mimeType: "audio/mpeg",
        bytes: 1234,
        durationSeconds: 183.5,
        beats: { beats: [0.25, 0.826], loopSeconds: 183.5, bpm: 104.2, confidence: 0.61 },
        title: "From the tags",
        performer: "The Band",
      });
      // What the platform said wins over the file's tags; what it did not say comes from them.
      expect(done).toMatchObject({
        status: "ready",
        title: "Summer Song",
        performer: "The Band",
        durationSeconds: 183.5,
      });
      // Its beats, found at intake, come back as they were stored.
      expect((await store.getSong(first.song.id))?.beats).toEqual({
        beats: [0.25, 0.826],
        loopSeconds: 183.5,
        bpm: 104.2,
        confidence: 0.61,
      });
      // A later voice note replaces it; a rejected one does not.
      const voice = await song("v1", "voice");
      expect((await store.nextSong(c.id))?.id).toBe(voice.song.id);
      const broken = await song("b1");
      await store.rejectPendingSong(broken.song.id, "song.unreadable", "b1.mp3 could not be read.");
      expect(await store.completePendingSong(broken.song.id, done as never)).toMatchObject({
        status: "rejected",
      });
      expect((await store.nextSong(c.id))?.id).toBe(voice.song.id);

      const photos = await addPhotos(c.id, ["song-p1"]);
      const { video } = await startMemory(
        c.id,
        photos.map((p) => p.id),
        { songId: voice.song.id },
      );
      expect(await store.nextSong(c.id)).toBeNull();
      // A remake of that memory keeps its music, once the voice note is ready.
      expect(await store.songOfLastMemory(c.id)).toBeNull();
      await store.completePendingSong(voice.song.id, {
        blobKey: `${c.id}/songs/${sha("v1")}.ogg`,
        sha256: sha("v1"),
        mimeType: "audio/ogg",
        bytes: 99,
        durationSeconds: 4,
      });
      expect((await store.songOfLastMemory(c.id))?.id).toBe(voice.song.id);
      // A voice note is not listened to for beats.
      expect((await store.getSong(voice.song.id))?.beats).toBeNull();
      // A failed memory gives its song back; a song sent after a memory is the next one's.
      await store.transitionVideo(video.id, ["queued"], "failed", { errorCode: "x", errorMessage: "x" });
      expect((await store.nextSong(c.id))?.id).toBe(voice.song.id);
      const later = await song("s2");
      expect((await store.nextSong(c.id))?.id).toBe(later.song.id);
      // `/memory new` sets every earlier song aside too.
      await store.resetCollection(c.id);
      expect(await store.nextSong(c.id)).toBeNull();
    });

    it("records a delivery of the video once", async () => {
      const c = await newConversation();
      const photos = await addPhotos(c.id, ["d1"]);
      const { video } = await startMemory(
        c.id,
        photos.map((p) => p.id),
      );
      expect(await store.setVideoDelivery(video.id, { messageId: "first" })).toBe(true);
      expect(await store.setVideoDelivery(video.id, { messageId: "second" })).toBe(false);
      expect((await store.getVideo(video.id))?.deliveredMessageRef).toEqual({ messageId: "first" });
      expect((await store.getVideo(video.id))?.deliveryIntent).toBeNull();
      await store.noteDeliveryIntent(video.id, { startedAt: "2026-12-07T14:00:00.000Z" });
      await store.noteDeliveryIntent(video.id, { fileId: "F0VIDEO" });
      expect((await store.getVideo(video.id))?.deliveryIntent).toEqual({
        startedAt: "2026-12-07T14:00:00.000Z",
        fileId: "F0VIDEO",
      });
      await store.setVideoStatusMessage(video.id, { messageId: "status-2" });
      expect((await store.getVideo(video.id))?.statusMessageRef).toEqual({ messageId: "status-2" });
    });

    it("lists the last memory's photos for a remake (a remake of it too), none after a reset", async () => {
      const c = await newConversation();
      expect(await store.listPhotosOfLastMemory(c.id)).toEqual([]);
      const taken = (await addPhotos(c.id, ["l1", "l2"])).map((p) => p.id);
      const base = {
        conversationId: c.id,
        style: "classic" as const,
        locale: "en",
        platform: "slack" as const,
      };
      await store.createProjectWithVideo({ ...base, photoIds: taken, requireInCollection: true });
      expect((await store.listPhotosOfLastMemory(c.id)).map((p) => p.id)).toEqual(taken);
      await store.createProjectWithVideo({ ...base, photoIds: taken.slice(0, 1) }); // a remake takes no collection
      expect((await store.listPhotosOfLastMemory(c.id)).map((p) => p.id)).toEqual(taken);
      expect(await store.countPhotosOfLastMemory(c.id)).toBe(2);
      await store.resetCollection(c.id);
      expect(await store.listPhotosOfLastMemory(c.id)).toEqual([]);
      expect(await store.countPhotosOfLastMemory(c.id)).toBe(0);
    });

    it("takes a photo sent again after a memory back into the collection, as a new arrival", async () => {
      const c = await newConversation();
      const [old] = await addPhotos(c.id, ["again"]);
      await startMemory(c.id, [String(old?.id)]);
      expect(await store.listPhotosSinceLastMemory(c.id)).toEqual([]);
      const back = await store.addPhoto(photo(c.id, "again"));
      expect(back.duplicate).toBe(false);
      expect(back.photo.id).toBe(old?.id);
      expect(back.photo.seq).toBeGreaterThan(old?.seq ?? Number.POSITIVE_INFINITY);
      expect((await store.listPhotosSinceLastMemory(c.id)).map((p) => p.id)).toEqual([old?.id]);
      expect((await store.addPhoto(photo(c.id, "again"))).duplicate).toBe(true); // now in the collection
    });

    it("keeps a photo's curation metrics, and a curated memory takes its whole collection", async () => {
      const c = await newConversation();
      const quality = { dhash: "00ff00ff00ff00ff", sharpness: 812.5, brightness: 0.25, clipped: 0.5 };
      const measured = await store.addPhoto({ ...photo(c.id, "q1"), quality });
      expect(measured.photo.quality).toEqual(quality);
      const [left] = await addPhotos(c.id, ["q2"]);
      expect(left?.quality).toBeNull();
      // q2 left out by curation
      await startMemory(c.id, [measured.photo.id], {
        collectionUpToSeq: left?.seq ?? 0,
        requireInCollection: true,
      });
      expect(await store.listPhotosSinceLastMemory(c.id)).toEqual([]);
      expect((await store.listPhotosOfLastMemory(c.id)).map((p) => p.id)).toEqual([
        measured.photo.id,
        left?.id,
      ]);
    });

    it("resets a collection: the next memory only uses photos added afterwards", async () => {
      const c = await newConversation();
      await addPhotos(c.id, ["r1", "r2", "r3"]);
      expect(await store.countPhotosSinceLastMemory(c.id)).toBe(3);
      expect(await store.resetCollection(c.id)).toBe(3);
      expect(await store.listPhotosSinceLastMemory(c.id)).toEqual([]);
      expect(await store.countPhotosSinceLastMemory(c.id)).toBe(0);
      expect(await store.resetCollection(c.id)).toBe(0);
      const fresh = (await addPhotos(c.id, ["r4"])).map((p) => p.id);
      expect((await store.listPhotosSinceLastMemory(c.id)).map((p) => p.id)).toEqual(fresh);
      expect(await store.countPhotosSinceLastMemory(c.id)).toBe(1);
    });

    it("claims an inbound delivery once, and again after its processing failed", async () => {
      const id = `Ev${randomUUID()}`;
      expect(await store.isDeliveryDone("slack", id)).toBe(false);
      expect(await store.recordInboundDelivery("slack", id)).toBe(true);
      expect(await store.recordInboundDelivery("slack", id)).toBe(false);
      expect(await store.isDeliveryDone("slack", id)).toBe(false);
      expect(await store.recordInboundDelivery("telegram", id)).toBe(true);
      await store.markDeliveryFailed("slack", id, "db down");
      expect(await store.recordInboundDelivery("slack", id)).toBe(true);
      expect(await store.recordInboundDelivery("slack", id)).toBe(false);
      await store.markDeliveryDone("slack", id);
      expect(await store.isDeliveryDone("slack", id)).toBe(true);
      expect(await store.isDeliveryDone("telegram", id)).toBe(false);
      expect(await store.recordInboundDelivery("slack", id)).toBe(false);
      // A claim abandoned by a crashed process goes stale and can be taken over.
      const stale = `Ev${randomUUID()}`;
      expect(await store.recordInboundDelivery("stripe", stale)).toBe(true);
      expect(await store.recordInboundDelivery("stripe", stale, { staleAfterMs: 60_000 })).toBe(false);
      await db.query(
        "update public.inbound_deliveries set claimed_at = now() - interval '2 minutes' where delivery_id = $1",
        [stale],
      );
      expect(await store.recordInboundDelivery("stripe", stale, { staleAfterMs: 60_000 })).toBe(true);
    });

    it("applies subscription events in event order, ignoring older ones", async () => {
      const account = await store.upsertAccount({ platform: "telegram", userId: `U${randomUUID()}` });
      const sub = `sub_${randomUUID()}`;
      const t0 = new Date("2026-11-01T10:00:00Z");
      const later = new Date("2026-11-01T10:05:00Z");
      const periodEnd = new Date(Date.now() + 30 * 86_400_000);
      const base = { accountId: account.id, provider: "stripe" as const, externalSubscriptionId: sub };
      const updated = await store.upsertSubscription({
        ...base,
        status: "active",
        currentPeriodEnd: periodEnd,
        eventAt: later,
      });
      expect(updated.applied).toBe(true);
      const stale = await store.upsertSubscription({ ...base, status: "unpaid", eventAt: t0 });
      expect(stale.applied).toBe(false);
      expect(stale.subscription.status).toBe("active");
      expect((await store.findActiveSubscription({ accountId: account.id }))?.externalSubscriptionId).toBe(
        sub,
      );

      const cancelled = await store.upsertSubscription({
        ...base,
        status: "cancelled",
        eventAt: new Date("2026-11-02T00:00:00Z"),
      });
      expect(cancelled.applied).toBe(true);
      expect(await store.findActiveSubscription({ accountId: account.id })).toBeNull();
      await expectCode(
        store.upsertSubscription({
          ...base,
          externalSubscriptionId: "x",
          status: "active",
          eventAt: t0,
          accountId: null,
        }),
        "store.invalid_input",
      );
    });

    it("counts usage per account and month", async () => {
      const account = await store.upsertAccount({
        platform: "discord",
        workspaceId: "G1",
        userId: `U${randomUUID()}`,
      });
      expect(await store.getUsage(account.id, "2026-11")).toMatchObject({
        memoriesRequested: 0,
        renderSeconds: 0,
      });
      await store.incrementUsage(account.id, "2026-11", "memoriesRequested");
      await store.incrementUsage(account.id, "2026-11", "memoriesRequested");
      await store.incrementUsage(account.id, "2026-11", "renderSeconds", 12.5);
      await store.incrementUsage(account.id, "2026-12", "memoriesRequested");
      expect(await store.getUsage(account.id, "2026-11")).toMatchObject({
        memoriesRequested: 2,
        renderSeconds: 12.5,
      });
      expect((await store.getUsage(account.id, "2026-12")).memoriesRequested).toBe(1);
      await expectCode(
        store.incrementUsage(account.id, "2026-13", "memoriesRequested"),
        "store.invalid_input",
      );
    });

    it("announces every status and progress change of a video on video_progress", async () => {
      const c = await newConversation();
      const photos = await addPhotos(c.id, ["n1"]);
      const payloads: { videoId: string; status: string; progress: number }[] = [];
      const unlisten = await db.listen("video_progress", (p) => payloads.push(JSON.parse(p)));
      try {
        const { video } = await startMemory(
          c.id,
          photos.map((p) => p.id),
          { platform: "playground" },
        );
        await store.transitionVideo(video.id, ["queued"], "processing");
        await store.setVideoProgress(video.id, 0.5);
        await store.setVideoStatusMessage(video.id, { messageId: "no-notify" });
        await store.transitionVideo(video.id, ["processing"], "completed");
        const mine = () => payloads.filter((p) => p.videoId === video.id);
        await expect.poll(() => mine().length, { timeout: 5000 }).toBe(4);
        expect(mine().map((p) => [p.status, p.progress])).toEqual([
          ["queued", 0],
          ["processing", 0],
          ["processing", 0.5],
          ["completed", 1],
        ]);
      } finally {
        await unlisten();
      }
    });
  });
}
