/**
 * Real concurrency on real Postgres: two connection pools (two "processes") doing the same thing at once must not
 * create duplicates.
 */
import { createHash, randomUUID } from "node:crypto";
import { afterAll, beforeAll, expect, it } from "vitest";
import type { Db } from "../../src/core/store/db.ts";
import { migrate } from "../../src/core/store/migrate.ts";
import { createPostgresDb } from "../../src/core/store/postgres-db.ts";
import { createSqlStore } from "../../src/core/store/sql-store.ts";
import type { Store } from "../../src/core/store/store.ts";
import { createTestDatabase, describePostgres, type TestDatabase } from "../helpers/postgres.ts";

const TIMES = 20;

describePostgres("Postgres under concurrency", () => {
  let database: TestDatabase;
  let dbA: Db;
  let dbB: Db;
  let a: Store;
  let b: Store;
  /** Alternates between the two pools. */
  const either = (i: number) => (i % 2 === 0 ? a : b);

  beforeAll(async () => {
    database = await createTestDatabase();
    dbA = createPostgresDb(database.url, { max: 10 });
    dbB = createPostgresDb(database.url, { max: 10 });
    // Two processes starting at once both migrate.
    const [first, second] = await Promise.all([migrate(dbA), migrate(dbB)]);
    expect([...first.applied, ...second.applied].sort()).toEqual([...first.applied, ...first.skipped].sort());
    a = createSqlStore(dbA);
    b = createSqlStore(dbB);
  });
  afterAll(async () => {
    await dbA?.close();
    await dbB?.close();
    await database?.drop();
  });

  it("applies every migration exactly once when several processes migrate at once", async () => {
    const extra = createPostgresDb(database.url, { max: 2 });
    try {
      const runs = await Promise.all([migrate(dbA), migrate(dbB), migrate(extra)]);
      expect(runs.flatMap((r) => r.applied)).toEqual([]);
      const rows = await dbA.query<{ name: string; n: number }>(
        "select name, count(*)::int as n from supabase_migrations.schema_migrations group by name",
      );
      expect(rows.length).toBeGreaterThan(0);
      expect(rows.every((r) => r.n === 1)).toBe(true);
    } finally {
      await extra.close();
    }
  });

  it("keeps one conversation when the same one is upserted in parallel", async () => {
    const place = {
      platform: "slack" as const,
      workspaceId: "T1",
      channelId: `C${randomUUID()}`,
      threadId: null,
    };
    const results = await Promise.all(
      Array.from({ length: TIMES }, (_, i) => either(i).upsertConversation(place)),
    );
    expect(new Set(results.map((c) => c.id)).size).toBe(1);
    const telegram = { platform: "telegram" as const, channelId: `${Date.now()}` };
    const dms = await Promise.all(
      Array.from({ length: TIMES }, (_, i) => either(i).upsertConversation(telegram)),
    );
    expect(new Set(dms.map((c) => c.id)).size).toBe(1);
  });

  it("keeps one account when the same user is upserted in parallel", async () => {
    const who = { platform: "discord" as const, workspaceId: null, userId: `U${randomUUID()}` };
    const results = await Promise.all(Array.from({ length: TIMES }, (_, i) => either(i).upsertAccount(who)));
    expect(new Set(results.map((r) => r.id)).size).toBe(1);
  });

  it("stores the same photo once when it is added 20 times in parallel", async () => {
    const conversation = await a.upsertConversation({
      platform: "slack",
      workspaceId: "T1",
      channelId: randomUUID(),
    });
    const sha256 = createHash("sha256").update(randomUUID()).digest("hex");
    const input = {
      conversationId: conversation.id,
      blobKey: `c/photos/${sha256}.jpg`,
      sha256,
      width: 10,
      height: 10,
    };
    const results = await Promise.all(Array.from({ length: TIMES }, (_, i) => either(i).addPhoto(input)));
    expect(new Set(results.map((r) => r.photo.id)).size).toBe(1);
    expect(results.filter((r) => !r.duplicate)).toHaveLength(1);
    expect(await a.listPhotosSinceLastMemory(conversation.id)).toHaveLength(1);
  });

  it("lets exactly one of 20 parallel copies of a delivery through, and one of its retries after a failure", async () => {
    const id = `Ev${randomUUID()}`;
    const claims = await Promise.all(
      Array.from({ length: TIMES }, (_, i) => either(i).recordInboundDelivery("slack", id)),
    );
    expect(claims.filter(Boolean)).toHaveLength(1);
    await a.markDeliveryFailed("slack", id, "boom");
    const retries = await Promise.all(
      Array.from({ length: TIMES }, (_, i) => either(i).recordInboundDelivery("slack", id)),
    );
    expect(retries.filter(Boolean)).toHaveLength(1);
  });

  it("moves a video out of queued only once when two workers race", async () => {
    const conversation = await a.upsertConversation({
      platform: "slack",
      workspaceId: "T1",
      channelId: randomUUID(),
    });
    const sha256 = createHash("sha256").update(randomUUID()).digest("hex");
    const { photo } = await a.addPhoto({
      conversationId: conversation.id,
      blobKey: "k/p/x.jpg",
      sha256,
      width: 1,
      height: 1,
    });
    const { video } = await a.createProjectWithVideo({
      conversationId: conversation.id,
      style: "classic",
      photoIds: [photo.id],
      locale: "en",
      platform: "slack",
    });
    const wins = await Promise.all(
      Array.from({ length: TIMES }, (_, i) => either(i).transitionVideo(video.id, ["queued"], "processing")),
    );
    expect(wins.filter(Boolean)).toHaveLength(1);
  });

  it("makes one memory when two people ask for one from the same photos at once", async () => {
    const conversation = await a.upsertConversation({
      platform: "slack",
      workspaceId: "T1",
      channelId: randomUUID(),
    });
    const sha256 = createHash("sha256").update(randomUUID()).digest("hex");
    await a.addPhoto({ conversationId: conversation.id, blobKey: "k/p/y.jpg", sha256, width: 1, height: 1 });
    const photoIds = (await a.listPhotosSinceLastMemory(conversation.id)).map((p) => p.id);
    const request = {
      conversationId: conversation.id,
      style: "classic" as const,
      photoIds,
      locale: "en",
      platform: "slack" as const,
      requireInCollection: true,
    };
    const outcomes = await Promise.allSettled(
      Array.from({ length: 6 }, (_, i) => either(i).createProjectWithVideo(request)),
    );
    expect(outcomes.filter((o) => o.status === "fulfilled")).toHaveLength(1);
    const reasons = outcomes.flatMap((o) =>
      o.status === "rejected" ? [(o.reason as { code?: string }).code] : [],
    );
    expect(reasons).toEqual(Array(5).fill("store.conflict"));
  });

  it("counts every parallel usage increment and keeps the newest subscription event", async () => {
    const account = await a.upsertAccount({ platform: "telegram", userId: `U${randomUUID()}` });
    await Promise.all(
      Array.from({ length: TIMES }, (_, i) =>
        either(i).incrementUsage(account.id, "2026-11", "memoriesRequested"),
      ),
    );
    expect((await a.getUsage(account.id, "2026-11")).memoriesRequested).toBe(TIMES);

    const sub = `sub_${randomUUID()}`;
    const statuses = ["active", "past_due", "unpaid", "cancelled"] as const;
    await Promise.all(
      Array.from({ length: TIMES }, (_, i) =>
        either(i).upsertSubscription({
          accountId: account.id,
          provider: "stripe",
          externalSubscriptionId: sub,
          status: statuses[i % statuses.length] ?? "active",
          eventAt: new Date(Date.UTC(2026, 10, 1, 0, 0, i === 7 ? 59 : i)),
        }),
      ),
    );
    const [row] = await dbA.query<{ status: string }>(
      "select status from public.subscriptions where external_subscription_id = $1",
      [sub],
    );
    expect(row?.status).toBe(statuses[7 % statuses.length]);
  });
});
