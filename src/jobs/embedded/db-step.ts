/**
 * The Step port backed by the database: a completed step's output is stored, and on replay (retry, restart) it is
 * returned instead of running the step again. Outputs go through JSON, exactly as on Inngest.
 */
import type { Step } from "../../core/jobs/jobs.ts";
import type { RunStore } from "./run-store.ts";

export class RunInterruptedError extends Error {
  override readonly name = "RunInterruptedError";
}

/** Thrown by `sleepUntil` before its time: the runner queues the run again for `until` and lets it go. */
export class RunSleepingError extends Error {
  override readonly name = "RunSleepingError";
  constructor(readonly until: Date) {
    super(`sleeping until ${until.toISOString()}`);
  }
}

export function createDbStep(options: {
  runs: RunStore;
  runId: string;
  /** The runner holding the run's lease: a step completed after the lease was lost is not recorded. */
  owner: string;
  /** Prefix for step ids (onFailure steps are kept apart from the handler's). */
  prefix?: string;
  /** Aborted on cancel or shutdown: no further step starts. */
  signal: AbortSignal;
  onStepCompleted?: (stepId: string) => void;
  /** The runner's clock (tests move it). */
  now?: () => number;
}): Step {
  const { runs, runId, signal } = options;
  const now = options.now ?? Date.now;
  return {
    async run<T>(id: string, fn: () => Promise<T>): Promise<T> {
      const stepId = `${options.prefix ?? ""}${id}`;
      const stored = await runs.stepOutput(runId, stepId);
      if (stored.found) return stored.value as T;
      if (signal.aborted) throw new RunInterruptedError(`run ${runId} stopped before step ${stepId}`);
      const output = await fn();
      const json = output === undefined ? undefined : (JSON.parse(JSON.stringify(output)) as T);
      // A step that finishes after its run was cancelled or the runner stopped is not recorded: a stopped runner
      // must leave the database as a crash would, and a cancelled run has no use for it.
      if (signal.aborted) throw new RunInterruptedError(`run ${runId} stopped during step ${stepId}`);
      if (!(await runs.saveStep(runId, options.owner, stepId, json)))
        throw new RunInterruptedError(`run ${runId} is no longer held by this runner (step ${stepId})`);
      options.onStepCompleted?.(stepId);
      return json as T;
    },

    async sleepUntil(id: string, until: Date): Promise<void> {
      const stepId = `${options.prefix ?? ""}${id}`;
      if ((await runs.stepOutput(runId, stepId)).found) return;
      if (signal.aborted) throw new RunInterruptedError(`run ${runId} stopped before step ${stepId}`);
      // Not yet: the run goes back to the queue for `until`; replayed then, this step finds its time has come.
      if (now() < until.getTime()) throw new RunSleepingError(until);
      if (!(await runs.saveStep(runId, options.owner, stepId, null)))
        throw new RunInterruptedError(`run ${runId} is no longer held by this runner (step ${stepId})`);
      options.onStepCompleted?.(stepId);
    },
  };
}
