/** Renders an OutgoingMessage as Slack text + Block Kit (buttons for the style picker and retry). */
import type { OutgoingMessage } from "../../core/chat/chat-adapter.ts";
import { isLinkValue } from "../common/button-value.ts";
import { textWithProgress } from "../common/progress-text.ts";
import { escapeSlack } from "./escape.ts";

/** Prefix of every action_id PhotoMemory puts on a button; the action listener matches on it. */
export const ACTION_PREFIX = "pm:";

export function toSlackMessage(message: OutgoingMessage): { text: string; blocks: unknown[] } {
  // Core's texts are plain words with a little markdown (`code`, *bold*); user and model words are inside them.
  const text = escapeSlack(textWithProgress(message));
  const blocks: unknown[] = [{ type: "section", text: { type: "mrkdwn", text } }];
  if (message.actions && message.actions.length > 0) {
    blocks.push({
      type: "actions",
      elements: message.actions.slice(0, 25).map((a) => ({
        type: "button",
        action_id: `${ACTION_PREFIX}${a.id}`,
        text: { type: "plain_text", text: a.label.slice(0, 75) },
        // A link button opens the page; Slack still sends a block_action, which the listener ignores.
        ...(isLinkValue(a.value) ? { url: a.value.slice(0, 3000) } : { value: a.value.slice(0, 2000) }),
        ...(a.style ? { style: a.style } : {}),
      })),
    });
  }
  return { text, blocks };
}
