/** `photomemory render` arguments → validated options, or a UsageError with one sentence saying what is wrong. */
import path from "node:path";
import { parseArgs } from "node:util";
import { z } from "zod";
import { ASPECTS, type Aspect, type Resolution, STYLE_NAMES, type StyleName } from "../core/domain.ts";
import { parseByteSize } from "./byte-size.ts";
import { UsageError } from "./context.ts";

export interface RenderOptions {
  /** As typed; resolved against the working directory when read. */
  inputs: string[];
  style: StyleName;
  title?: string;
  aspect: Aspect;
  resolution: Resolution;
  musicPath?: string;
  /** No music; otherwise `musicPath` or the style's own soundtrack. */
  silent: boolean;
  maxBytes?: number;
  out: string;
  poster: string;
  json: boolean;
}

const schema = z.object({
  style: z
    .enum(STYLE_NAMES, { error: `--style must be one of ${STYLE_NAMES.join(", ")}` })
    .default("classic"),
  aspect: z.enum(ASPECTS, { error: `--aspect must be one of ${ASPECTS.join(", ")}` }).default("16:9"),
  resolution: z
    .enum(["720", "1080"], { error: "--resolution must be 720 or 1080" })
    .default("1080")
    .transform((r) => Number(r) as Resolution),
  title: z.string().optional(),
  music: z.string().min(1, "--music needs a file").optional(),
  silent: z.boolean().default(false),
  "max-bytes": z
    .string()
    .optional()
    .transform((text, ctx) => {
      if (text === undefined) return undefined;
      const bytes = parseByteSize(text);
      if (bytes === null) {
        ctx.addIssue({ code: "custom", message: `--max-bytes "${text}" is not a size (try 10MiB or 50MB)` });
        return z.NEVER;
      }
      return bytes;
    }),
  out: z.string().min(1, "--out needs a file name").default("memory.mp4"),
  json: z.boolean().default(false),
});

export function parseRenderOptions(argv: readonly string[], cwd: string): RenderOptions {
  let parsed: ReturnType<typeof parse>;
  try {
    parsed = parse(argv);
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
  const result = schema.safeParse(parsed.values);
  if (!result.success) throw new UsageError(result.error.issues[0]?.message ?? "invalid options");
  const options = result.data;
  if (parsed.positionals.length === 0) throw new UsageError("render needs at least one photo file or folder");
  if (options.silent && options.music !== undefined)
    throw new UsageError("--silent and --music contradict each other; give one of them");

  const out = path.resolve(cwd, options.out);
  if (path.extname(out).toLowerCase() !== ".mp4")
    throw new UsageError("--out is the video file and must end in .mp4 (the poster goes next to it as .jpg)");
  const poster = `${out.slice(0, out.length - path.extname(out).length)}.jpg`;

  return {
    inputs: parsed.positionals,
    style: options.style,
    ...(options.title === undefined ? {} : { title: options.title }),
    aspect: options.aspect,
    resolution: options.resolution,
    ...(options.music === undefined ? {} : { musicPath: path.resolve(cwd, options.music) }),
    silent: options.silent,
    ...(options["max-bytes"] === undefined ? {} : { maxBytes: options["max-bytes"] }),
    out,
    poster,
    json: options.json,
  };
}

function parse(argv: readonly string[]) {
  return parseArgs({
    args: [...argv],
    allowPositionals: true,
    strict: true,
    options: {
      style: { type: "string" },
      title: { type: "string" },
      aspect: { type: "string" },
      resolution: { type: "string" },
      music: { type: "string" },
      silent: { type: "boolean" },
      "max-bytes": { type: "string" },
      out: { type: "string", short: "o" },
      json: { type: "boolean" },
    },
  });
}
