import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import {
  type CommandOption,
  MEMORY_COMMAND,
  toMemoryCommand,
} from "../../../src/bots/discord/memory-command.ts";

const invocation = JSON.parse(
  readFileSync(new URL("../../fixtures/discord/memory-command.json", import.meta.url), "utf8"),
) as { data: { options: CommandOption[] } };

describe("the Discord /memory options", () => {
  it("offers a boolean `silent` option and turns it into a memory without music", () => {
    expect(MEMORY_COMMAND.options.find((o) => o.name === "silent")?.type).toBe(5); // BOOLEAN
    // A boolean option arrives as { name, type: 5, value: true } among the others.
    const silent = toMemoryCommand([...invocation.data.options, { name: "silent", type: 5, value: true }]);
    expect(silent).toEqual({ kind: "request", style: "modern", title: "Porto weekend", silent: true });
    expect(toMemoryCommand(invocation.data.options)).not.toHaveProperty("silent");
    expect(toMemoryCommand([{ name: "silent", type: 5, value: false }])).toEqual({ kind: "request" });
  });
});
