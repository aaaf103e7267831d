/**
 * `photomemory demo`: the quick start. Draws sample photos once into DATA_DIR/samples, then renders them like
 * `photomemory render` would (720p unless told otherwise, to DATA_DIR/demo/memory.mp4). Any render option can be
 * added and overrides these defaults.
 */
import path from "node:path";
import type { CliContext } from "./context.ts";
import { ensureDemoSamples } from "./demo-samples.ts";
import { runRenderCommand } from "./render-command.ts";

export async function runDemoCommand(argv: readonly string[], ctx: CliContext): Promise<number> {
  const dataDir = path.resolve(ctx.cwd, ctx.env.DATA_DIR?.trim() || ".data");
  const samples = await ensureDemoSamples(path.join(dataDir, "samples"));
  const out = path.join(dataDir, "demo", "memory.mp4");
  return runRenderCommand([samples, "--out", out, "--resolution", "720", ...argv], ctx);
}
