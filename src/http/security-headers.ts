/**
 * The security headers every response carries (hono's secureHeaders): a strict Content-Security-Policy, HSTS, nosniff,
 * no framing, no Referer (share links carry their token in the path). A page with an inline script sets its own
 * CSP naming the script's hash (`pageCsp`); this middleware keeps it (overwrite: false).
 */
import { createHash } from "node:crypto";
import type { MiddlewareHandler } from "hono";
import { secureHeaders } from "hono/secure-headers";

const BASE_DIRECTIVES = {
  defaultSrc: ["'self'"],
  scriptSrc: ["'self'"],
  // The pages keep their small stylesheets inline; styles cannot run code.
  styleSrc: ["'self'", "'unsafe-inline'"],
  imgSrc: ["'self'", "data:", "blob:"],
  mediaSrc: ["'self'", "blob:"],
  connectSrc: ["'self'"],
  objectSrc: ["'none'"],
  baseUri: ["'none'"],
  formAction: ["'self'"],
  frameAncestors: ["'none'"],
};

const kebab = (name: string) => name.replace(/[A-Z]/g, (m) => `-${m.toLowerCase()}`);

/** The CSP for a page whose inline `<script>` blocks are allowed by their SHA-256 hashes. */
export function pageCsp(html: string): string {
  const hashes = [...html.matchAll(/<script>([\s\S]*?)<\/script>/g)].map(
    ([, body]) =>
      `'sha256-${createHash("sha256")
        .update(body ?? "")
        .digest("base64")}'`,
  );
  const directives: Record<string, string[]> = { ...BASE_DIRECTIVES, scriptSrc: ["'self'", ...hashes] };
  return Object.entries(directives)
    .map(([name, values]) => `${kebab(name)} ${values.join(" ")}`)
    .join("; ");
}

export function createSecurityHeaders(): MiddlewareHandler {
  return secureHeaders({
    contentSecurityPolicy: BASE_DIRECTIVES,
    strictTransportSecurity: "max-age=31536000; includeSubDomains",
    xFrameOptions: "DENY",
    referrerPolicy: "no-referrer",
    overwrite: false,
  });
}
