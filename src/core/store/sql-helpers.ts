/** Small helpers shared by the SQL Store parts: id checks, array/JSON parameters, Postgres error mapping. */
import { PhotoMemoryError } from "../errors.ts";

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Ids come from URLs and chat buttons; a malformed one is simply not found (no Postgres cast error). */
export const isUuid = (v: string): boolean => UUID.test(v);

/** Arrays travel as one comma-joined text parameter (`string_to_array($n, ',')`): both drivers send it alike. */
export function textList(values: readonly string[]): string {
  for (const v of values) {
    if (v.includes(",")) throw new PhotoMemoryError("store.conflict", "A list value contains a comma.");
  }
  return values.join(",");
}

/** JSON travels as text and is cast with `$n::text::jsonb`. */
export const jsonParam = (v: unknown): string | null =>
  v === null || v === undefined ? null : JSON.stringify(v);

function pgCode(e: unknown): string | undefined {
  const code = (e as { code?: unknown } | null)?.code;
  return typeof code === "string" ? code : undefined;
}

/** Turns constraint violations into PhotoMemoryErrors the use cases understand; rethrows anything else. */
export function mapDbError(e: unknown, what: string): never {
  const code = pgCode(e);
  if (code === "23503")
    throw new PhotoMemoryError("store.not_found", `${what}: a referenced row does not exist.`, { cause: e });
  if (code === "23505")
    throw new PhotoMemoryError("store.conflict", `${what}: it already exists.`, { cause: e });
  if (code === "23514" || code === "22P02" || code === "23502") {
    throw new PhotoMemoryError("store.invalid_input", `${what}: a value is out of range or malformed.`, {
      cause: e,
    });
  }
  throw e;
}

export async function guarded<T>(what: string, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (e) {
    if (e instanceof PhotoMemoryError) throw e;
    return mapDbError(e, what);
  }
}
