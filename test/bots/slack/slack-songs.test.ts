/**
 * Slack songs and audio clips, as Slack sends them: an audio clip recorded in Slack (`subtype: slack_audio`,
 * audio/webm, with its transcription), the same kind of clip labelled video/mp4 by older clients, and an uploaded MP3
 * next to a photo, announced again by file_shared. Clips are voice notes, uploads are songs; each is recorded once.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type SlackStandIn, startSlackStandIn } from "../../stand-ins/slack-api.ts";
import { createFakeDeps, type FakeDeps } from "../fake-deps.ts";
import { SLACK_TOKEN, signedSlackPost, slackBotOn, slackFixture } from "./contract-kit.ts";

const fixture = slackFixture;

let slack: SlackStandIn;
let deps: FakeDeps;
let bot: ReturnType<typeof slackBotOn>;

beforeAll(async () => {
  slack = await startSlackStandIn({ botToken: SLACK_TOKEN });
});
afterAll(() => slack.close());

function setup() {
  deps = createFakeDeps();
  bot = slackBotOn(slack, deps);
}

async function post(name: string) {
  const response = await bot.router.request("/events", signedSlackPost(fixture(name)));
  expect(response.status).toBe(200);
}

describe("Slack: songs and audio clips", () => {
  it("takes an audio clip recorded in Slack as a voice note", async () => {
    setup();
    await post("message-audio-clip.json");
    expect(deps.dropped).toHaveLength(0);
    expect(deps.songs).toEqual([
      {
        target: { platform: "slack", workspaceId: "T0001", channelId: "C0001" },
        kind: "voice",
        file: {
          platform: "slack",
          fileId: "F0AUD1",
          workspaceId: "T0001",
          name: "audio_message.webm",
          mimeType: "audio/webm",
          size: 48231,
        },
        deliveryKey: "slack:Ev0AUD1:F0AUD1",
        userId: "U0001",
        messageId: "1700000101.000300",
      },
    ]);
  });

  it("takes a clip Slack labels video/mp4 as a voice note too", async () => {
    setup();
    await post("message-audio-clip-mp4.json");
    expect(deps.songs.map((s) => [s.kind, s.file.fileId, s.file.mimeType])).toEqual([
      ["voice", "F0AUD2", "video/mp4"],
    ]);
  });

  it("takes an uploaded MP3 as a song and the photo beside it as a photo; file_shared records the song once", async () => {
    setup();
    slack.files.set("F0MP31", { name: "Aguas de Marco.mp3", mimetype: "audio/mpeg", size: 8593012 });
    await post("message-file-share-song.json");
    expect(deps.dropped.map((d) => d.files.map((f) => f.fileId))).toEqual([["F0001"]]);
    expect(deps.songs).toHaveLength(1);
    expect(deps.songs[0]).toMatchObject({
      kind: "song",
      file: { fileId: "F0MP31", name: "Aguas de Marco.mp3", mimeType: "audio/mpeg", size: 8593012 },
      messageId: "1700000102.000400",
    });
    await post("file-shared-song.json");
    expect(deps.songs).toHaveLength(2);
    expect(deps.songs[1]?.file.fileId).toBe("F0MP31");
    // The Store records one song per conversation and file: the second event adds nothing.
    expect(deps.recorded.size).toBe(2);
  });
});
