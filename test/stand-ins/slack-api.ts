/**
 * A stand-in for the Slack Web API and files host on 127.0.0.1. Methods answer like Slack (`{ ok: true, ... }`),
 * `url_private_download` points back here and demands the bot token, and the upload URL of files.uploadV2 is ours.
 */
import { type LocalServer, SIGN_IN_PAGE, sendJson, startLocalServer, TINY_JPEG } from "./local-server.ts";

export interface SlackCall {
  method: string;
  params: Record<string, unknown>;
  authorization?: string;
}

export interface SlackStandIn {
  server: LocalServer;
  apiUrl: string;
  calls: SlackCall[];
  uploads: { fileId: string; bytes: number }[];
  callsTo(method: string): SlackCall[];
  /** Make a Web API method answer `{ ok: false, error }` (e.g. "not_in_channel"). */
  errors: Map<string, string>;
  /** The text of every message the bot posted or updated, by ts (latest version). */
  posted: Map<string, string>;
  /** Files shared by files.completeUploadExternal, by file id: where they went and with what comment. */
  shared: Map<string, { channel: string; threadTs?: string; comment?: string; title?: string }>;
  /** Files known to files.info; `html: true` makes the download answer a sign-in page with 200. */
  /** The bytes served for every image file (a tiny JPEG unless a test sets real photos). */
  image: Buffer;
  files: Map<
    string,
    {
      name: string;
      mimetype: string;
      size: number;
      html?: boolean;
      bytes?: Buffer;
      channel?: string;
      threadTs?: string;
      ts?: string;
    }
  >;
  /** Messages `conversations.replies` answers with, keyed `<channel>:<ts>` (a thread's root message). */
  messages: Map<string, Record<string, unknown>>;
  /** People `users.info` knows, by id, with their Slack locale (sent only with `include_locale`). */
  users: Map<string, { name: string; locale?: string; tz?: string }>;
  /** The bot token's scopes; a method whose scope is not among them answers `missing_scope` as Slack does. */
  scopes: Set<string>;
  close(): Promise<void>;
}

export async function startSlackStandIn(options: {
  botToken: string;
  botUserId?: string;
  botId?: string;
}): Promise<SlackStandIn> {
  const calls: SlackCall[] = [];
  const uploads: { fileId: string; bytes: number }[] = [];
  const files: SlackStandIn["files"] = new Map();
  const messages: SlackStandIn["messages"] = new Map();
  const users: SlackStandIn["users"] = new Map();
  const scopes = new Set([
    "app_mentions:read",
    "channels:history",
    "chat:write",
    "commands",
    "files:read",
    "files:write",
    "reactions:read",
    "reactions:write",
    "users:read",
  ]);
  const errors = new Map<string, string>();
  const posted = new Map<string, string>();
  const shared: SlackStandIn["shared"] = new Map();
  let ts = 1_700_000_000;
  let uploadSeq = 0;
  let base = "";
  const standIn = { image: TINY_JPEG } as SlackStandIn;
  const server = await startLocalServer((req, res) => {
    if (req.path.startsWith("/files-pri/")) {
      const id = req.path.split("/")[2]?.split("-")[1] ?? "";
      const file = files.get(id);
      if (req.headers.authorization !== `Bearer ${options.botToken}` || file?.html) {
        res.writeHead(200, { "content-type": "text/html" });
        return void res.end(SIGN_IN_PAGE);
      }
      res.writeHead(200, { "content-type": file?.mimetype ?? "image/jpeg" });
      return void res.end(file?.bytes ?? standIn.image);
    }
    if (req.path.startsWith("/upload/")) {
      uploads.push({ fileId: req.path.slice("/upload/".length), bytes: req.body.byteLength });
      res.writeHead(200, { "content-type": "text/plain" });
      return void res.end("OK - 1");
    }
    if (req.path.startsWith("/respond/")) {
      calls.push({
        method: "response_url",
        params: JSON.parse(req.body.toString() || "{}") as Record<string, unknown>,
      });
      return sendJson(res, { ok: true });
    }
    const method = req.path.replace(/^\/api\//, "");
    const type = String(req.headers["content-type"] ?? "");
    const params: Record<string, unknown> = type.includes("json")
      ? (JSON.parse(req.body.toString() || "{}") as Record<string, unknown>)
      : Object.fromEntries(new URLSearchParams(req.body.toString()));
    const call: SlackCall = { method, params };
    if (req.headers.authorization) call.authorization = req.headers.authorization;
    calls.push(call);
    if (method !== "oauth.v2.access" && req.headers.authorization !== `Bearer ${options.botToken}`) {
      return sendJson(res, { ok: false, error: "invalid_auth" });
    }
    const error = errors.get(method);
    if (error) return sendJson(res, { ok: false, error });
    switch (method) {
      case "auth.test":
        return sendJson(res, {
          ok: true,
          team_id: "T0001",
          user_id: options.botUserId ?? "UBOT",
          bot_id: options.botId ?? "BBOT",
        });
      case "chat.postMessage": {
        const at = `${++ts}.000100`;
        posted.set(at, String(params.text ?? ""));
        return sendJson(res, { ok: true, channel: params.channel, ts: at });
      }
      case "chat.postEphemeral":
        return sendJson(res, { ok: true, message_ts: `${++ts}.000200` });
      case "chat.update":
        posted.set(String(params.ts), String(params.text ?? ""));
        return sendJson(res, { ok: true, channel: params.channel, ts: params.ts });
      case "reactions.add":
        return sendJson(res, { ok: true });
      case "users.info": {
        if (!scopes.has("users:read"))
          return sendJson(res, {
            ok: false,
            error: "missing_scope",
            needed: "users:read",
            provided: [...scopes].join(","),
          });
        const id = String(params.user);
        const person = users.get(id);
        if (!person) return sendJson(res, { ok: false, error: "user_not_found" });
        const withLocale = String(params.include_locale) === "true";
        // Shaped like Slack's users.info answer; `locale` only when include_locale is set.
        return sendJson(res, {
          ok: true,
          user: {
            id,
            team_id: "T0001",
            name: person.name,
            deleted: false,
            color: "9f69e7",
            real_name: person.name,
            tz: person.tz ?? "Europe/Lisbon",
            tz_label: "Western European Standard Time",
            tz_offset: 0,
            profile: {
              title: "",
              phone: "",
              skype: "",
              real_name: person.name,
              real_name_normalized: person.name,
              display_name: person.name,
              display_name_normalized: person.name,
              status_text: "",
              status_emoji: "",
              avatar_hash: "ge3b51ca72de",
              image_24: "https://secure.gravatar.com/avatar/ge3b51ca72de.jpg?s=24",
              image_48: "https://secure.gravatar.com/avatar/ge3b51ca72de.jpg?s=48",
              team: "T0001",
            },
            is_admin: false,
            is_owner: false,
            is_primary_owner: false,
            is_restricted: false,
            is_ultra_restricted: false,
            is_bot: false,
            is_app_user: false,
            updated: 1700000000,
            has_2fa: false,
            ...(withLocale && person.locale ? { locale: person.locale } : {}),
          },
        });
      }
      case "files.info": {
        const id = String(params.file);
        const video = shared.get(id);
        if (video) {
          // A file shared by the bot: Slack lists where it went under shares.public[channel].
          const share = { ts: `${ts}.000300`, ...(video.threadTs ? { thread_ts: video.threadTs } : {}) };
          return sendJson(res, {
            ok: true,
            file: {
              id,
              title: video.title,
              mimetype: "video/mp4",
              shares: { public: { [video.channel]: [share] } },
            },
          });
        }
        const file = files.get(id);
        if (!file) return sendJson(res, { ok: false, error: "file_not_found" });
        const share = {
          ts: file.ts ?? `${ts}.000200`,
          ...(file.threadTs ? { thread_ts: file.threadTs } : {}),
        };
        return sendJson(res, {
          ok: true,
          file: {
            id,
            name: file.name,
            mimetype: file.mimetype,
            size: file.size,
            url_private: `${base}/files-pri/T0001-${id}/${file.name}`,
            url_private_download: `${base}/files-pri/T0001-${id}/download/${file.name}`,
            shares: { public: { [file.channel ?? "C0001"]: [share] } },
          },
        });
      }
      case "conversations.replies": {
        const root = messages.get(`${String(params.channel)}:${String(params.ts)}`);
        if (!root) return sendJson(res, { ok: false, error: "thread_not_found" });
        return sendJson(res, {
          ok: true,
          messages: [root],
          has_more: false,
          response_metadata: { next_cursor: "" },
        });
      }
      case "files.getUploadURLExternal": {
        const fileId = `FV${++uploadSeq}`;
        return sendJson(res, { ok: true, upload_url: `${base}/upload/${fileId}`, file_id: fileId });
      }
      case "files.completeUploadExternal": {
        const list = JSON.parse(String(params.files ?? "[]")) as { id: string; title?: string }[];
        for (const f of list) {
          if (!uploads.some((u) => u.fileId === f.id))
            return sendJson(res, { ok: false, error: "file_not_found" });
        }
        for (const f of list) {
          shared.set(f.id, {
            channel: String(params.channel_id),
            ...(params.thread_ts ? { threadTs: String(params.thread_ts) } : {}),
            ...(params.initial_comment ? { comment: String(params.initial_comment) } : {}),
            ...(f.title ? { title: f.title } : {}),
          });
        }
        return sendJson(res, { ok: true, files: list.map((f) => ({ id: f.id, title: f.title })) });
      }
      case "oauth.v2.access":
        return sendJson(res, {
          ok: true,
          access_token: options.botToken,
          bot_user_id: options.botUserId ?? "UBOT",
          team: { id: "T0002", name: "Second team" },
          authed_user: { id: "U0002" },
        });
      default:
        return sendJson(res, { ok: false, error: "unknown_method" });
    }
  });
  base = server.url;
  return Object.assign(standIn, {
    server,
    apiUrl: `${server.url}/api/`,
    calls,
    uploads,
    files,
    errors,
    shared,
    posted,
    messages,
    users,
    scopes,
    callsTo: (method: string) => calls.filter((c) => c.method === method),
    close: () => server.close(),
  });
}
