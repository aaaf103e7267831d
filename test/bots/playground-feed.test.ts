/**
 * The playground log's live feed on real Postgres: a row written on another connection reaches the follower (NOTIFY
 * from the trigger, LISTEN, re-read); when the LISTEN connection is killed the follower is told to fetch again and
 * keeps hearing; and when the database refuses connections at the moment postgres.js re-listens (which it then gives
 * up on, silently), the heartbeat finds the feed deaf and listens again once the database takes connections.
 */
import postgres from "postgres";
import { afterAll, beforeAll, expect, it } from "vitest";
import { createPlaygroundMessageLog, type PlaygroundMessage } from "../../src/bots/playground/message-log.ts";
import type { Db } from "../../src/core/store/db.ts";
import { migrate } from "../../src/core/store/migrate.ts";
import { createPostgresDb } from "../../src/core/store/postgres-db.ts";
import { ADMIN_URL, createTestDatabase, describePostgres, type TestDatabase } from "../helpers/postgres.ts";

describePostgres("the playground's live feed on Postgres", () => {
  let database: TestDatabase;
  let db: Db;
  let writer: Db;
  const admin = postgres(ADMIN_URL, { max: 1, onnotice: () => {} });

  beforeAll(async () => {
    database = await createTestDatabase();
    db = createPostgresDb(database.url, { max: 2 });
    writer = createPostgresDb(database.url, { max: 1 });
    await migrate(db);
  });
  afterAll(async () => {
    await admin.unsafe(`alter database ${database.name} allow_connections true`).catch(() => {});
    await db?.close();
    await writer?.close();
    await admin.end({ timeout: 1 });
    await database?.drop();
  });

  const killListener = () =>
    admin`select pg_terminate_backend(pid) from pg_stat_activity
          where datname = ${database.name} and query ilike 'listen%'`;

  it("brings other connections' rows, asks for a fetch after a lost LISTEN, and recovers a LISTEN given up on", {
    timeout: 60_000,
  }, async () => {
    const errors: string[] = [];
    const log = createPlaygroundMessageLog(db, {
      heartbeatMs: 300,
      onError: (_error, what) => errors.push(what),
    });
    const elsewhere = createPlaygroundMessageLog(writer);
    const seen: string[] = [];
    let resyncs = 0;
    const unsubscribe = await log.subscribe("feed-room", {
      message: (m: PlaygroundMessage) => seen.push(m.text),
      resync: () => {
        resyncs += 1;
      },
    });
    const add = (text: string) => elsewhere.add({ conversationId: "feed-room", from: "bot", text });
    await elsewhere.add({ conversationId: "another-room", from: "bot", text: "not for this page" });
    const first = await add("one");
    // A row is re-read when its notification arrives: wait for it before changing it again.
    await expect.poll(() => seen, { timeout: 5000 }).toEqual(["one"]);
    await elsewhere.update(first.id, { text: "one, edited", progress: 0.5 });
    await expect.poll(() => seen, { timeout: 5000 }).toEqual(["one", "one, edited"]);

    // The LISTEN connection dies; postgres.js listens again by itself: the page is told to fetch what it missed.
    await killListener();
    await expect.poll(() => resyncs, { timeout: 10_000 }).toBe(1);
    await add("two");
    await expect.poll(() => seen.at(-1), { timeout: 5000 }).toBe("two");

    // It dies while the database takes no new connections: postgres.js's re-listen fails and is not tried again.
    await admin.unsafe(`alter database ${database.name} allow_connections false`);
    await killListener();
    await expect.poll(() => errors.includes("heartbeat"), { timeout: 10_000 }).toBe(true);
    await admin.unsafe(`alter database ${database.name} allow_connections true`);
    await expect.poll(() => resyncs, { timeout: 10_000 }).toBe(2);
    await add("three");
    await expect.poll(() => seen.at(-1), { timeout: 5000 }).toBe("three");
    await add("four");
    await expect.poll(() => seen.at(-1), { timeout: 5000 }).toBe("four");
    // Once each, whatever LISTENs the driver brought back.
    expect(seen).toEqual(["one", "one, edited", "two", "three", "four"]);
    unsubscribe();
  });
});
