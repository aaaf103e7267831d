/** Drives a running PhotoMemory service over its playground API, the way the page and scripts do. */
import { type ChildProcess, spawn } from "node:child_process";
import { readdir } from "node:fs/promises";
import { createServer } from "node:net";
import path from "node:path";

export interface ApiMessage {
  id: string;
  from: "user" | "bot";
  text: string;
  progress?: number;
  video?: { url: string; bytes: number; durationSeconds: number };
}

/**
 * A client for one playground conversation. Its id is issued by the server (`POST /playground/api/conversations`)
 * on first use and kept, so the same client finds its conversation again after a restart; `label` only names it.
 */
export function playgroundClient(baseUrl: string, label: string, headers: Record<string, string> = {}) {
  let id: Promise<string> | undefined;
  const conversation = () => {
    id ??= fetch(`${baseUrl}/playground/api/conversations`, { method: "POST", headers }).then(async (res) => {
      if (!res.ok)
        throw new Error(`could not start conversation ${label}: ${res.status} ${await res.text()}`);
      return ((await res.json()) as { id: string }).id;
    });
    return id;
  };
  const apiFor = async () => `${baseUrl}/playground/api/conversations/${await conversation()}`;
  return {
    conversation,
    async upload(files: { name: string; bytes: Uint8Array }[]) {
      const form = new FormData();
      for (const f of files)
        form.append("photos", new File([f.bytes as BlobPart], f.name, { type: "image/jpeg" }));
      const res = await fetch(`${await apiFor()}/photos`, { method: "POST", body: form, headers });
      if (!res.ok) throw new Error(`upload failed: ${res.status} ${await res.text()}`);
      return (await res.json()) as {
        added: string[];
        skipped: { name: string; reason: string }[];
        text: string;
      };
    },
    /** Types a line as `user` (the playground's user id: one account per user). */
    async say(text: string, user = "ada") {
      const res = await fetch(`${await apiFor()}/messages`, {
        method: "POST",
        headers: { ...headers, "content-type": "application/json" },
        body: JSON.stringify({ text, user }),
      });
      if (!res.ok) throw new Error(`message failed: ${res.status} ${await res.text()}`);
    },
    async messages(): Promise<ApiMessage[]> {
      const res = await fetch(`${await apiFor()}/messages`, { headers });
      return ((await res.json()) as { messages: ApiMessage[] }).messages;
    },
    /** Polls the messages until `predicate` holds; fails with the last messages after `timeoutMs`. */
    async waitFor(predicate: (messages: ApiMessage[]) => boolean, timeoutMs = 120_000, everyMs = 100) {
      const deadline = Date.now() + timeoutMs;
      let last: ApiMessage[] = [];
      while (Date.now() < deadline) {
        last = await this.messages().catch(() => last);
        if (predicate(last)) return last;
        await new Promise((r) => setTimeout(r, everyMs));
      }
      throw new Error(`timed out; last messages: ${JSON.stringify(last.map((m) => m.text))}`);
    },
  };
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/** `node --import tsx src/main.ts` as a child process, as `npm start` runs it. */
export function spawnService(env: Record<string, string>): { child: ChildProcess; output: () => string } {
  let output = "";
  const child = spawn(process.execPath, ["--import", "tsx", "src/main.ts"], {
    cwd: path.resolve(import.meta.dirname, "../.."),
    env: { ...process.env, LOG_LEVEL: "info", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  child.stdout?.on("data", (d: Buffer) => {
    output += d.toString();
  });
  child.stderr?.on("data", (d: Buffer) => {
    output += d.toString();
  });
  return { child, output: () => output };
}

export async function waitUntilReady(
  baseUrl: string,
  child?: ChildProcess,
  timeoutMs = 90_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child && child.exitCode !== null) throw new Error(`service exited with ${child.exitCode}`);
    const ok = await fetch(`${baseUrl}/readyz`).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) return;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error("service did not become ready");
}

/**
 * One process of a scaled-out deployment on a shared Postgres and data folder: `web` serves the playground, `worker`
 * runs the jobs. Ready when its /readyz answers; `env` adds to (or overrides) the role's variables. The process
 * joins `children` as soon as it is spawned, so a test's clean-up kills it even when it never became ready.
 */
export async function startRole(
  role: "web" | "worker",
  shared: { dataDir: string; databaseUrl: string; children: ChildProcess[] },
  env: Record<string, string> = {},
): Promise<{ child: ChildProcess; output: () => string; url: string; pid: number }> {
  const port = await freePort();
  const service = spawnService({
    PORT: String(port),
    HOST: "127.0.0.1",
    DATA_DIR: shared.dataDir,
    DATABASE_URL: shared.databaseUrl,
    PHOTOMEMORY_ROLE: role,
    PLAYGROUND: role === "web" ? "1" : "0",
    ...env,
  });
  shared.children.push(service.child);
  const url = `http://127.0.0.1:${port}`;
  await waitUntilReady(url, service.child);
  return { ...service, url, pid: service.child.pid as number };
}

export async function listFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true, recursive: true }).catch(() => []);
  return entries.filter((e) => e.isFile()).map((e) => path.join(e.parentPath, e.name));
}
