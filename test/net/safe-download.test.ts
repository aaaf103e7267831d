import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { isPhotoMemoryError } from "../../src/core/errors.ts";
import { safeDownload, safeDownloadImage } from "../../src/core/net/safe-download.ts";
import { type LocalServer, SIGN_IN_PAGE, startLocalServer, TINY_JPEG } from "../stand-ins/local-server.ts";

let files: LocalServer;
let other: LocalServer;

beforeAll(async () => {
  other = await startLocalServer((req, res) => {
    res.writeHead(200, {
      "content-type": "image/jpeg",
      "x-saw-auth": String(req.headers.authorization ?? ""),
    });
    res.end(TINY_JPEG);
  });
  files = await startLocalServer((req, res) => {
    switch (req.path) {
      case "/photo.jpg":
        res.writeHead(200, { "content-type": "image/jpeg" });
        return void res.end(TINY_JPEG);
      case "/sign-in":
        res.writeHead(200, { "content-type": "text/html; charset=utf-8" });
        return void res.end(SIGN_IN_PAGE);
      case "/big-chunked":
        res.writeHead(200, { "content-type": "image/jpeg" });
        res.write(Buffer.alloc(600_000, 0xff));
        res.write(Buffer.alloc(600_000, 0xff));
        return void res.end();
      case "/to-metadata":
        res.writeHead(302, { location: "http://169.254.169.254/latest/meta-data/" });
        return void res.end();
      case "/to-other":
        res.writeHead(302, { location: `${other.url}/x.jpg` });
        return void res.end();
      case "/gone":
        res.writeHead(404, { "content-type": "text/plain" });
        return void res.end("This content is no longer available.");
      case "/stall":
        res.writeHead(200, { "content-type": "image/jpeg" });
        res.write(TINY_JPEG.subarray(0, 4));
        return; // never ends
      default:
        res.writeHead(500);
        res.end();
    }
  });
});
afterAll(async () => {
  await files.close();
  await other.close();
});

const policy = () => ({ hosts: ["files.slack.com"], origins: [files.url, other.url] });

async function errorOf(promise: Promise<unknown>): Promise<{ code: string; message: string }> {
  try {
    await promise;
  } catch (error) {
    if (isPhotoMemoryError(error)) return { code: error.code, message: error.message };
    throw error;
  }
  throw new Error("expected a PhotoMemoryError");
}

describe("safeDownload", () => {
  it("fetches an image from an allowed origin", async () => {
    const bytes = await safeDownloadImage(`${files.url}/photo.jpg`, {
      policy: policy(),
      maxBytes: 1_000_000,
    });
    expect(Buffer.from(bytes).equals(TINY_JPEG)).toBe(true);
  });

  it("turns a 200 HTML sign-in page into a clear error instead of a photo", async () => {
    const error = await errorOf(
      safeDownloadImage(`${files.url}/sign-in`, { policy: policy(), maxBytes: 1_000_000 }),
    );
    expect(error.code).toBe("download.html_page");
    expect(error.message).toMatch(/web page instead of the photo/);
  });

  it("refuses hosts outside the allow-list, plain http and IP literals", async () => {
    for (const url of [
      "https://evil.example.com/a.jpg",
      "http://files.slack.com/a.jpg",
      "https://169.254.169.254/latest/",
      "https://files.slack.com:8443/a.jpg",
      "https://user:pw@files.slack.com/a.jpg",
    ]) {
      expect((await errorOf(safeDownload(url, { policy: policy(), maxBytes: 10 }))).code).toBe(
        "download.forbidden_host",
      );
    }
  });

  it("re-checks the host after a redirect", async () => {
    const error = await errorOf(
      safeDownload(`${files.url}/to-metadata`, { policy: policy(), maxBytes: 1000 }),
    );
    expect(error.code).toBe("download.forbidden_host");
  });

  it("does not forward the Authorization header to another origin on redirect", async () => {
    const got = await safeDownload(`${files.url}/to-other`, {
      policy: policy(),
      maxBytes: 1_000_000,
      headers: { authorization: "Bearer xoxb-secret" },
    });
    expect(got.bytes.byteLength).toBe(TINY_JPEG.byteLength);
    expect(other.requests.at(-1)?.headers.authorization).toBeUndefined();
  });

  it("aborts a body over the cap even without a Content-Length", async () => {
    const error = await errorOf(
      safeDownload(`${files.url}/big-chunked`, { policy: policy(), maxBytes: 1_000_000 }),
    );
    expect(error.code).toBe("download.too_large");
  });

  it("reports a vanished file and a stalled server", async () => {
    expect(
      (await errorOf(safeDownload(`${files.url}/gone`, { policy: policy(), maxBytes: 1000 }))).code,
    ).toBe("download.gone");
    const stalled = await errorOf(
      safeDownload(`${files.url}/stall`, { policy: policy(), maxBytes: 1000, timeoutMs: 300 }),
    );
    expect(stalled.code).toBe("download.failed");
    expect(stalled.message).toMatch(/took too long/);
  });
});
