import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createPlaygroundBot } from "../../src/bots/playground/playground-bot.ts";
import { createLocalBlobStore } from "../../src/core/blobs/local-blob-store.ts";
import { createSilentLogger } from "../../src/core/log.ts";
import { createApp } from "../../src/http/app.ts";
import { createPlaygroundRoutes } from "../../src/http/playground/routes.ts";
import { createHarness, type Harness, makeJpeg } from "../memories/harness.ts";

let h: Harness;
let dir: string;
let app: ReturnType<typeof createApp>;

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), "pm-playground-api-"));
  const blobs = createLocalBlobStore({ root: path.join(dir, "blobs") });
  h = await createHarness({ blobs });
  const bot = createPlaygroundBot(h.chat, h.deps, createSilentLogger());
  app = createApp({
    logger: createSilentLogger(),
    checkDatabase: async () => {},
    playground: createPlaygroundRoutes({ bot, blobs }),
  });
});
afterAll(async () => {
  await h.close();
  await rm(dir, { recursive: true, force: true });
});
beforeEach(() => h.newConversation());

const base = () => `/playground/api/conversations/${h.target.channelId}`;
type ApiMessages = {
  messages: {
    id: string;
    from: string;
    text: string;
    progress?: number;
    video?: { url: string; bytes: number; durationSeconds: number };
  }[];
};

async function upload(files: { name: string; bytes: Uint8Array; type?: string }[]) {
  const form = new FormData();
  for (const f of files)
    form.append("photos", new File([f.bytes as BlobPart], f.name, { type: f.type ?? "image/jpeg" }));
  return app.request(`${base()}/photos`, { method: "POST", body: form });
}

async function say(text: string) {
  return app.request(`${base()}/messages`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ text, user: "ada" }),
  });
}

async function messages(): Promise<ApiMessages["messages"]> {
  return ((await (await app.request(`${base()}/messages`)).json()) as ApiMessages).messages;
}

describe("playground API", () => {
  it("serves the page", async () => {
    const res = await app.request("/playground");
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toContain('type="file"');
    expect(html).toContain("EventSource");
  });

  it("takes several photos in the field `photos` and names the skipped ones", async () => {
    const res = await upload([
      { name: "one.jpg", bytes: await makeJpeg(1) },
      { name: "two.jpg", bytes: await makeJpeg(2) },
      {
        name: "notes.txt",
        bytes: new TextEncoder().encode("just some notes, not a photo"),
        type: "text/plain",
      },
    ]);
    expect(res.status).toBe(200);
    const body = (await res.json()) as { added: string[]; skipped: { name: string; reason: string }[] };
    expect(body.added).toEqual(["one.jpg", "two.jpg"]);
    expect(body.skipped.map((s) => s.name)).toEqual(["notes.txt"]);
    const list = await messages();
    expect(list.map((m) => m.from)).toEqual(["user", "bot"]);
    expect(list[1]?.text).toMatch(/notes\.txt is not a photo/);
  });

  it("answers /memory with a premium style with the locked reply, and starts a classic one", async () => {
    await upload([{ name: "one.jpg", bytes: await makeJpeg(3) }]);
    expect((await say("/memory vintage Our trip")).status).toBe(201);
    expect((await messages()).at(-1)?.text).toContain("vintage style is a premium style");
    await say("/memory classic Our trip");
    const status = (await messages()).at(-1);
    expect(status).toMatchObject({ from: "bot", progress: 0 });
    expect(h.events.map((e) => e.name)).toEqual(["memory/requested"]);
  });

  it("refuses a malformed message or conversation id", async () => {
    const bad = await app.request(`${base()}/messages`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ words: "hi" }),
    });
    expect(bad.status).toBe(400);
    expect((await app.request("/playground/api/conversations/..%2Fetc/messages")).status).toBe(400);
    expect((await upload([])).status).toBe(400);
  });

  it("streams a delivered video with Range support", async () => {
    const file = path.join(dir, "memory.mp4");
    const bytes = new Uint8Array(1000).map((_, i) => i % 251);
    await writeFile(file, bytes);
    await h.chat.adapter.postVideo(h.target, {
      path: file,
      title: "Our trip",
      bytes: 1000,
      durationSeconds: 12.5,
      width: 1280,
      height: 720,
    });
    const video = (await messages()).at(-1)?.video;
    expect(video).toMatchObject({ bytes: 1000, durationSeconds: 12.5 });
    const url = video?.url ?? "";

    const whole = await app.request(url);
    expect(whole.status).toBe(200);
    expect(whole.headers.get("accept-ranges")).toBe("bytes");
    expect(whole.headers.get("content-type")).toBe("video/mp4");
    expect((await whole.arrayBuffer()).byteLength).toBe(1000);

    const part = await app.request(url, { headers: { range: "bytes=100-199" } });
    expect(part.status).toBe(206);
    expect(part.headers.get("content-range")).toBe("bytes 100-199/1000");
    expect(new Uint8Array(await part.arrayBuffer())).toEqual(bytes.slice(100, 200));

    const tail = await app.request(url, { headers: { range: "bytes=-10" } });
    expect(tail.headers.get("content-range")).toBe("bytes 990-999/1000");

    const bad = await app.request(url, { headers: { range: "bytes=5000-" } });
    expect(bad.status).toBe(416);
    expect(bad.headers.get("content-range")).toBe("bytes */1000");

    const elsewhere = url.replace(h.target.channelId, "someone-else-0123456789abcdef");
    expect((await app.request(elsewhere)).status).toBe(404);
  });

  it("pushes new messages over SSE", async () => {
    const res = await app.request(`${base()}/events`);
    expect(res.headers.get("content-type")).toContain("text/event-stream");
    const reader = (res.body as ReadableStream<Uint8Array>).getReader();
    const decoder = new TextDecoder();
    let seen = "";
    const readUntil = async (needle: string) => {
      while (!seen.includes(needle)) {
        const { value, done } = await reader.read();
        if (done) break;
        seen += decoder.decode(value);
      }
      return seen.includes(needle);
    };
    expect(await readUntil("event: ready")).toBe(true);
    await say("/memory help");
    expect(await readUntil("/memory new")).toBe(true);
    expect(seen).toContain("event: message");
    await reader.cancel();
  });
});
