/**
 * Faces in a photo, found at intake so framing can keep people whole. The model is face-api's Tiny Face Detector
 * (weights shipped inside the @vladmandic/face-api package, 190 KB) on TensorFlow.js' WASM backend (its .wasm ships
 * inside @tensorflow/tfjs-backend-wasm): CPU only, nothing is downloaded at run time. It runs on a small copy of the
 * photo (DETECT_SIDE on the long side), so a 12 MP photo costs one shrink-on-load decode and one pass.
 *
 * The model runs in a worker thread (face-worker.js) that is ended after IDLE_MS without work: the WASM heap grows
 * to ~140–165 MB on the first detection and WebAssembly memory is never given back, which a render (700 MB budget)
 * would otherwise carry. Starting the thread (TensorFlow.js and the model) costs ~0.9 s of CPU once per burst.
 */
import { Worker } from "node:worker_threads";
import type { FaceBox } from "../domain.ts";
import { loadSharp } from "./sharp.ts";

export type { FaceBox };

/**
 * Long side of the copy the detector sees (a multiple of 32, the network's stride). Measured: at 320 px one face of
 * the face-api demo's group photo was missed; at 416 a face 9 % of a 4000 px photo's width was missed, found at 512.
 * 512 costs ~120–150 ms of CPU per 12 MP JPEG, decode included (416: ~110 ms, 608: ~160 ms).
 */
const DETECT_SIDE = 512;
const MIN_SCORE = 0.5;
/** At most this many faces are kept (the most confident): framing needs the group, not a crowd census. */
const MAX_FACES = 12;
const IDLE_MS = 15_000;

interface RawBox {
  x: number;
  y: number;
  width: number;
  height: number;
  score: number;
}
type Reply = { id: number; boxes: RawBox[] } | { id: number; error: string };

let worker: Worker | null = null;
let idleTimer: NodeJS.Timeout | null = null;
let nextId = 1;
const pending = new Map<
  number,
  { thread: Worker; resolve: (boxes: RawBox[]) => void; reject: (error: Error) => void }
>();

function thread(): Worker {
  if (idleTimer) clearTimeout(idleTimer);
  idleTimer = null;
  if (worker) return worker;
  const started = new Worker(new URL("./face-worker.js", import.meta.url));
  started.unref(); // an idle detector never keeps the process alive
  started.on("message", (reply: Reply) => {
    const waiter = pending.get(reply.id);
    if (!waiter) return;
    pending.delete(reply.id);
    if ("error" in reply) waiter.reject(new Error(`face detection failed: ${reply.error}`));
    else waiter.resolve(reply.boxes);
    if (pending.size === 0) scheduleIdleStop();
  });
  const fail = (error: Error) => {
    if (worker === started) worker = null;
    // Only this thread's requests: an idle thread ending while a new one has started must not fail the new one's.
    for (const [id, waiter] of pending) {
      if (waiter.thread !== started) continue;
      pending.delete(id);
      waiter.reject(error);
    }
  };
  started.on("error", fail);
  started.on("exit", (code) => fail(new Error(`face detector stopped (exit code ${code})`)));
  worker = started;
  return started;
}

function scheduleIdleStop(): void {
  if (idleTimer) clearTimeout(idleTimer);
  idleTimer = setTimeout(() => void closeFaceDetector(), IDLE_MS);
  idleTimer.unref();
}

/** Ends the detector's thread now (its memory goes back); the next detection starts a new one. */
export async function closeFaceDetector(): Promise<void> {
  if (idleTimer) clearTimeout(idleTimer);
  idleTimer = null;
  const running = worker;
  worker = null;
  if (running) await running.terminate();
}

/**
 * Faces in an upright photo (any format sharp reads), most confident first, as fractions of the photo. Throws when
 * the detector cannot run; intake treats that as "faces unknown" rather than refusing the photo.
 */
export async function detectFaces(image: Uint8Array): Promise<FaceBox[]> {
  const sharp = await loadSharp();
  const small = await sharp(image)
    .resize(DETECT_SIDE, DETECT_SIDE, { fit: "inside" })
    .removeAlpha()
    .toColourspace("srgb")
    .raw()
    .toBuffer({ resolveWithObject: true });
  const { width, height } = small.info;
  const id = nextId++;
  const boxes = await new Promise<RawBox[]>((resolve, reject) => {
    const detector = thread();
    pending.set(id, { thread: detector, resolve, reject });
    const data = new Uint8Array(small.data.buffer, small.data.byteOffset, small.data.byteLength);
    detector.postMessage({ id, data, width, height, inputSize: DETECT_SIDE, minScore: MIN_SCORE });
  });
  return boxes
    .map((box) => toFaceBox(box, width, height))
    .filter((f) => f.w > 0 && f.h > 0)
    .sort((a, b) => b.score - a.score)
    .slice(0, MAX_FACES);
}

function toFaceBox(box: RawBox, width: number, height: number): FaceBox {
  const round = (n: number) => Math.round(n * 10_000) / 10_000;
  const x0 = clamp01(box.x / width);
  const y0 = clamp01(box.y / height);
  const x1 = clamp01((box.x + box.width) / width);
  const y1 = clamp01((box.y + box.height) / height);
  return { x: round(x0), y: round(y0), w: round(x1 - x0), h: round(y1 - y0), score: round(box.score) };
}

function clamp01(n: number): number {
  return Number.isFinite(n) ? Math.min(1, Math.max(0, n)) : 0;
}
