/**
 * The job events of PhotoMemory: names and zod schemas of their data. Core use cases send them through the `Jobs`
 * port; `src/jobs/events.ts` turns this one list into Inngest event types. Events carry ids, chat targets and
 * platform file references, never bytes or tokenised URLs (an event is stored by Inngest and capped at 256 KiB).
 */
import { z } from "zod";
import { PLATFORM_NAMES, STYLE_NAMES } from "../domain.ts";

const platform = z.enum(PLATFORM_NAMES);

export const chatTargetSchema = z.object({
  platform,
  workspaceId: z.string().optional(),
  channelId: z.string().min(1),
  threadId: z.string().optional(),
});

export const messageRefSchema = z.object({
  target: chatTargetSchema,
  messageId: z.string().min(1),
  editableUntil: z.string().optional(),
  handle: z.record(z.string(), z.string()).optional(),
});

export const fileRefSchema = z.object({
  platform,
  fileId: z.string().min(1),
  workspaceId: z.string().optional(),
  url: z.string().optional(),
  name: z.string().optional(),
  mimeType: z.string().optional(),
  size: z.number().int().nonnegative().optional(),
});

/**
 * Photos dropped in a chat (one event per message or burst): they are already recorded as pending photos, and
 * `ingest-photos` downloads, normalises and stores each one, then acknowledges the burst once.
 */
export const photosDroppedSchema = z.object({
  accountId: z.string().min(1),
  /** Store conversation id; blob keys and photo rows hang off it. */
  conversationId: z.string().min(1),
  target: chatTargetSchema,
  /** The pending photos to fetch (Store photo ids, in arrival order). */
  photoIds: z.array(z.string().min(1)).min(1).max(100),
  /** The chat message that brought them: it gets the acknowledgement reaction once a photo of it is accepted. */
  messageId: z.string().min(1).optional(),
  /** Who dropped them (platform user id), for logs. */
  userId: z.string().optional(),
  /** Part of a burst the bot answers itself (a Telegram album): no line unless a photo was skipped. */
  quiet: z.boolean().optional(),
});

/**
 * A song or voice note sent to a chat, already recorded as a pending song: `ingest-song` fetches, checks and stores it,
 * then says once whether it will be the next memory's music.
 */
export const songDroppedSchema = z.object({
  accountId: z.string().min(1),
  conversationId: z.string().min(1),
  target: chatTargetSchema,
  songId: z.string().min(1),
  /** The song the next memory would have played before this one (named in the acknowledgement). */
  replacesSongId: z.string().min(1).optional(),
  messageId: z.string().min(1).optional(),
  userId: z.string().optional(),
});

/** `/memory` was accepted: a project and a queued video exist; `render-memory` makes and delivers the video. */
export const memoryRequestedSchema = z.object({
  accountId: z.string().min(1),
  conversationId: z.string().min(1),
  projectId: z.string().min(1),
  videoId: z.string().min(1),
  target: chatTargetSchema,
  style: z.enum(STYLE_NAMES),
  /** A title the user typed; when given it wins over the writer's. */
  title: z.string().max(200).optional(),
  /** BCP 47 locale of the requester ("en", "fr-FR"); the script is written in it. */
  locale: z.string().min(2),
  aspect: z.enum(["16:9", "9:16", "1:1"]).optional(),
  resolution: z.union([z.literal(720), z.literal(1080)]).optional(),
  /** `/memory … silent`: no music; otherwise the chat's song (songId) or the style's soundtrack. */
  silent: z.boolean().optional(),
  /** The chat's song or voice note the memory plays. */
  songId: z.string().min(1).optional(),
  /** The status message the request posted; render progress edits it. */
  statusMessage: messageRefSchema.optional(),
  /** What curation left out and why (" Left out: 12 near-duplicates, …"), repeated in the final status. */
  curationNote: z.string().max(600).optional(),
  userId: z.string().optional(),
});

/** The user cancelled a memory; matched on `videoId`. */
export const memoryCancelledSchema = z.object({
  videoId: z.string().min(1),
  accountId: z.string().optional(),
  reason: z.string().optional(),
});

/**
 * A paid premium period with a known end was recorded (a Telegram Stars payment, a Discord entitlement with ends_at):
 * `premium-end-check` wakes at `checkAt` (the end plus a grace for a late renewal) and, if nothing extended premium
 * meanwhile, tells the thread it was bought from that premium has ended. Telegram sends nothing when a cancelled
 * Stars subscription runs out.
 */
export const premiumPeriodRecordedSchema = z.object({
  provider: z.enum(["stripe", "telegram_stars", "discord"]),
  externalSubscriptionId: z.string().min(1),
  /** The end of the paid period (ISO 8601). */
  periodEnd: z.iso.datetime(),
  /** When to look (ISO 8601): the end plus the grace. */
  checkAt: z.iso.datetime(),
  /** When the period was recorded (ISO 8601): where the wait starts. */
  recordedAt: z.iso.datetime(),
});

export const jobEventSchemas = {
  "photos/dropped": photosDroppedSchema,
  "song/dropped": songDroppedSchema,
  "memory/requested": memoryRequestedSchema,
  "memory/cancelled": memoryCancelledSchema,
  "premium/period-recorded": premiumPeriodRecordedSchema,
} as const;

export type JobEventName = keyof typeof jobEventSchemas;
/** Data as a sender writes it (defaults may be left out). */
export type JobEventInput<N extends JobEventName> = z.input<(typeof jobEventSchemas)[N]>;
/** Data as a function receives it (after parsing). */
export type JobEventData<N extends JobEventName> = z.output<(typeof jobEventSchemas)[N]>;

export type PhotosDropped = JobEventData<"photos/dropped">;
export type SongDropped = JobEventData<"song/dropped">;
export type MemoryRequested = JobEventData<"memory/requested">;
export type MemoryCancelled = JobEventData<"memory/cancelled">;
export type PremiumPeriodRecorded = JobEventData<"premium/period-recorded">;

/** An event as sent. `id` deduplicates (use the platform's delivery id: `slack:<event_id>`, `tg:<update_id>`). */
export type JobEvent = {
  [N in JobEventName]: { name: N; data: JobEventInput<N>; id?: string };
}[JobEventName];

/** Parses an event's data against its schema; throws a ZodError on bad input (a bug in the sender). */
export function parseJobEvent<N extends JobEventName>(name: N, data: unknown): JobEventData<N> {
  return jobEventSchemas[name].parse(data) as JobEventData<N>;
}
