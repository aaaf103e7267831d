/** What a CLI command gets from the process, passed in so tests and the demo can run commands in-process. */
export interface CliContext {
  env: Record<string, string | undefined>;
  cwd: string;
  stdout: { write(text: string): unknown };
  stderr: { write(text: string): unknown; isTTY?: boolean; columns?: number };
  /** Aborted on Ctrl-C / SIGTERM. */
  signal: AbortSignal;
}

export const EXIT = { ok: 0, failure: 1, usage: 2, interrupted: 130 } as const;

export class UsageError extends Error {
  override readonly name = "UsageError";
}
