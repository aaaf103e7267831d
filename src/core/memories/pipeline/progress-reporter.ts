/**
 * Shows render progress in the chat: edits the status message at most once per 2 s and only on a visible change
 * (whole 5 % steps). Where the message cannot be edited (no editMessage, or the platform's edit window has passed)
 * it posts a new message instead, and only at coarser 25 % steps so the chat is not flooded.
 */
import type { ChatAdapter, ChatTarget, MessageRef } from "../../chat/chat-adapter.ts";
import { canEdit } from "../../chat/chat-for.ts";
import { createProgressThrottle, formatProgress } from "../progress-throttle.ts";

export interface ProgressReporter {
  report(fraction: number): void;
  /** Waits for the edit in flight, if any (edits never overlap). */
  flush(): Promise<void>;
}

export function createProgressReporter(options: {
  chat: ChatAdapter;
  target: ChatTarget;
  statusMessage?: MessageRef | undefined;
  /** The status text ("Making your memory “Our trip”…"); the bar is added below it. */
  text: string;
  onError?: (error: unknown) => void;
  onShown?: (fraction: number) => void;
  /** Asked before each change: false once the memory was cancelled, so its final "cancelled" text stays. */
  stillMaking?: () => Promise<boolean>;
  now?: () => number;
}): ProgressReporter {
  const now = options.now ?? Date.now;
  let ref = options.statusMessage;
  const fine = createProgressThrottle({ now });
  const coarse = createProgressThrottle({ now, step: 0.25 });
  let chain: Promise<void> = Promise.resolve();

  return {
    report(fraction) {
      const editable = canEdit(options.chat, ref, now());
      const shown = editable ? fine.next(fraction) : coarse.next(fraction);
      // A fresh message saying "0 %" tells nobody anything; the request already said the memory is being made.
      if (shown === null || (!editable && shown === 0)) return;
      options.onShown?.(shown);
      const message = { text: `${options.text}\n${formatProgress(shown)}`, progress: shown };
      chain = chain
        .then(async () => {
          if (options.stillMaking && !(await options.stillMaking())) return;
          if (editable && ref && options.chat.editMessage) await options.chat.editMessage(ref, message);
          else ref = await options.chat.postMessage(options.target, message);
        })
        .catch((error: unknown) => options.onError?.(error));
    },
    flush() {
      return chain;
    },
  };
}
