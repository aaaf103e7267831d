/**
 * Which URLs the safe downloader may fetch: an explicit host allow-list (the platform's own file hosts), https only,
 * plus the origin of a configured API base URL (a self-hosted Telegram Bot API server, a test stand-in), which may be
 * plain http. Anything else — other hosts, IP literals, credentials in the URL, odd ports — is refused.
 */
import { PhotoMemoryError } from "../errors.ts";

export interface HostPolicy {
  /** Exact host names (lower case) reachable over https on the default port. */
  hosts: readonly string[];
  /** Full origins (`http://127.0.0.1:8081`) of configured API bases; allowed as is, http included. */
  origins?: readonly string[];
}

/** Parses and checks a URL against the policy; throws `download.forbidden_host` with a sentence fit for logs. */
export function checkUrl(raw: string | URL, policy: HostPolicy): URL {
  let url: URL;
  try {
    url = new URL(raw);
  } catch (cause) {
    throw new PhotoMemoryError("download.forbidden_host", "The file link is not a valid URL.", { cause });
  }
  if (url.username || url.password) {
    throw new PhotoMemoryError("download.forbidden_host", "File links with credentials are not fetched.");
  }
  const origins = (policy.origins ?? []).map(normaliseOrigin);
  if (origins.includes(url.origin)) return url;
  if (url.protocol !== "https:") {
    throw new PhotoMemoryError(
      "download.forbidden_host",
      `Only https file links are fetched (got ${url.protocol}).`,
    );
  }
  if (url.port !== "") {
    throw new PhotoMemoryError(
      "download.forbidden_host",
      `File links on a non-default port are not fetched.`,
    );
  }
  const host = url.hostname.toLowerCase();
  if (!policy.hosts.includes(host)) {
    throw new PhotoMemoryError(
      "download.forbidden_host",
      `Files are only fetched from the platform's file hosts, not ${host}.`,
    );
  }
  return url;
}

/** `http://127.0.0.1:8081/bot/` → `http://127.0.0.1:8081` (URL.origin drops default ports and paths). */
export function normaliseOrigin(base: string): string {
  return new URL(base).origin;
}
