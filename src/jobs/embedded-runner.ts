/**
 * The embedded job runner: the single-machine default when Inngest is not configured. It executes the same
 * function definitions in-process and keeps every run and completed step in the database, so a restarted process
 * resumes unfinished runs from their last completed step. Retries follow Inngest's backoff (and RetryAfterError),
 * concurrency is `limit` running runs per key value (e.g. one per account, held in the database, so across
 * processes), and `cancelOn` events stop matching runs.
 * A step that sleeps (`step.sleepUntil`) puts its run back in the queue for that time, holding no runner or slot.
 * Each running run is leased by the runner that claimed it and renewed while that runner lives; a run whose lease
 * expired (its runner was killed) is taken over by another runner. On Postgres several runners share one database
 * (`shared`: PHOTOMEMORY_ROLE=worker processes). PGlite is one process: there the runner also holds a runner lease, a
 * second runner refuses to start, naming the holder, and a restart resumes the runs its previous life left running.
 */
import { randomUUID } from "node:crypto";
import { hostname } from "node:os";
import pRetry from "p-retry";
import type { Logger } from "pino";
import { PhotoMemoryError } from "../core/errors.ts";
import { type JobEvent, type JobEventName, parseJobEvent } from "../core/jobs/events.ts";
import { isNonRetriableError, isRetryAfterError } from "../core/jobs/job-errors.ts";
import type { Jobs } from "../core/jobs/jobs.ts";
import type { Queryable } from "../core/store/db.ts";
import type { AnyJobFunction, JobFunction, ReceivedEvent } from "./define-function.ts";
import { type Backoff, inngestBackoff } from "./embedded/backoff.ts";
import { createDbStep, RunInterruptedError, RunSleepingError } from "./embedded/db-step.ts";
import { createRunStore, type LeaseHolder, type RunRow } from "./embedded/run-store.ts";

export interface EmbeddedRunnerOptions {
  db: Queryable;
  functions: readonly AnyJobFunction[];
  logger: Logger;
  /** How often due runs (retries) are looked for; new events start at once. Default 1000 ms. */
  pollIntervalMs?: number;
  /** Runs executing at once in this process, per function (intake never waits for a render's slot). Default 4. */
  maxConcurrentRuns?: number;
  backoff?: Backoff;
  now?: () => number;
  /**
   * How long a run's lease (and the runner lease) lasts without renewal; renewed every third of it. A killed
   * runner's runs are taken over this long after its last renewal. Default 30 s.
   */
  leaseTtlMs?: number;
  /**
   * Other runners work the same database (Postgres with several worker processes): no runner lease, and a start
   * requeues nothing (the other runners' runs are theirs; a dead one's are taken over when their leases expire).
   * Default false: one runner per database (PGlite).
   */
  shared?: boolean;
}

/** Whether pid is a live process on this machine other than this one. */
function processAlive(pid: number): boolean {
  if (pid === process.pid) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === "EPERM";
  }
}

/** A second runner on the same database: refused at start, naming the process that runs jobs there. */
export const RUNNER_BUSY = "jobs.runner_busy";

export interface EmbeddedRunner {
  /** The Jobs port: stores a run per triggered function, cancels on cancel events. */
  readonly jobs: Jobs;
  /** Requeues runs a previous process left running, then starts executing. */
  start(): Promise<void>;
  /** Stops starting steps; waits up to timeoutMs for runs in flight. Unfinished runs resume at the next start. */
  stop(options?: { timeoutMs?: number }): Promise<void>;
  /** Resolves when nothing is running and no run is due (tests, scripts). */
  idle(): Promise<void>;
}

interface InFlight {
  fnId: string;
  controller: AbortController;
  /** Cancelled, or no longer this runner's (taken over after its lease expired): its outcome is not recorded. */
  cancelled: boolean;
  done: Promise<void>;
}

export function createEmbeddedRunner(options: EmbeddedRunnerOptions): EmbeddedRunner {
  const runs = createRunStore(options.db);
  const log = options.logger.child({ jobs: "embedded" });
  const functions = options.functions as readonly JobFunction<JobEventName>[];
  const pollIntervalMs = options.pollIntervalMs ?? 1000;
  const maxConcurrentRuns = options.maxConcurrentRuns ?? 4;
  const backoff = options.backoff ?? inngestBackoff;
  const now = options.now ?? Date.now;

  /**
   * Writes a run's outcome, retrying while the database is unreachable (an outage must not crash the process or
   * lose the outcome). Gives up only when the runner stops: the row stays `running` and the next start resumes it.
   */
  const persist = (what: string, write: () => Promise<unknown>) =>
    pRetry(write, {
      retries: Number.POSITIVE_INFINITY,
      minTimeout: 500,
      maxTimeout: 30_000,
      shouldRetry: () => !stopped,
      onFailedAttempt: ({ error, attemptNumber }) =>
        log.warn({ err: error, attempt: attemptNumber, what }, "job store unavailable; retrying"),
    });

  const leaseTtlMs = options.leaseTtlMs ?? 30_000;
  const shared = options.shared ?? false;
  // The owner names the process, so an operator (or a test) sees which machine and pid holds a run.
  const me = {
    owner: `runner_${hostname()}_${process.pid}_${randomUUID().slice(0, 8)}`,
    host: hostname(),
    pid: process.pid,
  };
  let leaseTimer: NodeJS.Timeout | undefined;

  /**
   * Takes the lease at start. A holder that is a dead process on this machine (killed with SIGKILL, or this process's
   * previous life in a container, where the pid repeats) is replaced at once, a live one refuses us at once; a holder
   * elsewhere is waited for until its lease expires, which it does unless that process is alive and renewing it.
   */
  async function acquireLease(): Promise<LeaseHolder | null> {
    const deadline = now() + leaseTtlMs + 2000;
    let holder = await runs.lease(me, leaseTtlMs);
    while (holder) {
      if (holder.host === me.host) {
        if (processAlive(holder.pid)) return holder;
        return runs.lease(me, leaseTtlMs, holder.owner);
      }
      if (now() > deadline) return holder;
      log.info({ holder }, "waiting for the job runner lease of a previous process to expire");
      await new Promise((resolve) => setTimeout(resolve, 1000));
      holder = await runs.lease(me, leaseTtlMs);
    }
    return null;
  }

  const inFlight = new Map<string, InFlight>();
  let started = false;
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let ticking: Promise<void> | null = null;
  let again = false;
  const idleWaiters: (() => void)[] = [];

  const concurrencyKey = (fn: JobFunction<JobEventName>, data: Record<string, unknown>): string | null => {
    if (!fn.concurrency) return null;
    const value = data[fn.concurrency.key];
    return value === undefined || value === null ? null : String(value);
  };

  async function send(event: JobEvent | JobEvent[]): Promise<void> {
    for (const e of Array.isArray(event) ? event : [event]) {
      const data = parseJobEvent(e.name, e.data) as Record<string, unknown>;
      const received = { name: e.name, data, ...(e.id ? { id: e.id } : {}) };
      for (const fn of functions) {
        if (fn.cancelOn?.event === e.name) await cancelMatching(fn, fn.cancelOn.match, data);
        if (fn.trigger !== e.name) continue;
        const runId = `run_${randomUUID()}`;
        const inserted = await runs.insert(
          { id: runId, functionId: fn.id, event: received, concurrencyKey: concurrencyKey(fn, data) },
          new Date(now()),
        );
        if (inserted) log.info({ runId, fn: fn.id, event: e.name }, "run queued");
        else log.info({ fn: fn.id, eventId: e.id }, "duplicate event ignored");
      }
    }
    kick();
  }

  async function cancelMatching(fn: JobFunction<JobEventName>, field: string, data: Record<string, unknown>) {
    const value = data[field];
    if (value === undefined || value === null) return;
    for (const runId of await runs.cancel(fn.id, field, String(value))) {
      log.info({ runId, fn: fn.id }, "run cancelled");
      const running = inFlight.get(runId);
      if (running) {
        running.cancelled = true;
        running.controller.abort(new Error("cancelled"));
      }
    }
  }

  function kick(): void {
    if (!started || stopped) return;
    if (ticking) {
      again = true;
      return;
    }
    ticking = tick()
      .catch((e: unknown) => log.error({ err: e }, "job poll failed"))
      .finally(() => {
        ticking = null;
        if (again) {
          again = false;
          kick();
        } else notifyIdle();
      });
  }

  const running = (fnId: string) => [...inFlight.values()].filter((r) => r.fnId === fnId).length;

  async function tick(): Promise<void> {
    for (const fn of functions) {
      if (stopped) return;
      if (running(fn.id) >= maxConcurrentRuns) continue;
      await startDue(fn);
    }
  }

  async function startDue(fn: JobFunction<JobEventName>): Promise<void> {
    while (!stopped && running(fn.id) < maxConcurrentRuns) {
      const orphan = await runs.takeOverExpired(fn.id, me.owner, leaseTtlMs);
      if (orphan) {
        log.warn(
          { runId: orphan.id, fn: fn.id, from: orphan.previous_owner },
          "run taken over: its runner stopped renewing its lease",
        );
        execute(fn, orphan);
        continue;
      }
      const row = await runs.claimNext(
        fn.id,
        me.owner,
        leaseTtlMs,
        fn.concurrency?.limit ?? 1,
        new Date(now()),
      );
      if (!row) return;
      execute(fn, row);
    }
  }

  function execute(fn: JobFunction<JobEventName>, row: RunRow): void {
    const controller = new AbortController();
    const entry: InFlight = { fnId: fn.id, controller, cancelled: false, done: Promise.resolve() };
    inFlight.set(row.id, entry);
    entry.done = runOnce(fn, row, entry)
      .catch((e: unknown) =>
        log.error(
          { err: e, runId: row.id },
          "run outcome not recorded; it resumes once its lease expires or at the next start",
        ),
      )
      .finally(() => {
        inFlight.delete(row.id);
        kick();
      });
  }

  /** Renews the leases of the runs in flight; a run this runner no longer holds (cancelled, taken over) stops here. */
  async function heartbeat(): Promise<void> {
    if (!shared) {
      const taken = await runs.lease(me, leaseTtlMs);
      if (taken) log.error({ holder: taken }, "job runner lease lost to another process");
    }
    // Runs claimed before the renewal started: each was ours when the renewal began, so one it misses is gone.
    const ours = [...inFlight.keys()];
    if (ours.length === 0) return;
    const held = await runs.renewLeases(me.owner, leaseTtlMs);
    for (const runId of ours) {
      const entry = inFlight.get(runId);
      if (!entry || held.has(runId) || entry.cancelled) continue;
      log.warn({ runId }, "run no longer held here (cancelled or taken over); stopping it");
      entry.cancelled = true;
      entry.controller.abort(new Error("run no longer held"));
    }
  }

  async function runOnce(fn: JobFunction<JobEventName>, row: RunRow, entry: InFlight): Promise<void> {
    const runLog = log.child({ runId: row.id, fn: fn.id });
    const event = row.event as ReceivedEvent<JobEventName>;
    let attempt = row.attempt;
    const step = createDbStep({
      runs,
      runId: row.id,
      owner: me.owner,
      signal: entry.controller.signal,
      onStepCompleted: () => {
        attempt = 0;
      },
      now,
    });
    try {
      const output = await fn.handler({
        event,
        step,
        runId: row.id,
        // Live: the attempt of the step about to run (reset when a step completes), as Inngest reports it.
        get attempt() {
          return attempt;
        },
        logger: runLog,
        signal: entry.controller.signal,
      });
      if (entry.controller.signal.aborted) return;
      await persist("finish", () => runs.finish(row.id, me.owner, "completed", output));
      runLog.info("run completed");
    } catch (e) {
      // Cancelled: the row already says so. Stopped: leave it `running`, the next start resumes it.
      if (entry.cancelled || stopped || e instanceof RunInterruptedError) return;
      if (e instanceof RunSleepingError) {
        await persist("sleep", () => runs.sleepUntil(row.id, me.owner, e.until));
        runLog.info({ until: e.until.toISOString() }, "run sleeping");
        schedule(e.until.getTime() - now());
        return;
      }
      const error = e instanceof Error ? e : new Error(String(e));
      const retriesLeft = attempt < fn.retries && !isNonRetriableError(error);
      if (retriesLeft) {
        const delay = isRetryAfterError(error) ? error.retryAfterMs : backoff(attempt);
        runLog.warn({ err: error, attempt, retryInMs: delay }, "step failed; will retry");
        await persist("retry", () =>
          runs.retryLater(row.id, me.owner, attempt + 1, new Date(now() + delay), error.message),
        );
        schedule(delay);
        return;
      }
      runLog.error({ err: error, attempt }, "run failed");
      if (fn.onFailure) {
        try {
          await fn.onFailure({
            event,
            error,
            runId: row.id,
            logger: runLog,
            step: createDbStep({
              runs,
              runId: row.id,
              owner: me.owner,
              prefix: "on-failure:",
              signal: entry.controller.signal,
            }),
          });
        } catch (failureError) {
          if (stopped || failureError instanceof RunInterruptedError) return;
          runLog.error({ err: failureError }, "onFailure handler failed");
        }
      }
      await persist("fail", () => runs.finish(row.id, me.owner, "failed", null, error.message));
    }
  }

  function schedule(delayMs: number): void {
    // The poll timer picks retries up anyway; a short retry should not wait for a long poll.
    if (delayMs < pollIntervalMs) setTimeout(kick, Math.max(0, delayMs) + 5).unref();
  }

  function notifyIdle(): void {
    if (inFlight.size > 0 || ticking) return;
    // Only the waiters already here when the check starts: one that arrives while the query is in flight (after the
    // clock moved, say) gets its own check, not the verdict of a query made with an older clock.
    const waiting = idleWaiters.slice();
    if (waiting.length === 0) return;
    // A tick may be running meanwhile (polls are short): what counts is the database, read after this runner's
    // claims were committed (a claim whose run has not reached inFlight yet is a running run of this runner).
    void runs
      .busy(new Date(now()), me.owner)
      .then((busy) => {
        if (busy || inFlight.size > 0) return;
        for (const resolve of waiting) {
          const at = idleWaiters.indexOf(resolve);
          if (at === -1) continue;
          idleWaiters.splice(at, 1);
          resolve();
        }
      })
      .catch((e: unknown) => log.warn({ err: e }, "job store unavailable"));
  }

  return {
    jobs: { kind: "embedded", send },
    async start() {
      if (started) return;
      if (!shared) {
        const holder = await acquireLease();
        if (holder)
          throw new PhotoMemoryError(
            RUNNER_BUSY,
            `Another PhotoMemory process (pid ${holder.pid} on ${holder.host}) runs the jobs of this database: stop it first. The embedded database runs in one process; to scale out, use Postgres (DATABASE_URL) with PHOTOMEMORY_ROLE=worker processes, or Inngest (INNGEST_*).`,
          );
      }
      leaseTimer = setInterval(() => {
        heartbeat().catch((e: unknown) => log.warn({ err: e }, "job leases not renewed"));
      }, leaseTtlMs / 3);
      leaseTimer.unref();
      started = true;
      stopped = false;
      if (!shared) {
        const orphans = await runs.requeueOrphans();
        if (orphans > 0) log.info({ runs: orphans }, "resuming runs left unfinished by the last process");
      }
      timer = setInterval(kick, pollIntervalMs);
      timer.unref();
      kick();
    },
    async stop({ timeoutMs = 10_000 } = {}) {
      stopped = true;
      if (timer) clearInterval(timer);
      for (const entry of inFlight.values()) entry.controller.abort(new Error("shutdown"));
      const settled = Promise.allSettled([...inFlight.values()].map((e) => e.done));
      let timeout: NodeJS.Timeout | undefined;
      await Promise.race([
        settled,
        new Promise((resolve) => {
          timeout = setTimeout(resolve, timeoutMs);
        }),
      ]);
      clearTimeout(timeout);
      await ticking;
      if (leaseTimer) clearInterval(leaseTimer);
      // Stopped runs go back to the queue for another runner (or the next start) at once; one still executing keeps
      // its lease, which expires once this process is gone.
      await runs
        .release(me.owner, [...inFlight.keys()])
        .then((released) => {
          if (released > 0) log.info({ runs: released }, "unfinished runs handed back to the queue");
        })
        .catch((e: unknown) => log.warn({ err: e }, "unfinished runs not handed back; their leases expire"));
      if (shared) return;
      // The next start (this machine's restart, a deploy's new instance) need not wait for the lease to expire.
      await runs
        .releaseLease(me.owner)
        .catch((e: unknown) => log.warn({ err: e }, "job runner lease not released"));
    },
    idle() {
      return new Promise<void>((resolve) => {
        idleWaiters.push(resolve);
        notifyIdle();
      });
    },
  };
}
