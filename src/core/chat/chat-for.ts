/**
 * The two questions every use case asks about a chat: which adapter serves this target, and may this message
 * still be edited (the adapter can edit, and the platform's edit window, `editableUntil`, has not passed).
 */
import type { Platform } from "../domain.ts";
import { PhotoMemoryError } from "../errors.ts";
import type { ChatAdapter, ChatTarget, MessageRef } from "./chat-adapter.ts";

export function chatFor(
  deps: { chats: Partial<Record<Platform, ChatAdapter>> },
  target: ChatTarget,
): ChatAdapter {
  const adapter = deps.chats[target.platform];
  if (!adapter) {
    throw new PhotoMemoryError(
      "platform.failed",
      `The ${target.platform} bot is not enabled on this server.`,
    );
  }
  return adapter;
}

/** True when `ref` can be edited now; otherwise post a new message instead. */
export function canEdit(
  chat: ChatAdapter,
  ref: MessageRef | undefined,
  now: number = Date.now(),
): ref is MessageRef {
  return (
    Boolean(chat.editMessage) &&
    ref !== undefined &&
    (!ref.editableUntil || Date.parse(ref.editableUntil) > now)
  );
}
