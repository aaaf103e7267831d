/**
 * One summary line per album. Telegram sends each album item as its own update, sometimes seconds apart, and never
 * says how many there are; every item is persisted as it arrives, and this only decides when to say "got N photos":
 * after a quiet period with no new item. A generation counter makes a stale timer a no-op.
 */
export interface AlbumSummary {
  /** Notes one more item of `groupKey`; `flush` runs once, `quietMs` after the last item. */
  add(groupKey: string, flush: (count: number) => Promise<void>): void;
  /** Flushes nothing, forgets everything (shutdown). */
  clear(): void;
}

export function createAlbumSummary(quietMs: number): AlbumSummary {
  const groups = new Map<string, { count: number; generation: number; timer: NodeJS.Timeout }>();
  return {
    add(groupKey, flush) {
      const previous = groups.get(groupKey);
      if (previous) clearTimeout(previous.timer);
      const generation = (previous?.generation ?? 0) + 1;
      const count = (previous?.count ?? 0) + 1;
      const timer = setTimeout(() => {
        const current = groups.get(groupKey);
        if (!current || current.generation !== generation) return;
        groups.delete(groupKey);
        void flush(current.count);
      }, quietMs);
      timer.unref();
      groups.set(groupKey, { count, generation, timer });
    },
    clear() {
      for (const g of groups.values()) clearTimeout(g.timer);
      groups.clear();
    },
  };
}
