/** Parses one platform's environment block with its zod schema; any problem is one `config.invalid` sentence. */
import type { z } from "zod";
import { PhotoMemoryError } from "../../core/errors.ts";

export function parseEnvBlock<S extends z.ZodType>(
  schema: S,
  env: Record<string, string | undefined>,
  platform: string,
): z.infer<S> {
  const parsed = schema.safeParse(env);
  if (parsed.success) return parsed.data;
  const problems = parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ");
  throw new PhotoMemoryError("config.invalid", `The ${platform} configuration is invalid: ${problems}.`);
}
