/**
 * BlobStore on Supabase Storage (production): a private bucket, upserts so retried steps overwrite the same object,
 * and expiring signed URLs as the only way to share. The client is built for server use: no session, no token
 * refresh, and the `ws` transport, without which supabase-js refuses to start on Node 20 (no global WebSocket).
 */

import { randomBytes } from "node:crypto";
import { createWriteStream, openAsBlob } from "node:fs";
import { mkdir, rename, rm } from "node:fs/promises";
import { dirname, resolve } from "node:path";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { createClient } from "@supabase/supabase-js";
import WebSocket from "ws";
import { PhotoMemoryError } from "../errors.ts";
import { assertBlobKey } from "./blob-key.ts";
import type { BlobStore } from "./blob-store.ts";

export interface SupabaseBlobStoreOptions {
  /** Project URL, e.g. https://<ref>.supabase.co */
  url: string;
  /** The service role key: server only, never sent to browsers or put in job payloads. */
  serviceRoleKey: string;
  bucket?: string;
  /** For tests and proxies; defaults to the global fetch. */
  fetch?: typeof fetch;
}

interface StorageFailure {
  status?: number;
  statusCode?: string;
  message?: string;
}

function isNotFound(error: unknown): boolean {
  const e = error as StorageFailure | null;
  return e?.status === 404 || e?.statusCode === "404" || /not.?found/i.test(e?.message ?? "");
}

export function createSupabaseBlobStore(options: SupabaseBlobStoreOptions): BlobStore {
  const bucketName = options.bucket ?? "media";
  const client = createClient(options.url, options.serviceRoleKey, {
    auth: { persistSession: false, autoRefreshToken: false, detectSessionInUrl: false },
    realtime: { transport: WebSocket as never },
    ...(options.fetch ? { global: { fetch: options.fetch } } : {}),
  });
  const bucket = () => client.storage.from(bucketName);

  const fail = (what: string, key: string, error: unknown): PhotoMemoryError =>
    isNotFound(error)
      ? new PhotoMemoryError("blob.not_found", `Nothing is stored under ${key}.`, { cause: error })
      : new PhotoMemoryError("blob.failed", `Storage could not ${what} ${key}.`, { cause: error });

  /** A fresh project has no bucket yet: create it (private) on the first upload that needs it. */
  async function createMissingBucket(): Promise<void> {
    const { error } = await client.storage.createBucket(bucketName, { public: false });
    if (error && !/already exists/i.test(error.message)) {
      throw new PhotoMemoryError("blob.failed", `Storage bucket ${bucketName} could not be created.`, {
        cause: error,
      });
    }
  }

  async function upload(key: string, body: Uint8Array | Blob, contentType: string): Promise<void> {
    assertBlobKey(key);
    let { error } = await bucket().upload(key, body, { contentType, upsert: true });
    if (error && /bucket not found/i.test(error.message)) {
      await createMissingBucket();
      ({ error } = await bucket().upload(key, body, { contentType, upsert: true }));
    }
    if (error) throw fail("store", key, error);
  }

  return {
    kind: "supabase",
    put: (key, body, contentType) => upload(key, body, contentType),
    async putFile(key, filePath, contentType) {
      // A file-backed Blob: the bytes are streamed from disk, not loaded at once.
      let blob: Blob;
      try {
        blob = await openAsBlob(filePath, { type: contentType });
      } catch (cause) {
        throw new PhotoMemoryError("blob.not_found", "The file to store was not found.", { cause });
      }
      await upload(key, blob, contentType);
    },
    async get(key) {
      assertBlobKey(key);
      const { data, error } = await bucket().download(key);
      if (error || !data) throw fail("read", key, error);
      return new Uint8Array(await data.arrayBuffer());
    },
    async download(key, filePath) {
      assertBlobKey(key);
      const { data, error } = await bucket().download(key).asStream();
      if (error || !data) throw fail("read", key, error);
      const target = resolve(filePath);
      await mkdir(dirname(target), { recursive: true });
      const tmp = `${target}.${randomBytes(6).toString("hex")}.part`;
      try {
        await pipeline(Readable.fromWeb(data as never), createWriteStream(tmp));
        await rename(tmp, target);
      } catch (cause) {
        await rm(tmp, { force: true });
        throw new PhotoMemoryError("blob.failed", `Storage could not read ${key}.`, { cause });
      }
    },
    async exists(key) {
      assertBlobKey(key);
      const { data, error } = await bucket().exists(key);
      if (error && !isNotFound(error) && (error as StorageFailure).status !== 400)
        throw fail("check", key, error);
      return data === true;
    },
    async delete(key) {
      assertBlobKey(key);
      const { error } = await bucket().remove([key]);
      if (error && !isNotFound(error)) throw fail("delete", key, error);
    },
    async signedUrl(key, expiresInSeconds) {
      assertBlobKey(key);
      const { data, error } = await bucket().createSignedUrl(key, Math.max(1, Math.floor(expiresInSeconds)));
      if (error || !data) throw fail("sign", key, error);
      return data.signedUrl;
    },
  };
}
