/**
 * Entry of the `photomemory` command (bin/photomemory.js loads this through tsx): the only CLI file that touches
 * the process. Ctrl-C and SIGTERM become an abort that the running command cleans up after.
 */
import { EXIT } from "./context.ts";
import { runCli } from "./run-cli.ts";

const controller = new AbortController();
let interrupts = 0;
const onSignal = () => {
  interrupts += 1;
  // A second Ctrl-C means "now": skip the clean-up the first one started.
  if (interrupts > 1) process.exit(EXIT.interrupted);
  controller.abort();
};
process.on("SIGINT", onSignal);
process.on("SIGTERM", onSignal);

process.exitCode = await runCli(process.argv.slice(2), {
  env: process.env,
  cwd: process.cwd(),
  stdout: process.stdout,
  stderr: process.stderr,
  signal: controller.signal,
}).catch((error: unknown) => {
  process.stderr.write(
    `photomemory: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
  );
  return EXIT.failure;
});
process.off("SIGINT", onSignal);
process.off("SIGTERM", onSignal);
