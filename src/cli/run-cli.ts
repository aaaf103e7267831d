/** Routes `photomemory <command>` to its module; commands load lazily so `--help` starts instantly. */
import { type CliContext, EXIT } from "./context.ts";
import { HELP } from "./help.ts";

export async function runCli(argv: readonly string[], ctx: CliContext): Promise<number> {
  const [command, ...rest] = argv;
  switch (command) {
    case undefined:
    case "help":
    case "--help":
    case "-h":
      (command === undefined ? ctx.stderr : ctx.stdout).write(HELP);
      return command === undefined ? EXIT.usage : EXIT.ok;
    case "render": {
      const { runRenderCommand } = await import("./render-command.ts");
      return runRenderCommand(rest, ctx);
    }
    case "demo": {
      const { runDemoCommand } = await import("./demo-command.ts");
      return runDemoCommand(rest, ctx);
    }
    case "migrate": {
      const { runMigrateCommand } = await import("./migrate-command.ts");
      return runMigrateCommand([...rest]);
    }
    default:
      ctx.stderr.write(`photomemory: unknown command "${command}".\n\n${HELP}`);
      return EXIT.usage;
  }
}
