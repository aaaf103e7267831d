/**
 * The security headers every response carries (hono's secureHeaders): a strict Content-Security-Policy, HSTS, nosniff,
 * no framing, no Referer (share links carry their token in the path). A page with an inline script sets its own
 * CSP naming the script's hash (`pageCsp`), and the share pages set theirs (`shareCsp`); this middleware keeps a CSP
 * the page set (overwrite: false), and leaves out X-Frame-Options when that CSP lets other sites frame the page.
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

function csp(changes: Partial<Record<keyof typeof BASE_DIRECTIVES, string[]>>): string {
  return Object.entries({ ...BASE_DIRECTIVES, ...changes })
    .map(([name, values]) => `${kebab(name)} ${values.join(" ")}`)
    .join("; ");
}

/** The CSP for a page whose inline `<script>` blocks are allowed by their SHA-256 hashes. */
export function pageCsp(html: string): string {
  const hashes = [...html.matchAll(/<script>([\s\S]*?)<\/script>/g)].map(
    ([, body]) =>
      `'sha256-${createHash("sha256")
        .update(body ?? "")
        .digest("base64")}'`,
  );
  return csp({ scriptSrc: ["'self'", ...hashes] });
}

/**
 * The CSP of a share page. Its video and poster are addresses of this site that redirect to the storage's signed
 * URL when the files live in Supabase Storage, and a browser checks the redirect's target against media-src and
 * img-src too: any https origin may serve them (media and images run no code). `frameable`: the bare player that
 * the chat apps' link previews (a Twitter player card) put in a frame on their own pages; it holds no more than the
 * video, so any site may frame it.
 */
export function shareCsp(options: { frameable: boolean }): string {
  return csp({
    imgSrc: ["'self'", "data:", "blob:", "https:"],
    mediaSrc: ["'self'", "blob:", "https:"],
    ...(options.frameable ? { frameAncestors: ["*"] } : {}),
  });
}

export function createSecurityHeaders(): MiddlewareHandler {
  const headers = secureHeaders({
    contentSecurityPolicy: BASE_DIRECTIVES,
    strictTransportSecurity: "max-age=31536000; includeSubDomains",
    xFrameOptions: "DENY",
    referrerPolicy: "no-referrer",
    overwrite: false,
  });
  return async (c, next) => {
    await headers(c, next);
    // A page whose own CSP lets other sites frame it (the share page's player) is not denied by X-Frame-Options.
    const own = c.res.headers.get("content-security-policy") ?? "";
    if (/(^|;)\s*frame-ancestors (?!'none')/.test(own)) c.res.headers.delete("x-frame-options");
  };
}
