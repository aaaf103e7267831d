/**
 * Serves a file or a byte array with HTTP Range support, as `<video>` elements need for seeking: 206 with
 * Content-Range for a satisfiable range, 416 for a bad one, 200 with Accept-Ranges for the whole file.
 */
import { createReadStream } from "node:fs";
import { stat } from "node:fs/promises";
import { Readable } from "node:stream";

export type ByteRange = { start: number; end: number };

/** Parses one `bytes=` range against a size. Returns null for no header, "invalid" for an unsatisfiable one. */
export function parseRange(header: string | undefined, size: number): ByteRange | null | "invalid" {
  if (!header) return null;
  const match = /^bytes=(\d*)-(\d*)$/.exec(header.trim());
  if (!match) return "invalid";
  const [, from = "", to = ""] = match;
  if (from === "" && to === "") return "invalid";
  let start: number;
  let end: number;
  if (from === "") {
    const suffix = Number(to);
    if (suffix === 0) return "invalid";
    start = Math.max(0, size - suffix);
    end = size - 1;
  } else {
    start = Number(from);
    end = to === "" ? size - 1 : Math.min(Number(to), size - 1);
  }
  if (start >= size || start > end) return "invalid";
  return { start, end };
}

interface Source {
  size: number;
  body: (range: ByteRange | null) => BodyInit;
}

function respond(source: Source, rangeHeader: string | undefined, headers: Record<string, string>): Response {
  const base = { "accept-ranges": "bytes", ...headers };
  const range = parseRange(rangeHeader, source.size);
  if (range === "invalid") {
    return new Response(null, {
      status: 416,
      headers: { ...base, "content-range": `bytes */${source.size}` },
    });
  }
  if (!range) {
    return new Response(source.body(null), {
      status: 200,
      headers: { ...base, "content-length": String(source.size) },
    });
  }
  return new Response(source.body(range), {
    status: 206,
    headers: {
      ...base,
      "content-range": `bytes ${range.start}-${range.end}/${source.size}`,
      "content-length": String(range.end - range.start + 1),
    },
  });
}

export async function serveFile(
  filePath: string,
  rangeHeader: string | undefined,
  headers: Record<string, string>,
): Promise<Response> {
  const { size } = await stat(filePath);
  return respond(
    {
      size,
      body: (range) =>
        Readable.toWeb(
          createReadStream(filePath, range ? { start: range.start, end: range.end } : {}),
        ) as BodyInit,
    },
    rangeHeader,
    headers,
  );
}

export function serveBytes(
  bytes: Uint8Array,
  rangeHeader: string | undefined,
  headers: Record<string, string>,
): Response {
  return respond(
    {
      size: bytes.byteLength,
      body: (range) => (range ? bytes.slice(range.start, range.end + 1) : bytes) as BodyInit,
    },
    rangeHeader,
    headers,
  );
}
