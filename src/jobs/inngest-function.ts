/** Builds `inngest.createFunction(...)` from a PhotoMemory function definition, mapping core step errors to Inngest's. */
import {
  type Inngest,
  type InngestFunction,
  NonRetriableError as InngestNonRetriableError,
  RetryAfterError as InngestRetryAfterError,
} from "inngest";
import type { Logger } from "pino";
import type { JobEventData, JobEventName } from "../core/jobs/events.ts";
import { isNonRetriableError, isRetryAfterError } from "../core/jobs/job-errors.ts";
import type { Step } from "../core/jobs/jobs.ts";
import type { AnyJobFunction, JobFunction, ReceivedEvent } from "./define-function.ts";
import { inngestEventTypes } from "./events.ts";

interface InngestStepTools {
  run(id: string, fn: () => Promise<unknown>): Promise<unknown>;
  sleepUntil(id: string, time: Date): Promise<void>;
}

/** Inngest's step tools behind the core Step port. */
export function wrapInngestStep(step: InngestStepTools): Step {
  return {
    run<T>(id: string, fn: () => Promise<T>) {
      return step.run(id, async () => {
        try {
          return await fn();
        } catch (e) {
          throw toInngestError(e);
        }
      }) as Promise<T>;
    },
    sleepUntil(id: string, until: Date) {
      return step.sleepUntil(id, until);
    },
  };
}

export function toInngestError(e: unknown): unknown {
  if (isRetryAfterError(e)) return new InngestRetryAfterError(e.message, e.retryAfterMs, { cause: e });
  if (isNonRetriableError(e)) return new InngestNonRetriableError(e.message, { cause: e });
  return e;
}

const neverAborted = new AbortController().signal;

export function toInngestFunction(
  client: Inngest,
  spec: AnyJobFunction,
  logger: Logger,
): InngestFunction.Any {
  const fn = spec as JobFunction<JobEventName>;
  const log = logger.child({ fn: fn.id });
  const received = (event: { name: string; data: unknown; id?: string }): ReceivedEvent<JobEventName> => ({
    name: event.name as JobEventName,
    data: event.data as JobEventData<JobEventName>,
    ...(event.id ? { id: event.id } : {}),
  });
  return client.createFunction(
    {
      id: fn.id,
      triggers: [inngestEventTypes[fn.trigger]],
      retries: fn.retries as 0,
      ...(fn.concurrency
        ? { concurrency: [{ key: `event.data.${fn.concurrency.key}`, limit: fn.concurrency.limit }] }
        : {}),
      ...(fn.runAheadSeconds ? { priority: { run: String(fn.runAheadSeconds) } } : {}),
      ...(fn.cancelOn
        ? { cancelOn: [{ event: fn.cancelOn.event, match: `data.${fn.cancelOn.match}` }] }
        : {}),
      ...(fn.onFailure
        ? {
            onFailure: async ({ event, error, step, runId }) => {
              // Inngest hands onFailure the `inngest/function.failed` event; the trigger is under data.event.
              const original = (event.data as { event: { name: string; data: unknown; id?: string } }).event;
              await fn.onFailure?.({
                event: received(original),
                error,
                step: wrapInngestStep(step),
                runId,
                logger: log.child({ runId }),
              });
            },
          }
        : {}),
    },
    async ({ event, step, runId, attempt }) =>
      fn.handler({
        event: received(event),
        step: wrapInngestStep(step),
        runId,
        attempt,
        logger: log.child({ runId }),
        signal: neverAborted,
      }),
  ) as unknown as InngestFunction.Any;
}
