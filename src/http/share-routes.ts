/**
 * The share page: `/share/<token>` shows a finished memory to anyone holding its unguessable token (the link the bot
 * posts when a video is too large for the chat). Video and poster stream with Range from local disk, or redirect to
 * a short-lived signed URL when the files live in Supabase Storage. The video is never taller than the window (a
 * portrait memory on a desktop screen included), so its controls and the download button are in view.
 *
 * The link unfurls as a playable video: Open Graph (`og:video` with its type and size, `og:image` from the poster:
 * Discord and Telegram play or preview it) and a Twitter player card (`twitter:player`, a bare embeddable player at
 * `/share/<token>/embed`, which Slack's unfurler reads and the chat apps put in a frame: so the player, and only
 * the player, may be framed by any site). Crawlers need absolute URLs, hence `publicUrl`.
 */
import { Hono } from "hono";
import type { BlobStore } from "../core/blobs/blob-store.ts";
import type { Store } from "../core/store/store.ts";
import { serveBytes, serveFile } from "./range.ts";
import { shareCsp } from "./security-headers.ts";

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
  /** The service's public origin ("https://memories.example.com"), for the absolute URLs unfurlers need. */
  publicUrl: string;
}) {
  const app = new Hono();
  const privateHeaders = { "x-robots-tag": "noindex", "referrer-policy": "no-referrer" };

  async function findVideo(token: string) {
    const video = await deps.store.getVideoByShareToken(token);
    return video?.status === "completed" && video.videoKey ? video : null;
  }

  async function serveBlob(
    key: string,
    contentType: string,
    range: string | undefined,
    downloadName?: string,
  ): Promise<Response> {
    const headers: Record<string, string> = {
      "content-type": contentType,
      "cache-control": "private, max-age=3600",
      ...privateHeaders,
    };
    if (downloadName)
      headers["content-disposition"] =
        `attachment; filename="memory.mp4"; filename*=UTF-8''${encodeURIComponent(downloadName)}`;
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

  const notFoundPage = () =>
    new Response(
      page(
        "Memory not found · PhotoMemory",
        "",
        `<main class="gone"><h1>This memory is not here</h1>
<p>The link may be mistyped, or the memory is still being made, or it is no longer shared.</p>
<p>Ask the person who sent it for a new link, or type <code>/memory</code> in your chat to make one of your own.</p></main>`,
      ),
      { status: 404, headers: { "content-type": "text/html; charset=utf-8", ...privateHeaders } },
    );

  app.get("/share/:token", async (c) => {
    const token = c.req.param("token");
    const video = await findVideo(token);
    if (!video) return notFoundPage();
    const project = await deps.store.getProject(video.projectId);
    const rawTitle = project?.script?.title ?? project?.title ?? "A memory";
    const title = escapeHtml(rawTitle);
    const base = sharePath(encodeURIComponent(token));
    const absolute = `${deps.publicUrl}${base}`;
    const width = video.width ?? 1280;
    const height = video.height ?? 720;
    const poster = video.posterKey ? ` poster="${base}/poster.jpg"` : "";
    const image = video.posterKey
      ? `<meta property="og:image" content="${absolute}/poster.jpg"><meta property="og:image:width" content="${width}"><meta property="og:image:height" content="${height}"><meta name="twitter:image" content="${absolute}/poster.jpg">`
      : "";
    const meta = `<meta property="og:type" content="video.other"><meta property="og:site_name" content="PhotoMemory">
<meta property="og:title" content="${title}"><meta property="og:description" content="A memory video made with PhotoMemory">
<meta property="og:url" content="${absolute}">
<meta property="og:video" content="${absolute}/video.mp4"><meta property="og:video:secure_url" content="${absolute}/video.mp4">
<meta property="og:video:type" content="video/mp4"><meta property="og:video:width" content="${width}"><meta property="og:video:height" content="${height}">
${image}
<meta name="twitter:card" content="player"><meta name="twitter:title" content="${title}">
<meta name="twitter:player" content="${absolute}/embed"><meta name="twitter:player:width" content="${width}"><meta name="twitter:player:height" content="${height}">
<meta name="twitter:player:stream" content="${absolute}/video.mp4"><meta name="twitter:player:stream:content_type" content="video/mp4">`;
    return c.html(
      page(
        `${title} · PhotoMemory`,
        meta,
        `<main><h1 dir="auto">${title}</h1><video controls playsinline preload="metadata"${poster} src="${base}/video.mp4" width="${width}" height="${height}" style="--ratio:${width}/${height}"></video>
<p class="actions"><a class="button" href="${base}/video.mp4?download=1" download="${escapeHtml(fileName(rawTitle))}">Download the video</a></p></main>`,
      ),
      200,
      { ...privateHeaders, "content-security-policy": shareCsp({ frameable: false }) },
    );
  });

  // The bare player a Twitter player card (and Slack's unfurler) frames.
  app.get("/share/:token/embed", async (c) => {
    const token = c.req.param("token");
    const video = await findVideo(token);
    if (!video) return notFoundPage();
    const base = sharePath(encodeURIComponent(token));
    const poster = video.posterKey ? ` poster="${base}/poster.jpg"` : "";
    return c.html(
      `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="robots" content="noindex"><title>PhotoMemory</title>
<style>html,body{margin:0;height:100%;background:#000}video{width:100%;height:100%;object-fit:contain}</style></head>
<body><video controls playsinline preload="metadata"${poster} src="${base}/video.mp4"></video></body></html>`,
      200,
      { ...privateHeaders, "content-security-policy": shareCsp({ frameable: true }) },
    );
  });

  app.get("/share/:token/video.mp4", async (c) => {
    const video = await findVideo(c.req.param("token"));
    if (!video?.videoKey) return notFound();
    let downloadName: string | undefined;
    if (c.req.query("download") !== undefined) {
      const project = await deps.store.getProject(video.projectId);
      downloadName = fileName(project?.script?.title ?? project?.title ?? "memory");
    }
    return serveBlob(video.videoKey, "video/mp4", c.req.header("range"), downloadName);
  });

  app.get("/share/:token/poster.jpg", async (c) => {
    const video = await findVideo(c.req.param("token"));
    if (!video?.posterKey) return notFound();
    return serveBlob(video.posterKey, "image/jpeg", c.req.header("range"));
  });

  return app;
}

/** "Lisbon, July 2025" → "Lisbon, July 2025.mp4": no path separators or control characters, any script kept. */
function fileName(title: string): string {
  const cleaned = title
    .replace(/[\p{Cc}/\\:*?"<>|]+/gu, " ")
    .replace(/\s+/g, " ")
    .trim();
  return `${Array.from(cleaned || "memory")
    .slice(0, 80)
    .join("")}.mp4`;
}

function page(title: string, meta: string, body: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex"><title>${title}</title>
${meta}
<style>body{margin:0;min-height:100vh;display:grid;place-items:center;background:#111;color:#eee;font:16px system-ui,sans-serif}
main{width:min(960px,94vw)}h1{font-size:20px;font-weight:600}
video{display:block;margin:0 auto;width:min(100%,calc(78vh * var(--ratio,16/9)));height:auto;aspect-ratio:var(--ratio,16/9);border-radius:8px;background:#000}
.actions{margin-top:16px}.button{display:inline-block;padding:12px 18px;border-radius:8px;background:#f5c542;color:#111;font-weight:600;text-decoration:none}
.button:focus-visible{outline:3px solid #fff;outline-offset:2px}.gone{text-align:center;max-width:520px}code{background:#333;padding:2px 6px;border-radius:4px}</style></head>
<body>${body}</body></html>`;
}
