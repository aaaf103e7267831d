/**
 * Claim-then-process for platform deliveries: a duplicate is skipped, a processed one is marked done, and one whose
 * processing throws is marked failed so the platform's retry gets processed (treating every retry as a duplicate
 * loses events).
 */
import type { InboundDeliveries } from "./bot-deps.ts";

export type DeliveryOutcome<T> = { duplicate: true } | { duplicate: false; value: T };

/**
 * Thrown for a platform's retry of a delivery whose first processing has not finished: answering it with an error
 * makes the platform retry later, instead of taking the retry as done while the first attempt may still fail.
 */
export class DeliveryInProgressError extends Error {
  override name = "DeliveryInProgressError";
  constructor(
    readonly source: string,
    readonly deliveryId: string,
  ) {
    super(`delivery ${source}:${deliveryId} is still being processed`);
  }
}

/** Like `processOnce`, but a duplicate that is not done yet throws DeliveryInProgressError. */
export async function processOnceOrRetryLater<T>(
  deliveries: InboundDeliveries,
  source: string,
  deliveryId: string,
  work: () => Promise<T>,
): Promise<DeliveryOutcome<T>> {
  const outcome = await processOnce(deliveries, source, deliveryId, work);
  if (outcome.duplicate && !(await deliveries.isDeliveryDone(source, deliveryId))) {
    throw new DeliveryInProgressError(source, deliveryId);
  }
  return outcome;
}

export async function processOnce<T>(
  deliveries: InboundDeliveries,
  source: string,
  deliveryId: string,
  work: () => Promise<T>,
): Promise<DeliveryOutcome<T>> {
  const first = await deliveries.recordInboundDelivery(source, deliveryId);
  if (!first) return { duplicate: true };
  let value: T;
  try {
    value = await work();
  } catch (error) {
    await deliveries
      .markDeliveryFailed(source, deliveryId, error instanceof Error ? error.name : "error")
      .catch(() => undefined);
    throw error;
  }
  await deliveries.markDeliveryDone(source, deliveryId);
  return { duplicate: false, value };
}

/** Claims each id; runs `work` with the fresh ones; marks them done, or failed when `work` throws. */
export async function processEachOnce<T>(
  deliveries: InboundDeliveries,
  source: string,
  ids: string[],
  work: (fresh: string[]) => Promise<T>,
): Promise<{ fresh: string[]; value?: T }> {
  const fresh: string[] = [];
  for (const id of ids) if (await deliveries.recordInboundDelivery(source, id)) fresh.push(id);
  if (fresh.length === 0) return { fresh };
  let value: T;
  try {
    value = await work(fresh);
  } catch (error) {
    for (const id of fresh) await deliveries.markDeliveryFailed(source, id).catch(() => undefined);
    throw error;
  }
  for (const id of fresh) await deliveries.markDeliveryDone(source, id);
  return { fresh, value };
}
