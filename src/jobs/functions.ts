/**
 * The job functions of PhotoMemory, built from the composition root's dependencies. The same list feeds Inngest
 * (`createInngestHandler`) and the embedded runner (`createEmbeddedRunner`).
 */
import type { Logger } from "pino";
import type { Billing } from "../core/billing/index.ts";
import type { BlobStore } from "../core/blobs/blob-store.ts";
import type { ChatAdapter } from "../core/chat/chat-adapter.ts";
import type { Platform, ScriptWriter } from "../core/domain.ts";
import type { Semaphore } from "../core/jobs/semaphore.ts";
import { createMemoryRenderer, type MemoryRenderer } from "../core/memories/pipeline/index.ts";
import { createOfflineScriptWriter } from "../core/script/offline-script-writer.ts";
import type { Store } from "../core/store/store.ts";
import type { AnyJobFunction } from "./define-function.ts";
import { ingestPhotosFunction } from "./functions/ingest-photos.ts";
import { ingestSongFunction } from "./functions/ingest-song.ts";
import { premiumEndCheckFunction } from "./functions/premium-end-check.ts";
import { renderMemoryFunction } from "./functions/render-memory.ts";

export interface JobFunctionDeps {
  store: Store;
  blobs: BlobStore;
  scriptWriter: ScriptWriter;
  chats: Partial<Record<Platform, ChatAdapter>>;
  logger: Logger;
  /** RENDER_CONCURRENCY renders at once in this process. */
  renderSemaphore: Semaphore;
  /** PUBLIC_URL; with `sharePath`, finished videos get a share link `${publicUrl}${sharePath(token)}`. */
  publicUrl?: string;
  /** The share page's path for a token, when the app serves one (e.g. (t) => `/share/${t}`). */
  sharePath?: (shareToken: string) => string;
  /** Resolved by the render engine from FFMPEG_PATH itself; accepted for the composition root's convenience. */
  ffmpeg?: { ffmpegPath?: string; ffprobePath?: string };
  /** "Made with PhotoMemory" on the closing card (VIDEO_CREDIT). */
  videoCredit?: boolean;
  /** Tests hand in a fake; default planRender + renderMemory. */
  renderer?: MemoryRenderer;
  fallbackWriter?: ScriptWriter;
  /** Waits before the retries of a failed photo download; tests shorten them. */
  downloadRetryDelaysMs?: readonly number[];
  tmpDir?: string;
  now?: () => number;
  /** Billing, for the check at the end of a paid premium period (absent: no such function). */
  billing?: Pick<Billing, "checkPeriodEnd">;
}

export function createJobFunctions(deps: JobFunctionDeps): AnyJobFunction[] {
  const { publicUrl, sharePath } = deps;
  const pipeline = {
    store: deps.store,
    blobs: deps.blobs,
    chats: deps.chats,
    scriptWriter: deps.scriptWriter,
    fallbackWriter: deps.fallbackWriter ?? createOfflineScriptWriter(),
    renderer:
      deps.renderer ?? createMemoryRenderer({ credit: deps.videoCredit ?? false, logger: deps.logger }),
    renderSemaphore: deps.renderSemaphore,
    logger: deps.logger.child({ module: "jobs" }),
    ...(publicUrl && sharePath ? { shareUrl: (token: string) => `${publicUrl}${sharePath(token)}` } : {}),
    ...(deps.tmpDir ? { tmpDir: deps.tmpDir } : {}),
    ...(deps.downloadRetryDelaysMs ? { downloadRetryDelaysMs: deps.downloadRetryDelaysMs } : {}),
    ...(deps.now ? { now: deps.now } : {}),
  };
  return [
    ingestPhotosFunction(pipeline),
    ingestSongFunction(pipeline),
    renderMemoryFunction(pipeline),
    ...(deps.billing ? [premiumEndCheckFunction(deps.billing)] : []),
  ];
}
