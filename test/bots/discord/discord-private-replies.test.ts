import { REST } from "@discordjs/rest";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createDiscordAdapter } from "../../../src/bots/discord/discord-adapter.ts";
import { firstAnswer } from "../../../src/bots/discord/first-answer.ts";
import { MEMORY_COMMAND, toMemoryCommand } from "../../../src/bots/discord/memory-command.ts";
import { createSilentLogger } from "../../../src/core/log.ts";
import { type DiscordStandIn, startDiscordStandIn } from "../../stand-ins/discord-api.ts";

// An APPLICATION_COMMAND interaction as Discord sends it for `/memory do:billing` (options of type 3, STRING).
const memoryCommand = (action: string) => ({
  type: 2,
  id: "1500000000000000001",
  channel_id: "1400000000000000002",
  data: { id: "1", name: "memory", type: 1, options: [{ name: "do", type: 3, value: action }] },
});

describe("Discord: plan, upgrade and billing from /memory", () => {
  it("offers them as actions and turns them into their commands", () => {
    const actions = MEMORY_COMMAND.options.find((o) => o.name === "do")?.choices?.map((c) => c.value);
    expect(actions).toEqual(expect.arrayContaining(["plan", "upgrade", "billing"]));
    for (const kind of ["plan", "upgrade", "billing"]) {
      expect(toMemoryCommand([{ name: "do", type: 3, value: kind }])).toEqual({ kind });
    }
  });

  it("defers /memory billing privately (ephemeral) and the others publicly", () => {
    expect(firstAnswer(memoryCommand("billing"))).toEqual({
      body: { type: 5, data: { flags: 64 } },
      follows: "command",
    });
    expect(firstAnswer(memoryCommand("plan")).body).toEqual({ type: 5 });
    expect(firstAnswer(memoryCommand("make")).body).toEqual({ type: 5 });
  });
});

describe("Discord adapter: a message for one person", () => {
  let discord: DiscordStandIn;
  const target = {
    platform: "discord" as const,
    workspaceId: "1300000000000000001",
    channelId: "1400000000000000002",
  };
  const applicationId = "1100000000000000001";
  const adapterFor = () =>
    createDiscordAdapter({
      rest: new REST({ version: "10", api: discord.apiUrl, retries: 0 }).setToken("MTEw.private.token"),
      applicationId,
      apiUrl: discord.apiUrl,
      logger: createSilentLogger(),
    });
  beforeAll(async () => {
    discord = await startDiscordStandIn();
  });
  afterAll(() => discord.close());

  it("fills only the asker's private deferral, and a public message never fills it", async () => {
    const adapter = adapterFor();
    adapter.noteInteraction({
      id: "1",
      token: "tok-private",
      channelId: target.channelId,
      privateTo: "u-asker",
    });
    adapter.noteInteraction({ id: "2", token: "tok-public", channelId: target.channelId });
    const before = discord.calls.length;
    await adapter.postMessage(target, { text: "Your status" });
    await adapter.postMessage(target, {
      text: "Manage billing: https://portal.example/x",
      privateTo: "u-asker",
    });
    const edits = discord.calls.slice(before).map((c) => `${c.method} ${c.path} ${String(c.body.content)}`);
    expect(edits).toEqual([
      `PATCH /webhooks/${applicationId}/tok-public/messages/@original Your status`,
      `PATCH /webhooks/${applicationId}/tok-private/messages/@original Manage billing: https://portal.example/x`,
    ]);
  });

  it("sends it as a direct message when no private reply is waiting, never to the channel", async () => {
    const adapter = adapterFor();
    const before = discord.calls.length;
    const ref = await adapter.postMessage(target, {
      text: "Manage billing: https://portal.example/y",
      privateTo: "1700000000000000042",
    });
    const calls = discord.calls.slice(before);
    expect(calls[0]).toMatchObject({
      method: "POST",
      path: "/users/@me/channels",
      body: { recipient_id: "1700000000000000042" },
    });
    expect(calls[1]?.path).toBe(`/channels/${ref.target.channelId}/messages`);
    expect(ref.target.channelId).not.toBe(target.channelId);
    expect(discord.find("POST", new RegExp(`^/channels/${target.channelId}/messages$`))).toHaveLength(0);
  });
});
