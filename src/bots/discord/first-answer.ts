/**
 * The first answer to a verified Discord interaction, decided from its payload alone (no database, no SDK), so the
 * service and the edge Worker give Discord the same answer within its 3 s: PONG to a PING, a deferral for `/memory`
 * (type 5, "thinking…") and for PhotoMemory's buttons (type 6), and a private "I don't know that one." otherwise.
 * `follows` says whether work follows the answer (it then fills the deferred reply by editing it).
 */

/** custom_id prefix of PhotoMemory's buttons; the value after it is what the button asks for. */
export const BUTTON_PREFIX = "pm:";

/** Discord's interaction types and callback types (discord-api-types v10), as numbers: no SDK at the edge. */
const INTERACTION = { ping: 1, applicationCommand: 2, messageComponent: 3 } as const;
const CALLBACK = { pong: 1, channelMessage: 4, deferredChannelMessage: 5, deferredUpdate: 6 } as const;

export interface InteractionHead {
  type: number;
  channel_id?: string;
  channel?: { id: string };
  data?: { name?: string; custom_id?: string; options?: { name: string; value?: unknown }[] };
}

/** `/memory` actions whose answer is for the asker alone (a Customer Portal link): deferred privately. */
const PRIVATE_ACTIONS = new Set(["billing"]);

export interface FirstAnswer {
  body: { type: number; data?: { content?: string; flags: number } };
  follows: "command" | "button" | null;
}

export function firstAnswer(interaction: InteractionHead): FirstAnswer {
  if (interaction.type === INTERACTION.ping) return { body: { type: CALLBACK.pong }, follows: null };
  const channelId = interaction.channel_id ?? interaction.channel?.id;
  if (
    channelId &&
    interaction.type === INTERACTION.applicationCommand &&
    interaction.data?.name === "memory"
  ) {
    const action = interaction.data.options?.find((o) => o.name === "do")?.value;
    // 64: EPHEMERAL. The deferred reply, and the answer that fills it, are seen by the asker alone.
    return typeof action === "string" && PRIVATE_ACTIONS.has(action)
      ? { body: { type: CALLBACK.deferredChannelMessage, data: { flags: 64 } }, follows: "command" }
      : { body: { type: CALLBACK.deferredChannelMessage }, follows: "command" };
  }
  if (
    channelId &&
    interaction.type === INTERACTION.messageComponent &&
    (interaction.data?.custom_id ?? "").startsWith(BUTTON_PREFIX)
  ) {
    return { body: { type: CALLBACK.deferredUpdate }, follows: "button" };
  }
  // 64: EPHEMERAL, only the person who asked sees it.
  return {
    body: { type: CALLBACK.channelMessage, data: { content: "I don't know that one.", flags: 64 } },
    follows: null,
  };
}
