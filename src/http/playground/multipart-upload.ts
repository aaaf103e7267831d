/**
 * A playground upload (photos, or a song), streamed to disk: busboy parses the multipart body as it arrives and each file part is
 * written to its own temp file, so no file is ever held whole in memory. Caps apply while reading: a declared
 * Content-Length over the request cap is refused before a byte is read, and a file or a body that grows past its cap
 * is refused the moment it does, without reading the rest. Malformed multipart is the client's fault (400); a disk
 * that fills (ENOSPC) is the server's (507).
 */
import { createWriteStream } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Readable, Transform, type Writable } from "node:stream";
import type { ReadableStream as NodeWebReadableStream } from "node:stream/web";
import busboy from "busboy";

export interface UploadLimits {
  /** One file's cap (a photo). */
  maxFileBytes: number;
  /** The whole body's cap. */
  maxRequestBytes: number;
  maxFiles: number;
}

export interface SavedFile {
  /** The form field it came in (one of `fileFields`). */
  field: string;
  /** The name the client gave, or `<noun>-<n>`. */
  name: string;
  /** Where its bytes are on disk, inside the upload's temp folder. */
  path: string;
  bytes: number;
}

export interface SavedUpload {
  /** The files of the `fileFields`, in the order they came. */
  files: SavedFile[];
  /** Plain text fields (the first value of each). */
  fields: Record<string, string>;
  /** Removes the temp folder and every file in it. */
  cleanup(): Promise<void>;
}

/** Why an upload was refused: the HTTP status and a sentence for the person uploading. */
export class UploadRefused extends Error {
  constructor(
    readonly status: 400 | 413 | 507,
    readonly code: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = "UploadRefused";
  }
}

/** Folder name prefix of an upload's temp folder (retention's SCRATCH_PREFIXES removes one a killed process left). */
export const UPLOAD_DIR_PREFIX = "photomemory-upload-";

export interface SaveUploadOptions {
  limits: UploadLimits;
  /** The form fields whose files are taken (the rest are skipped); `photos` by default. */
  fileFields?: readonly string[];
  /** What the sentences call one file and several ("photo", "photos" by default). */
  noun?: { one: string; many: string };
  /** How the sentences state the file cap (in MB, from `limits.maxFileBytes`, by default). */
  fileCapText?: string;
  /** Where the upload's temp folder goes; the OS temp folder by default. */
  tmpDir?: string;
  /** Opens the file a part is written to; tests inject one whose writes fail (a full disk). */
  openFile?: (path: string) => Writable;
}

const megabytes = (bytes: number) => `${Math.round((bytes / 1_000_000) * 10) / 10} MB`;

function isDiskFull(error: unknown): boolean {
  return (error as NodeJS.ErrnoException | undefined)?.code === "ENOSPC";
}

export async function saveMultipartUpload(
  request: Request,
  options: SaveUploadOptions,
): Promise<SavedUpload> {
  const { limits } = options;
  const fileFields = options.fileFields ?? ["photos"];
  const noun = options.noun ?? { one: "photo", many: "photos" };
  const fileCap = options.fileCapText ?? megabytes(limits.maxFileBytes);
  const BAD_UPLOAD = `That upload could not be read; send the ${noun.many} again as multipart/form-data.`;
  const contentType = request.headers.get("content-type") ?? "";
  if (!/^multipart\/form-data\s*;/i.test(contentType) || !request.body) {
    throw new UploadRefused(400, "bad_upload", BAD_UPLOAD);
  }
  const declared = Number(request.headers.get("content-length") ?? Number.NaN);
  if (Number.isFinite(declared) && declared > limits.maxRequestBytes) {
    throw new UploadRefused(
      413,
      "too_large",
      `That upload is ${megabytes(declared)}; send at most ${megabytes(limits.maxRequestBytes)} at once (fewer ${noun.many}).`,
    );
  }
  let parser: busboy.Busboy;
  try {
    parser = busboy({
      headers: { "content-type": contentType },
      limits: {
        fileSize: limits.maxFileBytes,
        files: limits.maxFiles,
        fields: 20,
        fieldSize: 64 * 1024,
        parts: limits.maxFiles + 20,
      },
    });
  } catch (cause) {
    // No boundary, or a content type busboy cannot take.
    throw new UploadRefused(400, "bad_upload", BAD_UPLOAD, { cause });
  }

  const dir = await mkdtemp(join(options.tmpDir ?? tmpdir(), UPLOAD_DIR_PREFIX));
  const cleanup = () => rm(dir, { recursive: true, force: true });
  const openFile = options.openFile ?? ((path: string) => createWriteStream(path, { flags: "wx" }));
  const files: SavedFile[] = [];
  const fields: Record<string, string> = {};
  const writes: Promise<void>[] = [];
  const source = Readable.fromWeb(request.body as unknown as NodeWebReadableStream<Uint8Array>);

  let received = 0;
  const counter = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      received += chunk.length;
      if (received > limits.maxRequestBytes) {
        done(
          new UploadRefused(
            413,
            "too_large",
            `That upload is over ${megabytes(limits.maxRequestBytes)}; send fewer ${noun.many} at once.`,
          ),
        );
        return;
      }
      done(null, chunk);
    },
  });

  try {
    await new Promise<void>((resolve, reject) => {
      let settled = false;
      const fail = (error: unknown) => {
        if (settled) return;
        settled = true;
        // Stop reading: nothing more of the body is parsed or written. The server discards what is still in flight
        // after the answer instead of the handler reading it.
        source.unpipe(counter);
        counter.unpipe(parser);
        source.pause();
        parser.removeAllListeners("file");
        reject(error);
      };

      parser.on("file", (field, stream, info) => {
        if (!fileFields.includes(field)) {
          stream.resume();
          return;
        }
        const index = files.length;
        const name = info.filename?.trim() || `${noun.one}-${index + 1}`;
        const path = join(dir, String(index));
        const saved: SavedFile = { field, name, path, bytes: 0 };
        files.push(saved);
        const out = openFile(path);
        stream.on("data", (chunk: Buffer) => {
          saved.bytes += chunk.length;
        });
        // A form that ends inside this part errors the part's stream too (busboy's parser reports it as well).
        stream.once("error", (cause) => {
          stream.unpipe(out);
          out.destroy();
          fail(new UploadRefused(400, "bad_upload", BAD_UPLOAD, { cause }));
        });
        stream.once("limit", () => {
          stream.unpipe(out);
          out.destroy();
          fail(
            new UploadRefused(
              413,
              "too_large",
              `${name} is over ${fileCap}; ${noun.many} can be at most ${fileCap}. Nothing from this upload was added.`,
            ),
          );
        });
        writes.push(
          new Promise<void>((done) => {
            out.once("finish", () => done());
            out.once("close", () => done());
            out.once("error", (error: Error) => {
              stream.unpipe(out);
              stream.resume();
              fail(
                isDiskFull(error)
                  ? new UploadRefused(
                      507,
                      "storage_full",
                      "The server is out of storage space; please try again later.",
                      { cause: error },
                    )
                  : error,
              );
              done();
            });
          }),
        );
        stream.pipe(out);
      });
      parser.on("field", (name, value) => {
        if (!(name in fields)) fields[name] = value;
      });
      parser.on("filesLimit", () =>
        fail(
          new UploadRefused(
            400,
            "too_many",
            limits.maxFiles === 1
              ? `Send one ${noun.one} at a time.`
              : `Send at most ${limits.maxFiles} ${noun.many} at once.`,
          ),
        ),
      );
      parser.on("error", (cause) => fail(new UploadRefused(400, "bad_upload", BAD_UPLOAD, { cause })));
      counter.on("error", fail);
      source.on("error", (cause) =>
        fail(
          new UploadRefused(400, "bad_upload", `The upload was cut off; send the ${noun.many} again.`, {
            cause,
          }),
        ),
      );
      parser.on("close", () => {
        void Promise.all(writes).then(() => {
          if (settled) return;
          settled = true;
          resolve();
        });
      });
      source.pipe(counter).pipe(parser);
    });
  } catch (error) {
    await cleanup();
    throw error;
  }
  return { files, fields, cleanup };
}
