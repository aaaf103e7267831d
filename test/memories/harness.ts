/** A real Store on a fresh PGlite database, the real playground chat, in-memory blobs and a recording Jobs port. */
import { randomBytes } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import sharp from "sharp";
import { createPlaygroundChat } from "../../src/bots/playground/playground-bot.ts";
import type { BlobStore } from "../../src/core/blobs/blob-store.ts";
import type { ChatTarget } from "../../src/core/chat/chat-adapter.ts";
import { PhotoMemoryError } from "../../src/core/errors.ts";
import type { JobEvent } from "../../src/core/jobs/events.ts";
import { createSilentLogger } from "../../src/core/log.ts";
import {
  createFreeEntitlements,
  createSqlMemoryLookup,
  type MemoryDeps,
} from "../../src/core/memories/index.ts";
import { createSqlStore, type Db, migrate, openDatabase } from "../../src/core/store/index.ts";

export function createMemoryBlobStore(): BlobStore & { keys(): string[] } {
  const objects = new Map<string, Uint8Array>();
  return {
    kind: "local",
    keys: () => [...objects.keys()],
    async put(key, body) {
      objects.set(key, new Uint8Array(body));
    },
    async putFile(key, filePath) {
      const { readFile } = await import("node:fs/promises");
      objects.set(key, new Uint8Array(await readFile(filePath)));
    },
    async get(key) {
      const value = objects.get(key);
      if (!value) throw new PhotoMemoryError("blob.not_found", `No object at ${key}.`);
      return value;
    },
    async download(key, filePath) {
      const { writeFile } = await import("node:fs/promises");
      await writeFile(filePath, await this.get(key));
    },
    async exists(key) {
      return objects.has(key);
    },
    async delete(key) {
      objects.delete(key);
    },
    async signedUrl() {
      return null;
    },
  };
}

export interface Harness {
  deps: MemoryDeps;
  db: Db;
  events: JobEvent[];
  blobs: BlobStore;
  chat: ReturnType<typeof createPlaygroundChat>;
  target: ChatTarget;
  /** Moves the harness to a fresh conversation and forgets the recorded events. */
  newConversation(): void;
  botTexts(): Promise<string[]>;
  close(): Promise<void>;
}

export async function createHarness(options: { blobs?: BlobStore } = {}): Promise<Harness> {
  const dir = await mkdtemp(path.join(tmpdir(), "pm-memories-"));
  const db = await openDatabase({ dataDir: dir });
  await migrate(db);
  const store = createSqlStore(db);
  const blobs = options.blobs ?? createMemoryBlobStore();
  const events: JobEvent[] = [];
  const chat = createPlaygroundChat({ db, blobs });
  const deps: MemoryDeps = {
    store,
    blobs,
    jobs: {
      kind: "embedded",
      async send(event) {
        events.push(...(Array.isArray(event) ? event : [event]));
      },
    },
    entitlements: createFreeEntitlements(),
    lookup: createSqlMemoryLookup(db),
    chats: { playground: chat.adapter },
    logger: createSilentLogger(),
  };
  const harness: Harness = {
    deps,
    db,
    events,
    blobs,
    chat,
    target: { platform: "playground", channelId: "test-conversation" },
    newConversation() {
      harness.target = { platform: "playground", channelId: `c-${randomBytes(16).toString("base64url")}` };
      events.length = 0;
    },
    async botTexts() {
      const messages = await chat.messages.list(harness.target.channelId);
      return messages.filter((m) => m.from === "bot").map((m) => m.text);
    },
    async close() {
      await db.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
  return harness;
}

/** A small real JPEG with visible content; `seed` makes each one different (different hash). */
export async function makeJpeg(
  seed: number,
  options: { width?: number; height?: number } = {},
): Promise<Uint8Array> {
  const width = options.width ?? 320;
  const height = options.height ?? 240;
  const raw = Buffer.alloc(width * height * 3);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const i = (y * width + x) * 3;
      raw[i] = (x * 3 + seed * 40) & 255;
      raw[i + 1] = (y * 2 + seed * 17) & 255;
      raw[i + 2] = ((x ^ y) + seed * 91) & 255;
    }
  }
  return new Uint8Array(
    await sharp(raw, { raw: { width, height, channels: 3 } })
      .jpeg({ quality: 85 })
      .toBuffer(),
  );
}
