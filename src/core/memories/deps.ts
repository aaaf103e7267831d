/** What the memory use cases need, handed in by the composition root (src/main.ts) or a test. */
import type { Logger } from "pino";
import type { BlobStore } from "../blobs/blob-store.ts";
import type { ChatAdapter } from "../chat/chat-adapter.ts";
import type { Platform } from "../domain.ts";
import type { Jobs } from "../jobs/jobs.ts";
import type { RateLimits } from "../limits/rate-limits.ts";
import type { Store } from "../store/store.ts";
import type { Entitlements } from "./entitlements.ts";
import type { MemoryLookup } from "./memory-lookup.ts";

export interface MemoryDeps {
  store: Store;
  blobs: BlobStore;
  jobs: Jobs;
  entitlements: Entitlements;
  lookup: MemoryLookup;
  /** The chat adapters of the enabled platforms. */
  chats: Partial<Record<Platform, ChatAdapter>>;
  logger: Logger;
  /** Per-user rate limits at ingress (commands, photos); none when absent. */
  rateLimits?: RateLimits;
  now?: () => Date;
}

/** Who typed or dropped something, in the platform's words. */
export interface ChatUser {
  id: string;
  name?: string;
  /** BCP 47 ("en", "fr-FR"); scripts are written in it. */
  locale?: string;
}

export { chatFor } from "../chat/chat-for.ts";
