/**
 * The share page: `/share/<token>` shows a finished memory to anyone holding its unguessable token (the link the bot
 * posts when a video is too large for the chat). Video and poster stream with Range from local disk, or redirect to
 * a short-lived signed URL when the files live in Supabase Storage.
 */
import { Hono } from "hono";
import type { BlobStore } from "../core/blobs/blob-store.ts";
import type { Store } from "../core/store/store.ts";
import { serveBytes, serveFile } from "./range.ts";

const SIGNED_URL_SECONDS = 15 * 60;

export function sharePath(shareToken: string): string {
  return `/share/${shareToken}`;
}

const escapeHtml = (text: string) =>
  text.replace(
    /[&<>"']/g,
    (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c] ?? c,
  );

export function createShareRoutes(deps: {
  store: Pick<Store, "getVideoByShareToken" | "getProject">;
  blobs: BlobStore;
}) {
  const app = new Hono();
  const privateHeaders = { "x-robots-tag": "noindex", "referrer-policy": "no-referrer" };

  async function findVideo(token: string) {
    const video = await deps.store.getVideoByShareToken(token);
    return video?.status === "completed" && video.videoKey ? video : null;
  }

  async function serveBlob(key: string, contentType: string, range: string | undefined): Promise<Response> {
    const headers = {
      "content-type": contentType,
      "cache-control": "private, max-age=3600",
      ...privateHeaders,
    };
    const local = deps.blobs.localPath?.(key);
    if (local) return serveFile(local, range, headers);
    const signed = await deps.blobs.signedUrl(key, SIGNED_URL_SECONDS);
    if (signed) return new Response(null, { status: 302, headers: { location: signed, ...privateHeaders } });
    return serveBytes(await deps.blobs.get(key), range, headers);
  }

  const notFound = () =>
    new Response("This memory does not exist or is no longer shared.", {
      status: 404,
      headers: { "content-type": "text/plain; charset=utf-8", ...privateHeaders },
    });

  app.get("/share/:token", async (c) => {
    const token = c.req.param("token");
    const video = await findVideo(token);
    if (!video) return notFound();
    const project = await deps.store.getProject(video.projectId);
    const title = escapeHtml(project?.script?.title ?? project?.title ?? "A memory");
    const base = sharePath(encodeURIComponent(token));
    const poster = video.posterKey ? ` poster="${base}/poster.jpg"` : "";
    return c.html(
      `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex"><title>${title} · PhotoMemory</title>
<style>body{margin:0;min-height:100vh;display:grid;place-items:center;background:#111;color:#eee;font:16px system-ui,sans-serif}
main{width:min(960px,96vw)}h1{font-size:20px;font-weight:600}video{width:100%;border-radius:8px;background:#000}</style></head>
<body><main><h1>${title}</h1><video controls playsinline preload="metadata"${poster} src="${base}/video.mp4"></video></main></body></html>`,
      200,
      privateHeaders,
    );
  });

  app.get("/share/:token/video.mp4", async (c) => {
    const video = await findVideo(c.req.param("token"));
    if (!video?.videoKey) return notFound();
    return serveBlob(video.videoKey, "video/mp4", c.req.header("range"));
  });

  app.get("/share/:token/poster.jpg", async (c) => {
    const video = await findVideo(c.req.param("token"));
    if (!video?.posterKey) return notFound();
    return serveBlob(video.posterKey, "image/jpeg", c.req.header("range"));
  });

  return app;
}
