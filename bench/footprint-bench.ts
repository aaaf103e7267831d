/**
 * `npm run bench` (third part): what an operator sees when starting the service the way the README says (`npm start`):
 * the time from the command to the first healthy `/healthz`, and the resident memory once idle. Three cases: the
 * embedded default on a fresh data folder (first start: PGlite runs initdb), the same folder started again, and a
 * fresh Postgres database (DATABASE_URL). RSS is the sum of VmRSS over the started tree less npm itself, read after
 * IDLE_SECONDS of quiet. Each case runs ROUNDS times; the table shows the median.
 */
import { spawn } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import postgres from "postgres";
import { descendants, rssKb } from "./measure.ts";

const ROOT = resolve(import.meta.dirname, "..");
const OUT = resolve(import.meta.dirname, "out");
const ROUNDS = Number(process.env.FOOTPRINT_BENCH_ROUNDS ?? 3);
const IDLE_SECONDS = Number(process.env.FOOTPRINT_IDLE_SECONDS ?? 10);
const ADMIN_URL = process.env.TEST_DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/postgres";
const PORT = 3931;

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] as number;
};

async function healthy(): Promise<boolean> {
  try {
    return (await fetch(`http://127.0.0.1:${PORT}/healthz`)).ok;
  } catch {
    return false;
  }
}

/** Starts `npm start` with env, returns seconds to healthy and idle RSS (MB), then stops it with SIGTERM. */
async function startOnce(
  env: Record<string, string>,
): Promise<{ healthySeconds: number; idleRssMb: number }> {
  const started = performance.now();
  const child = spawn("npm", ["start", "--silent"], {
    cwd: ROOT,
    env: { ...process.env, PORT: String(PORT), LOG_LEVEL: "warn", ...env },
    stdio: ["ignore", "ignore", "inherit"],
    detached: true,
  });
  const exited = new Promise<void>((resolveExit) => child.on("exit", () => resolveExit()));
  try {
    const deadline = started + 120_000;
    while (!(await healthy())) {
      if (performance.now() > deadline) throw new Error("the service did not become healthy within 120 s");
      if (child.exitCode !== null)
        throw new Error(`the service exited with ${child.exitCode} before it was healthy`);
      await new Promise((r) => setTimeout(r, 25));
    }
    const healthySeconds = (performance.now() - started) / 1000;
    await new Promise((r) => setTimeout(r, IDLE_SECONDS * 1000));
    const pid = child.pid as number;
    const idleKb = descendants(pid).reduce((sum, p) => sum + rssKb(p), 0);
    return { healthySeconds, idleRssMb: idleKb / 1024 };
  } finally {
    process.kill(-(child.pid as number), "SIGTERM");
    await exited;
  }
}

interface Row {
  name: string;
  healthy: number[];
  rss: number[];
}

const rows: Row[] = [];
const scratch = await mkdtemp(join(tmpdir(), "pm-footprint-"));
try {
  const first: Row = { name: "embedded (PGlite), first start", healthy: [], rss: [] };
  const again: Row = { name: "embedded (PGlite), restart", healthy: [], rss: [] };
  const pg: Row = { name: "Postgres (DATABASE_URL)", healthy: [], rss: [] };
  for (let round = 0; round < ROUNDS; round++) {
    const dataDir = join(scratch, `data-${round}`);
    const a = await startOnce({ DATA_DIR: dataDir, DATABASE_URL: "" });
    first.healthy.push(a.healthySeconds);
    first.rss.push(a.idleRssMb);
    const b = await startOnce({ DATA_DIR: dataDir, DATABASE_URL: "" });
    again.healthy.push(b.healthySeconds);
    again.rss.push(b.idleRssMb);
    const name = `pm_footprint_${process.pid}_${round}`;
    const admin = postgres(ADMIN_URL, { max: 1, onnotice: () => {} });
    await admin.unsafe(`create database ${name}`);
    try {
      const url = new URL(ADMIN_URL);
      url.pathname = `/${name}`;
      const c = await startOnce({ DATA_DIR: join(scratch, `pg-${round}`), DATABASE_URL: url.toString() });
      pg.healthy.push(c.healthySeconds);
      pg.rss.push(c.idleRssMb);
    } finally {
      await admin.unsafe(`drop database if exists ${name} with (force)`);
      await admin.end({ timeout: 1 });
    }
  }
  rows.push(first, again, pg);
} finally {
  await rm(scratch, { recursive: true, force: true });
}

const lines = [
  `Footprint (${ROUNDS} rounds, medians; RSS after ${IDLE_SECONDS} s idle; targets for the embedded default: healthy ≤ 3 s, idle RSS ≤ 300 MB)`,
  "",
  "| start | to healthy s | idle RSS MB | runs (s) |",
  "| --- | ---: | ---: | --- |",
  ...rows.map(
    (r) =>
      `| ${r.name} | ${median(r.healthy).toFixed(2)} | ${Math.round(median(r.rss))} | ${r.healthy.map((h) => h.toFixed(2)).join(", ")} |`,
  ),
];
console.log(lines.join("\n"));
await writeFile(join(OUT, "footprint-bench.md"), `${lines.join("\n")}\n`);
