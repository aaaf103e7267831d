/**
 * The `/memory` slash command: its definition (registered through REST at start) and how an invocation's options
 * become a MemoryCommand. Options: what to do (make, help, status, new, cancel, plan, upgrade, billing), a style, a title, no music, three
 * photos.
 */
import { ApplicationCommandOptionType, ApplicationCommandType, type REST, Routes } from "discord.js";
import { STYLE_NAMES } from "../../core/domain.ts";
import type { MemoryCommand } from "../../core/memories/parse-command.ts";

export const PHOTO_OPTIONS = ["photo1", "photo2", "photo3"] as const;
const ACTIONS = ["make", "help", "status", "new", "cancel", "plan", "upgrade", "billing"] as const;

export const MEMORY_COMMAND = {
  name: "memory",
  type: ApplicationCommandType.ChatInput,
  description: "Turn the photos dropped here into a memory video",
  options: [
    {
      name: "style",
      description: "Look of the video (a picker appears when left out)",
      type: ApplicationCommandOptionType.String,
      required: false,
      choices: STYLE_NAMES.map((s) => ({ name: s[0]?.toUpperCase() + s.slice(1), value: s })),
    },
    {
      name: "title",
      description: "Title shown at the start",
      type: ApplicationCommandOptionType.String,
      required: false,
      max_length: 80,
    },
    {
      name: "silent",
      description: "No music (each style has its own otherwise)",
      type: ApplicationCommandOptionType.Boolean,
      required: false,
    },
    ...PHOTO_OPTIONS.map((name) => ({
      name,
      description: "A photo to include",
      type: ApplicationCommandOptionType.Attachment,
      required: false,
    })),
    {
      name: "do",
      description: "Something other than making a video",
      type: ApplicationCommandOptionType.String,
      required: false,
      choices: ACTIONS.map((a) => ({ name: a, value: a })),
    },
  ],
};

export async function registerMemoryCommand(
  rest: REST,
  applicationId: string,
  guildId?: string,
): Promise<void> {
  const route = guildId
    ? Routes.applicationGuildCommands(applicationId, guildId)
    : Routes.applicationCommands(applicationId);
  await rest.put(route, { body: [MEMORY_COMMAND] });
}

export interface CommandOption {
  name: string;
  type: number;
  value?: string | number | boolean;
}

export function toMemoryCommand(options: CommandOption[]): MemoryCommand {
  const value = (name: string) => {
    const v = options.find((o) => o.name === name)?.value;
    return typeof v === "string" ? v : undefined;
  };
  const action = value("do");
  // "reset" is what the command offered before "new"; a client may still send it until the command is re-registered.
  if (action === "new" || action === "reset") return { kind: "reset" };
  if (action && action !== "make" && (ACTIONS as readonly string[]).includes(action)) {
    return { kind: action as "help" | "status" | "cancel" | "plan" | "upgrade" | "billing" };
  }
  const style = value("style");
  const title = value("title")?.trim().slice(0, 80);
  return {
    kind: "request",
    ...(style && (STYLE_NAMES as readonly string[]).includes(style)
      ? { style: style as (typeof STYLE_NAMES)[number] }
      : {}),
    ...(title ? { title } : {}),
    ...(options.find((o) => o.name === "silent")?.value === true ? { silent: true } : {}),
  };
}
