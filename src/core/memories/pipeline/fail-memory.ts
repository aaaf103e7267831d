/**
 * What happens when a memory run gives up (the job's onFailure): the video is marked failed with the reason, and
 * the user is told what happened, with a Retry button whose value (`retry:<videoId>`) the retry command understands.
 * The status message itself ends in that state (no progress bar left behind); where it cannot be edited any more,
 * the same words are posted as a new message. The log keeps the error's detail; the user reads its sentence.
 */
import type { ChatTarget, MessageRef } from "../../chat/chat-adapter.ts";
import { canEdit } from "../../chat/chat-for.ts";
import { chatFor, type PipelineDeps } from "./deps.ts";
import { failureSentence } from "./step-errors.ts";

export async function failMemory(
  deps: Pick<PipelineDeps, "store" | "chats" | "logger" | "now">,
  input: {
    videoId: string;
    target: ChatTarget;
    title?: string | undefined;
    error: unknown;
    statusMessage?: MessageRef | undefined;
  },
): Promise<{ code: string; message: string; told: boolean }> {
  const { code, message } = failureSentence(input.error);
  const changed = await deps.store.transitionVideo(input.videoId, ["queued", "processing"], "failed", {
    errorCode: code,
    errorMessage: message,
  });
  if (!changed) {
    // Cancelled (or finished) meanwhile: the user already knows; saying "failed" now would be wrong.
    return { code, message, told: false };
  }
  const name = input.title ? `“${input.title}”` : "Your memory";
  const failed = {
    text: `❌ ${name} could not be made: ${message} Press Retry to try again, or type \`/memory retry\`.`,
    actions: [{ id: "retry", label: "Retry", value: `retry:${input.videoId}`, style: "primary" as const }],
  };
  const chat = chatFor(deps, input.target);
  const status = input.statusMessage;
  let edited = false;
  if (canEdit(chat, status, deps.now?.() ?? Date.now()) && chat.editMessage) {
    edited = await chat.editMessage(status, failed).then(
      () => true,
      (error: unknown) => {
        deps.logger.warn({ err: error }, "could not edit the status message; posting the failure");
        return false;
      },
    );
  }
  if (!edited) await chat.postMessage(input.target, failed);
  deps.logger.warn({ videoId: input.videoId, code, err: input.error }, "memory failed; user told");
  return { code, message, told: true };
}
