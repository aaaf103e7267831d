/** The text of a message with its progress bar, for platforms that show progress as text (all three bots). */
import type { OutgoingMessage } from "../../core/chat/chat-adapter.ts";
import { formatProgress } from "../../core/memories/progress-throttle.ts";

export function textWithProgress(message: OutgoingMessage): string {
  if (message.progress === undefined) return message.text;
  const bar = formatProgress(message.progress);
  // Core's progress reporter already writes the bar into the text; never show it twice.
  return message.text.includes(bar) ? message.text : `${message.text}\n${bar}`;
}
