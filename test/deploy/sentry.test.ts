/**
 * Sentry when SENTRY_DSN is set, against a local stand-in for Sentry's ingest endpoint: an uncaught error is reported,
 * and nothing it sends holds a token, a query string or a stack frame's local variables.
 */
import { spawn } from "node:child_process";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { fileURLToPath } from "node:url";
import { gunzipSync } from "node:zlib";
import { afterAll, beforeAll, expect, it } from "vitest";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));
let server: Server;
let base = "";
const envelopes: string[] = [];

beforeAll(async () => {
  server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const body = Buffer.concat(chunks);
      if (req.url?.startsWith("/api/")) {
        envelopes.push(
          (req.headers["content-encoding"] === "gzip" ? gunzipSync(body) : body).toString("utf8"),
        );
      }
      res.writeHead(200, { "content-type": "application/json" }).end("{}");
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

it("reports an uncaught error without tokens, query strings or local variables", {
  timeout: 120_000,
}, async () => {
  const child = spawn(
    process.execPath,
    ["--import", "tsx", "--import", "./src/instrument.ts", "test/fixtures/sentry/throw-with-secrets.ts"],
    {
      cwd: ROOT,
      env: {
        ...process.env,
        SENTRY_DSN: `${base.replace("//", "//publickey@")}/1`,
        PROBE_URL: `${base}/probe`,
        NODE_ENV: "production",
      },
      stdio: ["ignore", "pipe", "pipe"],
    },
  );
  const code = await new Promise<number | null>((resolve) => child.once("exit", resolve));
  expect(code).not.toBe(0);
  const sent = envelopes.join("\n");
  expect(sent).toContain('"type":"event"');
  expect(sent).toContain("Telegram refused bot[redacted]");
  for (const secret of [
    "AAH-secret-telegram-token",
    "51Hsecretstripekey",
    "whsec_secretsigning",
    "xoxb-1-secret",
  ]) {
    expect(sent).not.toContain(secret);
  }
  expect(sent).not.toContain('"vars"');
});
