/**
 * Live updates across processes: a web and a worker process on one Postgres. The page's event stream, served by the
 * web process, carries the progress and the finished video that the worker writes (NOTIFY, LISTEN, re-read), with no
 * reload. Prints how long the video message took from its row to the stream.
 */
import type { ChildProcess } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import postgres from "postgres";
import { afterAll, expect, it } from "vitest";
import { noisyJpeg } from "../fixtures/generate-photos.ts";
import { createTestDatabase, type TestDatabase } from "../helpers/postgres.ts";
import { type ApiMessage, playgroundClient, startRole } from "./service-helpers.ts";

const children: ChildProcess[] = [];
let database: TestDatabase | undefined;
let dataDir = "";

afterAll(async () => {
  for (const child of children) if (child.exitCode === null) child.kill("SIGKILL");
  await database?.drop();
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
});

it("streams the worker's progress and video to the page the web process serves", {
  timeout: 300_000,
}, async () => {
  dataDir = await mkdtemp(path.join(tmpdir(), "pm-live-"));
  database = await createTestDatabase();
  const start = async (role: "web" | "worker") =>
    (await startRole(role, { dataDir, databaseUrl: (database as TestDatabase).url, children })).url;
  const [web] = await Promise.all([start("web"), start("worker")]);
  const chat = playgroundClient(web as string, "live");
  const photos = await Promise.all(
    [1, 2].map(async (seed) => ({ name: `${seed}.jpg`, bytes: await noisyJpeg(640, 480, seed) })),
  );
  expect((await chat.upload(photos)).added).toHaveLength(2);

  const stream = await fetch(`${web}/playground/api/conversations/${await chat.conversation()}/events`);
  const reader = (stream.body as ReadableStream<Uint8Array>).getReader();
  const decoder = new TextDecoder();
  let buffer = "";
  const received: { message: ApiMessage; at: number }[] = [];
  const readUntil = async (done: () => boolean) => {
    while (!done()) {
      const { value, done: ended } = await reader.read();
      if (ended) throw new Error("the event stream ended");
      buffer += decoder.decode(value, { stream: true });
      for (let end = buffer.indexOf("\n\n"); end >= 0; end = buffer.indexOf("\n\n")) {
        const event = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        const data = /^data: (.*)$/m.exec(event)?.[1];
        if (event.includes("event: message") && data)
          received.push({ message: JSON.parse(data), at: Date.now() });
        if (event.includes("event: ready"))
          received.push({ message: { id: "", from: "bot", text: "ready" }, at: 0 });
      }
    }
  };
  await readUntil(() => received.some((r) => r.message.text === "ready"));
  await chat.say("/memory classic");
  await readUntil(() => received.some((r) => r.message.video));
  await reader.cancel();

  const progress = received.filter(
    (r) => r.message.progress !== undefined && r.message.progress > 0 && r.message.progress < 1,
  );
  expect(progress.length, "progress edits from the worker").toBeGreaterThan(0);
  const video = received.find((r) => r.message.video);
  const sql = postgres(database.url, { max: 1, onnotice: () => {} });
  const [row] = await sql<
    { created_at: Date }[]
  >`select created_at from playground_messages where id = ${video?.message.id ?? ""}`;
  await sql.end({ timeout: 1 });
  console.info(
    `playground live: ${progress.length} progress events; video row → web SSE ${(video?.at ?? 0) - (row?.created_at.getTime() ?? 0)} ms`,
  );
});
