/**
 * The platform contract, run over every entry of the registry: off without its variables; a chat adapter built on
 * its own (a worker delivers without serving webhooks); `handle(Request) → Response` with no server: a forged
 * delivery refused with 401 and nothing taken in, a real-shaped signed delivery taking its photo in once even when
 * delivered twice, anything else under `/<name>/` a 404.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ChatPlatform, PlatformStore } from "../../../src/bots/common/platform.ts";
import { PLATFORMS } from "../../../src/bots/platforms.ts";
import { createLogger } from "../../../src/core/log.ts";
import { createFakeDeps, type FakeDeps, waitFor } from "../fake-deps.ts";
import type { PlatformKit } from "./platform-kit.ts";

/** No installations stored: single-workspace tokens from the environment. */
const store: PlatformStore = {
  upsertWorkspace: async () => {
    throw new Error("not expected in the contract");
  },
  markWorkspaceUninstalled: async () => undefined,
  getWorkspace: async () => null,
  getWorkspaceToken: async () => null,
};

const photosIn = (deps: FakeDeps) => deps.dropped.reduce((n, d) => n + d.files.length, 0);

describe.each((PLATFORMS as readonly ChatPlatform[]).map((p) => [p.name, p] as const))(
  "%s",
  (name, platform) => {
    let kit: PlatformKit;
    beforeAll(async () => {
      const module = (await import(`../${name}/contract-kit.ts`)) as { startKit(): Promise<PlatformKit> };
      kit = await module.startKit();
    });
    afterAll(() => kit?.close());

    async function build() {
      const config = platform.parseConfig(kit.env);
      if (!config) throw new Error(`${name} did not turn on with its kit's variables`);
      const deps = createFakeDeps();
      const chat = await platform.createChat(config, { logger: deps.logger, store });
      const inbound = await platform.createInbound(
        config,
        { bot: deps, store, logger: deps.logger, publicUrl: "https://photomemory.example" },
        chat,
      );
      return { deps, chat, inbound };
    }

    it("is off without its variables", () => {
      expect(platform.parseConfig({})).toBeNull();
    });

    it("builds its chat adapter alone, for a worker that serves no webhooks", async () => {
      const config = platform.parseConfig(kit.env);
      if (!config) throw new Error("no config");
      const chat = await platform.createChat(config, { logger: createLogger({ level: "silent" }), store });
      expect(chat.platform).toBe(name);
      expect(chat.limits({ platform: name, channelId: "1" }).maxUploadBytes).toBeGreaterThan(1024 * 1024);
    });

    it("refuses a forged delivery with 401 and takes nothing in", async () => {
      const { deps, inbound } = await build();
      const res = await inbound.handle(kit.forgedDelivery());
      expect(res.status).toBe(401);
      await new Promise((r) => setTimeout(r, 200));
      expect(photosIn(deps)).toBe(0);
      expect(deps.commands).toHaveLength(0);
    });

    it("takes the photo of a signed delivery in once, even when the delivery comes twice", async () => {
      const { deps, inbound } = await build();
      expect((await inbound.handle(kit.photoDelivery())).status).toBe(200);
      await waitFor(() => photosIn(deps) === 1, "the photo");
      expect((await inbound.handle(kit.photoDelivery())).status).toBe(200);
      await new Promise((r) => setTimeout(r, 300));
      expect(photosIn(deps)).toBe(1);
    });

    it("answers 404 for a path it does not serve", async () => {
      const { inbound } = await build();
      const res = await inbound.handle(new Request(`http://localhost/${name}/nope`, { method: "POST" }));
      expect(res.status).toBe(404);
    });
  },
);
