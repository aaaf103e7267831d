/**
 * Port: the lookups the commands need beyond the Store's by-id reads ("the latest memory of this conversation").
 * The SQL implementation runs on the data layer's query interface; it reads the Store's tables, never writes them.
 */
import type { Queryable } from "../store/db.ts";

export interface LatestMemory {
  projectId: string;
  videoId: string;
}

export interface MemoryLookup {
  /** The newest memory requested in a conversation, if any. */
  latestMemory(conversationId: string): Promise<LatestMemory | null>;
  /** Whether the video was made in this conversation (so a retry button cannot reach another chat's memory). */
  videoBelongsTo(videoId: string, conversationId: string): Promise<boolean>;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function createSqlMemoryLookup(db: Queryable): MemoryLookup {
  return {
    async latestMemory(conversationId) {
      if (!UUID.test(conversationId)) return null;
      const rows = await db.query<{ project_id: string; video_id: string }>(
        `select p.id as project_id, v.id as video_id
           from public.memory_projects p
           join public.generated_videos v on v.project_id = p.id
          where p.conversation_id = $1::uuid
          order by v.created_at desc, p.created_at desc
          limit 1`,
        [conversationId],
      );
      const row = rows[0];
      return row ? { projectId: row.project_id, videoId: row.video_id } : null;
    },
    async videoBelongsTo(videoId, conversationId) {
      if (!UUID.test(videoId) || !UUID.test(conversationId)) return false;
      const rows = await db.query<{ ok: number }>(
        `select 1 as ok
           from public.generated_videos v
           join public.memory_projects p on p.id = v.project_id
          where v.id = $1::uuid and p.conversation_id = $2::uuid`,
        [videoId, conversationId],
      );
      return rows.length > 0;
    },
  };
}
