/**
 * BlobStore on local disk under DATA_DIR/blobs (the embedded default). Writes go to a temp file in `<root>/.tmp`
 * and are renamed into place, so a reader never sees half a file and a crash leaves no partial object.
 */
import { randomBytes } from "node:crypto";
import { copyFile, mkdir, readFile, rename, rm, stat, writeFile } from "node:fs/promises";
import { dirname, join, resolve, sep } from "node:path";
import { PhotoMemoryError } from "../errors.ts";
import { assertBlobKey } from "./blob-key.ts";
import type { BlobStore } from "./blob-store.ts";

export interface LocalBlobStoreOptions {
  /** Folder holding the objects, e.g. `./.data/blobs`. Created when missing. */
  root: string;
}

const isMissing = (e: unknown) => (e as { code?: string } | null)?.code === "ENOENT";

export function createLocalBlobStore(options: LocalBlobStoreOptions): BlobStore {
  const root = resolve(options.root);
  const tmpDir = join(root, ".tmp");

  const pathOf = (key: string): string => {
    assertBlobKey(key);
    const path = resolve(root, key);
    if (!path.startsWith(root + sep))
      throw new PhotoMemoryError("blob.invalid_key", "That storage key is not allowed.");
    return path;
  };

  /** Writes through a temp file and renames it over the target (atomic on one filesystem). */
  async function atomically(target: string, write: (tmp: string) => Promise<void>): Promise<void> {
    await mkdir(tmpDir, { recursive: true });
    await mkdir(dirname(target), { recursive: true });
    const tmp = join(tmpDir, `${randomBytes(12).toString("hex")}.tmp`);
    try {
      await write(tmp);
      await rename(tmp, target);
    } catch (cause) {
      await rm(tmp, { force: true });
      if (cause instanceof PhotoMemoryError) throw cause;
      if (isMissing(cause))
        throw new PhotoMemoryError("blob.not_found", "The file to store was not found.", { cause });
      throw new PhotoMemoryError("blob.failed", "The file could not be stored.", { cause });
    }
  }

  const notFound = (key: string, cause: unknown) =>
    new PhotoMemoryError("blob.not_found", `Nothing is stored under ${key}.`, { cause });

  return {
    kind: "local",
    async put(key, body) {
      await atomically(pathOf(key), (tmp) => writeFile(tmp, body));
    },
    async putFile(key, filePath) {
      await atomically(pathOf(key), (tmp) => copyFile(filePath, tmp));
    },
    async get(key) {
      try {
        return new Uint8Array(await readFile(pathOf(key)));
      } catch (e) {
        if (isMissing(e)) throw notFound(key, e);
        throw e;
      }
    },
    async download(key, filePath) {
      const source = pathOf(key);
      try {
        await stat(source);
      } catch (e) {
        if (isMissing(e)) throw notFound(key, e);
        throw e;
      }
      await mkdir(dirname(resolve(filePath)), { recursive: true });
      await copyFile(source, filePath);
    },
    async exists(key) {
      try {
        return (await stat(pathOf(key))).isFile();
      } catch (e) {
        if (isMissing(e)) return false;
        throw e;
      }
    },
    async delete(key) {
      await rm(pathOf(key), { force: true });
    },
    async signedUrl(key) {
      pathOf(key);
      return null;
    },
    localPath: (key) => pathOf(key),
  };
}
