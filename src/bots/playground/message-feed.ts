/**
 * The playground chat log's live feed, across processes. A trigger NOTIFYs `playground_messages` with the id of every
 * message added or changed and its conversation's id (supabase/migrations/…_playground_notify.sql), whichever process
 * wrote it: the web process that took the user's line, or a worker posting progress and the video. A process with open
 * pages LISTENs while anyone follows, and re-reads each row, one at a time so a page never sees an older state after a
 * newer one. When notifications may have been lost (the driver re-listened after a dropped connection, or the
 * heartbeat found the LISTEN deaf and renewed it), every follower is told to re-read its conversation.
 */
import { randomUUID } from "node:crypto";
import type { Db } from "../../core/store/db.ts";

export const PLAYGROUND_CHANNEL = "playground_messages";

export interface FeedFollower<T> {
  message(message: T): void;
  /** Some changes may have been missed: fetch the conversation again. */
  resync(): void;
}

export interface MessageFeed<T> {
  /** Resolves once the process is listening (so nothing written after it is missed); returns the unfollow. */
  follow(conversationId: string, follower: FeedFollower<T>): Promise<() => void>;
}

export interface MessageFeedOptions<T> {
  db: Db;
  read(id: string): Promise<T | null>;
  /** How often a listening process checks it hears its own NOTIFY (default 30 s); Postgres only. */
  heartbeatMs?: number;
  onError?: (error: unknown, what: string) => void;
}

const HEARD_WITHIN_MS = 5000;

export function createMessageFeed<T>(options: MessageFeedOptions<T>): MessageFeed<T> {
  const { db, read } = options;
  const heartbeatMs = options.heartbeatMs ?? 30_000;
  const onError = options.onError ?? (() => {});
  const followers = new Map<string, Set<FeedFollower<T>>>();
  let listening: Promise<() => Promise<void>> | null = null;
  let reads: Promise<void> = Promise.resolve();
  let generation = 0;
  let beating = false;
  let ping: { nonce: string; heard: () => void } | undefined;

  const everyone = () => [...followers.values()].flatMap((set) => [...set]);

  function onPayload(payload: string) {
    let note: { id?: unknown; conversationId?: unknown; ping?: unknown };
    try {
      note = JSON.parse(payload) as typeof note;
    } catch {
      return;
    }
    if (typeof note.ping === "string") {
      if (note.ping === ping?.nonce) ping.heard();
      return;
    }
    const { id, conversationId } = note;
    if (typeof id !== "string" || typeof conversationId !== "string" || !followers.has(conversationId))
      return;
    reads = reads
      .then(async () => {
        const message = await read(id);
        if (message) for (const f of followers.get(conversationId) ?? []) f.message(message);
      })
      .catch((error: unknown) => onError(error, "read"));
  }

  /** `renewed`: listening again after the LISTEN was found deaf, so even the first LISTEN follows a gap. */
  function listen(renewed = false) {
    if (!listening) {
      // Only the latest LISTEN counts: postgres.js may bring back one given up on (it retries a LISTEN whose connection
      // failed), which would deliver every notification twice.
      const mine = ++generation;
      let gap = renewed;
      const onListen = () => {
        if (mine !== generation) return;
        // Called again when the driver re-listened on a new connection.
        if (gap) for (const f of everyone()) f.resync();
        gap = true;
      };
      const started = db.listen(
        PLAYGROUND_CHANNEL,
        (payload) => {
          if (mine === generation) onPayload(payload);
        },
        onListen,
      );
      listening = started;
      started.catch(() => {
        if (listening === started) listening = null;
      });
    }
    return listening;
  }

  function unlisten() {
    const old = listening;
    listening = null;
    // Not awaited: postgres.js forgets the channel at once, so a LISTEN right after is a new one.
    void old?.then((stop) => stop()).catch(() => {});
  }

  /** Whether the LISTEN hears a ping this process sends itself. */
  async function hears(): Promise<boolean> {
    const current = listening;
    if (!current || !(await current.then(() => true).catch(() => false))) return false;
    const nonce = randomUUID();
    let timer: NodeJS.Timeout | undefined;
    const heard = new Promise<boolean>((resolve) => {
      timer = setTimeout(() => resolve(false), HEARD_WITHIN_MS);
      ping = { nonce, heard: () => resolve(true) };
    });
    try {
      await db.query("select pg_notify($1, $2)", [PLAYGROUND_CHANNEL, JSON.stringify({ ping: nonce })]);
      return await heard;
    } catch {
      return false;
    } finally {
      clearTimeout(timer);
    }
  }

  /** While anyone follows (Postgres only: PGlite's LISTEN is in process and cannot be lost). */
  async function keepHearing() {
    if (beating || db.kind !== "postgres") return;
    beating = true;
    try {
      while (followers.size > 0) {
        await new Promise((resolve) => setTimeout(resolve, heartbeatMs).unref());
        if (followers.size === 0 || (await hears()) || followers.size === 0) continue;
        onError(
          new Error("the playground LISTEN does not hear its own NOTIFY; listening again"),
          "heartbeat",
        );
        unlisten();
        await listen(true).catch((error: unknown) => onError(error, "listen"));
      }
    } finally {
      beating = false;
    }
  }

  return {
    async follow(conversationId, follower) {
      const set = followers.get(conversationId) ?? new Set();
      followers.set(conversationId, set);
      set.add(follower);
      const unfollow = () => {
        set.delete(follower);
        if (set.size === 0 && followers.get(conversationId) === set) followers.delete(conversationId);
        if (followers.size === 0) unlisten();
      };
      try {
        await listen();
      } catch (error) {
        unfollow();
        throw error;
      }
      void keepHearing();
      return unfollow;
    },
  };
}
