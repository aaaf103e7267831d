/**
 * Progress on stderr. On a terminal: one line redrawn with `\r`. Elsewhere (CI logs, pipes): a line when a phase
 * starts and nothing in between, so logs stay readable.
 */

export interface Progress {
  phase(label: string): void;
  update(fraction: number): void;
  done(): void;
}

interface Output {
  isTTY?: boolean;
  columns?: number;
  write(text: string): unknown;
}

export function createProgress(out: Output): Progress {
  let label = "";
  let lastDrawn = "";
  let drawn = false;

  const draw = (fraction: number) => {
    const width = Math.max(10, Math.min(40, (out.columns || 80) - label.length - 12));
    const clamped = Math.min(1, Math.max(0, Number.isFinite(fraction) ? fraction : 0));
    const filled = Math.round(clamped * width);
    const line = `${label} [${"█".repeat(filled)}${"░".repeat(width - filled)}] ${String(Math.floor(clamped * 100)).padStart(3)}%`;
    if (line === lastDrawn) return;
    lastDrawn = line;
    drawn = true;
    out.write(`\r${line}\x1b[K`);
  };

  return {
    phase(next) {
      if (out.isTTY) {
        if (drawn) out.write("\n");
        label = next;
        lastDrawn = "";
        draw(0);
      } else {
        out.write(`${next}…\n`);
      }
    },
    update(fraction) {
      if (out.isTTY && label) draw(fraction);
    },
    done() {
      if (out.isTTY && drawn) {
        draw(1);
        out.write("\n");
      }
      drawn = false;
      label = "";
    },
  };
}
