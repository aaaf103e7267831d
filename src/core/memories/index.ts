/** The memory use cases: what a user can do with photos and `/memory`, on any platform. */
export type { ChatUser, MemoryDeps } from "./deps.ts";
export { type DropPhotosInput, type DroppedPhotos, dropPhotos } from "./drop-photos.ts";
export {
  createFreeEntitlements,
  type EntitlementDecision,
  type Entitlements,
  lockedStyleReply,
} from "./entitlements.ts";
export {
  type HandleCommandInput,
  handleMemoryCommand,
  type RunCommandInput,
  runMemoryCommand,
} from "./handle-command.ts";
export { cancelMemory, memoryStatus, resetCollection, retryMemory } from "./manage-memory.ts";
export { createSqlMemoryLookup, type LatestMemory, type MemoryLookup } from "./memory-lookup.ts";
export { isMemoryCommand, type MemoryCommand, parseMemoryCommand } from "./parse-command.ts";
export { createProgressThrottle, formatProgress, type ProgressThrottle } from "./progress-throttle.ts";
export { type IncomingPhoto, type PhotoSummary, photoSummaryText, receivePhotos } from "./receive-photos.ts";
export { helpReply } from "./replies.ts";
export {
  type RequestMemoryInput,
  type RequestMemoryResult,
  requestMemory,
  upsertConversationOf,
} from "./request-memory.ts";
export { setLanguage } from "./set-language.ts";
