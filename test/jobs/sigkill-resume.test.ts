import { existsSync } from "node:fs";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { createPgliteDb, createSqlStore } from "../../src/core/store/index.ts";
import { spawnChild, until } from "./fixtures/spawn-child.ts";

const CHILD = fileURLToPath(new URL("./fixtures/crash-child.ts", import.meta.url));

const child = (mode: "start" | "resume", dir: string) => spawnChild(CHILD, [mode, dir]);

const lines = async (path: string) =>
  existsSync(path) ? (await readFile(path, "utf8")).split("\n").filter(Boolean) : [];

describe("a process killed with SIGKILL in the middle of a render", { timeout: 180_000 }, () => {
  it("resumes on restart from the last completed step and delivers the video exactly once", async () => {
    const dir = await mkdtemp(join(tmpdir(), "photomemory-sigkill-"));
    try {
      const first = child("start", dir);
      // The line, not the file: appendFile creates the file before it writes, and a kill in between loses the line.
      await until(
        async () => (await lines(join(dir, "renders.log"))).includes("start"),
        "the render to start",
      );
      first.proc.kill("SIGKILL");
      expect(await first.exited).toBe(null);
      expect(await lines(join(dir, "deliveries.log"))).toEqual([]);

      const second = child("resume", dir);
      const code = await second.exited;
      expect(code, second.stderr()).toBe(0);

      expect(await lines(join(dir, "renders.log"))).toEqual(["start", "resume"]);
      expect(await lines(join(dir, "script-writes.log"))).toEqual(["write"]); // not re-run after the restart
      expect(await lines(join(dir, "deliveries.log"))).toEqual(["Killed once"]);
      const db = await createPgliteDb(join(dir, "db"));
      try {
        const video = await createSqlStore(db).getVideo(await readFile(join(dir, "video-id"), "utf8"));
        expect(video?.status).toBe("completed");
        expect(video?.deliveredMessageRef).toBeTruthy();
      } finally {
        await db.close();
      }
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
