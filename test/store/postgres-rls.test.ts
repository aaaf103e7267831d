/**
 * Row Level Security on real Postgres, seen from a web client's roles: anon sees nothing; authenticated sees only
 * its own account, memories, videos, subscriptions (its plan) and usage, and can write nothing: not its account, and
 * not a subscription that would make it premium.
 */
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, expect, it } from "vitest";
import type { Db, Queryable } from "../../src/core/store/db.ts";
import { migrate } from "../../src/core/store/migrate.ts";
import { createPostgresDb } from "../../src/core/store/postgres-db.ts";
import { createSqlStore } from "../../src/core/store/sql-store.ts";
import { createTestDatabase, describePostgres, type TestDatabase } from "../helpers/postgres.ts";

const ROLLBACK = Symbol("rollback");

describePostgres("Row Level Security on Postgres", () => {
  let database: TestDatabase;
  let db: Db;
  const alice = randomUUID();
  const bob = randomUUID();
  let aliceAccount: string;
  let bobAccount: string;
  let bobVideo: string;

  /** Runs fn as a client role with the given JWT subject, then rolls everything back. Errors become their code. */
  async function as<T>(role: "anon" | "authenticated", sub: string | null, fn: (q: Queryable) => Promise<T>) {
    let result: T | { error: string } | undefined;
    await db
      .transaction(async (tx) => {
        await tx.query(`set local role ${role}`);
        if (sub)
          await tx.query("select set_config('request.jwt.claims', $1, true)", [
            JSON.stringify({ sub, role }),
          ]);
        try {
          result = await fn(tx);
        } catch (e) {
          result = { error: String((e as { code?: string }).code ?? e) };
        }
        throw ROLLBACK;
      })
      .catch((e) => {
        if (e !== ROLLBACK) throw e;
      });
    return result;
  }

  beforeAll(async () => {
    database = await createTestDatabase();
    db = createPostgresDb(database.url, { max: 2 });
    await migrate(db);
    const store = createSqlStore(db);
    for (const [who, sub] of [
      ["alice", alice],
      ["bob", bob],
    ] as const) {
      const account = await store.upsertAccount({ platform: "slack", workspaceId: "T1", userId: who });
      await db.query("update public.accounts set auth_user_id = $2 where id = $1", [account.id, sub]);
      const conversation = await store.upsertConversation({
        platform: "slack",
        workspaceId: "T1",
        channelId: who,
      });
      const sha256 = who.padEnd(64, "0").replace(/[^0-9a-f]/g, "a");
      const { photo } = await store.addPhoto({
        conversationId: conversation.id,
        blobKey: `${who}/p.jpg`,
        sha256,
        width: 1,
        height: 1,
      });
      const { video } = await store.createProjectWithVideo({
        conversationId: conversation.id,
        requesterAccountId: account.id,
        style: "classic",
        photoIds: [photo.id],
        locale: "en",
        platform: "slack",
      });
      await store.incrementUsage(account.id, "2026-11", "memoriesRequested");
      if (who === "alice") aliceAccount = account.id;
      else {
        bobAccount = account.id;
        bobVideo = video.id;
      }
    }
  });
  afterAll(async () => {
    await db?.close();
    await database?.drop();
  });

  it("shows a signed-in user only their own rows", async () => {
    const seen = await as("authenticated", alice, async (q) => ({
      accounts: (await q.query<{ id: string }>("select id from public.accounts")).map((r) => r.id),
      projects: (await q.query<{ n: number }>("select count(*)::int as n from public.memory_projects"))[0]?.n,
      videos: (await q.query<{ n: number }>("select count(*)::int as n from public.generated_videos"))[0]?.n,
      bobVideo: (await q.query("select id from public.generated_videos where id = $1", [bobVideo])).length,
      usage: (await q.query<{ account_id: string }>("select account_id from public.usage")).map(
        (r) => r.account_id,
      ),
    }));
    expect(seen).toEqual({
      accounts: [aliceAccount],
      projects: 1,
      videos: 1,
      bobVideo: 0,
      usage: [aliceAccount],
    });
  });

  it("keeps server-only tables closed to signed-in users", async () => {
    for (const table of [
      "public.photos",
      "public.conversations",
      "public.workspaces",
      "public.inbound_deliveries",
      "supabase_migrations.schema_migrations",
    ]) {
      expect(await as("authenticated", alice, (q) => q.query(`select * from ${table}`)), table).toEqual({
        error: "42501",
      });
    }
  });

  it("lets a signed-in user write nothing, not even to their own rows", async () => {
    const attempts = [
      ["update public.accounts set display_name = 'Mallory' where id = $1", [aliceAccount]],
      ["update public.accounts set display_name = 'Mallory' where id = $1", [bobAccount]],
      [
        `insert into public.subscriptions (account_id, provider, external_subscription_id, status, last_event_at)
         values ($1, 'stripe', 'sub_forged', 'active', now())`,
        [aliceAccount],
      ],
      ["delete from public.generated_videos where id = $1", [bobVideo]],
      ["insert into public.accounts (platform, user_id) values ('slack', 'mallory')", []],
      ["insert into public.usage (account_id, month) values ($1, '2026-12')", [aliceAccount]],
    ] as const;
    for (const [sql, params] of attempts) {
      expect(await as("authenticated", alice, (q) => q.query(sql, params)), sql).toEqual({ error: "42501" });
    }
    const [row] = await db.query<{ display_name: string | null }>(
      "select display_name from public.accounts where id = $1",
      [bobAccount],
    );
    expect(row?.display_name).toBeNull();
    expect(
      await db.query("select 1 from public.subscriptions where external_subscription_id = 'sub_forged'"),
    ).toEqual([]);
  });

  it("hides every row by RLS alone, even with Supabase's default grants on every table", async () => {
    const tables = [
      "accounts",
      "workspaces",
      "conversations",
      "photos",
      "memory_projects",
      "generated_videos",
    ];
    const seen = await db
      .transaction(async (tx) => {
        await tx.query(`grant all on ${tables.map((t) => `public.${t}`).join(", ")} to anon, authenticated`);
        await tx.query("set local role anon");
        const counts: Record<string, number> = {};
        for (const t of tables) {
          counts[t] = (await tx.query(`select 1 from public.${t}`)).length;
        }
        const updated = await tx.query("update public.accounts set display_name = 'Mallory' returning id");
        throw Object.assign(new Error("rollback"), { counts, updated: updated.length });
      })
      .catch((e: { counts?: Record<string, number>; updated?: number }) => ({
        counts: e.counts,
        updated: e.updated,
      }));
    expect(seen.counts).toEqual(Object.fromEntries(tables.map((t) => [t, 0])));
    expect(seen.updated).toBe(0);
  });

  it("shows anon nothing at all", async () => {
    for (const table of [
      "accounts",
      "memory_projects",
      "generated_videos",
      "subscriptions",
      "usage",
      "photos",
    ]) {
      expect(await as("anon", null, (q) => q.query(`select * from public.${table}`)), table).toEqual({
        error: "42501",
      });
    }
  });

  it("shows a signed-in user without an account nothing", async () => {
    const seen = await as("authenticated", randomUUID(), async (q) => [
      ...(await q.query("select id from public.accounts")),
      ...(await q.query("select id from public.generated_videos")),
    ]);
    expect(seen).toEqual([]);
  });

  it("lets the service role do its work through RLS", async () => {
    const [row] = await db.transaction(async (tx) => {
      await tx.query("set local role service_role");
      return tx.query<{ n: number }>("select count(*)::int as n from public.accounts");
    });
    expect(row?.n).toBe(2);
  });
});
