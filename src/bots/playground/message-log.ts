/**
 * The playground's chat log in the database (table playground_messages), and the live feed the SSE route follows.
 * Rows are the source of truth; the feed (message-feed.ts: NOTIFY from a trigger, LISTEN where pages are open) only
 * tells open pages which row changed, whichever process changed it.
 */
import type { Db } from "../../core/store/db.ts";
import { createMessageFeed, type FeedFollower } from "./message-feed.ts";

export interface PlaygroundVideo {
  /** BlobStore key of the delivered MP4. */
  key: string;
  bytes: number;
  durationSeconds: number;
  width: number;
  height: number;
  title: string;
  shareUrl?: string;
}

export interface PlaygroundMessage {
  id: string;
  conversationId: string;
  from: "user" | "bot";
  user?: string;
  text: string;
  progress?: number;
  actions?: { id: string; label: string; value: string; style?: "primary" | "danger" }[];
  video?: PlaygroundVideo;
  createdAt: string;
}

interface Row {
  id: string;
  channel_id: string;
  sender: "user" | "bot";
  user_name: string | null;
  body: string;
  progress: number | null;
  actions: unknown;
  video: unknown;
  created_at: string | Date;
}

const asJson = <T>(value: unknown): T | undefined =>
  value == null ? undefined : ((typeof value === "string" ? JSON.parse(value) : value) as T);

function toMessage(row: Row): PlaygroundMessage {
  const actions = asJson<PlaygroundMessage["actions"]>(row.actions);
  const video = asJson<PlaygroundVideo>(row.video);
  return {
    id: row.id,
    conversationId: row.channel_id,
    from: row.sender,
    ...(row.user_name ? { user: row.user_name } : {}),
    text: row.body,
    ...(row.progress != null ? { progress: Number(row.progress) } : {}),
    ...(actions ? { actions } : {}),
    ...(video ? { video } : {}),
    createdAt: new Date(row.created_at).toISOString(),
  };
}

export interface NewPlaygroundMessage {
  conversationId: string;
  from: "user" | "bot";
  user?: string;
  text: string;
  progress?: number;
  actions?: PlaygroundMessage["actions"];
  video?: PlaygroundVideo;
  /** A pre-chosen id (so a file can be stored under it before the row exists). */
  id?: string;
}

export interface PlaygroundMessageLog {
  add(message: NewPlaygroundMessage): Promise<PlaygroundMessage>;
  update(
    id: string,
    patch: { text?: string; progress?: number | null; actions?: PlaygroundMessage["actions"] | null },
  ): Promise<PlaygroundMessage | null>;
  get(id: string): Promise<PlaygroundMessage | null>;
  list(conversationId: string): Promise<PlaygroundMessage[]>;
  /**
   * Calls `follower` with every added or changed message of the conversation, written by any process; resolves once
   * following (throws when the database cannot be listened to), to the unsubscribe.
   */
  subscribe(conversationId: string, follower: FeedFollower<PlaygroundMessage>): Promise<() => void>;
}

const COLUMNS = "id, channel_id, sender, user_name, body, progress, actions, video, created_at";

export function createPlaygroundMessageLog(
  db: Db,
  options: { heartbeatMs?: number; onError?: (error: unknown, what: string) => void } = {},
): PlaygroundMessageLog {
  const get = async (id: string): Promise<PlaygroundMessage | null> => {
    if (!/^[0-9a-f-]{36}$/i.test(id)) return null;
    const rows = await db.query<Row>(
      `select ${COLUMNS} from public.playground_messages where id = $1::uuid`,
      [id],
    );
    return rows[0] ? toMessage(rows[0]) : null;
  };
  const feed = createMessageFeed({ db, read: get, ...options });
  return {
    async add(m) {
      const rows = await db.query<Row>(
        `insert into public.playground_messages (id, channel_id, sender, user_name, body, progress, actions, video)
         values (coalesce($1::uuid, gen_random_uuid()), $2, $3, $4, $5, $6, $7::text::jsonb, $8::text::jsonb)
         returning ${COLUMNS}`,
        [
          m.id ?? null,
          m.conversationId,
          m.from,
          m.user ?? null,
          m.text,
          m.progress ?? null,
          m.actions ? JSON.stringify(m.actions) : null,
          m.video ? JSON.stringify(m.video) : null,
        ],
      );
      const row = rows[0];
      if (!row) throw new Error("insert into playground_messages returned no row");
      return toMessage(row);
    },
    async update(id, patch) {
      const rows = await db.query<Row>(
        `update public.playground_messages set
           body = coalesce($2, body),
           progress = case when $3::boolean then $4::real else progress end,
           actions = case when $5::boolean then $6::text::jsonb else actions end
         where id = $1::uuid returning ${COLUMNS}`,
        [
          id,
          patch.text ?? null,
          patch.progress !== undefined,
          patch.progress ?? null,
          patch.actions !== undefined,
          patch.actions ? JSON.stringify(patch.actions) : null,
        ],
      );
      const row = rows[0];
      return row ? toMessage(row) : null;
    },
    get,
    async list(conversationId) {
      const rows = await db.query<Row>(
        `select ${COLUMNS} from public.playground_messages where channel_id = $1 order by seq`,
        [conversationId],
      );
      return rows.map(toMessage);
    },
    subscribe: (conversationId, follower) => feed.follow(conversationId, follower),
  };
}
