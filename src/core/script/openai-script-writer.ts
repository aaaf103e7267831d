/**
 * The ScriptWriter on OpenAI: one Chat Completions request carries every photo as a small low-detail JPEG data URL
 * (made from the stored, metadata-free photo; never a platform URL, which expires, needs auth or holds a bot token)
 * and asks for strict structured output, checked with zod. A 429 with retry-after becomes a job retry at that time;
 * anything else that goes wrong (refusal, length or content-filter stop, invalid output, 5xx, timeout) falls back to
 * the offline writer with a log line, so a memory is never lost to the script.
 */
import { readFile } from "node:fs/promises";
import OpenAI from "openai";
import { zodResponseFormat } from "openai/helpers/zod";
import type { Logger } from "pino";
import sharp from "sharp";
import type { Script, ScriptRequest, ScriptWriter } from "../domain.ts";
import { parseRetryAfter, RetryAfterError } from "../jobs/job-errors.ts";
import { createOfflineScriptWriter } from "./offline-script-writer.ts";
import {
  estimateCostUsd,
  labelFor,
  modelScriptSchema,
  photoListText,
  systemPrompt,
  toScript,
} from "./openai-script-format.ts";

export interface OpenAIScriptWriterOptions {
  apiKey: string;
  /** OPENAI_MODEL; default gpt-4o-mini. */
  model?: string;
  /** OPENAI_BASE_URL, for OpenAI-compatible servers. */
  baseURL?: string;
  /** OPENAI_TIMEOUT_MS: the whole request, default 60 s (well inside a job step's limit). */
  timeoutMs?: number;
  logger: Logger;
  /** Used when OpenAI fails in a way a retry will not fix. Default: the offline writer. */
  fallback?: ScriptWriter;
  /** Long side of the preview sent per photo; 512 fits one low-detail tile. */
  previewSize?: number;
}

export const DEFAULT_OPENAI_MODEL = "gpt-4o-mini";

class FallbackReason extends Error {
  override readonly name = "FallbackReason";
}

export function createOpenAIScriptWriter(options: OpenAIScriptWriterOptions): ScriptWriter {
  const model = options.model ?? DEFAULT_OPENAI_MODEL;
  const name = `openai:${model}`;
  const fallback = options.fallback ?? createOfflineScriptWriter();
  const log = options.logger.child({ module: "openai-script-writer", model });
  const previewSize = options.previewSize ?? 512;
  const client = new OpenAI({
    apiKey: options.apiKey,
    ...(options.baseURL ? { baseURL: options.baseURL } : {}),
    timeout: options.timeoutMs ?? 60_000,
    // Retries belong to the job runner (429 → RetryAfterError); SDK retries would multiply with them.
    maxRetries: 0,
  });

  async function previewDataUrl(
    request: ScriptRequest,
    photo: ScriptRequest["photos"][number],
  ): Promise<string> {
    const bytes = request.preview ? await request.preview(photo.id) : await readFile(photo.path);
    const jpeg = await sharp(bytes)
      .rotate()
      .resize(previewSize, previewSize, { fit: "inside", withoutEnlargement: true })
      .jpeg({ quality: 70 })
      .toBuffer();
    return `data:image/jpeg;base64,${jpeg.toString("base64")}`;
  }

  async function ask(request: ScriptRequest, signal?: AbortSignal): Promise<Script> {
    const images = await Promise.all(request.photos.map((p) => previewDataUrl(request, p)));
    const content: OpenAI.Chat.Completions.ChatCompletionContentPart[] = [
      { type: "text", text: `The photos, in arrival order:\n${photoListText(request)}` },
    ];
    request.photos.forEach((_, i) => {
      content.push({ type: "text", text: labelFor(i) });
      content.push({ type: "image_url", image_url: { url: images[i] ?? "", detail: "low" } });
    });
    const completion = await client.chat.completions.create(
      {
        model,
        messages: [
          { role: "system", content: systemPrompt(request) },
          { role: "user", content },
        ],
        response_format: zodResponseFormat(modelScriptSchema, "memory_script"),
        max_completion_tokens: 400 + 60 * request.photos.length,
      },
      signal ? { signal } : {},
    );
    const usage = completion.usage;
    if (usage) {
      log.info(
        {
          promptTokens: usage.prompt_tokens,
          completionTokens: usage.completion_tokens,
          totalTokens: usage.total_tokens,
          estimatedCostUsd: estimateCostUsd(
            completion.model || model,
            usage.prompt_tokens,
            usage.completion_tokens,
          ),
          photos: request.photos.length,
        },
        "script tokens used",
      );
    }
    const choice = completion.choices[0];
    if (!choice) throw new FallbackReason("no choice in the response");
    if (choice.message.refusal) throw new FallbackReason(`refused: ${choice.message.refusal}`);
    if (choice.finish_reason === "length") throw new FallbackReason("stopped at the token limit (length)");
    if (choice.finish_reason === "content_filter") throw new FallbackReason("stopped by the content filter");
    let json: unknown;
    try {
      json = JSON.parse(choice.message.content ?? "");
    } catch {
      throw new FallbackReason("the answer is not JSON");
    }
    const parsed = modelScriptSchema.safeParse(json);
    if (!parsed.success)
      throw new FallbackReason(`the answer does not match the schema: ${parsed.error.message}`);
    return toScript(parsed.data, request, name);
  }

  return {
    name,
    async write(request, signal) {
      if (request.photos.length === 0) return fallback.write(request, signal);
      try {
        return await ask(request, signal);
      } catch (error) {
        if (signal?.aborted) throw error;
        if (error instanceof OpenAI.APIError && error.status === 429) {
          const waitMs = parseRetryAfter(
            error.headers?.get("retry-after"),
            error.headers?.get("retry-after-ms"),
          );
          if (waitMs !== null) {
            log.warn({ retryAfterMs: waitMs }, "OpenAI rate limit; the job retries after retry-after");
            throw new RetryAfterError("OpenAI rate limit reached", waitMs, { cause: error });
          }
        }
        log.warn({ reason: describe(error) }, "OpenAI script failed; using the offline writer");
        return fallback.write(request, signal);
      }
    },
  };
}

function describe(error: unknown): string {
  if (error instanceof FallbackReason) return error.message;
  if (error instanceof OpenAI.APIError) return `HTTP ${error.status ?? "error"}: ${error.message}`;
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}
