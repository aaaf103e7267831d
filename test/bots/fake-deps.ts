/** In-memory stand-ins for the ports a bot uses, plus a log capture to grep for secrets. */
import { Writable } from "node:stream";
import type { BotDeps, DroppedPhotos, MemoryCommandInput } from "../../src/bots/common/bot-deps.ts";
import { createLogger } from "../../src/core/log.ts";

export interface FakeDeps extends BotDeps {
  dropped: DroppedPhotos[];
  commands: MemoryCommandInput[];
  /** Names of photos ingested right away (receivePhotosNow). */
  receivedNow: string[];
  seen: Set<string>;
  done: Set<string>;
  logs: () => string;
  /** Makes the next dropPhotos calls fail (the database is down). */
  failDrops: number;
}

export function createFakeDeps(overrides: Partial<BotDeps> = {}): FakeDeps {
  const lines: string[] = [];
  const destination = new Writable({
    write(chunk, _enc, done) {
      lines.push(String(chunk));
      done();
    },
  });
  const deps: FakeDeps = {
    logger: createLogger({ level: "debug", destination }),
    dropped: [],
    commands: [],
    receivedNow: [],
    seen: new Set(),
    done: new Set(),
    failDrops: 0,
    logs: () => lines.join(""),
    deliveries: {
      async recordInboundDelivery(source, id) {
        const key = `${source}:${id}`;
        if (deps.seen.has(key)) return false;
        deps.seen.add(key);
        return true;
      },
      async markDeliveryDone(source, id) {
        deps.done.add(`${source}:${id}`);
      },
      async isDeliveryDone(source, id) {
        return deps.done.has(`${source}:${id}`);
      },
      async markDeliveryFailed(source, id) {
        deps.seen.delete(`${source}:${id}`);
      },
    },
    async dropPhotos(input) {
      if (deps.failDrops > 0) {
        deps.failDrops--;
        throw new Error("database unavailable");
      }
      deps.dropped.push(input);
    },
    async receivePhotosNow(input) {
      deps.receivedNow.push(...input.photos.map((p) => p.name));
      return { added: input.photos.length, skipped: [] };
    },
    async runMemoryCommand(input) {
      deps.commands.push(input);
    },
    ...overrides,
  };
  return deps;
}

export async function waitFor(check: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 200; i++) {
    if (check()) return;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error(`timed out waiting for ${what}`);
}
