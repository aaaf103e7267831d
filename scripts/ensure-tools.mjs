#!/usr/bin/env node
// Installs the system tools PhotoMemory needs when they are missing: ffmpeg (with ffprobe) and, for the browser
// test, chromium. Uses Debian's apt when running as root; otherwise says what to install. Idempotent and quiet
// when everything is there.
import { execFileSync, spawnSync } from "node:child_process";
import { existsSync } from "node:fs";

const want = process.argv.slice(2);
const tools = want.length > 0 ? want : ["ffmpeg"];

function onPath(bin) {
  return spawnSync("sh", ["-c", `command -v ${bin}`], { stdio: "ignore" }).status === 0;
}

function ffmpegResolves() {
  if (process.env.FFMPEG_PATH && existsSync(process.env.FFMPEG_PATH)) return true;
  return onPath("ffmpeg") && onPath("ffprobe");
}

const missing = [];
if (tools.includes("ffmpeg") && !ffmpegResolves()) missing.push("ffmpeg");
if (tools.includes("chromium") && !existsSync(process.env.CHROMIUM_PATH ?? "/usr/bin/chromium"))
  missing.push("chromium");
if (tools.includes("fonts") && !existsSync("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"))
  missing.push("fonts-dejavu-core");

if (missing.length === 0) process.exit(0);

const isRoot = typeof process.getuid === "function" && process.getuid() === 0;
// GitHub's runners are not root but have password-less sudo.
const sudo =
  !isRoot && spawnSync("sudo", ["-n", "true"], { stdio: "ignore" }).status === 0 ? ["sudo", "-n"] : [];
if ((!isRoot && sudo.length === 0) || !onPath("apt-get")) {
  console.error(
    `PhotoMemory needs: ${missing.join(", ")}. Install them (e.g. sudo apt-get install -y ${missing.join(" ")}) or set FFMPEG_PATH.`,
  );
  process.exit(1);
}
console.error(`Installing ${missing.join(", ")} from Debian's packages (one time)…`);
const env = { ...process.env, DEBIAN_FRONTEND: "noninteractive" };
execFileSync("apt-get", ["update", "-qq"], { stdio: "inherit", env });
execFileSync("apt-get", ["install", "-y", "-qq", "--no-install-recommends", ...missing], {
  stdio: "inherit",
  env,
});
