import { describe, expect, it } from "vitest";
import { createProgressReporter } from "../../src/core/memories/pipeline/index.ts";
import { createRecordingChat } from "./pipeline-harness.ts";

const target = { platform: "playground" as const, channelId: "room" };

describe("render progress in the chat", () => {
  it("edits the status message at most once per 2 s and only when the bar moves a whole 5 %", async () => {
    let clock = 0;
    const chat = createRecordingChat();
    const reporter = createProgressReporter({
      chat: chat.adapter,
      target,
      statusMessage: { target, messageId: "status" },
      text: "Making",
      now: () => clock,
    });
    reporter.report(0.01); // 0 %: first visible state
    reporter.report(0.2); // same second: too soon
    clock = 2500;
    reporter.report(0.21); // 20 %
    clock = 5000;
    reporter.report(0.24); // still 20 %: nothing visible changed
    clock = 7000;
    reporter.report(0.26); // 25 %
    await reporter.flush();
    expect(chat.records.map((r) => [r.kind, r.messageId, r.progress])).toEqual([
      ["edit", "status", 0],
      ["edit", "status", 0.2],
      ["edit", "status", 0.25],
    ]);
    expect(chat.records[1]?.text).toContain("20 %");
  });

  it("posts a new message instead once the status message can no longer be edited, then edits that one", async () => {
    let clock = Date.parse("2026-11-26T08:00:00Z");
    const chat = createRecordingChat();
    const reporter = createProgressReporter({
      chat: chat.adapter,
      target,
      // A Discord interaction reply: editable for 15 minutes only.
      statusMessage: { target, messageId: "status", editableUntil: "2026-11-26T07:59:00Z" },
      text: "Making",
      now: () => clock,
    });
    reporter.report(0.1); // not a 25 % step: no new message for it
    clock += 3000;
    reporter.report(0.3);
    await reporter.flush();
    clock += 3000;
    reporter.report(0.35); // the new message is editable: fine steps again
    await reporter.flush();
    expect(chat.records.map((r) => [r.kind, r.messageId, r.progress])).toEqual([
      ["post", "m1", 0.25],
      ["edit", "m1", 0.35],
    ]);
  });
});
