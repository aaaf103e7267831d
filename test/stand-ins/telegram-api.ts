/**
 * A stand-in for the Telegram Bot API on 127.0.0.1: `POST /bot<token>/<method>` (JSON or multipart) and
 * `GET /file/bot<token>/<file_path>`. Files known to getFile can be served as a JPEG or as an HTML page; invoice
 * links (createInvoiceLink) and pre-checkout answers are checked the way the Bot API checks them.
 */
import {
  type LocalServer,
  parseMultipart,
  SIGN_IN_PAGE,
  sendJson,
  startLocalServer,
  TINY_JPEG,
} from "./local-server.ts";

export interface TelegramCall {
  method: string;
  params: Record<string, unknown>;
  /** Size of a multipart upload (sendVideo). */
  uploadBytes?: number;
  /** The uploaded files by form field (sendVideo: `video`, `thumbnail`). */
  files?: Record<string, Buffer>;
  /** When the call arrived (Date.now()). */
  at: number;
}

export interface TelegramStandIn {
  server: LocalServer;
  apiRoot: string;
  calls: TelegramCall[];
  callsTo(method: string): TelegramCall[];
  /** `delayMs`: the file download takes that long (a slow Telegram file server). */
  files: Map<string, { path: string; size: number; html?: boolean; bytes?: Buffer; delayMs?: number }>;
  /** Updates handed out by getUpdates (long polling), oldest first. */
  updates: unknown[];
  /** Makes sendVideo answer 413 like Telegram does for a file over its limit. */
  rejectVideosOver?: number;
  /** Answer every sendVideo with this status and Bot API body (e.g. 400 "not enough rights to send videos"). */
  failVideos?: { status: number; body: unknown };
  /** The text of every message the bot sent or edited, by message_id (latest version). */
  messages: Map<number, string>;
  /** How many videos sendVideo accepted. */
  videosSent: number;
  /** Invoice links made by createInvoiceLink, by link: the invoice as the bot asked for it. */
  invoices: Map<string, Record<string, unknown>>;
  close(): Promise<void>;
}

export async function startTelegramStandIn(token: string): Promise<TelegramStandIn> {
  const calls: TelegramCall[] = [];
  const files: TelegramStandIn["files"] = new Map();
  let messageId = 1000;
  const standIn = {} as TelegramStandIn;
  const server = await startLocalServer(async (req, res) => {
    const filePrefix = `/file/bot${token}/`;
    if (req.method === "GET" && req.path.startsWith(filePrefix)) {
      const file = [...files.values()].find((f) => f.path === req.path.slice(filePrefix.length));
      if (!file) return sendJson(res, { ok: false, error_code: 404, description: "Not Found" }, 404);
      if (file.delayMs) await new Promise((r) => setTimeout(r, file.delayMs));
      res.writeHead(200, { "content-type": file.html ? "text/html" : "application/octet-stream" });
      return void res.end(file.html ? SIGN_IN_PAGE : (file.bytes ?? TINY_JPEG));
    }
    const prefix = `/bot${token}/`;
    if (!req.path.startsWith(prefix))
      return sendJson(res, { ok: false, error_code: 401, description: "Unauthorized" }, 401);
    const method = req.path.slice(prefix.length);
    const type = String(req.headers["content-type"] ?? "");
    let params: Record<string, unknown> = {};
    const call: TelegramCall = { method, params, at: Date.now() };
    if (type.includes("multipart/form-data")) {
      for (const part of parseMultipart(req.body, type)) {
        if (part.filename === undefined) params[part.name] = part.data.toString();
        else {
          call.uploadBytes = (call.uploadBytes ?? 0) + part.data.byteLength;
          call.files = { ...call.files, [part.name]: Buffer.from(part.data) };
        }
      }
    } else if (req.body.byteLength > 0) {
      params = JSON.parse(req.body.toString()) as Record<string, unknown>;
    }
    call.params = params;
    calls.push(call);
    const message = () => ({
      message_id: ++messageId,
      date: Math.floor(Date.now() / 1000),
      chat: { id: Number(params.chat_id), type: "private" },
    });
    switch (method) {
      case "getMe":
        return sendJson(res, {
          ok: true,
          result: { id: 7000000001, is_bot: true, first_name: "PhotoMemory", username: "photomemory_bot" },
        });
      case "sendMessage": {
        const sent = message();
        standIn.messages.set(sent.message_id, String(params.text ?? ""));
        return sendJson(res, { ok: true, result: { ...sent, text: params.text } });
      }
      case "editMessageText":
        standIn.messages.set(Number(params.message_id), String(params.text ?? ""));
        return sendJson(res, {
          ok: true,
          result: { ...message(), message_id: Number(params.message_id), text: params.text },
        });
      case "sendVideo":
        if (standIn.rejectVideosOver !== undefined && (call.uploadBytes ?? 0) > standIn.rejectVideosOver) {
          return sendJson(res, { ok: false, error_code: 413, description: "Request Entity Too Large" }, 413);
        }
        if (standIn.failVideos) return sendJson(res, standIn.failVideos.body, standIn.failVideos.status);
        standIn.videosSent++;
        return sendJson(res, { ok: true, result: { ...message(), video: { file_id: "BAAC-video" } } });
      case "getFile": {
        const file = files.get(String(params.file_id));
        if (!file)
          return sendJson(
            res,
            { ok: false, error_code: 400, description: "Bad Request: invalid file_id" },
            400,
          );
        return sendJson(res, {
          ok: true,
          result: {
            file_id: params.file_id,
            file_unique_id: "u1",
            file_size: file.size,
            file_path: file.path,
          },
        });
      }
      case "getUpdates": {
        // Long polling: hand out what is queued, or hold the request a little like Telegram does.
        if (standIn.updates.length === 0) await new Promise((r) => setTimeout(r, 100));
        return sendJson(res, { ok: true, result: standIn.updates.splice(0) });
      }
      case "createInvoiceLink": {
        // Telegram checks these and answers 400 otherwise; a Stars subscription is XTR, one price, 30 days.
        const prices = params.prices as { label: string; amount: number }[] | undefined;
        const payload = String(params.payload ?? "");
        const bad =
          !params.title ||
          String(params.title).length > 32 ||
          !params.description ||
          String(params.description).length > 255 ||
          Buffer.byteLength(payload) < 1 ||
          Buffer.byteLength(payload) > 128 ||
          (params.currency === "XTR" && (prices?.length !== 1 || (params.provider_token ?? "") !== "")) ||
          (params.subscription_period !== undefined &&
            (params.subscription_period !== 2592000 || params.currency !== "XTR"));
        if (bad)
          return sendJson(
            res,
            { ok: false, error_code: 400, description: "Bad Request: invalid invoice" },
            400,
          );
        const link = `https://t.me/$${Buffer.from(`invoice-${standIn.invoices.size + 1}`).toString("base64url")}`;
        standIn.invoices.set(link, params);
        return sendJson(res, { ok: true, result: link });
      }
      case "answerPreCheckoutQuery":
        if (params.ok === false && !params.error_message)
          return sendJson(
            res,
            { ok: false, error_code: 400, description: "Bad Request: error_message is required" },
            400,
          );
        return sendJson(res, { ok: true, result: true });
      case "setMessageReaction":
      case "answerCallbackQuery":
      case "setWebhook":
      case "deleteWebhook":
        return sendJson(res, { ok: true, result: true });
      default:
        return sendJson(res, { ok: false, error_code: 404, description: "Not Found: method not found" }, 404);
    }
  });
  Object.assign(standIn, {
    messages: new Map(),
    invoices: new Map(),
    videosSent: 0,
    updates: [],
    server,
    apiRoot: server.url,
    calls,
    files,
    callsTo: (method: string) => calls.filter((c) => c.method === method),
    close: () => server.close(),
  });
  return standIn;
}
