/**
 * The rate limits as a user meets them: once per request, in the one intake and command path every platform takes.
 * What is over the limit is refused and the user is told in one sentence when to try again, once per window (not once
 * per refused photo); a refused photo is never dropped silently.
 */
import type { ChatTarget, MessageRef } from "../chat/chat-adapter.ts";
import { type RateDecision, type RateKind, whenAgain } from "../limits/rate-limits.ts";
import { chatFor, type MemoryDeps } from "./deps.ts";
import { plural } from "./replies.ts";

export function rateKeyOf(target: ChatTarget, userId: string): string {
  return `${target.platform}:${target.workspaceId ?? "-"}:${userId}`;
}

export function photosRateReply(refused: number, retryAfterMs: number): string {
  return `That's more photos than I can take from you right now, so I left out ${refused === 1 ? "the last one" : `the last ${plural(refused, "photo")}`}; send ${refused === 1 ? "it" : "them"} again ${whenAgain(retryAfterMs)}.`;
}

export function commandRateReply(retryAfterMs: number): string {
  return `That's a lot of /memory commands at once; please try again ${whenAgain(retryAfterMs)}.`;
}

/** Takes `count` units for this user; when some are refused, tells the user (once per window) and says how many may go. */
export async function takeRate(
  deps: MemoryDeps,
  input: { kind: RateKind; target: ChatTarget; userId: string; count: number; statusMessage?: MessageRef },
): Promise<RateDecision> {
  const open: RateDecision = { allowed: input.count, refused: 0, retryAfterMs: 0, tell: false };
  if (!deps.rateLimits || input.count === 0) return open;
  const decision = await deps.rateLimits.take(input.kind, rateKeyOf(input.target, input.userId), input.count);
  if (decision.refused === 0) return decision;
  deps.logger.info(
    {
      kind: input.kind,
      refused: decision.refused,
      retryAfterMs: decision.retryAfterMs,
      platform: input.target.platform,
    },
    "rate limited",
  );
  const text =
    input.kind === "photos"
      ? photosRateReply(decision.refused, decision.retryAfterMs)
      : commandRateReply(decision.retryAfterMs);
  const chat = chatFor(deps, input.target);
  // A message standing for this request (a deferred Discord reply) is always answered, or it would wait forever.
  if (input.statusMessage && chat.editMessage) await chat.editMessage(input.statusMessage, { text });
  else if (decision.tell) await chat.postMessage(input.target, { text });
  return decision;
}
