/**
 * One function definition feeds both job engines: `toInngestFunction` builds `inngest.createFunction(...)` from it,
 * and the embedded runner executes `handler` directly with a database-backed Step.
 */
import type { Logger } from "pino";
import type { JobEventData, JobEventName } from "../core/jobs/events.ts";
import type { Step } from "../core/jobs/jobs.ts";

export interface ReceivedEvent<N extends JobEventName> {
  name: N;
  data: JobEventData<N>;
  id?: string;
}

export interface FunctionContext<N extends JobEventName> {
  event: ReceivedEvent<N>;
  step: Step;
  runId: string;
  /** Zero-based attempt of the current try. */
  attempt: number;
  logger: Logger;
  /** Aborted when the run is cancelled (embedded runner); Inngest stops between steps instead. */
  signal: AbortSignal;
}

export interface FailureContext<N extends JobEventName> {
  /** The event that triggered the failed run. */
  event: ReceivedEvent<N>;
  error: Error;
  step: Step;
  runId: string;
  logger: Logger;
}

export interface JobFunction<N extends JobEventName = JobEventName> {
  id: string;
  trigger: N;
  /** At most `limit` running at once per value of `event.data[key]` (e.g. one render per account). */
  concurrency?: { key: string & keyof JobEventData<N>; limit: number };
  /**
   * Runs of this function start this many seconds ahead of its older queued runs on Inngest (`priority.run`). The
   * embedded runner gives every function its own slots, so one function's runs never queue behind another's.
   */
  runAheadSeconds?: number;
  /** Retries after the first attempt (Inngest semantics: per step). */
  retries: number;
  /** Cancels a run when `event` arrives with the same `data[match]` as the trigger. */
  cancelOn?: { event: JobEventName; match: string };
  handler(ctx: FunctionContext<N>): Promise<unknown>;
  /** Runs once the retries are used up (or on a NonRetriableError). */
  onFailure?(ctx: FailureContext<N>): Promise<void>;
}

export type AnyJobFunction = { [N in JobEventName]: JobFunction<N> }[JobEventName];

export function defineFunction<N extends JobEventName>(spec: JobFunction<N>): JobFunction<N> {
  return spec;
}
