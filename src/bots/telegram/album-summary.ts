/**
 * One line per album. Telegram sends each album item as its own update, sometimes seconds apart, and never says how
 * many there are; every item is recorded as it arrives, and this only decides when to answer: after a quiet period
 * with no new item, and again later while items are still downloading (the answer counts stored photos). A generation
 * counter makes a stale timer a no-op.
 */
export interface AlbumSummary {
  /**
   * Notes one more item of `groupKey`; `answer` runs `quietMs` after the last item, and again `quietMs` later each time
   * it returns "later" (at most `maxChecks` times in all).
   */
  add(groupKey: string, answer: () => Promise<"done" | "later">): void;
  /** Answers nothing, forgets everything (shutdown). */
  clear(): void;
}

export function createAlbumSummary(quietMs: number, maxChecks = 40): AlbumSummary {
  const groups = new Map<string, { generation: number; timer: NodeJS.Timeout }>();
  const arm = (
    groupKey: string,
    generation: number,
    answer: () => Promise<"done" | "later">,
    checks: number,
  ) => {
    const timer = setTimeout(() => {
      const current = groups.get(groupKey);
      if (!current || current.generation !== generation) return;
      void answer()
        .catch(() => "done" as const)
        .then((outcome) => {
          const still = groups.get(groupKey);
          if (!still || still.generation !== generation) return;
          if (outcome === "later" && checks + 1 < maxChecks) arm(groupKey, generation, answer, checks + 1);
          else groups.delete(groupKey);
        });
    }, quietMs);
    timer.unref();
    groups.set(groupKey, { generation, timer });
  };
  return {
    add(groupKey, answer) {
      const previous = groups.get(groupKey);
      if (previous) clearTimeout(previous.timer);
      arm(groupKey, (previous?.generation ?? 0) + 1, answer, 0);
    },
    clear() {
      for (const g of groups.values()) clearTimeout(g.timer);
      groups.clear();
    },
  };
}
