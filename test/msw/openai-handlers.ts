/**
 * msw handlers for OpenAI's Chat Completions endpoint, with bodies and headers shaped like the real API
 * (platform.openai.com/docs/api-reference/chat/object and the documented error object).
 */
import { HttpResponse, http } from "msw";

export const OPENAI_TEST_BASE_URL = "http://openai.test/v1";

export interface RecordedRequest {
  body: Record<string, unknown>;
  headers: Headers;
}

const usage = {
  prompt_tokens: 1262,
  completion_tokens: 148,
  total_tokens: 1410,
  prompt_tokens_details: { cached_tokens: 0, audio_tokens: 0 },
  completion_tokens_details: {
    reasoning_tokens: 0,
    audio_tokens: 0,
    accepted_prediction_tokens: 0,
    rejected_prediction_tokens: 0,
  },
};

export function chatCompletion(options: {
  content: string | null;
  refusal?: string | null;
  finishReason?: "stop" | "length" | "content_filter";
}) {
  return {
    id: "chatcmpl-CX7d2pQe9fJkT3aLmZ0bWv1YsR4uN",
    object: "chat.completion",
    created: 1_764_140_000,
    model: "gpt-4o-mini-2024-07-18",
    choices: [
      {
        index: 0,
        message: {
          role: "assistant",
          content: options.content,
          refusal: options.refusal ?? null,
          annotations: [],
        },
        logprobs: null,
        finish_reason: options.finishReason ?? "stop",
      },
    ],
    usage,
    service_tier: "default",
    system_fingerprint: "fp_560af6e559",
  };
}

export function apiError(message: string, type: string, code: string | null) {
  return { error: { message, type, param: null, code } };
}

/** A handler that answers every chat completion with `respond` and records what was asked. */
export function chatCompletionsHandler(respond: () => Response, requests: RecordedRequest[]) {
  return http.post(`${OPENAI_TEST_BASE_URL}/chat/completions`, async ({ request }) => {
    requests.push({ body: (await request.json()) as Record<string, unknown>, headers: request.headers });
    return respond();
  });
}

export const openaiResponses = {
  script: (script: unknown) => () => HttpResponse.json(chatCompletion({ content: JSON.stringify(script) })),
  refusal: () => () =>
    HttpResponse.json(
      chatCompletion({ content: null, refusal: "I'm sorry, but I can't help with that request." }),
    ),
  length: () => () =>
    HttpResponse.json(chatCompletion({ content: '{"title":"Summer by the', finishReason: "length" })),
  contentFilter: () => () =>
    HttpResponse.json(chatCompletion({ content: null, finishReason: "content_filter" })),
  notJson: () => () =>
    HttpResponse.json(chatCompletion({ content: "Here is your script: Summer by the sea" })),
  wrongShape: () => () =>
    HttpResponse.json(
      chatCompletion({ content: JSON.stringify({ title: 42, order: "p1,p2", captions: {} }) }),
    ),
  rateLimited: (retryAfterSeconds: string) => () =>
    HttpResponse.json(
      apiError(
        "Rate limit reached for gpt-4o-mini in organization org-abc on requests per min (RPM): Limit 500, Used 500, Requested 1. Please try again in 20s.",
        "requests",
        "rate_limit_exceeded",
      ),
      {
        status: 429,
        headers: {
          "retry-after": retryAfterSeconds,
          "x-ratelimit-limit-requests": "500",
          "x-ratelimit-remaining-requests": "0",
          "x-ratelimit-reset-requests": "20s",
          "x-request-id": "req_4f6c1b0e2a",
        },
      },
    ),
  serverError: () => () =>
    HttpResponse.json(
      apiError(
        "The server had an error while processing your request. Sorry about that!",
        "server_error",
        null,
      ),
      { status: 500, headers: { "x-request-id": "req_9a8b7c6d5e" } },
    ),
};
