/**
 * Starts the whole PhotoMemory service (PGlite in a temp folder, local blobs, the embedded job runner, the offline
 * script writer, real ffmpeg) with a platform's variables pointing at its local stand-in, and captures the log.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { Writable } from "node:stream";
import { loadConfig } from "../../../src/config.ts";
import { createLogger } from "../../../src/core/log.ts";
import { type Service, startService } from "../../../src/main.ts";

export interface BotService {
  service: Service;
  logs(): string;
  stop(): Promise<void>;
}

export async function startBotService(env: Record<string, string>): Promise<BotService> {
  const dataDir = await mkdtemp(path.join(tmpdir(), "pm-bots-"));
  const lines: string[] = [];
  const destination = new Writable({
    write(chunk, _enc, done) {
      lines.push(String(chunk));
      done();
    },
  });
  const config = loadConfig({ PORT: "0", HOST: "127.0.0.1", DATA_DIR: dataDir, ...env });
  const service = await startService(config, { logger: createLogger({ level: "debug", destination }) });
  return {
    service,
    logs: () => lines.join(""),
    async stop() {
      await service.stop();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

export async function eventually<T>(
  probe: () => T | undefined | false,
  what: string,
  timeoutMs = 150_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const value = probe();
    if (value) return value;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`timed out waiting for ${what}`);
}
