/**
 * The logger factory: pino, structured, one root logger with child loggers per module. Secrets never reach the
 * output: values under secret-looking keys are replaced, and token-bearing URLs (Telegram's `bot<token>` paths,
 * `?token=`/`?sig=` query strings, Slack `xox…` tokens, Bearer headers) are masked wherever they appear.
 */
import pino, { type DestinationStream, type Logger } from "pino";

export type { Logger };

const SECRET_KEY =
  /^(?:.*(?:token|secret|password|passwd|authorization|cookie|api[-_]?key|apikey|signing[-_]?key|private[-_]?key|service[-_]?role[-_]?key|client[-_]?secret).*)$/i;

const SECRET_PATTERNS: [RegExp, string][] = [
  // Telegram file and API URLs carry the bot token in the path: /bot123456:ABC-def/…, /file/bot123:ABC/…
  [/bot\d+:[A-Za-z0-9_-]+/g, "bot[redacted]"],
  // Slack tokens and app tokens.
  [/xox[abposr]-[A-Za-z0-9-]+/g, "xox[redacted]"],
  [/xapp-[A-Za-z0-9-]+/g, "xapp-[redacted]"],
  // OpenAI-style keys.
  [/sk-[A-Za-z0-9_-]{16,}/g, "sk-[redacted]"],
  [/Bearer\s+[A-Za-z0-9._~+/=-]+/gi, "Bearer [redacted]"],
  // Stripe secret and restricted keys, webhook signing secrets, Customer Portal session links (single-use logins).
  [/\b(?:sk|rk)_(?:live|test)_[A-Za-z0-9]+/g, "sk_[redacted]"],
  [/whsec_[A-Za-z0-9+/=]+/g, "whsec_[redacted]"],
  [/(billing\.stripe\.com\/p\/session\/)[A-Za-z0-9_]+/g, "$1[redacted]"],
  // Credentials in a URL's authority (a database URL's password, which may itself hold an unencoded `@`).
  [/\b([a-z][a-z0-9+.-]*:\/\/[^:/?#@\s]*):[^/?#\s]*@/gi, "$1:[redacted]@"],
  // Signed URLs and tokens in query strings.
  [
    /([?&](?:token|access_token|sig|signature|X-Amz-Signature|X-Amz-Credential|key|apikey|secret|password|sslpassword)=)[^&\s"']+/gi,
    "$1[redacted]",
  ],
];

export function redactText(text: string): string {
  let out = text;
  for (const [pattern, replacement] of SECRET_PATTERNS) out = out.replace(pattern, replacement);
  return out;
}

function redactValue(value: unknown, depth: number, seen: WeakSet<object>): unknown {
  if (typeof value === "string") return redactText(value);
  if (value === null || typeof value !== "object" || depth > 8) return value;
  if (seen.has(value)) return "[circular]";
  seen.add(value);
  if (value instanceof Error) {
    const err = value as Error & { code?: unknown; cause?: unknown };
    return {
      type: err.name,
      message: redactText(err.message),
      ...(err.code !== undefined ? { code: err.code } : {}),
      ...(err.stack ? { stack: redactText(err.stack) } : {}),
      ...(err.cause !== undefined ? { cause: redactValue(err.cause, depth + 1, seen) } : {}),
    };
  }
  if (Array.isArray(value)) return value.map((v) => redactValue(v, depth + 1, seen));
  if (value instanceof Uint8Array) return `[${value.byteLength} bytes]`;
  if (value instanceof Date) return value.toISOString();
  const out: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(value)) {
    // Numbers and booleans are never secrets (token counts, `hasToken` flags); strings and objects under such keys are.
    const secret = SECRET_KEY.test(key) && (typeof v === "string" || (typeof v === "object" && v !== null));
    out[key] = secret ? "[redacted]" : redactValue(v, depth + 1, seen);
  }
  return out;
}

export function redactObject(value: Record<string, unknown>): Record<string, unknown> {
  return redactValue(value, 0, new WeakSet()) as Record<string, unknown>;
}

export interface LoggerOptions {
  level?: string;
  name?: string;
  /** Where lines go; defaults to stdout. Tests pass a stream to read the output. */
  destination?: DestinationStream;
  /** Human-readable lines through pino-pretty (for a terminal); JSON lines otherwise. */
  pretty?: boolean;
}

export function createLogger(options: LoggerOptions = {}): Logger {
  return pino(
    {
      level: options.level ?? "info",
      ...(options.name ? { name: options.name } : {}),
      base: { service: "photomemory" },
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: {
        log: (object) => redactObject(object),
      },
      hooks: {
        // Message strings and interpolation arguments pass through the same masks as fields.
        logMethod(args, method) {
          const cleaned = args.map((a) => (typeof a === "string" ? redactText(a) : a)) as Parameters<
            typeof method
          >;
          method.apply(this, cleaned);
        },
      },
    },
    options.destination ??
      (options.pretty
        ? pino.transport({
            target: "pino-pretty",
            options: { colorize: true, translateTime: "SYS:HH:MM:ss" },
          })
        : undefined),
  );
}

/** A logger that writes nothing, for tests and library defaults. */
export function createSilentLogger(): Logger {
  return pino({ level: "silent" });
}
