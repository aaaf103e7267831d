/**
 * What the Slack bot does with what Bolt routes to it: photos dropped (`message`/`file_share` and `file_shared`;
 * recorded once per file id and conversation by the Store, acknowledged by the intake job once accepted), people's
 * reactions on them (`reaction_added`/`reaction_removed`, a curation signal), `/memory`, `@PhotoMemory memory …` in a
 * thread (whose root message's photos count for it), and button presses. Slash commands and button presses run once per `trigger_id`, so a replayed
 * signed request does nothing. The same listeners serve the hono receiver and Socket Mode.
 */
import type { App, webApi } from "@slack/bolt";
import type { ChatTarget, FileRef, MessageRef } from "../../core/chat/chat-adapter.ts";
import { parseMemoryCommand } from "../../core/memories/parse-command.ts";
import type { BotDeps } from "../common/bot-deps.ts";
import { processOnce, processOnceOrRetryLater } from "../common/deliveries.ts";
import { friendlyError } from "../common/friendly-error.ts";
import { mayBeAudio } from "../common/may-be-audio.ts";
import { mayBePhoto } from "../common/may-be-photo.ts";
import { ACTION_PREFIX } from "./blocks.ts";
import { escapeSlack } from "./escape.ts";
import type { SlackInstallationStore } from "./installations.ts";
import type { SlackAdapter } from "./slack-adapter.ts";
import type { SlackUserLocales } from "./user-locale.ts";

interface SlackFile {
  id: string;
  name?: string;
  mimetype?: string;
  size?: number;
  /** "slack_audio": an audio clip recorded in Slack (its mimetype may even say video/mp4); "slack_video": a clip. */
  subtype?: string;
  /** `check_file_info`: a Slack Connect file announced by id only; `files.info` has the rest. */
  file_access?: string;
}

const isImage = (f: SlackFile) => mayBePhoto({ mimeType: f.mimetype, name: f.name });
const isAudio = (f: SlackFile) =>
  f.subtype === "slack_audio" ||
  (f.subtype !== "slack_video" && mayBeAudio({ mimeType: f.mimetype, name: f.name }));

/** The files of a message with Slack Connect placeholders looked up, keeping the images. */
async function imagesOf(web: webApi.WebClient, files: SlackFile[]): Promise<SlackFile[]> {
  return (await resolved(web, files)).filter(isImage);
}

/** The files of a message with Slack Connect placeholders looked up (files.info has the rest). */
async function resolved(web: webApi.WebClient, files: SlackFile[]): Promise<SlackFile[]> {
  const resolved: SlackFile[] = [];
  for (const file of files) {
    if (file.file_access === "check_file_info" || (!file.mimetype && !file.name)) {
      const info = await web.files.info({ file: file.id });
      if (info.file) resolved.push(info.file as SlackFile);
    } else {
      resolved.push(file);
    }
  }
  return resolved;
}

export function registerSlackListeners(
  app: App,
  deps: BotDeps,
  adapter: SlackAdapter,
  installations?: SlackInstallationStore,
  /** The asker's Slack locale, so their memory is written in their language (a `/memory lang` choice wins). */
  locales?: SlackUserLocales,
): void {
  const log = deps.logger.child({ module: "slack" });
  const localeOf = async (teamId: string | undefined, userId: string) => {
    const locale = await locales?.localeOf(teamId, userId);
    return locale ? { locale } : {};
  };

  // Dedupe every Events API delivery on its event_id, durably; a failed one is forgotten so Slack's retry runs.
  app.use(async ({ body, next }) => {
    const eventId = (body as { event_id?: unknown }).event_id;
    if (typeof eventId !== "string") return next();
    const outcome = await processOnceOrRetryLater(deps.deliveries, "slack", eventId, () => next());
    if (outcome.duplicate) log.info({ eventId }, "duplicate slack delivery skipped");
  });

  async function collect(
    target: ChatTarget,
    files: SlackFile[],
    userId: string | undefined,
    key: string,
    ts?: string,
  ) {
    // One upload arrives as both message/file_share and file_shared: the Store records each file once per
    // conversation, so the second event adds nothing, and the same file shared into another channel counts there too.
    const refs: FileRef[] = files.map((f) => ({
      platform: "slack" as const,
      fileId: f.id,
      ...(target.workspaceId ? { workspaceId: target.workspaceId } : {}),
      ...(f.name ? { name: f.name } : {}),
      ...(f.mimetype ? { mimeType: f.mimetype } : {}),
      ...(typeof f.size === "number" ? { size: f.size } : {}),
    }));
    // The reaction comes from the intake job, once a photo of the message was accepted.
    const { fresh } = await deps.dropPhotos({
      target,
      files: refs,
      deliveryKey: key,
      ...(userId ? { userId } : {}),
      ...(ts ? { messageId: ts } : {}),
    });
    if (fresh > 0)
      log.info({ channel: target.channelId, thread: target.threadId, count: fresh }, "photos dropped");
  }

  /**
   * A song or an audio clip: the next memory's music. A clip recorded in Slack is a voice note (spoken over the
   * style's music); an uploaded file is a song. Both events of one upload record it once (per conversation and file).
   */
  async function collectSong(
    target: ChatTarget,
    f: SlackFile,
    userId: string | undefined,
    key: string,
    ts?: string,
  ) {
    const { fresh } = await deps.dropSong({
      target,
      kind: f.subtype === "slack_audio" ? "voice" : "song",
      file: {
        platform: "slack",
        fileId: f.id,
        ...(target.workspaceId ? { workspaceId: target.workspaceId } : {}),
        ...(f.name ? { name: f.name } : {}),
        ...(f.mimetype ? { mimeType: f.mimetype } : {}),
        ...(typeof f.size === "number" ? { size: f.size } : {}),
      },
      deliveryKey: `${key}:${f.id}`,
      ...(userId ? { userId } : {}),
      ...(ts ? { messageId: ts } : {}),
    });
    if (fresh) log.info({ channel: target.channelId, thread: target.threadId }, "song dropped");
  }

  app.event("message", async ({ event, body }) => {
    const m = event as {
      subtype?: string;
      bot_id?: string;
      channel: string;
      ts: string;
      thread_ts?: string;
      user?: string;
      files?: SlackFile[];
    };
    if (m.bot_id || (m.subtype && m.subtype !== "file_share") || !m.files?.length) return;
    const teamId = (body as { team_id?: string }).team_id;
    const files = await resolved(await adapter.client(teamId), m.files);
    const target: ChatTarget = {
      platform: "slack",
      ...(teamId ? { workspaceId: teamId } : {}),
      channelId: m.channel,
      ...(m.thread_ts ? { threadId: m.thread_ts } : {}),
    };
    const key = `slack:${String((body as { event_id?: string }).event_id)}`;
    const images = files.filter(isImage);
    if (images.length > 0) await collect(target, images, m.user, key, m.ts);
    for (const song of files.filter((f) => !isImage(f) && isAudio(f)))
      await collectSong(target, song, m.user, key, m.ts);
  });

  // file_shared carries only ids: look the file up to learn its type and the thread it was shared into.
  app.event("file_shared", async ({ event, body, context }) => {
    const e = event as { file_id: string; channel_id: string; user_id?: string };
    if (e.user_id && e.user_id === context.botUserId) return;
    const teamId = (body as { team_id?: string }).team_id;
    const web = await adapter.client(teamId);
    const info = await web.files.info({ file: e.file_id });
    const file = info.file as
      | (SlackFile & { shares?: Record<string, Record<string, { ts?: string; thread_ts?: string }[]>> })
      | undefined;
    if (!file || !(isImage(file as SlackFile) || isAudio(file as SlackFile))) return;
    const share = file.shares?.public?.[e.channel_id]?.[0] ?? file.shares?.private?.[e.channel_id]?.[0];
    const target: ChatTarget = {
      platform: "slack",
      ...(teamId ? { workspaceId: teamId } : {}),
      channelId: e.channel_id,
      ...(share?.thread_ts ? { threadId: share.thread_ts } : {}),
    };
    const key = `slack:${String((body as { event_id?: string }).event_id)}`;
    if (isImage(file as SlackFile)) await collect(target, [file as SlackFile], e.user_id, key, share?.ts);
    else await collectSong(target, file as SlackFile, e.user_id, key, share?.ts);
  });

  // Reactions on a photo's message make curation prefer that photo. The bot's own (its acknowledgement on accepted
  // photos) is not a vote; reactions on files or file comments (item.type "file") name no message.
  for (const name of ["reaction_added", "reaction_removed"] as const) {
    app.event(name, async ({ event, body, context }) => {
      const e = event as {
        user?: string;
        reaction?: string;
        item?: { type?: string; channel?: string; ts?: string };
      };
      const item = e.item;
      if (item?.type !== "message" || !item.channel || !item.ts || !e.user || !e.reaction) return;
      if (e.user === context.botUserId) return;
      const teamId = (body as { team_id?: string }).team_id;
      await deps.recordReaction({
        kind: name === "reaction_added" ? "added" : "removed",
        message: {
          platform: "slack",
          workspaceId: teamId ?? null,
          channelId: item.channel,
          messageId: item.ts,
        },
        reactorId: e.user,
        emoji: e.reaction,
      });
    });
  }

  // Uninstalled or revoked: forget the workspace's token so nothing keeps calling Slack with it.
  for (const name of ["app_uninstalled", "tokens_revoked"] as const) {
    app.event(name, async ({ body }) => {
      const teamId = (body as { team_id?: string }).team_id;
      if (!teamId || !installations?.markSlackUninstalled) return;
      await installations.markSlackUninstalled(teamId);
      log.info({ teamId, event: name }, "slack workspace uninstalled");
    });
  }

  app.command("/memory", async ({ command, ack, respond }) => {
    await ack();
    const target: ChatTarget = {
      platform: "slack",
      workspaceId: command.team_id,
      channelId: command.channel_id,
    };
    try {
      const outcome = await processOnce(deps.deliveries, "slack-command", command.trigger_id, async () =>
        deps.runMemoryCommand({
          target,
          command: parseMemoryCommand(command.text ?? ""),
          userId: command.user_id,
          userName: command.user_name,
          ...(await localeOf(command.team_id, command.user_id)),
          deliveryKey: `slack-cmd:${command.trigger_id}`,
        }),
      );
      if (outcome.duplicate) log.warn({ channel: command.channel_id }, "replayed slack command skipped");
    } catch (error) {
      log.warn({ err: error, channel: command.channel_id }, "/memory failed");
      await respond({ response_type: "ephemeral", text: escapeSlack(friendlyError(error)) }).catch(
        () => undefined,
      );
    }
  });

  app.event("app_mention", async ({ event, body }) => {
    const text = String(event.text ?? "")
      .replace(/<@[^>]+>/g, "")
      .trim();
    if (!/^\/?memory\b/i.test(text)) return;
    const teamId = (body as { team_id?: string }).team_id;
    const target: ChatTarget = {
      platform: "slack",
      ...(teamId ? { workspaceId: teamId } : {}),
      channelId: event.channel,
      ...(event.thread_ts ? { threadId: event.thread_ts } : {}),
    };
    const key = `slack:${String((body as { event_id?: string }).event_id)}`;
    // A failure here fails the event, so Slack's retry collects the root's photos again.
    await collectThreadRoot(target, key);
    await runSafely(target, text.replace(/^\/?memory/i, ""), event.user ?? "", key);
  });

  app.action(new RegExp(`^${ACTION_PREFIX}`), async ({ ack, body, action }) => {
    await ack();
    const b = body as {
      team?: { id?: string };
      user?: { id?: string; name?: string };
      channel?: { id?: string };
      message?: { ts?: string; thread_ts?: string };
      trigger_id?: string;
    };
    const value = (action as { value?: string }).value ?? "";
    if (!b.channel?.id || !value || !b.trigger_id) return;
    const target: ChatTarget = {
      platform: "slack",
      ...(b.team?.id ? { workspaceId: b.team.id } : {}),
      channelId: b.channel.id,
      ...(b.message?.thread_ts ? { threadId: b.message.thread_ts } : {}),
    };
    // The message holding the buttons becomes the status message, so the picker turns into progress.
    const statusMessage: MessageRef | undefined = b.message?.ts
      ? { target, messageId: b.message.ts }
      : undefined;
    const key = `slack-action:${b.trigger_id}`;
    const outcome = await processOnce(deps.deliveries, "slack-action", b.trigger_id, async () => {
      // Acknowledged already: a failure here must not keep the button's command from running.
      await collectThreadRoot(target, key).catch((error: unknown) =>
        log.warn({ err: error, channel: target.channelId }, "reading the thread's root message failed"),
      );
      await runSafely(target, value, b.user?.id ?? "", key, statusMessage);
    });
    if (outcome.duplicate) log.warn({ channel: b.channel.id }, "replayed slack button press skipped");
  });

  /**
   * Photos in a thread's root message count for the thread: the root has no `thread_ts` when it is posted, so its
   * photos went to the channel; posting photos, then asking in a reply, is the common flow.
   */
  async function collectThreadRoot(target: ChatTarget, key: string): Promise<void> {
    if (!target.threadId) return;
    const web = await adapter.client(target.workspaceId);
    // Slack's answer "no" (the root was deleted, a scope is missing) leaves the thread's own photos; a network
    // failure is thrown, so the event fails and Slack's retry reads the root again.
    const replies = await web.conversations
      .replies({ channel: target.channelId, ts: target.threadId, limit: 1, inclusive: true })
      .catch((error: unknown) => {
        if ((error as { code?: string }).code !== "slack_webapi_platform_error") throw error;
        log.warn({ err: error, channel: target.channelId }, "the thread's root message could not be read");
        return null;
      });
    if (!replies) return;
    const root = replies.messages?.[0] as
      | { ts?: string; user?: string; bot_id?: string; files?: SlackFile[] }
      | undefined;
    if (!root || root.ts !== target.threadId || root.bot_id || !root.files?.length) return;
    const images = await imagesOf(web, root.files);
    if (images.length > 0) await collect(target, images, root.user, `${key}:root`, root.ts);
  }

  async function runSafely(
    target: ChatTarget,
    text: string,
    userId: string,
    key: string,
    statusMessage?: MessageRef,
  ) {
    try {
      await deps.runMemoryCommand({
        target,
        command: parseMemoryCommand(text),
        userId,
        ...(await localeOf(target.workspaceId, userId)),
        deliveryKey: key,
        ...(statusMessage ? { statusMessage } : {}),
      });
    } catch (error) {
      log.warn({ err: error, channel: target.channelId }, "memory command failed");
      await adapter.postMessage(target, { text: friendlyError(error) }).catch(() => undefined);
    }
  }
}
