import { describe, expect, it } from "vitest";
import { parseMemoryCommand } from "../../src/core/memories/parse-command.ts";

describe("parseMemoryCommand", () => {
  it("reads style and title from a playground line", () => {
    expect(parseMemoryCommand("/memory vintage Our trip")).toEqual({
      kind: "request",
      style: "vintage",
      title: "Our trip",
    });
  });
  it("reads the bare arguments a slash command delivers", () => {
    expect(parseMemoryCommand("modern 9:16 Summer at the lake")).toEqual({
      kind: "request",
      style: "modern",
      aspect: "9:16",
      title: "Summer at the lake",
    });
  });
  it("reads `silent` (no music) among the style and aspect, in any order", () => {
    expect(parseMemoryCommand("/memory silent vintage Quiet morning")).toEqual({
      kind: "request",
      style: "vintage",
      silent: true,
      title: "Quiet morning",
    });
    expect(parseMemoryCommand("modern 9:16 SILENT")).toEqual({
      kind: "request",
      style: "modern",
      aspect: "9:16",
      silent: true,
    });
    // Later in the title it is just a word of the title.
    expect(parseMemoryCommand("/memory classic The silent lake")).toEqual({
      kind: "request",
      style: "classic",
      title: "The silent lake",
    });
  });
  it("leaves style unset when none is given so the platform can offer a picker", () => {
    expect(parseMemoryCommand("/memory")).toEqual({ kind: "request" });
    expect(parseMemoryCommand("/memory@PhotoMemoryBot Grandma's 90th")).toEqual({
      kind: "request",
      title: "Grandma's 90th",
    });
  });
  it("recognises the subcommands", () => {
    expect(parseMemoryCommand("/memory help")).toEqual({ kind: "help" });
    expect(parseMemoryCommand("STATUS")).toEqual({ kind: "status" });
    expect(parseMemoryCommand("/memory reset")).toEqual({ kind: "reset" });
    expect(parseMemoryCommand("/memory new")).toEqual({ kind: "reset" });
    expect(parseMemoryCommand("/memory New")).toEqual({ kind: "reset" });
    expect(parseMemoryCommand("/memory cancel")).toEqual({ kind: "cancel" });
    expect(parseMemoryCommand("/memory retry")).toEqual({ kind: "retry" });
    expect(parseMemoryCommand("/memory retry v_123")).toEqual({ kind: "retry", videoId: "v_123" });
    expect(parseMemoryCommand("retry:v_123")).toEqual({ kind: "retry", videoId: "v_123" });
  });
  it("reads `/memory lang xx` as the conversation's language, canonical, and knows a non-language when it sees one", () => {
    expect(parseMemoryCommand("/memory lang fr")).toEqual({ kind: "language", language: "fr" });
    expect(parseMemoryCommand("lang pt_br")).toEqual({ kind: "language", language: "pt-BR" });
    expect(parseMemoryCommand("/memory language JA")).toEqual({ kind: "language", language: "ja" });
    expect(parseMemoryCommand("/memory lang")).toEqual({ kind: "language" });
    expect(parseMemoryCommand("/memory lang auto")).toEqual({ kind: "language", language: null });
    expect(parseMemoryCommand("/memory lang french")).toEqual({ kind: "language", invalid: "french" });
    expect(parseMemoryCommand("/memory lang zz")).toEqual({ kind: "language", invalid: "zz" });
    // More words than a tag: a title that happens to start with the word.
    expect(parseMemoryCommand("/memory Language of flowers")).toEqual({
      kind: "request",
      title: "Language of flowers",
    });
  });
  it("treats a subcommand word followed by more words as a title", () => {
    expect(parseMemoryCommand("/memory help desk party")).toEqual({
      kind: "request",
      title: "help desk party",
    });
  });
});
