/**
 * Bridges @slack/logger (used by Bolt and the Web API client) onto our pino child logger. The SDK's debug output
 * prints whole request bodies (oauth.v2.access carries the client secret), so it is dropped, not forwarded.
 */
import { webApi } from "@slack/bolt";
import type { Logger } from "pino";

export function toSlackLogger(log: Logger): webApi.Logger {
  let level = webApi.LogLevel.WARN;
  const text = (msg: unknown[]) => msg.map((m) => (typeof m === "string" ? m : JSON.stringify(m))).join(" ");
  return {
    debug: () => undefined,
    info: (...msg: unknown[]) => log.info(text(msg)),
    warn: (...msg: unknown[]) => log.warn(text(msg)),
    error: (...msg: unknown[]) => log.error(text(msg)),
    setLevel: (l: webApi.LogLevel) => {
      level = l;
    },
    getLevel: () => level,
    setName: () => undefined,
  };
}
