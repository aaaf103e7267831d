/**
 * What the OpenAI script writer asks for and how it reads the answer: the prompt, the strict JSON schema of the
 * structured output, the zod schema that checks it, and the step from the model's answer to a `Script`. Photos are
 * named `p1`, `p2`, … in the prompt (short, impossible to mistype) and mapped back to their ids here.
 */

import { z } from "zod";
import type { Script, ScriptRequest, StyleName } from "../domain.ts";
import { languageName } from "../language.ts";

export const CAPTION_MAX = 60;
export const TITLE_MAX = 80;

/**
 * The model's answer, sent to the API as a strict JSON schema (openai/helpers/zod `zodResponseFormat`, which works with
 * zod 4 in openai 6.49) and checked with the same schema on the way back. Nullable instead of optional: strict
 * structured output requires every property. Lengths are asked for in descriptions and enforced in `toScript`.
 */
export const modelScriptSchema = z.object({
  title: z.string().min(1).describe(`The memory's title, at most ${TITLE_MAX} characters.`),
  subtitle: z.string().nullable().describe("A short subtitle, or null."),
  order: z
    .array(z.string())
    .describe("Every photo label exactly once, in the order the photos should be shown."),
  captions: z
    .array(
      z.object({
        photo: z.string().describe("The photo label, e.g. p1."),
        caption: z.string().describe(`At most ${CAPTION_MAX} characters.`),
      }),
    )
    .describe("One caption per photo."),
  closing: z.string().describe("A closing line shown at the end."),
});
export type ModelScript = z.infer<typeof modelScriptSchema>;

const STYLE_TONE: Record<StyleName, string> = {
  classic: "warm and simple",
  modern: "light, crisp and upbeat",
  cinematic: "evocative, like a film trailer",
  vintage: "nostalgic, like a handwritten album",
};

export function labelFor(index: number): string {
  return `p${index + 1}`;
}

export function systemPrompt(request: ScriptRequest): string {
  return [
    "You write the words of a short memory video made from someone's photos.",
    `Write everything (title, subtitle, captions, closing line) in ${languageName(request.locale)}, the language of the locale "${request.locale}", in its own script; write dates as people who speak it do.`,
    `Tone: ${STYLE_TONE[request.style]}.`,
    `Order the photos so the story flows (by time when dates are given). Give each photo one caption of at most ${CAPTION_MAX} characters that says what the photo shows or feels like; do not invent names of people or places you cannot see.`,
    `The title has at most ${TITLE_MAX} characters.`,
    request.title ? `The user chose the title "${request.title}"; keep it as the title.` : "",
  ]
    .filter(Boolean)
    .join("\n");
}

export function photoListText(request: ScriptRequest): string {
  return request.photos
    .map((p, i) => {
      const date = p.takenAt
        ? ` taken ${new Date(p.takenAt).toISOString().slice(0, 16).replace("T", " ")}`
        : "";
      return `${labelFor(i)}: photo ${i + 1} of ${request.photos.length}${date}`;
    })
    .join("\n");
}

/** Shortens to `max` characters at a word boundary, with an ellipsis. */
export function shorten(text: string, max: number): string {
  const clean = text.replace(/\s+/g, " ").trim();
  if (clean.length <= max) return clean;
  const cut = clean.slice(0, max - 1);
  const space = cut.lastIndexOf(" ");
  return `${(space > max / 2 ? cut.slice(0, space) : cut).replace(/[\s,.;:!?-]+$/, "")}…`;
}

/**
 * Turns the model's answer into a Script. Labels map back to photo ids; unknown or repeated labels are dropped and
 * photos the model left out are appended in arrival order, so every photo is shown exactly once.
 */
export function toScript(answer: ModelScript, request: ScriptRequest, writer: string): Script {
  const idByLabel = new Map(request.photos.map((p, i) => [labelFor(i), p.id]));
  const order: string[] = [];
  for (const label of answer.order) {
    const id = idByLabel.get(label.trim());
    if (id && !order.includes(id)) order.push(id);
  }
  for (const p of request.photos) if (!order.includes(p.id)) order.push(p.id);

  const captions: Record<string, string> = {};
  for (const { photo, caption } of answer.captions) {
    const id = idByLabel.get(photo.trim());
    const text = shorten(caption, CAPTION_MAX);
    if (id && text && captions[id] === undefined) captions[id] = text;
  }
  const userTitle = request.title?.replace(/\s+/g, " ").trim();
  const subtitle = answer.subtitle ? shorten(answer.subtitle, TITLE_MAX) : "";
  const closing = shorten(answer.closing, TITLE_MAX);
  return {
    title: userTitle || shorten(answer.title, TITLE_MAX),
    ...(subtitle ? { subtitle } : {}),
    order,
    captions,
    ...(closing ? { closing } : {}),
    locale: request.locale,
    writer,
  };
}

/** USD per million tokens (input, output), for the cost estimate in logs. Unknown models log no cost. */
const PRICES: Record<string, [number, number]> = {
  "gpt-4o-mini": [0.15, 0.6],
  "gpt-4o": [2.5, 10],
  "gpt-4.1": [2, 8],
  "gpt-4.1-mini": [0.4, 1.6],
  "gpt-4.1-nano": [0.1, 0.4],
  "gpt-5-mini": [0.25, 2],
  "gpt-5-nano": [0.05, 0.4],
};

export function estimateCostUsd(
  model: string,
  promptTokens: number,
  completionTokens: number,
): number | null {
  const key = Object.keys(PRICES)
    .sort((a, b) => b.length - a.length)
    .find((name) => model === name || model.startsWith(`${name}-20`));
  const price = key ? PRICES[key] : undefined;
  if (!price) return null;
  return Number(((promptTokens * price[0] + completionTokens * price[1]) / 1e6).toPrecision(4));
}
