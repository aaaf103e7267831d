/**
 * What happens when a memory run gives up (the job's onFailure): the video is marked failed with the reason, and
 * the user is told what happened, with a Retry button whose value (`retry:<videoId>`) the retry command understands.
 */
import type { ChatTarget } from "../../chat/chat-adapter.ts";
import { chatFor, type PipelineDeps } from "./deps.ts";
import { failureSentence } from "./step-errors.ts";

export async function failMemory(
  deps: Pick<PipelineDeps, "store" | "chats" | "logger">,
  input: { videoId: string; target: ChatTarget; title?: string | undefined; error: unknown },
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
  await chatFor(deps, input.target).postMessage(input.target, {
    text: `❌ ${name} could not be made: ${message} Press Retry to try again, or type \`/memory retry\`.`,
    actions: [{ id: "retry", label: "Retry", value: `retry:${input.videoId}`, style: "primary" }],
  });
  deps.logger.warn({ videoId: input.videoId, code }, "memory failed; user told");
  return { code, message, told: true };
}
