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
}
