/**
 * `node --import tsx bench/upload-rss-bench.ts`: the service's resident memory while the playground receives one
 * multipart upload of UPLOAD_FILES files of UPLOAD_MB each (default 3 × 280 MB), sent chunked (no Content-Length, so
 * no cap can refuse it up front) and, separately, with its Content-Length. Starts the embedded default
 * (`node --import tsx src/main.ts`) on a fresh data folder, samples VmRSS every 20 ms, and prints the idle RSS, the
 * peak during the upload, the answer's status and how many bytes the client got to send before it.
 */
import { spawn } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { request } from "node:http";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { rssKb } from "./measure.ts";

const ROOT = resolve(import.meta.dirname, "..");
const FILES = Number(process.env.UPLOAD_FILES ?? 3);
const FILE_MB = Number(process.env.UPLOAD_MB ?? 280);
const PORT = 3947;
const BOUNDARY = "----photomemorybench";
const CHUNK = Buffer.alloc(1024 * 1024, 0x61);

function head(i: number): Buffer {
  return Buffer.from(
    `--${BOUNDARY}\r\nContent-Disposition: form-data; name="photos"; filename="big-${i}.jpg"\r\n` +
      "Content-Type: image/jpeg\r\n\r\n",
  );
}
const TAIL = Buffer.from(`\r\n--${BOUNDARY}--\r\n`);

function totalBytes(): number {
  let n = TAIL.length;
  for (let i = 0; i < FILES; i++) n += head(i).length + FILE_MB * CHUNK.length + (i > 0 ? 2 : 0);
  return n;
}

async function upload(
  path: string,
  chunked: boolean,
): Promise<{ status: number | string; sentMb: number; ms: number }> {
  const started = performance.now();
  return new Promise((resolvePromise) => {
    let sent = 0;
    let done = false;
    const finish = (status: number | string) => {
      if (done) return;
      done = true;
      resolvePromise({
        status,
        sentMb: Math.round(sent / 1048576),
        ms: Math.round(performance.now() - started),
      });
    };
    const req = request(
      {
        host: "127.0.0.1",
        port: PORT,
        path,
        method: "POST",
        headers: {
          "content-type": `multipart/form-data; boundary=${BOUNDARY}`,
          ...(chunked ? {} : { "content-length": String(totalBytes()) }),
        },
      },
      (res) => {
        res.resume();
        res.on("end", () => finish(res.statusCode ?? 0));
      },
    );
    req.on("error", (e: NodeJS.ErrnoException) => finish(e.code ?? "error"));
    (async () => {
      const write = (b: Buffer) =>
        new Promise<void>((ok, fail) => {
          if (req.destroyed) return fail(new Error("closed"));
          sent += b.length;
          if (req.write(b)) ok();
          else req.once("drain", ok);
          req.once("close", () => fail(new Error("closed")));
        });
      try {
        for (let i = 0; i < FILES; i++) {
          if (i > 0) await write(Buffer.from("\r\n"));
          await write(head(i));
          for (let m = 0; m < FILE_MB; m++) await write(CHUNK);
        }
        await write(TAIL);
        req.end();
      } catch {
        // The server answered or closed before the whole body went out.
      }
    })();
  });
}

async function main(): Promise<void> {
  const dataDir = await mkdtemp(join(tmpdir(), "pm-upload-bench-"));
  const child = spawn(process.execPath, ["--import", "tsx", "src/main.ts"], {
    cwd: ROOT,
    env: { ...process.env, DATA_DIR: dataDir, PORT: String(PORT), HOST: "127.0.0.1", LOG_LEVEL: "warn" },
    stdio: ["ignore", "inherit", "inherit"],
  });
  try {
    const deadline = Date.now() + 120_000;
    while (Date.now() < deadline) {
      const ok = await fetch(`http://127.0.0.1:${PORT}/healthz`).then(
        (r) => r.ok,
        () => false,
      );
      if (ok) break;
      await new Promise((r) => setTimeout(r, 200));
    }
    const { id } = (await (
      await fetch(`http://127.0.0.1:${PORT}/playground/api/conversations`, { method: "POST" })
    ).json()) as { id: string };
    const path = `/playground/api/conversations/${id}/photos`;
    await new Promise((r) => setTimeout(r, 3000));
    for (const chunked of [true, false]) {
      const idle = rssKb(child.pid as number);
      let peak = idle;
      const sampler = setInterval(() => {
        peak = Math.max(peak, rssKb(child.pid as number));
      }, 20);
      const result = await upload(path, chunked);
      await new Promise((r) => setTimeout(r, 1000));
      clearInterval(sampler);
      const after = rssKb(child.pid as number);
      console.log(
        `${FILES} × ${FILE_MB} MB ${chunked ? "chunked" : "with Content-Length"}: status ${result.status} after ${result.ms} ms, client sent ${result.sentMb} MB; RSS idle ${Math.round(idle / 1024)} MB, peak ${Math.round(peak / 1024)} MB, 1 s after ${Math.round(after / 1024)} MB`,
      );
    }
  } finally {
    child.kill("SIGTERM");
    await new Promise((r) => child.once("exit", r));
    await rm(dataDir, { recursive: true, force: true });
  }
}

await main();
