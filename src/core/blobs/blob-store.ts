/**
 * Port: where photo, video and poster bytes live. Keys look like `<scope>/<kind>/<id>.<ext>`
 * (e.g. `c_123/photos/<sha256>.jpg`, `c_123/videos/<videoId>.mp4`); they are deterministic so retried steps overwrite
 * the same object instead of leaking new ones.
 */
export interface BlobStore {
  readonly kind: "local" | "supabase";
  /** Writes (or overwrites) the object atomically. */
  put(key: string, body: Uint8Array, contentType: string): Promise<void>;
  /** Writes a local file without loading it all in memory. */
  putFile(key: string, filePath: string, contentType: string): Promise<void>;
  /** Reads the object; throws PhotoMemoryError `blob.not_found` when absent. */
  get(key: string): Promise<Uint8Array>;
  /** Copies the object to a local file path (renderer input). */
  download(key: string, filePath: string): Promise<void>;
  exists(key: string): Promise<boolean>;
  /** Deleting an absent key is not an error. */
  delete(key: string): Promise<void>;
  /** An expiring URL to read the object, or null when the store has no URL of its own (local disk). */
  signedUrl(key: string, expiresInSeconds: number): Promise<string | null>;
  /** Local disk only: the absolute path of the object, for streaming with Range support. */
  localPath?(key: string): string;
}
