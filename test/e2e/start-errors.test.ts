/**
 * An operator's first start going wrong: a busy port or a bad DATABASE_URL stops the service with one line on stderr
 * that names the fix, no stack trace, and never the database password.
 */
import type { ChildProcess } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { createServer, type Server } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { freePort, spawnService } from "./service-helpers.ts";

const dirs: string[] = [];
const children: ChildProcess[] = [];
afterAll(async () => {
  for (const child of children) if (child.exitCode === null) child.kill("SIGKILL");
  for (const dir of dirs) await rm(dir, { recursive: true, force: true });
});

async function startFailing(env: Record<string, string>): Promise<{ code: number | null; stderr: string }> {
  const dataDir = await mkdtemp(path.join(tmpdir(), "pm-start-error-"));
  dirs.push(dataDir);
  const service = spawnService({ DATA_DIR: dataDir, HOST: "127.0.0.1", LOG_LEVEL: "silent", ...env });
  children.push(service.child);
  const code = await new Promise<number | null>((resolve) => service.child.once("exit", resolve));
  return { code, stderr: service.output().trim() };
}

describe("start-up errors", () => {
  it("names a busy port in one line", { timeout: 120_000 }, async () => {
    const port = await freePort();
    const blocker: Server = createServer();
    await new Promise<void>((resolve) => blocker.listen(port, "127.0.0.1", resolve));
    try {
      const { code, stderr } = await startFailing({ PORT: String(port) });
      expect(code).toBe(1);
      expect(stderr).toBe(
        `Port ${port} on 127.0.0.1 is already in use: stop the other process or set PORT to a free port.`,
      );
    } finally {
      blocker.close();
    }
  });

  const cases: [string, string, RegExp][] = [
    [
      "a URL that does not parse",
      "postgres://ada:s3cret@db.example:99999/app",
      /DATABASE_URL: is not a valid URL/,
    ],
    [
      "a server that refuses",
      "postgres://ada:s3cret@127.0.0.1:1/app",
      /^Cannot use the database at postgres:\/\/ada:\*\*\*@127\.0\.0\.1:1\/app \(connect ECONNREFUSED[^)]*\): check DATABASE_URL's host and port/,
    ],
    [
      "a password holding an unencoded @",
      "postgres://ada:s3c@ret@127.0.0.1:1/app",
      /^Cannot use the database at postgres:\/\/ada:\*\*\*@127\.0\.0\.1:1\/app \(connect ECONNREFUSED[^)]*\): check DATABASE_URL's host and port/,
    ],
    [
      "a password in the query string",
      "postgres://ada@127.0.0.1:1/app?password=s3cret",
      /^Cannot use the database at postgres:\/\/ada@127\.0\.0\.1:1\/app\?password=\*\*\* \(connect ECONNREFUSED[^)]*\)/,
    ],
    [
      "a wrong user",
      "postgres://nobody_here:s3cret@127.0.0.1:5432/postgres",
      /^Cannot use the database at postgres:\/\/nobody_here:\*\*\*@127\.0\.0\.1:5432\/postgres \(.*\): check the user and password in DATABASE_URL\.$/,
    ],
  ];
  for (const [name, url, expected] of cases) {
    it(`explains ${name} without printing the password`, { timeout: 120_000 }, async () => {
      const { code, stderr } = await startFailing({ PORT: "0", DATABASE_URL: url });
      expect(code).not.toBe(0);
      expect(stderr).toMatch(expected);
      expect(stderr.split("\n")).toHaveLength(1);
      expect(stderr).not.toMatch(/s3c|ret@/);
    });
  }
});

describe("ffmpeg missing at start", () => {
  it("is found at start: logged with its fix and reported by /readyz, before anyone asks for a memory", {
    timeout: 120_000,
  }, async () => {
    const dataDir = await mkdtemp(path.join(tmpdir(), "pm-no-ffmpeg-"));
    dirs.push(dataDir);
    const port = await freePort();
    const service = spawnService({
      DATA_DIR: dataDir,
      HOST: "127.0.0.1",
      PORT: String(port),
      FFMPEG_PATH: path.join(dataDir, "no-ffmpeg-here"),
    });
    children.push(service.child);
    const deadline = Date.now() + 90_000;
    let body: Record<string, unknown> | undefined;
    while (Date.now() < deadline && body?.ffmpeg !== "missing") {
      const res = await fetch(`http://127.0.0.1:${port}/readyz`).catch(() => undefined);
      if (res) {
        expect(res.status).toBe(503);
        body = (await res.json()) as Record<string, unknown>;
      }
      await new Promise((r) => setTimeout(r, 200));
    }
    expect(body).toMatchObject({ ready: false, database: "ok", ffmpeg: "missing" });
    expect(String(body?.problem)).toMatch(
      /^FFMPEG_PATH points to .*no-ffmpeg-here, which is not an executable file/,
    );
    expect(service.output()).toContain("ffmpeg is missing: FFMPEG_PATH points to");
    service.child.kill("SIGTERM");
  });
});
