/**
 * Port: durable background jobs. Core sends events; functions receive a `Step` so core never imports Inngest.
 * Implemented by Inngest (`src/jobs/inngest-jobs.ts`) and by the in-process embedded runner.
 */
import type { JobEvent } from "./events.ts";

export interface Jobs {
  readonly kind: "inngest" | "embedded";
  /** Sends one or more events. Resolves once they are durably accepted (stored or acknowledged by Inngest). */
  send(event: JobEvent | JobEvent[]): Promise<void>;
}

/**
 * Durable step tools. `run(id, fn)` executes `fn` once per run: when the run is replayed (retry, restart) a completed
 * step returns its stored output instead of running again. Outputs must be small JSON (ids and storage keys, never
 * bytes: Inngest caps a step's output at 4 MB); they come back JSON-serialised (Dates become strings).
 */
export interface Step {
  run<T>(id: string, fn: () => Promise<T>): Promise<T>;
  /**
   * Pauses the run until `until` without holding a process: the run is stored and resumed then (Inngest's
   * `step.sleepUntil`; the embedded runner queues the run again for that time). Inngest's free plan sleeps at most
   * seven days, so a longer wait is made of several sleeps (see `sleepUntilInHops`).
   */
  sleepUntil(id: string, until: Date): Promise<void>;
}

/** The longest single sleep: under the seven days Inngest's free plan allows. */
export const LONGEST_SLEEP_MS = 6 * 24 * 3_600_000;

/**
 * Sleeps from `from` until `until` in hops of at most LONGEST_SLEEP_MS. The hops follow from the two dates alone, so
 * every replay of the run calls the same step ids (`<id>-1`, `<id>-2`, …).
 */
export async function sleepUntilInHops(step: Step, id: string, from: Date, until: Date): Promise<void> {
  const hops = Math.max(1, Math.ceil((until.getTime() - from.getTime()) / LONGEST_SLEEP_MS));
  for (let hop = 1; hop <= hops; hop++) {
    const wake = Math.min(from.getTime() + hop * LONGEST_SLEEP_MS, until.getTime());
    await step.sleepUntil(`${id}-${hop}`, new Date(wake));
  }
}
