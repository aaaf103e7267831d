/** One entry point for whatever a user typed after `/memory`: every platform calls this with its text. */
import type { ChatTarget, MessageRef } from "../chat/chat-adapter.ts";
import type { Resolution } from "../domain.ts";
import { type ChatUser, chatFor, type MemoryDeps } from "./deps.ts";
import { cancelMemory, memoryStatus, resetCollection, retryMemory } from "./manage-memory.ts";
import { type MemoryCommand, parseMemoryCommand } from "./parse-command.ts";
import { takeRate } from "./rate-limit.ts";
import { helpReply } from "./replies.ts";
import { requestMemory } from "./request-memory.ts";
import { setLanguage } from "./set-language.ts";

export interface HandleCommandInput {
  target: ChatTarget;
  user: ChatUser;
  /** `/memory vintage Our trip`, or the bare arguments of a slash command (`vintage Our trip`). */
  text: string;
  /** Platforms with buttons offer a style picker when no style is typed; the playground uses classic. */
  offerStylePicker?: boolean;
  resolution?: Resolution;
}

export async function handleMemoryCommand(
  deps: MemoryDeps,
  input: HandleCommandInput,
): Promise<MemoryCommand> {
  const command = parseMemoryCommand(input.text);
  await runMemoryCommand(deps, { ...input, command });
  return command;
}

export interface RunCommandInput {
  target: ChatTarget;
  user: ChatUser;
  command: MemoryCommand;
  offerStylePicker?: boolean;
  resolution?: Resolution;
  /** A message already standing for this request (a deferred Discord reply): edited instead of a new post. */
  statusMessage?: MessageRef;
}

/** Runs an already parsed command (platforms parse their slash-command arguments themselves). */
export async function runMemoryCommand(deps: MemoryDeps, input: RunCommandInput): Promise<void> {
  const { command } = input;
  const rate = await takeRate(deps, {
    kind: "commands",
    target: input.target,
    userId: input.user.id,
    count: 1,
    ...(input.statusMessage ? { statusMessage: input.statusMessage } : {}),
  });
  if (rate.allowed === 0) return;
  const base = { target: input.target, user: input.user };
  switch (command.kind) {
    case "help":
      await chatFor(deps, input.target).postMessage(input.target, { text: helpReply() });
      break;
    case "status":
      await memoryStatus(deps, base);
      break;
    case "reset":
      await resetCollection(deps, base);
      break;
    case "cancel":
      await cancelMemory(deps, base);
      break;
    case "language":
      await setLanguage(deps, {
        ...base,
        ...(command.language !== undefined ? { language: command.language } : {}),
        ...(command.invalid !== undefined ? { invalid: command.invalid } : {}),
      });
      break;
    case "plan":
    case "upgrade":
    case "billing":
      await planCommand(deps, { ...base, kind: command.kind });
      break;
    case "retry":
      await retryMemory(deps, { ...base, ...(command.videoId ? { videoId: command.videoId } : {}) });
      break;
    case "request":
      await requestMemory(deps, {
        ...base,
        ...(command.style ? { style: command.style } : {}),
        ...(command.aspect ? { aspect: command.aspect } : {}),
        ...(command.silent ? { silent: true } : {}),
        ...(command.title ? { title: command.title } : {}),
        ...(command.all ? { all: true } : {}),
        ...(input.resolution ? { resolution: input.resolution } : {}),
        offerStylePicker: input.offerStylePicker ?? false,
        ...(input.statusMessage ? { statusMessage: input.statusMessage } : {}),
      });
      break;
  }
}

/** `/memory plan`, `upgrade` and `billing`: the entitlements' words, privately where the platform can. */
async function planCommand(
  deps: MemoryDeps,
  input: { target: ChatTarget; user: ChatUser; kind: "plan" | "upgrade" | "billing" },
): Promise<void> {
  const account = await deps.store.upsertAccount({
    platform: input.target.platform,
    workspaceId: input.target.workspaceId ?? null,
    userId: input.user.id,
    ...(input.user.name ? { displayName: input.user.name } : {}),
  });
  const asker = { accountId: account.id, platform: input.target.platform, target: input.target };
  const reply =
    input.kind === "plan"
      ? await deps.entitlements.describePlan(asker)
      : input.kind === "upgrade"
        ? await deps.entitlements.upgradeCard(asker)
        : await deps.entitlements.manageBilling(asker);
  const message = reply.private ? { ...reply.message, privateTo: input.user.id } : reply.message;
  await chatFor(deps, input.target).postMessage(input.target, message);
}
