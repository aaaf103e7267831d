/** Store part: memory projects and their generated videos (status, progress, delivery). */
import { randomBytes } from "node:crypto";
import { PhotoMemoryError } from "../errors.ts";
import type { Db } from "./db.ts";
import type { VideoStatus } from "./records.ts";
import { type Row, toProject, toVideo } from "./row-mappers.ts";
import { guarded, isUuid, jsonParam, textList } from "./sql-helpers.ts";
import type { Store } from "./store.ts";
import { canTransition, projectStatusFor } from "./video-lifecycle.ts";

type MemoryStore = Pick<
  Store,
  | "createProjectWithVideo"
  | "getProject"
  | "setProjectScript"
  | "getVideo"
  | "getVideoByShareToken"
  | "transitionVideo"
  | "setVideoProgress"
  | "setVideoStatusMessage"
  | "setVideoDelivery"
  | "noteDeliveryIntent"
>;

/** 192 random bits, URL-safe: the only public handle of a video. */
const newShareToken = (): string => randomBytes(24).toString("base64url");

const clamp01 = (n: number): number => (Number.isFinite(n) ? Math.min(1, Math.max(0, n)) : 0);

export function createMemoryStore(db: Db): MemoryStore {
  return {
    createProjectWithVideo: (input) =>
      guarded("Creating the memory", () =>
        db.transaction(async (tx) => {
          const [conversation] = await tx.query<{ collection_start_seq: unknown }>(
            "select collection_start_seq from public.conversations where id = $1 for update",
            [input.conversationId],
          );
          if (!conversation) throw new PhotoMemoryError("store.not_found", "The conversation was not found.");
          const [photos] = await tx.query<{ n: number; taken: number; newest: unknown }>(
            `select count(*)::int as n, count(*) filter (where seq <= $3::bigint)::int as taken,
                    coalesce(max(seq), 0) as newest
             from public.photos
             where conversation_id = $1 and id = any(string_to_array($2, ',')::uuid[]) and deleted_at is null`,
            [input.conversationId, textList(input.photoIds), conversation.collection_start_seq],
          );
          if (Number(photos?.n ?? 0) !== new Set(input.photoIds).size) {
            throw new PhotoMemoryError("store.not_found", "Some photos of this memory are no longer there.");
          }
          if (input.requireInCollection && Number(photos?.taken ?? 0) > 0) {
            throw new PhotoMemoryError(
              "store.conflict",
              "These photos were just used by another memory; drop new photos for the next one.",
            );
          }
          const before = conversation.collection_start_seq;
          const [after] = await tx.query<{ seq: unknown }>(
            `update public.conversations
                set collection_start_seq = greatest(collection_start_seq, $2::bigint, $3::bigint),
                    last_memory_at = now()
              where id = $1 returning collection_start_seq as seq`,
            [input.conversationId, photos?.newest ?? 0, input.collectionUpToSeq ?? 0],
          );
          const [project] = await tx.query<Row>(
            `insert into public.memory_projects (conversation_id, requester_account_id, style, title, status,
               photo_ids, locale, aspect, resolution, platform, collection_seq_before, collection_seq_after, silent,
               song_id)
             values ($1, $2, $3::public.video_style, $4, 'processing', string_to_array($5, ',')::uuid[], $6, $7, $8,
               $9, $10, $11, $12, $13::uuid)
             returning *`,
            [
              input.conversationId,
              input.requesterAccountId ?? null,
              input.style,
              input.title ?? null,
              textList(input.photoIds),
              input.locale,
              input.aspect ?? "16:9",
              input.resolution ?? 720,
              input.platform,
              before,
              after?.seq ?? before,
              input.silent ?? false,
              input.songId ?? null,
            ],
          );
          if (!project) throw new PhotoMemoryError("store.conflict", "The memory could not be created.");
          const [video] = await tx.query<Row>(
            `insert into public.generated_videos (project_id, share_token, status_message_ref)
             values ($1, $2, $3::text::jsonb) returning *`,
            [project.id, newShareToken(), jsonParam(input.statusMessageRef)],
          );
          if (!video) throw new PhotoMemoryError("store.conflict", "The memory could not be created.");
          return { project: toProject(project), video: toVideo(video) };
        }),
      ),

    async getProject(id) {
      if (!isUuid(id)) return null;
      const [row] = await db.query<Row>("select * from public.memory_projects where id = $1", [id]);
      return row ? toProject(row) : null;
    },

    async setProjectScript(projectId, script) {
      await db.query("update public.memory_projects set script = $2::text::jsonb where id = $1", [
        projectId,
        jsonParam(script),
      ]);
    },

    async getVideo(id) {
      if (!isUuid(id)) return null;
      const [row] = await db.query<Row>("select * from public.generated_videos where id = $1", [id]);
      return row ? toVideo(row) : null;
    },

    async getVideoByShareToken(shareToken) {
      if (!/^[A-Za-z0-9_-]{22,64}$/.test(shareToken)) return null;
      const [row] = await db.query<Row>("select * from public.generated_videos where share_token = $1", [
        shareToken,
      ]);
      return row ? toVideo(row) : null;
    },

    async transitionVideo(id, from, to, patch = {}) {
      const refused = from.filter((f) => !canTransition(f, to));
      if (refused.length > 0) {
        throw new PhotoMemoryError(
          "store.invalid_transition",
          `A video cannot go from ${refused.join("/")} to ${to}.`,
        );
      }
      if (!isUuid(id)) throw new PhotoMemoryError("store.not_found", "The video was not found.");
      return guarded("Updating the video", () =>
        db.transaction(async (tx) => {
          const [current] = await tx.query<{ status: VideoStatus; project_id: string }>(
            "select status, project_id from public.generated_videos where id = $1 for update",
            [id],
          );
          if (!current) throw new PhotoMemoryError("store.not_found", "The video was not found.");
          if (!from.includes(current.status)) return false;
          const ends = to === "failed" || to === "cancelled";
          const progress =
            to === "completed" ? 1 : patch.progress === undefined ? null : clamp01(patch.progress);
          await tx.query(
            `update public.generated_videos set
               status = $2::public.generation_status,
               progress = coalesce($3::real, case when $2 = 'queued' then 0 else progress end),
               video_key = coalesce($4, video_key),
               poster_key = coalesce($5, poster_key),
               duration_seconds = coalesce($6::real, duration_seconds),
               bytes = coalesce($7::bigint, bytes),
               width = coalesce($8::int, width),
               height = coalesce($9::int, height),
               error_code = case when $10::boolean then coalesce($11, error_code) else null end,
               error_message = case when $10::boolean then coalesce($12, error_message) else null end,
               started_at = case when $2 = 'processing' then coalesce(started_at, now()) else started_at end,
               finished_at = case when $10::boolean or $2 = 'completed' then now() else null end
             where id = $1`,
            [
              id,
              to,
              progress,
              patch.videoKey ?? null,
              patch.posterKey ?? null,
              patch.durationSeconds ?? null,
              patch.bytes ?? null,
              patch.width ?? null,
              patch.height ?? null,
              ends,
              patch.errorCode ?? null,
              patch.errorMessage ?? null,
            ],
          );
          await tx.query(
            "update public.memory_projects set status = $2::public.project_status where id = $1",
            [current.project_id, projectStatusFor(to)],
          );
          if (ends) {
            // Give the photos back to the conversation unless a newer memory has taken them since.
            await tx.query(
              `update public.conversations c set collection_start_seq = p.collection_seq_before
               from public.memory_projects p
               where p.id = $1 and c.id = p.conversation_id and c.collection_start_seq = p.collection_seq_after`,
              [current.project_id],
            );
          } else if (current.status === "failed") {
            // A retried memory takes its photos again.
            await tx.query(
              `update public.conversations c set collection_start_seq = p.collection_seq_after
               from public.memory_projects p
               where p.id = $1 and c.id = p.conversation_id and c.collection_start_seq = p.collection_seq_before`,
              [current.project_id],
            );
          }
          return true;
        }),
      );
    },

    async setVideoProgress(id, progress) {
      if (!isUuid(id)) return;
      await db.query(
        `update public.generated_videos set progress = greatest(progress, $2::real)
         where id = $1 and status = 'processing'`,
        [id, clamp01(progress)],
      );
    },

    async setVideoStatusMessage(id, ref) {
      await db.query(
        "update public.generated_videos set status_message_ref = $2::text::jsonb where id = $1",
        [id, jsonParam(ref)],
      );
    },

    async setVideoDelivery(id, ref) {
      const rows = await db.query(
        `update public.generated_videos set delivered_message_ref = $2::text::jsonb
         where id = $1 and delivered_message_ref is null returning id`,
        [id, jsonParam(ref)],
      );
      return rows.length > 0;
    },

    async noteDeliveryIntent(id, note) {
      await db.query(
        `update public.generated_videos
         set delivery_intent = coalesce(delivery_intent, '{}'::jsonb) || $2::text::jsonb where id = $1`,
        [id, jsonParam(note)],
      );
    },
  };
}
