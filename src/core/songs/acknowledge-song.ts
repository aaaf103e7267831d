/**
 * The last step of `ingest-song`: one line in the chat, once. A stored song is named as the next memory's music (and
 * what it replaces); a song that cannot be used is named with why, and what the next memory will play instead.
 */

import type { Logger } from "pino";
import type { ChatAdapter, ChatTarget } from "../chat/chat-adapter.ts";
import { chatFor } from "../chat/chat-for.ts";
import type { Platform } from "../domain.ts";
import type { Store } from "../store/store.ts";
import type { IngestedSong } from "./ingest-song.ts";
import { songAcceptedText, songRejectedText } from "./song-words.ts";

export async function acknowledgeSong(
  deps: { store: Store; chats: Partial<Record<Platform, ChatAdapter>>; logger: Logger },
  input: {
    result: IngestedSong;
    conversationId: string;
    target: ChatTarget;
    replacesSongId?: string | undefined;
  },
): Promise<{ text: string | null }> {
  const { result } = input;
  if (result.status === "settled") return { text: null };
  let text: string;
  if (result.status === "skipped") {
    text = songRejectedText(result.reason, await deps.store.nextSong(input.conversationId));
  } else {
    const song = await deps.store.getSong(result.songId);
    if (!song) return { text: null };
    const next = await deps.store.nextSong(input.conversationId);
    const replaced = input.replacesSongId ? await deps.store.getSong(input.replacesSongId) : null;
    // A memory asked for while it was arriving took it already: it needs no promise about the next one.
    if (next?.id !== song.id) return { text: null };
    text = songAcceptedText(song, replaced?.status === "ready" ? replaced : null);
  }
  await chatFor(deps, input.target).postMessage(input.target, { text });
  deps.logger.info(
    { conversationId: input.conversationId, songId: result.songId, status: result.status },
    "song answered",
  );
  return { text };
}
