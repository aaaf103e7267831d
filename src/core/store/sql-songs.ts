/**
 * Store part: songs and voice notes sent to a conversation. Recorded pending when their message arrives (once per
 * conversation and platform file id), completed or rejected by the intake job. The next memory's music is the newest
 * song no live memory took.
 */
import { PhotoMemoryError } from "../errors.ts";
import type { Db } from "./db.ts";
import { type Row, toSong } from "./row-mappers.ts";
import { guarded, isUuid, jsonParam } from "./sql-helpers.ts";
import type { Store } from "./store.ts";

type SongStore = Pick<
  Store,
  | "recordPendingSong"
  | "getSong"
  | "completePendingSong"
  | "rejectPendingSong"
  | "nextSong"
  | "songOfLastMemory"
>;

export function createSongStore(db: Db): SongStore {
  return {
    recordPendingSong: (input) =>
      guarded("Saving the song", async () => {
        const inserted = await db.query<Row>(
          `insert into public.songs (conversation_id, contributor_account_id, kind, source_file_id, source,
             original_name, title, performer)
           values ($1, $2, $3, $4, $5::text::jsonb, $6, $7, $8)
           on conflict (conversation_id, source_file_id) do nothing
           returning *`,
          [
            input.conversationId,
            input.contributorAccountId ?? null,
            input.kind,
            input.fileId,
            jsonParam(input.source),
            input.name ?? null,
            input.title ?? null,
            input.performer ?? null,
          ],
        );
        if (inserted[0]) return { song: toSong(inserted[0]), fresh: true };
        const [existing] = await db.query<Row>(
          "select * from public.songs where conversation_id = $1 and source_file_id = $2",
          [input.conversationId, input.fileId],
        );
        if (!existing) throw new PhotoMemoryError("store.conflict", "The song could not be saved.");
        return { song: toSong(existing), fresh: false };
      }),

    async getSong(id) {
      if (!isUuid(id)) return null;
      const [row] = await db.query<Row>("select * from public.songs where id = $1", [id]);
      return row ? toSong(row) : null;
    },

    completePendingSong: (id, input) =>
      guarded("Saving the song", async () => {
        if (!isUuid(id)) return null;
        const [row] = await db.query<Row>(
          `update public.songs set status = 'ready', blob_key = $2, sha256 = $3, mime_type = $4, bytes = $5,
             duration_seconds = $6, title = coalesce(title, $7), performer = coalesce(performer, $8),
             beats = $9::text::jsonb
           where id = $1 and status = 'pending' returning *`,
          [
            id,
            input.blobKey,
            input.sha256,
            input.mimeType,
            input.bytes,
            input.durationSeconds,
            input.title ?? null,
            input.performer ?? null,
            input.beats ? jsonParam(input.beats) : null,
          ],
        );
        if (row) return toSong(row);
        const [current] = await db.query<Row>("select * from public.songs where id = $1", [id]);
        return current ? toSong(current) : null;
      }),

    async rejectPendingSong(id, code, reason) {
      if (!isUuid(id)) return null;
      const [row] = await db.query<Row>(
        `update public.songs set status = 'rejected', reject_code = $2, reject_reason = $3
         where id = $1 and status = 'pending' returning *`,
        [id, code, reason],
      );
      return row ? toSong(row) : null;
    },

    async nextSong(conversationId) {
      if (!isUuid(conversationId)) return null;
      const [row] = await db.query<Row>(
        `select s.* from public.songs s
           join public.conversations c on c.id = s.conversation_id
          where s.conversation_id = $1 and s.status in ('pending', 'ready') and s.deleted_at is null
            and s.seq > coalesce((
              select max(t.seq) from public.memory_projects m join public.songs t on t.id = m.song_id
               where m.conversation_id = $1 and m.status not in ('cancelled', 'failed')), 0)
            and (c.collection_reset_at is null or s.created_at > c.collection_reset_at)
          order by s.seq desc
          limit 1`,
        [conversationId],
      );
      return row ? toSong(row) : null;
    },

    async songOfLastMemory(conversationId) {
      if (!isUuid(conversationId)) return null;
      const [row] = await db.query<Row>(
        `with last as (
           select m.song_id, m.created_at from public.memory_projects m
            where m.conversation_id = $1 and m.status not in ('cancelled', 'failed')
            order by m.created_at desc
            limit 1)
         select s.* from last
           join public.songs s on s.id = last.song_id
           join public.conversations c on c.id = s.conversation_id
          where s.status = 'ready' and s.deleted_at is null
            and (c.collection_reset_at is null or c.collection_reset_at < last.created_at)`,
        [conversationId],
      );
      return row ? toSong(row) : null;
    },
  };
}
