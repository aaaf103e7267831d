/**
 * Why the service could not start, in one line that names the fix: a busy port, an unreachable database, a failed
 * migration. Never prints a stack, a connection string's password or a token.
 */
import { isPhotoMemoryError, PhotoMemoryError } from "./core/errors.ts";
import { redactText } from "./core/log.ts";

/**
 * `postgres://user:secret@host/db` → `postgres://user:***@host/db`, even when the URL does not parse: the password
 * runs to the last `@` before the host (an unencoded `@` in it is part of it), and a `password=` parameter in the
 * query string is masked too.
 */
export function redactDatabaseUrl(url: string): string {
  return url
    .replace(/^([a-z][a-z0-9+.-]*:\/\/)([^/?#]*)@/i, (_match, scheme: string, userinfo: string) => {
      const colon = userinfo.indexOf(":");
      return `${scheme}${colon === -1 ? userinfo : `${userinfo.slice(0, colon)}:***`}@`;
    })
    .replace(/([?&](?:ssl)?password=)[^&#]*/gi, "$1***");
}

function firstLine(text: string): string {
  return text.split("\n")[0]?.trim() ?? text;
}

const UNREACHABLE = new Set([
  "ECONNREFUSED",
  "ENOTFOUND",
  "EAI_AGAIN",
  "ETIMEDOUT",
  "EHOSTUNREACH",
  "CONNECT_TIMEOUT",
]);

/** The database's first failure at start, as a PhotoMemoryError whose message says what to check. */
export function databaseStartError(error: unknown, databaseUrl: string | undefined): Error {
  if (isPhotoMemoryError(error)) return error;
  const where = databaseUrl ? `the database at ${redactDatabaseUrl(databaseUrl)}` : "the embedded database";
  const e = error as { code?: unknown; message?: unknown };
  const code = typeof e.code === "string" ? e.code : "";
  const reason = redactText(firstLine(String(e.message ?? error)));
  const fix = !databaseUrl
    ? "check that DATA_DIR is writable and not used by another process"
    : UNREACHABLE.has(code)
      ? "check DATABASE_URL's host and port and that Postgres is running"
      : code === "28P01" || code === "28000"
        ? "check the user and password in DATABASE_URL"
        : code === "3D000"
          ? "create the database or fix its name in DATABASE_URL"
          : "check DATABASE_URL";
  return new PhotoMemoryError("store.unreachable", `Cannot use ${where} (${reason}): ${fix}.`, {
    cause: error,
  });
}

/** One line for stderr, for any error that stopped the start. */
export function describeStartError(error: unknown, where: { host: string; port: number }): string {
  if (isPhotoMemoryError(error)) return error.message;
  const code = (error as { code?: unknown }).code;
  if (code === "EADDRINUSE") {
    return `Port ${where.port} on ${where.host} is already in use: stop the other process or set PORT to a free port.`;
  }
  if (code === "EACCES") {
    return `Port ${where.port} on ${where.host} needs privileges this process lacks: set PORT to 1024 or above.`;
  }
  if (code === "EADDRNOTAVAIL") {
    return `HOST ${where.host} is not an address of this machine: set HOST to 0.0.0.0 or one of its addresses.`;
  }
  const message = error instanceof Error ? error.message : String(error);
  return `PhotoMemory could not start: ${redactDatabaseUrl(redactText(firstLine(message)))}`;
}
