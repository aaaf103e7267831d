/** Routes `photomemory <command>` to its module; commands load lazily so `--help` starts instantly. */
import { existsSync } from "node:fs";
import { type CliContext, EXIT } from "./context.ts";
import { HELP } from "./help.ts";

const MIGRATE_MODULE = new URL("./migrate-command.ts", import.meta.url);

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
      // Owned by the data layer; imported by URL so the CLI works (and type-checks) before that file exists.
      if (!existsSync(MIGRATE_MODULE)) {
        ctx.stderr.write("photomemory migrate: migrate is not available in this build.\n");
        return EXIT.failure;
      }
      const module = (await import(MIGRATE_MODULE.href)) as {
        runMigrateCommand: (argv: string[]) => Promise<number>;
      };
      return module.runMigrateCommand([...rest]);
    }
    default:
      ctx.stderr.write(`photomemory: unknown command "${command}".\n\n${HELP}`);
      return EXIT.usage;
  }
}
