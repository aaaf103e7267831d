#!/usr/bin/env node
// Runs the `photomemory` command: from the TypeScript sources through tsx in a checkout (no build step), or from
// the compiled dist/ where the sources are not shipped (the Docker image).
import { existsSync } from "node:fs";

const source = new URL("../src/cli/main.ts", import.meta.url);
if (existsSync(source)) {
  const { register } = await import("tsx/esm/api");
  register();
  await import(source.href);
} else {
  await import(new URL("../dist/cli/main.js", import.meta.url).href);
}
