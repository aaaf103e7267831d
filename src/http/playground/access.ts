/**
 * Who may use the playground when it is served on a public URL: whoever presents PLAYGROUND_TOKEN, as a bearer or
 * `x-playground-token` header (scripts) or as the HttpOnly cookie that opening `/playground?token=…` once sets (the
 * page, its fetches and its event stream). Tokens are compared in constant time.
 */
import { createHash, timingSafeEqual } from "node:crypto";
import type { MiddlewareHandler } from "hono";
import { getCookie, setCookie } from "hono/cookie";

export const PLAYGROUND_COOKIE = "photomemory_playground";

function digest(value: string): Buffer {
  return createHash("sha256").update(value).digest();
}

export function createPlaygroundAccess(token: string): MiddlewareHandler {
  const expected = digest(token);
  const matches = (candidate: string | undefined) =>
    candidate !== undefined && candidate !== "" && timingSafeEqual(digest(candidate), expected);

  return async (c, next) => {
    const bearer = c.req.header("authorization")?.match(/^Bearer\s+(.+)$/i)?.[1];
    if (
      matches(bearer) ||
      matches(c.req.header("x-playground-token")) ||
      matches(getCookie(c, PLAYGROUND_COOKIE))
    ) {
      return next();
    }
    const query = c.req.query("token");
    if (c.req.method === "GET" && c.req.path === "/playground" && matches(query)) {
      // Trade the link's token for a cookie, and drop it from the address bar (and from history and Referer).
      setCookie(c, PLAYGROUND_COOKIE, query ?? "", {
        httpOnly: true,
        sameSite: "Strict",
        secure: new URL(c.req.url).protocol === "https:" || c.req.header("x-forwarded-proto") === "https",
        path: "/playground",
        maxAge: 30 * 24 * 3600,
      });
      const url = new URL(c.req.url);
      url.searchParams.delete("token");
      return c.redirect(`${url.pathname}${url.search}`, 303);
    }
    if (c.req.path.startsWith("/playground/api/")) {
      return c.json(
        {
          error: "unauthorized",
          message: "The playground needs its token (Authorization: Bearer <PLAYGROUND_TOKEN>).",
        },
        401,
      );
    }
    return c.html(
      "<!doctype html><meta charset=utf-8><title>PhotoMemory</title><p>This playground is private. Open the link with its token (<code>/playground?token=…</code>) that the operator gave you.</p>",
      401,
    );
  };
}
