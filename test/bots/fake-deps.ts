/** In-memory stand-ins for the ports a bot uses, plus a log capture to grep for secrets. */
import { Writable } from "node:stream";
import type {
  BotDeps,
  DroppedPhotos,
  DroppedSong,
  MemoryCommandInput,
  ReactionChange,
} from "../../src/bots/common/bot-deps.ts";
import { createLogger } from "../../src/core/log.ts";

export interface FakeDeps extends BotDeps {
  dropped: DroppedPhotos[];
  songs: DroppedSong[];
  commands: MemoryCommandInput[];
  reactions: ReactionChange[];
  /** Files recorded per conversation (`channel/thread/fileId`), as the Store dedupes them. */
  recorded: Set<string>;
  /** What albumProgress answers (default: every dropped item of the album stored). */
  album?: { arriving: number; inMemory: boolean };
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
    songs: [],
    commands: [],
    reactions: [],
    recorded: new Set(),
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
      const where = `${input.target.platform}/${input.target.workspaceId}/${input.target.channelId}/${input.target.threadId}`;
      let fresh = 0;
      for (const file of input.files) {
        const key = `${where}/${file.fileId}`;
        if (deps.recorded.has(key)) continue;
        deps.recorded.add(key);
        fresh++;
      }
      return { fresh };
    },
    async dropSong(input) {
      deps.songs.push(input);
      const key = `${input.target.platform}/${input.target.workspaceId}/${input.target.channelId}/${input.target.threadId}/${input.file.fileId}`;
      const fresh = !deps.recorded.has(key);
      deps.recorded.add(key);
      return { fresh };
    },
    async albumProgress(target, albumKey) {
      const items = deps.dropped.filter(
        (d) => d.albumKey === albumKey && d.target.channelId === target.channelId,
      );
      const arriving = deps.album?.arriving ?? 0;
      return {
        stored: items.length - arriving,
        arriving,
        inMemory: deps.album?.inMemory ?? false,
      };
    },
    async runMemoryCommand(input) {
      deps.commands.push(input);
    },
    async recordReaction(change) {
      deps.reactions.push(change);
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
