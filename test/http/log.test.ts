import { Writable } from "node:stream";
import { describe, expect, it } from "vitest";
import { createLogger } from "../../src/core/log.ts";

function capture() {
  const lines: string[] = [];
  const destination = new Writable({
    write(chunk, _enc, done) {
      lines.push(String(chunk));
      done();
    },
  });
  return { lines, logger: createLogger({ level: "debug", destination }) };
}

describe("logger", () => {
  it("keeps ids and hides secrets and tokenised URLs", () => {
    const { lines, logger } = capture();
    const token = "123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw";
    logger.child({ conversationId: "c_1", videoId: "v_9" }).info(
      {
        url: `https://api.telegram.org/file/bot${token}/photos/file_1.jpg`,
        botToken: "xoxb-1234-5678-abcdef",
        headers: { authorization: "Bearer abc.def" },
      },
      `downloading https://api.telegram.org/file/bot${token}/x.jpg`,
    );
    const out = lines.join("");
    expect(out).toContain('"conversationId":"c_1"');
    expect(out).toContain('"videoId":"v_9"');
    expect(out).not.toContain(token);
    expect(out).not.toContain("xoxb-1234");
    expect(out).not.toContain("abc.def");
  });
  it("masks a database URL's password wherever it appears, even one holding an unencoded @", () => {
    const { lines, logger } = capture();
    logger.error(
      { err: new Error("connect to postgres://ada:s3c@ret@db.example:5432/app failed") },
      "cannot reach postgresql://ada:s3cret@db.example/app?sslpassword=k3y",
    );
    const out = lines.join("");
    expect(out).toContain("postgres://ada:[redacted]@db.example:5432/app");
    expect(out).toContain("postgresql://ada:[redacted]@db.example/app");
    expect(out).not.toMatch(/s3c|ret@|k3y/);
  });
  it("masks secrets inside error messages", () => {
    const { lines, logger } = capture();
    logger.error({ err: new Error("GET https://x.test/a?token=s3cr3t failed") }, "download failed");
    expect(lines.join("")).not.toContain("s3cr3t");
  });

  it("keeps numbers under token-like keys, such as the token usage of a script", () => {
    const { lines, logger } = capture();
    logger.info(
      { promptTokens: 812, completionTokens: 95, apiKey: "sk-abcdefghijklmnopqrstuvwx" },
      "script written",
    );
    const line = JSON.parse(lines[0] ?? "{}") as Record<string, unknown>;
    expect(line.promptTokens).toBe(812);
    expect(line.completionTokens).toBe(95);
    expect(line.apiKey).toBe("[redacted]");
  });
});
