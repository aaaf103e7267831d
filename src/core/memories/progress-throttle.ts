/**
 * Decides which render progress updates are worth an edit of the status message: at most one per interval (2 s)
 * and only when what the user sees changes (whole steps of 5 %). Pure, so the render step and tests share it.
 */
export interface ProgressThrottleOptions {
  /** Minimum time between two edits. */
  minIntervalMs?: number;
  /** Size of a visible step, as a fraction (0.05 = the bar moves in 5 % steps). */
  step?: number;
  now?: () => number;
}

export interface ProgressThrottle {
  /** Returns the fraction to show (rounded down to a visible step) when an edit is due, else null. */
  next(fraction: number): number | null;
}

export function createProgressThrottle(options: ProgressThrottleOptions = {}): ProgressThrottle {
  const minIntervalMs = options.minIntervalMs ?? 2000;
  const step = options.step ?? 0.05;
  const now = options.now ?? Date.now;
  let lastShown = -1;
  let lastAt = Number.NEGATIVE_INFINITY;
  return {
    next(fraction) {
      const clamped = Math.min(1, Math.max(0, Number.isFinite(fraction) ? fraction : 0));
      // Round to the step grid; the epsilon keeps 0.15 from landing on 0.1 through float error.
      const visible = Math.min(1, Math.floor(clamped / step + 1e-9) * step);
      const shown = Math.round(visible * 1000) / 1000;
      if (shown <= lastShown) return null;
      const at = now();
      if (at - lastAt < minIntervalMs) return null;
      lastShown = shown;
      lastAt = at;
      return shown;
    },
  };
}

/** A text progress bar for platforms without a native one: "▓▓▓▓░░░░░░ 40 %". */
export function formatProgress(fraction: number, width = 10): string {
  const clamped = Math.min(1, Math.max(0, fraction));
  const filled = Math.round(clamped * width);
  return `${"▓".repeat(filled)}${"░".repeat(width - filled)} ${Math.round(clamped * 100)} %`;
}
