#!/usr/bin/env node
// Compiles src/ to dist/ for production (`node dist/main.js`): tsc with tsconfig.build.json rewrites the `.ts`
// import specifiers to `.js`; the files the code reads next to itself (the playground page, the Slack manifest) are
// copied alongside. `npm start` does not need this: in development it runs the TypeScript through tsx.
import { execFileSync } from "node:child_process";
import { cpSync, readdirSync, rmSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const root = path.resolve(fileURLToPath(new URL("..", import.meta.url)));
const src = path.join(root, "src");
const dist = path.resolve(root, process.argv[2] ?? "dist");

rmSync(dist, { recursive: true, force: true });
const tsc = path.join(root, "node_modules", "typescript", "bin", "tsc");
execFileSync(process.execPath, [tsc, "-p", path.join(root, "tsconfig.build.json"), "--outDir", dist], {
  stdio: "inherit",
});
for (const entry of readdirSync(src, { recursive: true, withFileTypes: true })) {
  if (!entry.isFile() || entry.name.endsWith(".ts")) continue;
  const from = path.join(entry.parentPath, entry.name);
  cpSync(from, path.join(dist, path.relative(src, from)));
}
