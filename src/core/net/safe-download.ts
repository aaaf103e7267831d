/**
 * The one way PhotoMemory fetches a platform file: allow-listed hosts only (re-checked after every redirect, which is
 * followed by hand so an `Authorization` header never travels to another origin), a byte cap enforced while streaming
 * (Content-Length can lie or be absent), an overall timeout, and a content sniff so a 200 HTML page is an error.
 */
import { PhotoMemoryError } from "../errors.ts";
import { sniffPhoto } from "../photos/sniff.ts";
import { checkUrl, type HostPolicy } from "./host-policy.ts";
import { readCappedStream } from "./read-capped.ts";

export interface DownloadOptions {
  policy: HostPolicy;
  maxBytes: number;
  /** Whole-download deadline; 30 s by default. */
  timeoutMs?: number;
  /** Sent to the first origin only (auth headers are not forwarded across origins on redirect). */
  headers?: Record<string, string>;
  maxRedirects?: number;
  signal?: AbortSignal;
  /** Injected for tests; the global fetch by default. */
  fetch?: typeof fetch;
}

export interface Downloaded {
  bytes: Uint8Array;
  contentType: string | null;
}

export async function safeDownload(rawUrl: string | URL, options: DownloadOptions): Promise<Downloaded> {
  const doFetch = options.fetch ?? fetch;
  const timeout = AbortSignal.timeout(options.timeoutMs ?? 30_000);
  const signal = options.signal ? AbortSignal.any([options.signal, timeout]) : timeout;
  const maxRedirects = options.maxRedirects ?? 3;
  let url = checkUrl(rawUrl, options.policy);
  const firstOrigin = url.origin;
  try {
    for (let hop = 0; ; hop++) {
      const headers = url.origin === firstOrigin ? options.headers : undefined;
      const response = await doFetch(url, { headers, redirect: "manual", signal });
      if (response.status >= 300 && response.status < 400 && response.headers.has("location")) {
        await response.body?.cancel();
        if (hop >= maxRedirects) {
          throw new PhotoMemoryError("download.failed", "The file link redirected too many times.");
        }
        url = checkUrl(new URL(response.headers.get("location") ?? "", url), options.policy);
        continue;
      }
      if (!response.ok) {
        await response.body?.cancel();
        const gone = response.status === 404 || response.status === 410;
        throw new PhotoMemoryError(
          gone ? "download.gone" : "download.failed",
          gone
            ? "The file is no longer available on the platform; please send it again."
            : `The platform answered ${response.status} when the file was fetched.`,
        );
      }
      const declared = Number(response.headers.get("content-length") ?? Number.NaN);
      if (Number.isFinite(declared) && declared > options.maxBytes) {
        await response.body?.cancel();
        throw tooLarge(options.maxBytes);
      }
      const bytes = await readCapped(response, options.maxBytes);
      return { bytes, contentType: response.headers.get("content-type") };
    }
  } catch (error) {
    if (error instanceof PhotoMemoryError) throw error;
    if (timeout.aborted) {
      // download.failed: transient, so a job retries it.
      throw new PhotoMemoryError("download.failed", "Fetching the file took too long; please try again.", {
        cause: error,
      });
    }
    throw new PhotoMemoryError("download.failed", "The file could not be fetched from the platform.", {
      cause: error,
    });
  }
}

/**
 * safeDownload, then refuses a web page in place of the file (`download.html_page`: Slack's sign-in page when a scope
 * is missing). What else the bytes are is for the one sniffer (photos/sniff.ts) to say when the photo is normalised,
 * with a sentence naming the kind of file.
 */
export async function safeDownloadImage(rawUrl: string | URL, options: DownloadOptions): Promise<Uint8Array> {
  const { bytes, contentType } = await safeDownload(rawUrl, options);
  const sniffed = sniffPhoto(bytes);
  if (sniffed.kind === "photo") return bytes;
  const htmlType = /^\s*(text\/html|application\/xhtml)/i.test(contentType ?? "");
  if (htmlType || sniffed.looksLike === "an HTML page" || sniffed.looksLike === "an XML or HTML document") {
    throw new PhotoMemoryError(
      "download.html_page",
      "The platform sent a web page instead of the photo, which usually means the bot lacks permission to read files.",
    );
  }
  return bytes;
}

async function readCapped(response: Response, maxBytes: number): Promise<Uint8Array> {
  if (!response.body) return new Uint8Array();
  const bytes = await readCappedStream(response.body, maxBytes);
  if (!bytes) throw tooLarge(maxBytes);
  return bytes;
}

function tooLarge(maxBytes: number): PhotoMemoryError {
  const mb = Math.round((maxBytes / 1_048_576) * 10) / 10;
  return new PhotoMemoryError("download.too_large", `That file is larger than the ${mb} MB I can take.`);
}
