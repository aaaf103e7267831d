/**
 * Store part: reactions on the chat messages that brought photos, a curation signal. Rows are kept per message,
 * person and emoji (or, for anonymous reactions, a count per message) and only for messages that carried photos: a
 * reaction anywhere else in a channel is not kept.
 */
import type { Db } from "./db.ts";
import { guarded, isUuid } from "./sql-helpers.ts";
import type { ReactedMessage, Store } from "./store.ts";

type ReactionStore = Pick<Store, "applyReaction" | "countReactors">;

const key = (m: ReactedMessage) => [m.platform, m.workspaceId ?? "", m.channelId, m.messageId];

/** `$1..$4` name a message that brought photos to some conversation of its channel. */
const CARRIED_PHOTOS = `exists (
  select 1 from public.conversations c join public.photos p on p.conversation_id = c.id
   where c.platform = $1 and coalesce(c.workspace_id, '') = $2 and c.channel_id = $3 and p.message_id = $4)`;

export function createReactionStore(db: Db): ReactionStore {
  return {
    applyReaction: (change) =>
      guarded("Recording the reaction", async () => {
        const message = key(change.message);
        switch (change.kind) {
          case "added": {
            const rows = await db.query(
              `insert into public.message_reactions
                 (platform, workspace_id, channel_id, message_id, reactor_id, emoji)
               select $1, $2, $3, $4, $5, $6 where ${CARRIED_PHOTOS}
               on conflict do nothing returning 1`,
              [...message, change.reactorId, change.emoji],
            );
            return rows.length > 0;
          }
          case "removed": {
            const rows = await db.query(
              `delete from public.message_reactions where platform = $1 and workspace_id = $2 and channel_id = $3
                 and message_id = $4 and reactor_id = $5 and emoji = $6 returning 1`,
              [...message, change.reactorId, change.emoji],
            );
            return rows.length > 0;
          }
          case "cleared": {
            const rows = await db.query(
              `delete from public.message_reactions where platform = $1 and workspace_id = $2 and channel_id = $3
                 and message_id = $4 and ($5::text is null or emoji = $5) returning 1`,
              [...message, change.emoji ?? null],
            );
            return rows.length > 0;
          }
          case "replaced":
            return db.transaction(async (tx) => {
              await tx.query(
                `delete from public.message_reactions where platform = $1 and workspace_id = $2
                   and channel_id = $3 and message_id = $4 and reactor_id = $5`,
                [...message, change.reactorId],
              );
              let kept = 0;
              for (const emoji of new Set(change.emojis)) {
                const rows = await tx.query(
                  `insert into public.message_reactions
                     (platform, workspace_id, channel_id, message_id, reactor_id, emoji)
                   select $1, $2, $3, $4, $5, $6 where ${CARRIED_PHOTOS}
                   on conflict do nothing returning 1`,
                  [...message, change.reactorId, emoji],
                );
                kept += rows.length;
              }
              return kept > 0 || change.emojis.length === 0;
            });
          case "anonymous": {
            const rows = await db.query(
              `insert into public.message_anonymous_reactions
                 (platform, workspace_id, channel_id, message_id, reactors)
               select $1, $2, $3, $4, $5 where ${CARRIED_PHOTOS}
               on conflict (platform, workspace_id, channel_id, message_id)
               do update set reactors = excluded.reactors, updated_at = now()
               returning 1`,
              [...message, Math.max(0, Math.floor(change.reactors))],
            );
            return rows.length > 0;
          }
        }
      }),

    async countReactors(conversationId) {
      const counts = new Map<string, number>();
      if (!isUuid(conversationId)) return counts;
      // A reaction on a message counts for every photo it brought, and for every photo of its album (a Telegram
      // album is one message per photo, and people react to the album as a whole).
      const rows = await db.query<{ photo_id: unknown; reactors: unknown }>(
        `with place as (
           select platform, coalesce(workspace_id, '') as workspace_id, channel_id
             from public.conversations where id = $1),
         named as (
           select r.message_id, r.reactor_id from public.message_reactions r
             join place on r.platform = place.platform and r.workspace_id = place.workspace_id
              and r.channel_id = place.channel_id),
         anonymous as (
           select a.message_id, a.reactors from public.message_anonymous_reactions a
             join place on a.platform = place.platform and a.workspace_id = place.workspace_id
              and a.channel_id = place.channel_id),
         reacted as (
           select q.id, q.album_key, q.message_id from public.photos q
            where q.conversation_id = $1
              and q.message_id in (select message_id from named union select message_id from anonymous)),
         photo_messages as (
           select id as photo_id, message_id from reacted
           union
           select p.id, reacted.message_id from reacted
             join public.photos p on p.conversation_id = $1 and p.album_key = reacted.album_key
            where reacted.album_key is not null)
         select pm.photo_id,
                (count(distinct n.reactor_id) + coalesce(max(a.reactors), 0))::int as reactors
           from photo_messages pm
           left join named n on n.message_id = pm.message_id
           left join anonymous a on a.message_id = pm.message_id
          group by pm.photo_id`,
        [conversationId],
      );
      for (const row of rows) {
        const reactors = Number(row.reactors);
        if (reactors > 0) counts.set(String(row.photo_id), reactors);
      }
      return counts;
    },
  };
}
