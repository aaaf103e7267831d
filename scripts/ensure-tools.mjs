#!/usr/bin/env node
// Installs the system tools PhotoMemory needs when they are missing: ffmpeg (with ffprobe), the Noto fonts and, for
// the browser test, chromium. Uses Debian's apt when running as root; otherwise says what to install. With `postgres` (for
// the tests), starts this machine's local PostgreSQL cluster when it is installed but not running and
// TEST_DATABASE_URL names no other server. Idempotent and quiet when everything is there.
import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, readdirSync } from "node:fs";
import { connect } from "node:net";

const want = process.argv.slice(2);
const tools = want.length > 0 ? want : ["ffmpeg"];

function onPath(bin) {
  return spawnSync("sh", ["-c", `command -v ${bin}`], { stdio: "ignore" }).status === 0;
}

function ffmpegResolves() {
  if (process.env.FFMPEG_PATH && existsSync(process.env.FFMPEG_PATH)) return true;
  return onPath("ffmpeg") && onPath("ffprobe");
}

/** Whether something accepts TCP connections on 127.0.0.1:port (within a second). */
function listening(port) {
  return new Promise((resolve) => {
    const socket = connect({ host: "127.0.0.1", port, timeout: 1000 });
    const done = (ok) => {
      socket.destroy();
      resolve(ok);
    };
    socket.on("connect", () => done(true));
    socket.on("timeout", () => done(false));
    socket.on("error", () => done(false));
  });
}

// The Postgres suites need a server; they fail (never skip) without one, so start the local cluster if it is down.
if (tools.includes("postgres") && !process.env.TEST_DATABASE_URL && !(await listening(5432))) {
  const versions = existsSync("/etc/postgresql") ? readdirSync("/etc/postgresql") : [];
  if (versions.length > 0 && onPath("pg_ctlcluster")) {
    for (const version of versions) {
      console.error(`Starting the local PostgreSQL ${version} cluster for the tests…`);
      spawnSync("pg_ctlcluster", ["--skip-systemctl-redirect", version, "main", "start"], {
        stdio: "inherit",
      });
    }
  } else {
    console.error(
      "No Postgres on 127.0.0.1:5432 and no local cluster to start: the Postgres suites will fail. Start one or set TEST_DATABASE_URL.",
    );
  }
}

const missing = [];
if (tools.includes("ffmpeg") && !ffmpegResolves()) missing.push("ffmpeg");
if (tools.includes("chromium") && !existsSync(process.env.CHROMIUM_PATH ?? "/usr/bin/chromium"))
  missing.push("chromium");
// heif-enc makes the iPhone-shaped HEIC fixtures at test time (the service decodes HEIC with libheif's WASM build).
if (tools.includes("heif") && !onPath("heif-enc")) missing.push("libheif-examples");
// The Noto families titles and captions are drawn in (sharp/Pango find them by name through fontconfig): the styles'
// Latin faces and the scripts' (fonts-noto-core), Chinese/Japanese/Korean (fonts-noto-cjk), colour emoji.
const NOTO = [
  ["fonts-noto-core", "Noto Serif Display"],
  ["fonts-noto-cjk", "Noto Sans CJK JP"],
  ["fonts-noto-color-emoji", "Noto Color Emoji"],
];
function hasFamily(family) {
  const listed = spawnSync("fc-list", [family, "family"], { encoding: "utf8" });
  return listed.status === 0 && listed.stdout.trim() !== "";
}
if (tools.includes("fonts")) {
  // Without fontconfig (macOS), the render looks in the usual font folders itself and names what is missing.
  if (!onPath("fc-list")) {
    if (process.platform === "linux") missing.push("fontconfig", ...NOTO.map(([pkg]) => pkg));
  } else for (const [pkg, family] of NOTO) if (!hasFamily(family)) missing.push(pkg);
}

if (missing.length === 0) process.exit(0);

const isRoot = typeof process.getuid === "function" && process.getuid() === 0;
// GitHub's runners are not root but have password-less sudo.
const sudo =
  !isRoot && spawnSync("sudo", ["-n", "true"], { stdio: "ignore" }).status === 0 ? ["sudo", "-n"] : [];
if ((!isRoot && sudo.length === 0) || !onPath("apt-get")) {
  const fonts = missing.filter((m) => m.startsWith("fonts-") || m === "fontconfig");
  const mac = fonts.length
    ? " On macOS: brew install fontconfig && brew install --cask font-noto-serif-display font-noto-serif font-noto-sans font-noto-sans-display font-noto-sans-cjk font-noto-color-emoji."
    : "";
  console.error(
    `PhotoMemory needs: ${missing.join(", ")}. Install them (e.g. sudo apt-get install -y ${missing.join(" ")}) or set FFMPEG_PATH.${mac}`,
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
