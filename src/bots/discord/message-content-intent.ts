/**
 * Without the privileged Message Content intent, Discord returns other people's messages with `attachments` empty,
 * over the gateway and over REST history alike (except DMs with the bot and messages that mention it). The
 * application's flags say whether it is on; at start the bot reads them and warns, and `/memory` tells the user
 * what to do when the channel's history shows no photos.
 */
import { type REST, Routes } from "discord.js";
import type { Logger } from "pino";

export const GATEWAY_MESSAGE_CONTENT = 1 << 18;
export const GATEWAY_MESSAGE_CONTENT_LIMITED = 1 << 19;

export type IntentState = "enabled" | "disabled" | "unknown";

export const INTENT_FIX =
  "Discord Developer Portal → your application → Bot → Privileged Gateway Intents → Message Content Intent";

export function messageContentIntentOf(flags: number): IntentState {
  return flags & (GATEWAY_MESSAGE_CONTENT | GATEWAY_MESSAGE_CONTENT_LIMITED) ? "enabled" : "disabled";
}

/** Reads the application's flags (`GET /applications/@me`); a failure leaves the state unknown. */
export async function checkMessageContentIntent(rest: REST, log: Logger): Promise<IntentState> {
  try {
    const app = (await rest.get(Routes.currentApplication())) as { flags?: number };
    const state = messageContentIntentOf(app.flags ?? 0);
    if (state === "disabled") {
      log.warn(
        `discord: the Message Content intent is off, so photos posted in channels are invisible to the bot ` +
          `(only photos attached to /memory, sent in DMs or in messages that mention it are seen). Turn it on: ${INTENT_FIX}.`,
      );
    }
    return state;
  } catch (error) {
    log.warn(
      { err: error },
      "discord: could not read the application's flags to check the Message Content intent",
    );
    return "unknown";
  }
}

/** What `/memory` tells the user when the channel's recent messages show no attachment at all. */
export const NO_VISIBLE_PHOTOS_HINT =
  "I can't see any photos in this channel's recent messages. Attach up to three photos to `/memory` itself " +
  "(the photo1–photo3 options), or mention me in the message with your photos. If photos were posted here, " +
  "whoever runs PhotoMemory needs to turn on the Message Content intent (Developer Portal → Bot → Privileged " +
  "Gateway Intents).";
