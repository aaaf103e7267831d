/** Shared test helpers for the jobs tests: a migrated in-memory database, a silent logger, sample events. */
import pino from "pino";
import type { MemoryRequested } from "../../src/core/jobs/events.ts";
import type { Db } from "../../src/core/store/db.ts";
import { migrate } from "../../src/core/store/migrate.ts";
import { createPgliteDb } from "../../src/core/store/pglite-db.ts";

export const silentLogger = pino({ level: "silent" });

export async function migratedDb(dataDir?: string): Promise<Db> {
  const db = await createPgliteDb(dataDir);
  await migrate(db);
  return db;
}

export function memoryRequestedData(overrides: Partial<MemoryRequested> = {}): MemoryRequested {
  return {
    accountId: "acc_1",
    conversationId: "conv_1",
    projectId: "proj_1",
    videoId: "vid_1",
    target: { platform: "playground", channelId: "conv_1" },
    style: "classic",
    locale: "en",
    ...overrides,
  };
}

/** A promise with its resolve function, to hold a step open until the test lets go. */
export function gate<T = void>() {
  let open!: (value: T) => void;
  const promise = new Promise<T>((resolve) => {
    open = resolve;
  });
  return { promise, open };
}
