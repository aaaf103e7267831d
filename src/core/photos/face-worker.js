/**
 * The face detector's thread (plain JavaScript: a worker loads it without a TypeScript loader). It owns
 * TensorFlow.js and its WASM heap, which grows to ~140–165 MB on the first detection and is never given back:
 * terminating this thread when intake goes idle is how that memory returns (see faces.ts).
 * Message in: { id, data: Uint8Array (RGB), width, height, inputSize, minScore }. Out: { id, boxes } or { id, error }.
 */
import { createRequire } from "node:module";
import path from "node:path";
import { parentPort } from "node:worker_threads";

const require = createRequire(import.meta.url);

async function load() {
  // The node-wasm build is CommonJS and brings @tensorflow/tfjs with the WASM backend; the default build needs
  // @tensorflow/tfjs-node, whose install downloads a native library.
  const faceapi = require("@vladmandic/face-api/dist/face-api.node-wasm.js");
  const wasm = require("@tensorflow/tfjs-backend-wasm");
  const wasmDir = path.dirname(require.resolve("@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm"));
  wasm.setWasmPaths(`${wasmDir}${path.sep}`);
  await faceapi.tf.setBackend("wasm");
  await faceapi.tf.ready();
  const modelDir = path.dirname(
    require.resolve("@vladmandic/face-api/model/tiny_face_detector_model-weights_manifest.json"),
  );
  await faceapi.nets.tinyFaceDetector.loadFromDisk(modelDir);
  return faceapi;
}

const ready = load();
// A load failure is reported per request; the thread stays up so the caller decides what to do.
ready.catch(() => {});

parentPort?.on("message", async (request) => {
  const { id, data, width, height, inputSize, minScore } = request;
  try {
    const faceapi = await ready;
    const input = faceapi.tf.tensor3d(data, [height, width, 3], "int32");
    try {
      const found = await faceapi.detectAllFaces(
        input,
        new faceapi.TinyFaceDetectorOptions({ inputSize, scoreThreshold: minScore }),
      );
      const boxes = found.map((d) => ({
        x: d.box.x,
        y: d.box.y,
        width: d.box.width,
        height: d.box.height,
        score: d.score,
      }));
      parentPort?.postMessage({ id, boxes });
    } finally {
      input.dispose();
    }
  } catch (error) {
    parentPort?.postMessage({ id, error: error instanceof Error ? error.message : String(error) });
  }
});
