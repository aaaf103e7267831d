/**
 * Reads the repository's Dockerfile so the image test runs the image's own instructions (its `npm ci` flags, its
 * COPY list, ENV, CMD and HEALTHCHECK) rather than a copy of them that could drift.
 */
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

export interface Instruction {
  keyword: string;
  args: string;
}

export interface Stage {
  name: string;
  from: string;
  instructions: Instruction[];
}

export const DOCKERFILE = fileURLToPath(new URL("../../Dockerfile", import.meta.url));

/** The stages in order, continuation lines joined and comments dropped. */
export function readStages(path = DOCKERFILE): Stage[] {
  const lines = readFileSync(path, "utf8").split("\n");
  const logical: string[] = [];
  let current = "";
  for (const raw of lines) {
    const line = raw.trim();
    if (line.startsWith("#") || (line === "" && current === "")) continue;
    current += `${current ? " " : ""}${line.replace(/\\$/, "").trim()}`;
    if (!line.endsWith("\\")) {
      if (current) logical.push(current);
      current = "";
    }
  }
  const stages: Stage[] = [];
  for (const line of logical) {
    const [, keyword = "", args = ""] = /^(\w+)\s*(.*)$/.exec(line) ?? [];
    if (keyword.toUpperCase() === "FROM") {
      const [, from = "", name = String(stages.length)] = /^(\S+)(?:\s+AS\s+(\S+))?/i.exec(args) ?? [];
      stages.push({ name, from, instructions: [] });
    } else stages.at(-1)?.instructions.push({ keyword: keyword.toUpperCase(), args });
  }
  return stages;
}

export function stage(stages: Stage[], name: string): Stage {
  const found = stages.find((s) => s.name === name);
  if (!found) throw new Error(`Dockerfile has no stage "${name}"`);
  return found;
}

/** `ENV A=1 B=2` lines of a stage as one record. */
export function envOf(s: Stage): Record<string, string> {
  const env: Record<string, string> = {};
  for (const i of s.instructions.filter((i) => i.keyword === "ENV")) {
    for (const [, k = "", v = ""] of i.args.matchAll(/(\w+)=(\S+)/g)) env[k] = v;
  }
  return env;
}

/** The exec-form (JSON array) arguments of an instruction such as CMD, or of HEALTHCHECK's CMD. */
export function execForm(args: string): string[] {
  const json = args.slice(args.indexOf("["));
  return JSON.parse(json) as string[];
}
