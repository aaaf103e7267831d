/**
 * Claim-then-process for platform deliveries: a duplicate is skipped, and a delivery whose processing throws is
 * forgotten again so the platform's retry gets processed (treating every retry as a duplicate loses events).
 */
import type { InboundDeliveries } from "./bot-deps.ts";

export type DeliveryOutcome<T> = { duplicate: true } | { duplicate: false; value: T };

export async function processOnce<T>(
  deliveries: InboundDeliveries,
  source: string,
  deliveryId: string,
  work: () => Promise<T>,
): Promise<DeliveryOutcome<T>> {
  const first = await deliveries.recordInboundDelivery(source, deliveryId);
  if (!first) return { duplicate: true };
  try {
    return { duplicate: false, value: await work() };
  } catch (error) {
    await deliveries.forgetInboundDelivery?.(source, deliveryId).catch(() => undefined);
    throw error;
  }
}
