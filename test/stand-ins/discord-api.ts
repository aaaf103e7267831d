/**
 * A stand-in for Discord's REST API (`/api/v10/...`) and CDN (`/attachments/...`) on 127.0.0.1. Channel messages
 * can be seeded for the "recent messages" path; uploads over `rejectUploadsOver` answer 413 / 40005 like Discord.
 */
import {
  type LocalServer,
  parseMultipart,
  SIGN_IN_PAGE,
  sendJson,
  startLocalServer,
  TINY_JPEG,
} from "./local-server.ts";

export interface DiscordCall {
  method: string;
  path: string;
  body: Record<string, unknown>;
  authorization?: string;
  uploadBytes?: number;
}

export interface DiscordStandIn {
  server: LocalServer;
  apiUrl: string;
  cdn: string;
  calls: DiscordCall[];
  find(method: string, pathPattern: RegExp): DiscordCall[];
  channelMessages: Map<string, unknown[]>;
  rejectUploadsOver?: number;
  /** Answer every upload (a message with files) with this status and JSON body, e.g. 403 / 50013. */
  failUploads?: { status: number; body: unknown };
  /** Create messages with files, then never answer (the bot's process is killed while it waits). */
  holdUploads?: boolean;
  /** Messages created with `enforce_nonce`, by nonce: a repeat returns the same message, as Discord does. */
  nonces: Map<string, unknown>;
  /** The content of every message the bot created or edited, by id (latest version). */
  messages: Map<string, string>;
  /** How many messages with an uploaded file were created. */
  videosCreated: number;
  /** The bytes of every file uploaded with a message, in order. */
  uploads: Buffer[];
  /** The application's flags as `GET /applications/@me` answers them (Message Content intent: 1<<18, 1<<19). */
  applicationFlags: number;
  /** The bytes served for every CDN image (a tiny JPEG unless a test sets a real photo)… */
  image: Buffer;
  /** …unless this map has bytes for the file name. */
  images: Map<string, Buffer>;
  close(): Promise<void>;
}

export async function startDiscordStandIn(): Promise<DiscordStandIn> {
  const calls: DiscordCall[] = [];
  const channelMessages = new Map<string, unknown[]>();
  let seq = 1_200_000_000_000_000_000n;
  const standIn = {
    image: TINY_JPEG,
    images: new Map(),
    applicationFlags: 1 << 18,
    nonces: new Map(),
    messages: new Map(),
    videosCreated: 0,
    uploads: [] as Buffer[],
  } as DiscordStandIn;
  const server = await startLocalServer((req, res) => {
    const url = new URL(req.path, "http://x");
    if (url.pathname.startsWith("/attachments/")) {
      if (url.pathname.endsWith(".html.jpg")) {
        res.writeHead(200, { "content-type": "text/html" });
        return void res.end(SIGN_IN_PAGE);
      }
      if (url.pathname.includes("/expired/")) {
        res.writeHead(404, { "content-type": "text/plain" });
        return void res.end("This content is no longer available.");
      }
      res.writeHead(200, { "content-type": "image/jpeg" });
      return void res.end(standIn.images.get(url.pathname.split("/").at(-1) ?? "") ?? standIn.image);
    }
    const path = decodeURIComponent(url.pathname.replace(/^\/api\/v10/, ""));
    const type = String(req.headers["content-type"] ?? "");
    const call: DiscordCall = { method: req.method, path, body: {} };
    if (req.headers.authorization) call.authorization = String(req.headers.authorization);
    if (type.includes("multipart/form-data")) {
      const text = req.body.toString("latin1");
      const json = /name="payload_json"[^\r\n]*\r\n(?:[^\r\n]+\r\n)*\r\n([^\r\n]*)/.exec(text)?.[1];
      call.body = json ? (JSON.parse(json) as Record<string, unknown>) : {};
      call.uploadBytes = req.body.byteLength;
      const files = parseMultipart(req.body, type).filter((p) => p.filename !== undefined);
      for (const file of files) standIn.uploads.push(Buffer.from(file.data));
    } else if (req.body.byteLength > 0) {
      call.body = JSON.parse(req.body.toString()) as Record<string, unknown>;
    }
    calls.push(call);
    if (req.method === "PUT" && /^\/applications\/\d+(\/guilds\/\d+)?\/commands$/.test(path)) {
      return sendJson(res, [{ id: "1", name: "memory" }]);
    }
    if (req.method === "GET" && path === "/applications/@me") {
      return sendJson(res, {
        id: "1100000000000000001",
        name: "PhotoMemory",
        flags: standIn.applicationFlags,
      });
    }
    if (req.method === "POST" && path === "/users/@me/channels") {
      // Create DM: the DM channel object (type 1, DM) with its recipient, as Discord answers it.
      const recipient = String(call.body.recipient_id ?? "");
      return sendJson(res, {
        id: `9${recipient.slice(1)}`,
        type: 1,
        last_message_id: null,
        flags: 0,
        recipients: [
          { id: recipient, username: "someone", discriminator: "0", global_name: null, avatar: null },
        ],
      });
    }
    const m = /^\/channels\/(\d+)\/messages$/.exec(path);
    if (m) {
      if (req.method === "GET") return sendJson(res, channelMessages.get(m[1] ?? "") ?? []);
      if (standIn.rejectUploadsOver !== undefined && (call.uploadBytes ?? 0) > standIn.rejectUploadsOver) {
        return sendJson(res, { message: "Request entity too large", code: 40005 }, 413);
      }
      if (standIn.failUploads && call.uploadBytes !== undefined) {
        return sendJson(res, standIn.failUploads.body, standIn.failUploads.status);
      }
      const nonce = call.body.enforce_nonce === true ? String(call.body.nonce ?? "") : "";
      const earlier = nonce ? standIn.nonces.get(nonce) : undefined;
      if (earlier) return sendJson(res, earlier);
      const created = {
        id: String(++seq),
        channel_id: m[1],
        content: call.body.content ?? "",
        ...(call.body.nonce !== undefined ? { nonce: call.body.nonce } : {}),
      };
      if (nonce) standIn.nonces.set(nonce, created);
      standIn.messages.set(created.id, String(created.content));
      if (call.uploadBytes !== undefined) standIn.videosCreated++;
      if (standIn.holdUploads && call.uploadBytes !== undefined) return;
      return sendJson(res, created);
    }
    if (/^\/channels\/\d+\/messages\/\d+\/reactions\/[^/]+\/@me$/.test(path)) {
      res.writeHead(204);
      return void res.end();
    }
    if (req.method === "PATCH" && /^\/channels\/\d+\/messages\/\d+$/.test(path)) {
      const id = path.split("/").at(-1) ?? "";
      if (call.body.content !== undefined) standIn.messages.set(id, String(call.body.content));
      return sendJson(res, { id });
    }
    if (req.method === "PATCH" && /^\/webhooks\/\d+\/[^/]+\/messages\/@original$/.test(path)) {
      return sendJson(res, { id: String(++seq), content: call.body.content ?? "" });
    }
    return sendJson(res, { message: `404: Not Found ${req.method} ${path}`, code: 0 }, 404);
  });
  Object.assign(standIn, {
    server,
    apiUrl: `${server.url}/api`,
    cdn: `${server.url}/attachments`,
    calls,
    channelMessages,
    find: (method: string, pattern: RegExp) =>
      calls.filter((c) => c.method === method && pattern.test(c.path)),
    close: () => server.close(),
  });
  return standIn;
}
