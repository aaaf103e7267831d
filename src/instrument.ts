/**
 * Sentry, loaded before the service (`node --import ./dist/instrument.js dist/main.js`, or `--import ./src/instrument.ts`
 * in development) so its instrumentation sees every module load. Does nothing unless SENTRY_DSN is set. Data
 * collection is explicit: @sentry/node v11 would otherwise send request bodies, headers, cookies, query strings, user
 * info and stack-frame local variables. Tokens are masked in events, breadcrumbs and logs.
 */
import { loadSentryConfig } from "./config.ts";
import { redactObject, redactText } from "./core/log.ts";

/** Token shapes that must never leave the process (beyond what redactText already masks). */
const TOKENS: [RegExp, string][] = [
  [/whsec_[A-Za-z0-9]+/g, "whsec_[redacted]"],
  [/sk_(live|test)_[A-Za-z0-9]+/g, "sk_$1_[redacted]"],
  [/rk_(live|test)_[A-Za-z0-9]+/g, "rk_$1_[redacted]"],
];

export function scrubText(text: string): string {
  let out = redactText(text);
  for (const [pattern, replacement] of TOKENS) out = out.replace(pattern, replacement);
  return out;
}

/** Masks every string in a Sentry payload (event, breadcrumb, log), and secret-named fields whole. */
export function scrub<T>(payload: T): T {
  const masked = redactObject(payload as Record<string, unknown>);
  return JSON.parse(scrubText(JSON.stringify(masked))) as T;
}

const sentry = (() => {
  try {
    return loadSentryConfig();
  } catch {
    // An invalid configuration is reported by main with a message naming it; start without Sentry.
    return null;
  }
})();

if (sentry) {
  const Sentry = await import("@sentry/node");
  Sentry.init({
    dsn: sentry.dsn,
    environment: sentry.environment,
    tracesSampleRate: sentry.tracesSampleRate,
    includeLocalVariables: false,
    dataCollection: {
      userInfo: false,
      cookies: false,
      httpHeaders: false,
      httpBodies: [],
      urlQueryParams: false,
      databaseQueryData: false,
      queues: false,
      genAI: { inputs: false, outputs: false },
      stackFrameVariables: false,
    },
    beforeSend: (event) => scrub(event),
    beforeSendTransaction: (event) => scrub(event),
    beforeBreadcrumb: (breadcrumb) => scrub(breadcrumb),
    beforeSendLog: (log) => scrub(log),
  });
}
