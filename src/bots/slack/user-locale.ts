/**
 * The locale of a Slack user, for memories written in their language: Slack sends none with a command or an event,
 * so it is read with `users.info` (`include_locale: true`, scope `users:read`) and kept for a while. A workspace that
 * installed the app without `users:read` answers `missing_scope`: that is logged once per workspace and the memory
 * follows `/memory lang` (or the conversation's last language) as before; nothing fails for it.
 */
import type { webApi } from "@slack/bolt";
import type { Logger } from "pino";

export interface SlackUserLocales {
  /** The user's locale ("ja-JP"), or undefined when Slack cannot tell us. Never throws. */
  localeOf(teamId: string | undefined, userId: string): Promise<string | undefined>;
}

const TTL_MS = 6 * 3_600_000;
/** After `missing_scope`, ask that workspace again only after this long (a reinstall may add the scope). */
const MISSING_SCOPE_RETRY_MS = 3_600_000;
const MAX_ENTRIES = 10_000;

export function createSlackUserLocales(options: {
  client: (teamId: string | undefined) => Promise<webApi.WebClient>;
  logger: Logger;
  now?: () => number;
}): SlackUserLocales {
  const log = options.logger.child({ module: "slack-locale" });
  const now = options.now ?? Date.now;
  const cache = new Map<string, { locale: string | undefined; at: number }>();
  const inFlight = new Map<string, Promise<string | undefined>>();
  const missingScope = new Map<string, number>();
  const warned = new Set<string>();

  async function lookUp(teamId: string | undefined, userId: string): Promise<string | undefined> {
    const team = teamId ?? "";
    const blockedAt = missingScope.get(team);
    if (blockedAt !== undefined && now() - blockedAt < MISSING_SCOPE_RETRY_MS) return undefined;
    try {
      const web = await options.client(teamId);
      const info = await web.users.info({ user: userId, include_locale: true });
      missingScope.delete(team);
      const locale = typeof info.user?.locale === "string" && info.user.locale ? info.user.locale : undefined;
      remember(`${team}:${userId}`, locale);
      return locale;
    } catch (error) {
      const code = (error as { data?: { error?: string } }).data?.error;
      if (code === "missing_scope") {
        missingScope.set(team, now());
        if (!warned.has(team)) {
          warned.add(team);
          log.warn(
            { teamId },
            "slack: the app lacks the users:read scope, so memories cannot follow each person's Slack language " +
              "(they use /memory lang, else English). Reinstall the app with the current manifest to add it.",
          );
        }
      } else {
        log.warn({ err: error, teamId }, "slack: could not read the user's locale; going on without it");
      }
      return undefined;
    }
  }

  function remember(key: string, locale: string | undefined) {
    if (cache.size >= MAX_ENTRIES) {
      const oldest = cache.keys().next().value;
      if (oldest !== undefined) cache.delete(oldest);
    }
    cache.set(key, { locale, at: now() });
  }

  return {
    async localeOf(teamId, userId) {
      if (!userId) return undefined;
      const key = `${teamId ?? ""}:${userId}`;
      const cached = cache.get(key);
      if (cached && now() - cached.at < TTL_MS) return cached.locale;
      let pending = inFlight.get(key);
      if (!pending) {
        pending = lookUp(teamId, userId).finally(() => inFlight.delete(key));
        inFlight.set(key, pending);
      }
      return pending;
    },
  };
}
