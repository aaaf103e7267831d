/**
 * Core knows no platform: nothing under src/core imports from src/bots, src/jobs or src/http, nor a chat SDK or
 * the Inngest SDK. Read from the source files themselves, so a new import anywhere in core is caught.
 */
import { readdir, readFile } from "node:fs/promises";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const CORE = join(ROOT, "src", "core");
const FORBIDDEN_FOLDERS = ["src/bots", "src/jobs", "src/http"].map((f) => join(ROOT, f));
const FORBIDDEN_PACKAGES = ["@slack/bolt", "@slack/web-api", "discord.js", "grammy", "inngest"];

/** Every module specifier in a source text: static imports/exports, dynamic import(), require(). */
function importsOf(source: string): string[] {
  const specifiers: string[] = [];
  const patterns = [
    /\b(?:import|export)\b[^'"`;]*?\bfrom\s*["']([^"']+)["']/g,
    /\bimport\s*["']([^"']+)["']/g,
    /\bimport\s*\(\s*["'`]([^"'`]+)["'`]\s*\)/g,
    /\brequire\s*\(\s*["']([^"']+)["']\s*\)/g,
  ];
  for (const pattern of patterns) {
    for (const match of source.matchAll(pattern)) if (match[1]) specifiers.push(match[1]);
  }
  return specifiers;
}

/** Why an import from `file` breaks the layering, or null when it is fine. */
function violation(file: string, specifier: string): string | null {
  if (specifier.startsWith(".")) {
    const target = resolve(dirname(file), specifier);
    const folder = FORBIDDEN_FOLDERS.find((f) => target === f || target.startsWith(`${f}/`));
    return folder ? `imports ${relative(ROOT, folder)}` : null;
  }
  const pkg = FORBIDDEN_PACKAGES.find((p) => specifier === p || specifier.startsWith(`${p}/`));
  return pkg ? `imports the ${pkg} SDK` : null;
}

async function sourceFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true, recursive: true });
  return entries
    .filter((e) => e.isFile() && /\.(ts|mts|js|mjs)$/.test(e.name))
    .map((e) => join(e.parentPath, e.name));
}

describe("layering", () => {
  it("keeps src/core free of bots, jobs, http and platform SDKs", async () => {
    const files = await sourceFiles(CORE);
    expect(files.length).toBeGreaterThan(10);
    const problems: string[] = [];
    for (const file of files) {
      for (const specifier of importsOf(await readFile(file, "utf8"))) {
        const why = violation(file, specifier);
        if (why) problems.push(`${relative(ROOT, file)} ${why} ("${specifier}")`);
      }
    }
    expect(problems).toEqual([]);
  });

  it("recognises the imports it forbids", () => {
    const file = join(CORE, "memories", "example.ts");
    const source = [
      'import { App } from "@slack/bolt";',
      'import type { Jobs } from "../../jobs/jobs.ts";',
      'export { x } from "../../bots/slack/adapter.ts";',
      'const m = await import("../../http/app.ts");',
      'import { Client } from "discord.js";',
      'import "grammy";',
      'import { z } from "zod";',
      'import { PhotoMemoryError } from "../errors.ts";',
    ].join("\n");
    const found = importsOf(source).filter((s) => violation(file, s) !== null);
    expect(found).toEqual([
      "@slack/bolt",
      "../../jobs/jobs.ts",
      "../../bots/slack/adapter.ts",
      "discord.js",
      "grammy",
      "../../http/app.ts",
    ]);
  });
});
