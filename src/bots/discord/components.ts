/**
 * Renders an OutgoingMessage as a Discord message body: content plus button rows (style picker, retry, links, the
 * premium button).
 */
import { ButtonStyle, ComponentType } from "discord.js";
import type { OutgoingMessage } from "../../core/chat/chat-adapter.ts";
import { isLinkValue } from "../common/button-value.ts";
import { textWithProgress } from "../common/progress-text.ts";
import { BUTTON_PREFIX } from "./first-answer.ts";
import { skuOfValue } from "./premium.ts";

export function toDiscordMessage(message: OutgoingMessage): Record<string, unknown> {
  const content = textWithProgress(message);
  const buttons = (message.actions ?? []).slice(0, 25).map((a) => {
    const sku = skuOfValue(a.value);
    // Discord's premium button: only the SKU; Discord draws its name, price and shop icon.
    if (sku) return { type: ComponentType.Button, style: ButtonStyle.Premium, sku_id: sku };
    return isLinkValue(a.value)
      ? {
          type: ComponentType.Button,
          style: ButtonStyle.Link,
          label: a.label.slice(0, 80),
          url: a.value.slice(0, 512),
        }
      : {
          type: ComponentType.Button,
          style:
            a.style === "danger"
              ? ButtonStyle.Danger
              : a.style === "primary"
                ? ButtonStyle.Primary
                : ButtonStyle.Secondary,
          label: a.label.slice(0, 80),
          custom_id: `${BUTTON_PREFIX}${a.value}`.slice(0, 100),
        };
  });
  const rows = [];
  for (let i = 0; i < buttons.length; i += 5)
    rows.push({ type: ComponentType.ActionRow, components: buttons.slice(i, i + 5) });
  return { content: content.slice(0, 2000), components: rows, allowed_mentions: { parse: [] } };
}
