import { Writable } from "node:stream";
import { setupServer } from "msw/node";
import pino from "pino";
import sharp from "sharp";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import type { PreparedPhoto, ScriptRequest } from "../../src/core/domain.ts";
import { RetryAfterError } from "../../src/core/jobs/job-errors.ts";
import { createOpenAIScriptWriter } from "../../src/core/script/openai-script-writer.ts";
import {
  chatCompletionsHandler,
  OPENAI_TEST_BASE_URL,
  openaiResponses,
  type RecordedRequest,
} from "../msw/openai-handlers.ts";

const server = setupServer();
beforeAll(() => server.listen({ onUnhandledRequest: "error" }));
afterEach(() => server.resetHandlers());
afterAll(() => server.close());

function capturingLogger() {
  const lines: Record<string, unknown>[] = [];
  const stream = new Writable({
    write(chunk, _enc, done) {
      for (const line of String(chunk).split("\n").filter(Boolean)) lines.push(JSON.parse(line));
      done();
    },
  });
  return { logger: pino({ level: "info" }, stream), lines };
}

const photos: PreparedPhoto[] = [
  {
    id: "ph_beach",
    path: "/nonexistent/a.jpg",
    width: 2000,
    height: 1500,
    takenAt: new Date("2026-07-14T10:00:00Z"),
    arrivalIndex: 0,
    name: "IMG_1.jpg",
  },
  {
    id: "ph_dinner",
    path: "/nonexistent/b.jpg",
    width: 1500,
    height: 2000,
    takenAt: new Date("2026-07-14T20:00:00Z"),
    arrivalIndex: 1,
    name: "IMG_2.jpg",
  },
  {
    id: "ph_sunset",
    path: "/nonexistent/c.jpg",
    width: 1600,
    height: 1200,
    takenAt: null,
    arrivalIndex: 2,
    name: "IMG_3.jpg",
  },
];

const jpegs = new Map<string, Buffer>();
beforeAll(async () => {
  for (const [i, p] of photos.entries()) {
    jpegs.set(
      p.id,
      await sharp({
        create: { width: p.width, height: p.height, channels: 3, background: { r: 40 * i, g: 120, b: 200 } },
      })
        .jpeg()
        .toBuffer(),
    );
  }
});

function request(overrides: Partial<ScriptRequest> = {}): ScriptRequest {
  return {
    photos,
    style: "classic",
    locale: "fr-FR",
    preview: async (id) => jpegs.get(id) ?? new Uint8Array(),
    ...overrides,
  };
}

function writer(logger = pino({ level: "silent" })) {
  return createOpenAIScriptWriter({
    apiKey: "sk-test",
    baseURL: OPENAI_TEST_BASE_URL,
    timeoutMs: 5000,
    logger,
  });
}

const goodAnswer = {
  title: "Un été à la mer",
  subtitle: "Juillet 2026",
  order: ["p3", "p1", "p2"],
  captions: [
    { photo: "p1", caption: "Le matin sur la plage" },
    { photo: "p2", caption: "Dîner en terrasse" },
    {
      photo: "p3",
      caption: "Le soleil se couche doucement sur la mer, les bateaux rentrent au port un à un",
    },
  ],
  closing: "À l'année prochaine !",
};

describe("OpenAI script writer", () => {
  it("sends every photo as a small low-detail JPEG data URL in one request and returns the script in order", async () => {
    const requests: RecordedRequest[] = [];
    server.use(chatCompletionsHandler(openaiResponses.script(goodAnswer), requests));
    const { logger, lines } = capturingLogger();

    const script = await writer(logger).write(request());

    expect(requests).toHaveLength(1);
    const body = requests[0]?.body as { model: string; messages: { role: string; content: unknown }[] };
    expect(body.model).toBe("gpt-4o-mini");
    expect(requests[0]?.body.response_format).toMatchObject({
      type: "json_schema",
      json_schema: {
        name: "memory_script",
        strict: true,
        schema: {
          additionalProperties: false,
          required: ["title", "subtitle", "order", "captions", "closing"],
        },
      },
    });
    expect(JSON.stringify(body.messages[0])).toContain("fr-FR");
    const parts = body.messages[1]?.content as {
      type: string;
      image_url?: { url: string; detail: string };
    }[];
    const images = parts.filter((p) => p.type === "image_url").map((p) => p.image_url);
    expect(images).toHaveLength(3);
    for (const image of images) {
      expect(image?.detail).toBe("low");
      expect(image?.url.startsWith("data:image/jpeg;base64,")).toBe(true);
      const meta = await sharp(Buffer.from(image?.url.split(",")[1] ?? "", "base64")).metadata();
      expect(Math.max(meta.width ?? 0, meta.height ?? 0)).toBeLessThanOrEqual(512);
    }
    expect(JSON.stringify(body)).not.toContain("/nonexistent/");

    expect(script.title).toBe("Un été à la mer");
    expect(script.subtitle).toBe("Juillet 2026");
    expect(script.order).toEqual(["ph_sunset", "ph_beach", "ph_dinner"]);
    expect(script.captions.ph_beach).toBe("Le matin sur la plage");
    expect(script.captions.ph_sunset?.length).toBeLessThanOrEqual(60);
    expect(script.closing).toBe("À l'année prochaine !");
    expect(script.locale).toBe("fr-FR");
    expect(script.writer).toBe("openai:gpt-4o-mini");

    const usage = lines.find((l) => l.msg === "script tokens used");
    expect(usage).toMatchObject({ promptTokens: 1262, completionTokens: 148, totalTokens: 1410 });
    expect(usage?.estimatedCostUsd).toBeCloseTo((1262 * 0.15 + 148 * 0.6) / 1e6, 9);
  });

  it.each([
    ["ja", "Japanese (日本語)"],
    ["ar", "Arabic (العربية)"],
    ["hi", "Hindi (हिन्दी)"],
    ["de-CH", "Swiss High German (Schweizer Hochdeutsch)"],
  ])("asks for the title and captions in the conversation's language (%s)", async (locale, name) => {
    const requests: RecordedRequest[] = [];
    server.use(chatCompletionsHandler(openaiResponses.script(goodAnswer), requests));
    const script = await writer().write(request({ locale }));
    const body = requests[0]?.body as { messages: { role: string; content: unknown }[] };
    const system = String(body.messages[0]?.content);
    expect(body.messages[0]?.role).toBe("system");
    expect(system).toContain(`in ${name}, the language of the locale "${locale}"`);
    expect(script.locale).toBe(locale);
  });

  it("keeps the title the user typed and shows photos the model forgot", async () => {
    server.use(
      chatCompletionsHandler(
        openaiResponses.script({ ...goodAnswer, order: ["p2", "p2", "p9"], captions: [] }),
        [],
      ),
    );
    const script = await writer().write(request({ title: "Marseille 2026" }));
    expect(script.title).toBe("Marseille 2026");
    expect(script.order).toEqual(["ph_dinner", "ph_beach", "ph_sunset"]);
  });

  const fallbacks = [
    ["a refusal", openaiResponses.refusal(), "refused"],
    ["a length stop", openaiResponses.length(), "length"],
    ["a content-filter stop", openaiResponses.contentFilter(), "content filter"],
    ["an answer that is not JSON", openaiResponses.notJson(), "not JSON"],
    ["an answer of the wrong shape", openaiResponses.wrongShape(), "schema"],
    ["a 500", openaiResponses.serverError(), "HTTP 500"],
  ] as const;

  for (const [what, respond, reason] of fallbacks) {
    it(`falls back to the offline writer on ${what}, with a log line`, async () => {
      const requests: RecordedRequest[] = [];
      server.use(chatCompletionsHandler(respond, requests));
      const { logger, lines } = capturingLogger();
      const script = await writer(logger).write(request());
      expect(requests).toHaveLength(1);
      expect(script.writer).toBe("offline");
      expect(script.order).toHaveLength(3);
      const line = lines.find((l) => l.msg === "OpenAI script failed; using the offline writer");
      expect(String(line?.reason)).toContain(reason);
    });
  }

  it("turns a 429 with retry-after into a RetryAfterError at that time, without retrying itself", async () => {
    const requests: RecordedRequest[] = [];
    server.use(chatCompletionsHandler(openaiResponses.rateLimited("20"), requests));
    const error = await writer()
      .write(request())
      .then(
        () => null,
        (e: unknown) => e,
      );
    expect(error).toBeInstanceOf(RetryAfterError);
    expect((error as RetryAfterError).retryAfterMs).toBe(20_000);
    expect(requests).toHaveLength(1);
  });
});
