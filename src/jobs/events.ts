/**
 * The typed events of PhotoMemory's job functions, declared once as Inngest event types. The zod schemas of their
 * data live in core (`src/core/jobs/events.ts`) because core use cases send these events through the Jobs port;
 * this file is the one place that names them for Inngest (triggers, cancelOn, validation on send).
 */
import { eventType } from "inngest";
import {
  type JobEventName,
  memoryCancelledSchema,
  memoryRequestedSchema,
  photosDroppedSchema,
  premiumPeriodRecordedSchema,
  songDroppedSchema,
} from "../core/jobs/events.ts";

export type {
  JobEvent,
  JobEventData,
  JobEventInput,
  JobEventName,
  MemoryCancelled,
  MemoryRequested,
  PhotosDropped,
  PremiumPeriodRecorded,
  SongDropped,
} from "../core/jobs/events.ts";
export { jobEventSchemas, parseJobEvent } from "../core/jobs/events.ts";

export const photosDropped = eventType("photos/dropped", { schema: photosDroppedSchema });
export const songDropped = eventType("song/dropped", { schema: songDroppedSchema });
export const memoryRequested = eventType("memory/requested", { schema: memoryRequestedSchema });
export const memoryCancelled = eventType("memory/cancelled", { schema: memoryCancelledSchema });
export const premiumPeriodRecorded = eventType("premium/period-recorded", {
  schema: premiumPeriodRecordedSchema,
});

export const inngestEventTypes = {
  "photos/dropped": photosDropped,
  "song/dropped": songDropped,
  "memory/requested": memoryRequested,
  "memory/cancelled": memoryCancelled,
  "premium/period-recorded": premiumPeriodRecorded,
} as const satisfies Record<JobEventName, unknown>;
