/**
 * The one contract a chat platform implements (like the Chat SDK's `Adapter`), so config, the service and the tests
 * loop over a registry (`src/bots/platforms.ts`) instead of naming platforms. A platform is one folder exporting
 * one `ChatPlatform`:
 * - `parseConfig` reads its environment block (called by src/config.ts only); null when it is not configured;
 * - `createChat` builds the outbound `ChatAdapter` alone, so a worker can deliver without serving webhooks;
 * - `createInbound` builds the inbound side on that adapter: `handle(Request) → Response` for every path under
 *   `/<name>/` (verify, dedupe, ack, translate to core input; testable with no server), and start/stop for what
 *   lives longer than a request (command registration, webhooks, sockets, polling). A request the edge Worker
 *   forwarded comes with an `EdgeDelivery`: verified and answered already.
 */
import { Hono } from "hono";
import type { Logger } from "pino";
import type { ChatAdapter } from "../../core/chat/chat-adapter.ts";
import type { Platform } from "../../core/domain.ts";
import type { Store } from "../../core/store/store.ts";
import type { BotDeps } from "./bot-deps.ts";
import type { EdgeDelivery } from "./edge-delivery.ts";

export type PlatformEnv = Record<string, string | undefined>;

/** The Store rows a platform may own: workspaces with their encrypted bot tokens (Slack installations). */
export type PlatformStore = Pick<
  Store,
  "upsertWorkspace" | "markWorkspaceUninstalled" | "getWorkspace" | "getWorkspaceToken"
>;

/** What the outbound side may use: a worker has these without any webhook. */
export interface ChatContext {
  logger: Logger;
  store: PlatformStore;
}

/** What the inbound side may use besides its chat adapter. */
export interface InboundContext extends ChatContext {
  bot: BotDeps;
  /** Public base URL of the service (webhook registration, OAuth redirects). */
  publicUrl: string;
}

export interface PlatformInbound {
  /** A request whose path starts with `/<name>/` in, the platform's answer out. */
  handle(request: Request, edge?: EdgeDelivery): Promise<Response>;
  start(): Promise<void>;
  stop(): Promise<void>;
}

/**
 * `parseConfig` stays light (zod only); `createChat` and `createInbound` load the platform's SDK when they are called,
 * so a service that does not use a platform never loads its SDK (discord.js, Bolt and grammY together cost ~50 MB of
 * memory and seconds of start-up).
 */
export interface ChatPlatform<Config = unknown, Chat extends ChatAdapter = ChatAdapter> {
  name: Exclude<Platform, "playground">;
  parseConfig(env: PlatformEnv): Config | null;
  createChat(config: Config, context: ChatContext): Promise<Chat>;
  createInbound(config: Config, context: InboundContext, chat: Chat): Promise<PlatformInbound>;
}

/** Serves a platform's hono router (its paths relative to `/<name>`) as `handle(Request)`; `c.env.edge` marks an
 * edge-forwarded request (read it with `edgeDeliveryOf`). */
export function inboundFromRouter(
  name: string,
  bot: { router: Hono; start(): Promise<void>; stop(): Promise<void> },
): PlatformInbound {
  const app = new Hono().route(`/${name}`, bot.router);
  return {
    handle: async (request, edge) => app.fetch(request, edge ? { edge } : {}),
    start: () => bot.start(),
    stop: () => bot.stop(),
  };
}
