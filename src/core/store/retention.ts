/**
 * Retention: what the service keeps only for a while. Finished job runs and their steps (the embedded runner's
 * bookkeeping), answered platform deliveries (kept for dedupe: platforms re-send within minutes, Stripe within three
 * days) and the playground's chat log. Photos, videos, memories and accounts are never swept here: losing a user's
 * photo is not a retention policy. Render and delivery scratch folders a killed process left in the temp folder are
 * removed once they are a day old (a live render never is), as are the temp folders of playground uploads.
 */
import { readdir, rm, stat } from "node:fs/promises";
import { join } from "node:path";
import type { Queryable } from "./db.ts";

export const RETENTION = {
  finishedRunDays: 14,
  deliveryDays: 14,
  playgroundDays: 30,
  scratchHours: 24,
} as const;

/** Folder name prefixes of the scratch folders renders, deliveries, playground uploads and song checks make. */
export const SCRATCH_PREFIXES = [
  "photomemory-render-",
  "photomemory-deliver-",
  "photomemory-upload-",
  "photomemory-song-",
] as const;

export interface SweepResult {
  jobRuns: number;
  deliveries: number;
  playgroundMessages: number;
  scratchFolders: number;
}

export async function sweepRetention(
  db: Queryable,
  options: { tmpDir: string; now?: Date } = { tmpDir: "" },
): Promise<SweepResult> {
  const now = options.now ?? new Date();
  const daysAgo = (days: number) => new Date(now.getTime() - days * 86_400_000).toISOString();
  const jobRuns = await db.query(
    `delete from public.job_runs where status in ('completed', 'failed', 'cancelled') and updated_at < $1
     returning id`,
    [daysAgo(RETENTION.finishedRunDays)],
  );
  const deliveries = await db.query(
    `delete from public.inbound_deliveries where status in ('done', 'failed') and updated_at < $1
     returning delivery_id`,
    [daysAgo(RETENTION.deliveryDays)],
  );
  const playground = await db.query(
    "delete from public.playground_messages where created_at < $1 returning id",
    [daysAgo(RETENTION.playgroundDays)],
  );
  const scratchFolders = options.tmpDir ? await sweepScratch(options.tmpDir, now) : 0;
  return {
    jobRuns: jobRuns.length,
    deliveries: deliveries.length,
    playgroundMessages: playground.length,
    scratchFolders,
  };
}

async function sweepScratch(tmpDir: string, now: Date): Promise<number> {
  const cutoff = now.getTime() - RETENTION.scratchHours * 3_600_000;
  let removed = 0;
  const entries = await readdir(tmpDir, { withFileTypes: true }).catch(() => []);
  for (const entry of entries) {
    if (!entry.isDirectory() || !SCRATCH_PREFIXES.some((p) => entry.name.startsWith(p))) continue;
    const path = join(tmpDir, entry.name);
    const info = await stat(path).catch(() => null);
    if (!info || info.mtimeMs > cutoff) continue;
    await rm(path, { recursive: true, force: true });
    removed += 1;
  }
  return removed;
}
