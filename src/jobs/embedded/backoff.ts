/**
 * Delay before the next attempt of a failed step: Inngest's table (15 s, 30 s, 1 m, 2 m, 5 m, …) with up to 30 s of
 * jitter, so the embedded runner paces retries like production does.
 */
const TABLE_MS = [
  15_000, 30_000, 60_000, 120_000, 300_000, 600_000, 1_200_000, 2_400_000, 3_600_000, 7_200_000,
];

export type Backoff = (attempt: number) => number;

export const inngestBackoff: Backoff = (attempt) => {
  const base = TABLE_MS[Math.min(Math.max(attempt, 0), TABLE_MS.length - 1)] ?? 7_200_000;
  return base + Math.floor(Math.random() * 30_000);
};
