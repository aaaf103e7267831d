/**
 * Decodes HEIC/HEIF (iPhone photos, HEVC-coded) to RGBA pixels with libheif compiled to WebAssembly (`heic-decode`
 * over `libheif-js`): prebuilt sharp reads HEIF headers and AV1 but not HEVC.
 *
 * Orientation: libheif applies the file's own transformations (`irot`, `imir`, `clap`), so the pixels come out
 * upright. iPhones also write the same rotation as EXIF Orientation, which the HEIF standard makes informative only;
 * applying it again would turn the photo twice, so callers must not auto-orient these pixels (libvips and Apple's
 * own viewers do the same).
 *
 * WebAssembly runs synchronously: a 12 MP photo takes ~1.5–3 s here, which would stall webhook acks if it ran on
 * the main thread. Decoding runs in one worker thread, one photo at a time, kept alive while photos keep coming and
 * ended after a few idle seconds so its WebAssembly heap (~200 MB after a 12 MP photo) is given back.
 */
import { createRequire } from "node:module";
import { Worker } from "node:worker_threads";

export interface DecodedHeic {
  width: number;
  height: number;
  /** RGBA, 4 bytes per pixel, upright. */
  data: Buffer;
}

const IDLE_MS = 5_000;

// The worker is CommonJS evaluated from a string (no file to find under tsx, vitest or a build), and is handed the
// resolved path of heic-decode, so it loads the same copy wherever the process was started from.
const WORKER_SOURCE = `
const { parentPort, workerData } = require("node:worker_threads");
const decode = require(workerData.modulePath);
parentPort.on("message", async ({ id, bytes }) => {
  try {
    const { width, height, data } = await decode({ buffer: new Uint8Array(bytes) });
    const out = new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
    parentPort.postMessage({ id, width, height, data: out }, [out.buffer]);
  } catch (error) {
    parentPort.postMessage({ id, error: error instanceof Error ? error.message : String(error) });
  }
});
`;

type Reply = { id: number; width: number; height: number; data: Uint8Array } | { id: number; error: string };

let worker: Worker | null = null;
let idleTimer: NodeJS.Timeout | null = null;
let nextId = 1;
const waiting = new Map<number, { resolve: (d: DecodedHeic) => void; reject: (e: Error) => void }>();

function startWorker(): Worker {
  const modulePath = createRequire(import.meta.url).resolve("heic-decode");
  const w = new Worker(WORKER_SOURCE, { eval: true, workerData: { modulePath } });
  w.on("message", (reply: Reply) => {
    const pending = waiting.get(reply.id);
    if (!pending) return;
    waiting.delete(reply.id);
    if ("error" in reply) pending.reject(new Error(reply.error));
    else
      pending.resolve({
        width: reply.width,
        height: reply.height,
        data: Buffer.from(reply.data.buffer, reply.data.byteOffset, reply.data.byteLength),
      });
    scheduleIdleStop();
  });
  const failAll = (error: Error) => {
    if (worker === w) worker = null;
    for (const [id, pending] of waiting) {
      waiting.delete(id);
      pending.reject(error);
    }
  };
  w.on("error", failAll);
  w.on("exit", (code) => failAll(new Error(`the HEIC decoder stopped (exit code ${code})`)));
  return w;
}

function scheduleIdleStop(): void {
  if (idleTimer) clearTimeout(idleTimer);
  if (waiting.size > 0) return;
  worker?.unref(); // an idle decoder never keeps a CLI run alive
  idleTimer = setTimeout(() => {
    if (waiting.size === 0 && worker) {
      const w = worker;
      worker = null;
      void w.terminate();
    }
  }, IDLE_MS);
  idleTimer.unref();
}

/** Decodes the primary image of a HEIC/HEIF file, upright. Rejects with libheif's message when it cannot. */
export function decodeHeic(bytes: Uint8Array): Promise<DecodedHeic> {
  if (idleTimer) clearTimeout(idleTimer);
  worker ??= startWorker();
  worker.ref();
  const id = nextId++;
  const copy = new Uint8Array(bytes); // transferred to the worker; the caller keeps its own bytes
  return new Promise((resolve, reject) => {
    waiting.set(id, { resolve, reject });
    worker?.postMessage({ id, bytes: copy }, [copy.buffer]);
  });
}
