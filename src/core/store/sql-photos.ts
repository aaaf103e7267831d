/**
 * Store part: photos. A photo is unique per conversation and content hash, and per conversation and platform file id;
 * it is recorded pending when its message arrives and completed (or rejected) by the intake job. The collection of a
 * conversation is every pending or ready photo whose arrival seq is above the conversation's collection marker.
 */
import { PhotoMemoryError } from "../errors.ts";
import type { Db } from "./db.ts";
import { type Row, toPhoto } from "./row-mappers.ts";
import { guarded, isUuid, jsonParam, textList } from "./sql-helpers.ts";
import type { CompletedPhotoInput, Store } from "./store.ts";

type PhotoStore = Pick<
  Store,
  | "addPhoto"
  | "getPhoto"
  | "getPhotos"
  | "recordPendingPhotos"
  | "completePendingPhoto"
  | "rejectPendingPhoto"
  | "getAlbum"
  | "listPhotosSinceLastMemory"
  | "countPhotosSinceLastMemory"
  | "listPhotosOfLastMemory"
  | "countPhotosOfLastMemory"
  | "resetCollection"
  | "deletePhoto"
>;

const SHA256 = /^[0-9a-f]{64}$/;

/** Pending and ready photos after the conversation's collection start ($1: the conversation). */
const SINCE_LAST_MEMORY = (columns: string) =>
  `select ${columns} from public.photos p
     join public.conversations c on c.id = p.conversation_id
    where p.conversation_id = $1 and p.seq > c.collection_start_seq
      and p.status in ('pending', 'ready') and p.deleted_at is null`;

/**
 * The photos of the last memory that took a collection ($1: the conversation): a remake takes none (its range is
 * empty), so it points back to the same photos. A cancelled or failed memory gave its collection back.
 */
const OF_LAST_MEMORY = (columns: string) =>
  `with last as (
     select m.collection_seq_before as after_seq, m.collection_seq_after as upto_seq, m.created_at
       from public.memory_projects m
      where m.conversation_id = $1 and m.collection_seq_after > m.collection_seq_before
        and m.status not in ('cancelled', 'failed')
      order by m.created_at desc
      limit 1)
   select ${columns} from public.photos p
     join last on true
     join public.conversations c on c.id = p.conversation_id
    where p.conversation_id = $1 and p.seq > last.after_seq and p.seq <= last.upto_seq
      and p.status = 'ready' and p.deleted_at is null
      and (c.collection_reset_at is null or c.collection_reset_at < last.created_at)`;

function checkSha256(sha256: string): void {
  if (!SHA256.test(sha256)) {
    throw new PhotoMemoryError(
      "store.invalid_input",
      "A photo's sha256 must be 64 lowercase hex characters.",
    );
  }
}

/** Rejections that sending the same file again may cure (its download failed); a HEIC stays a HEIC. */
const RETRYABLE_REJECTIONS = ["download.failed", "intake.failed", "platform.failed"];

/**
 * A stored photo's content columns, in the order both the insert and the completion of a pending photo list them:
 * blob_key, sha256, width, height, taken_at, focus_x, focus_y, mime_type, bytes, faces, dhash, sharpness,
 * brightness, clipped.
 */
function contentParams(input: CompletedPhotoInput): unknown[] {
  return [
    input.blobKey,
    input.sha256,
    input.width,
    input.height,
    input.takenAt ?? null,
    input.focus?.x ?? null,
    input.focus?.y ?? null,
    input.mimeType ?? null,
    input.bytes ?? null,
    jsonParam(input.faces ?? null),
    input.quality?.dhash ?? null,
    input.quality?.sharpness ?? null,
    input.quality?.brightness ?? null,
    input.quality?.clipped ?? null,
  ];
}

const isUniqueViolation = (e: unknown): boolean => (e as { code?: unknown } | null)?.code === "23505";

export function createPhotoStore(db: Db): PhotoStore {
  return {
    addPhoto: (input) =>
      guarded("Saving the photo", async () => {
        checkSha256(input.sha256);
        const inserted = await db.query<Row>(
          `insert into public.photos (conversation_id, contributor_account_id, original_name, blob_key, sha256, width,
             height, taken_at, focus_x, focus_y, mime_type, bytes, faces, dhash, sharpness, brightness, clipped)
           values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13::text::jsonb, $14, $15, $16, $17)
           on conflict (conversation_id, sha256) do nothing
           returning *`,
          [
            input.conversationId,
            input.contributorAccountId ?? null,
            input.originalName ?? null,
            ...contentParams(input),
          ],
        );
        if (inserted[0]) return { photo: toPhoto(inserted[0]), duplicate: false };
        // The conflicting row may have been committed by a concurrent insert after this statement's snapshot was
        // taken; a new statement sees it.
        const [existing] = await db.query<Row>(
          "select * from public.photos where conversation_id = $1 and sha256 = $2",
          [input.conversationId, input.sha256],
        );
        if (!existing)
          throw new PhotoMemoryError("store.conflict", "The photo could not be saved; try again.");
        // Taken by an earlier memory (or deleted): it arrives again, into the current collection.
        const [back] = await db.query<Row>(
          `update public.photos p set seq = nextval('public.photos_seq_seq'), deleted_at = null, updated_at = now()
             from public.conversations c
            where p.id = $1 and c.id = p.conversation_id
              and (p.seq <= c.collection_start_seq or p.deleted_at is not null)
           returning p.*`,
          [existing.id],
        );
        if (back) return { photo: toPhoto(back), duplicate: false };
        return { photo: toPhoto(existing), duplicate: true };
      }),

    async getPhoto(id) {
      if (!isUuid(id)) return null;
      const [row] = await db.query<Row>("select * from public.photos where id = $1", [id]);
      return row ? toPhoto(row) : null;
    },

    async getPhotos(ids) {
      const valid = ids.filter(isUuid);
      if (valid.length === 0) return [];
      const rows = await db.query<Row>(
        "select * from public.photos where id = any(string_to_array($1, ',')::uuid[])",
        [textList(valid)],
      );
      const byId = new Map(rows.map((r) => [String(r.id), toPhoto(r)]));
      return valid.flatMap((id) => byId.get(id.toLowerCase()) ?? []);
    },

    recordPendingPhotos: (input) =>
      guarded("Recording the photos", () =>
        db.transaction(async (tx) => {
          const out: { photo: ReturnType<typeof toPhoto>; fresh: boolean }[] = [];
          // One insert per file, in order, so arrival order (seq) follows the message.
          for (const file of input.files) {
            const [inserted] = await tx.query<Row>(
              `insert into public.photos (conversation_id, contributor_account_id, status, source_file_id, source,
                 original_name, album_key, message_id)
               values ($1, $2, 'pending', $3, $4::text::jsonb, $5, $6, $7)
               on conflict (conversation_id, source_file_id) do nothing
               returning *`,
              [
                input.conversationId,
                input.contributorAccountId ?? null,
                file.fileId,
                jsonParam(file.source),
                file.name ?? null,
                input.albumKey ?? null,
                input.messageId ?? null,
              ],
            );
            if (inserted) {
              out.push({ photo: toPhoto(inserted), fresh: true });
              continue;
            }
            // Sent again after its download failed for good: it gets another chance, as a new arrival.
            const [revived] = await tx.query<Row>(
              `update public.photos set status = 'pending', reject_code = null, reject_reason = null,
                 source = $3::text::jsonb, seq = nextval(pg_get_serial_sequence('public.photos', 'seq'))
               where conversation_id = $1 and source_file_id = $2 and status = 'rejected'
                 and reject_code = any(string_to_array($4, ','))
               returning *`,
              [input.conversationId, file.fileId, jsonParam(file.source), textList(RETRYABLE_REJECTIONS)],
            );
            if (revived) {
              out.push({ photo: toPhoto(revived), fresh: true });
              continue;
            }
            const [existing] = await tx.query<Row>(
              "select * from public.photos where conversation_id = $1 and source_file_id = $2",
              [input.conversationId, file.fileId],
            );
            if (existing) out.push({ photo: toPhoto(existing), fresh: false });
          }
          return out;
        }),
      ),

    completePendingPhoto: (id, input) =>
      guarded("Saving the photo", async () => {
        checkSha256(input.sha256);
        // Two pending photos with the same content completing at once: the loser's update breaks the unique
        // (conversation, sha256) key; its second try sees the winner and becomes the duplicate.
        for (let attempt = 0; ; attempt++) {
          try {
            return await db.transaction(async (tx) => {
              const [row] = await tx.query<Row>("select * from public.photos where id = $1 for update", [id]);
              if (!row) throw new PhotoMemoryError("store.not_found", "The photo was not found.");
              if (row.status !== "pending")
                return { photo: toPhoto(row), duplicate: row.reject_code === "photo.duplicate" };
              const [same] = await tx.query<Row>(
                `select p.*, (p.seq <= c.collection_start_seq or p.deleted_at is not null) as taken,
                        ($4::bigint > c.collection_start_seq) as pending_in_collection
                   from public.photos p join public.conversations c on c.id = p.conversation_id
                  where p.conversation_id = $1 and p.sha256 = $2 and p.id <> $3`,
                [row.conversation_id, input.sha256, id, row.seq],
              );
              if (same) {
                const name = String(row.original_name ?? same.original_name ?? "That photo");
                // The pending row points at the photo it repeats, so a memory that took it gets that photo.
                await tx.query(
                  `update public.photos set status = 'rejected', reject_code = 'photo.duplicate',
                     reject_reason = $2, duplicate_of = $3 where id = $1`,
                  [id, `${name} was already here.`, same.id],
                );
                if (same.taken === true && same.pending_in_collection === true) {
                  // Taken by an earlier memory (or deleted): it arrives again, into the current collection.
                  const [back] = await tx.query<Row>(
                    `update public.photos set seq = nextval('public.photos_seq_seq'), deleted_at = null
                      where id = $1 returning *`,
                    [same.id],
                  );
                  if (back) return { photo: toPhoto(back), duplicate: false };
                }
                return { photo: toPhoto(same), duplicate: true };
              }
              const [ready] = await tx.query<Row>(
                `update public.photos set status = 'ready', blob_key = $2, sha256 = $3, width = $4, height = $5,
                   taken_at = $6, focus_x = $7, focus_y = $8, mime_type = $9, bytes = $10, faces = $11::text::jsonb,
                   dhash = $12, sharpness = $13, brightness = $14, clipped = $15
                 where id = $1 returning *`,
                [id, ...contentParams(input)],
              );
              if (!ready) throw new PhotoMemoryError("store.not_found", "The photo was not found.");
              return { photo: toPhoto(ready), duplicate: false };
            });
          } catch (error) {
            if (attempt === 0 && isUniqueViolation(error)) continue;
            throw error;
          }
        }
      }),

    async rejectPendingPhoto(id, code, reason) {
      if (!isUuid(id)) return null;
      await db.query(
        `update public.photos set status = 'rejected', reject_code = $2, reject_reason = $3
         where id = $1 and status = 'pending'`,
        [id, code, reason],
      );
      const [row] = await db.query<Row>("select * from public.photos where id = $1", [id]);
      return row ? toPhoto(row) : null;
    },

    async getAlbum(conversationId, albumKey) {
      if (!isUuid(conversationId)) return { photos: [], inMemory: false };
      const rows = await db.query<Row>(
        `select p.*, p.seq <= c.collection_start_seq as in_memory from public.photos p
         join public.conversations c on c.id = p.conversation_id
         where p.conversation_id = $1 and p.album_key = $2 and p.deleted_at is null
         order by p.seq`,
        [conversationId, albumKey],
      );
      return { photos: rows.map(toPhoto), inMemory: rows.some((r) => r.in_memory === true) };
    },

    async listPhotosSinceLastMemory(conversationId) {
      if (!isUuid(conversationId)) return [];
      const rows = await db.query<Row>(`${SINCE_LAST_MEMORY("p.*")} order by p.seq`, [conversationId]);
      return rows.map(toPhoto);
    },

    async countPhotosSinceLastMemory(conversationId) {
      if (!isUuid(conversationId)) return 0;
      const [row] = await db.query<{ n: number }>(SINCE_LAST_MEMORY("count(*)::int as n"), [conversationId]);
      return Number(row?.n ?? 0);
    },

    async listPhotosOfLastMemory(conversationId) {
      if (!isUuid(conversationId)) return [];
      const rows = await db.query<Row>(`${OF_LAST_MEMORY("p.*")} order by p.seq`, [conversationId]);
      return rows.map(toPhoto);
    },

    async countPhotosOfLastMemory(conversationId) {
      if (!isUuid(conversationId)) return 0;
      const [row] = await db.query<{ n: number }>(OF_LAST_MEMORY("count(*)::int as n"), [conversationId]);
      return Number(row?.n ?? 0);
    },

    resetCollection: (conversationId) =>
      guarded("Resetting the collection", () =>
        db.transaction(async (tx) => {
          const [conversation] = await tx.query<{ collection_start_seq: unknown }>(
            "select collection_start_seq from public.conversations where id = $1 for update",
            [conversationId],
          );
          if (!conversation) throw new PhotoMemoryError("store.not_found", "The conversation was not found.");
          const [counts] = await tx.query<{ n: number; newest: unknown }>(
            `select count(*) filter (where status in ('pending', 'ready') and deleted_at is null)::int as n,
                    coalesce(max(seq), 0) as newest
             from public.photos where conversation_id = $1 and seq > $2`,
            [conversationId, conversation.collection_start_seq],
          );
          await tx.query(
            `update public.conversations set collection_start_seq = greatest(collection_start_seq, $2),
               collection_reset_at = now() where id = $1`,
            [conversationId, counts?.newest ?? 0],
          );
          return Number(counts?.n ?? 0);
        }),
      ),

    async deletePhoto(id) {
      if (!isUuid(id)) return;
      await db.query("update public.photos set deleted_at = coalesce(deleted_at, now()) where id = $1", [id]);
    },
  };
}
