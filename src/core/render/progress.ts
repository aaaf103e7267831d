/** Parses ffmpeg's `-progress pipe:1` key=value stream into a monotonic 0..1 fraction of a planned duration. */

export class ProgressParser {
  private buffer = "";
  private last = 0;

  constructor(
    private readonly plannedSeconds: number,
    private readonly onFraction: (fraction: number) => void,
  ) {}

  feed(chunk: string): void {
    this.buffer += chunk;
    const lines = this.buffer.split("\n");
    this.buffer = lines.pop() ?? "";
    for (const line of lines) this.line(line.trim());
  }

  private line(line: string): void {
    const eq = line.indexOf("=");
    if (eq < 0) return;
    const key = line.slice(0, eq);
    const value = line.slice(eq + 1);
    let fraction: number | null = null;
    // out_time_us is microseconds; ffmpeg 5 also prints out_time_ms with the same (mislabelled) microseconds.
    if (key === "out_time_us") {
      const us = Number(value);
      if (Number.isFinite(us) && this.plannedSeconds > 0) fraction = us / 1e6 / this.plannedSeconds;
    } else if (key === "progress" && value === "end") {
      fraction = 1;
    }
    if (fraction === null) return;
    const clamped = Math.min(1, Math.max(0, fraction));
    if (clamped > this.last) {
      this.last = clamped;
      this.onFraction(clamped);
    }
  }
}
