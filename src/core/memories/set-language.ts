/**
 * `/memory lang xx`: the language this conversation's memories are written in (title, captions, dates). A choice
 * made here wins over the platform's locale of whoever asks (Telegram language_code, Discord locale); `auto` clears it.
 */
import type { ChatTarget } from "../chat/chat-adapter.ts";
import { languageName } from "../language.ts";
import { type ChatUser, chatFor, type MemoryDeps } from "./deps.ts";
import { memoryLanguage, upsertConversationOf } from "./request-memory.ts";

export interface LanguageInput {
  target: ChatTarget;
  user: ChatUser;
  /** A canonical tag to choose, null to clear, undefined to ask. */
  language?: string | null;
  /** What was typed when it named no language. */
  invalid?: string;
}

export async function setLanguage(deps: MemoryDeps, input: LanguageInput): Promise<string> {
  const conversation = await upsertConversationOf(deps, input.target);
  let text: string;
  if (input.invalid !== undefined) {
    text = `I don't know the language “${input.invalid}”. Use a language code, e.g. \`/memory lang fr\`, \`/memory lang pt-BR\` or \`/memory lang ja\`; \`/memory lang auto\` follows each person's app language.`;
  } else if (input.language === undefined) {
    const current = memoryLanguage(conversation, input.user);
    text = conversation.language
      ? `Memories here are written in ${languageName(current)}. \`/memory lang auto\` follows each person's app language again.`
      : `Memories here follow the app language of whoever asks (now ${languageName(current)}). Choose one with \`/memory lang xx\`, e.g. \`/memory lang fr\`.`;
  } else {
    await deps.store.setConversationLanguage(conversation.id, input.language);
    deps.logger.info(
      { conversationId: conversation.id, language: input.language },
      "conversation language set",
    );
    text = input.language
      ? `From now on, memories here are written in ${languageName(input.language)}: title, captions and dates.`
      : "From now on, memories here follow the app language of whoever asks.";
  }
  await chatFor(deps, input.target).postMessage(input.target, { text });
  return text;
}
