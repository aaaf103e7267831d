/**
 * Discord reactions as the gateway dispatches them (MESSAGE_REACTION_ADD / _REMOVE / _REMOVE_EMOJI / _REMOVE_ALL,
 * shaped like discord-api-types' dispatch data, member and super-reaction fields included): people's reactions are
 * recorded, the bot's own 📸 is not, and the client asks for the reaction intents.
 */
import { readFileSync } from "node:fs";
import { GatewayIntentBits } from "discord.js";
import { expect, it } from "vitest";
import { createDiscordGateway, onReactionDispatch } from "../../../src/bots/discord/gateway.ts";
import { createFakeDeps, waitFor } from "../fake-deps.ts";

const APPLICATION_ID = "1100000000000000001";
const fixture = (name: string) =>
  JSON.parse(readFileSync(new URL(`../../fixtures/discord/${name}`, import.meta.url), "utf8"));

const inGuild = {
  platform: "discord",
  workspaceId: "1300000000000000001",
  channelId: "1400000000000000002",
  messageId: "1900000000000000010",
};

it("records people's reactions in a server, super reactions and custom emoji apart, and their removal; not the bot's 📸", async () => {
  const deps = createFakeDeps();
  for (const packet of fixture("reaction-dispatches.json"))
    await onReactionDispatch(deps, packet, APPLICATION_ID);
  expect(deps.reactions).toEqual([
    { kind: "added", message: inGuild, reactorId: "1700000000000000002", emoji: "❤️" },
    {
      kind: "added",
      message: inGuild,
      reactorId: "1700000000000000002",
      emoji: "burst:partyblob:1550000000000000007",
    },
    { kind: "removed", message: inGuild, reactorId: "1700000000000000002", emoji: "❤️" },
    { kind: "cleared", message: inGuild, emoji: "partyblob:1550000000000000007" },
    { kind: "cleared", message: inGuild, emoji: "burst:partyblob:1550000000000000007" },
    { kind: "cleared", message: inGuild },
  ]);
});

it("records a reaction in a DM (no guild, no member) through the client's raw dispatches", async () => {
  const deps = createFakeDeps();
  const gateway = createDiscordGateway(deps, {
    token: "not-used",
    apiUrl: "http://127.0.0.1:9/api",
    applicationId: APPLICATION_ID,
  });
  gateway.client.emit("raw", fixture("reaction-add-dm.json"));
  // Other dispatches pass by.
  gateway.client.emit("raw", { t: "TYPING_START", s: 8, op: 0, d: { channel_id: "1450000000000000001" } });
  await waitFor(() => deps.reactions.length > 0, "the reaction");
  expect(deps.reactions).toEqual([
    {
      kind: "added",
      message: {
        platform: "discord",
        workspaceId: null,
        channelId: "1450000000000000001",
        messageId: "1900000000000000020",
      },
      reactorId: "1700000000000000003",
      emoji: "👍",
    },
  ]);
  // Without these intents Discord sends no reaction dispatches at all.
  const intents = gateway.client.options.intents;
  expect(intents.has(GatewayIntentBits.GuildMessageReactions)).toBe(true);
  expect(intents.has(GatewayIntentBits.DirectMessageReactions)).toBe(true);
  await gateway.stop();
});
