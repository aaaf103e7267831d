/** Measures a child process tree: wall time, CPU (user+sys of the reaped tree) and the peak of the summed VmRSS. */
import { spawn } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";

const CLOCK_TICKS = 100; // USER_HZ on Linux

/** cutime + cstime of this process: CPU of every child (and grandchild) that has been waited for, in seconds. */
export function childrenCpuSeconds(): number {
  const stat = readFileSync("/proc/self/stat", "utf8");
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  // Fields after the command: index 0 is field 3 (state); cutime is field 16, cstime field 17.
  return (Number(fields[13]) + Number(fields[14])) / CLOCK_TICKS;
}

export function rssKb(pid: number): number {
  try {
    const status = readFileSync(`/proc/${pid}/status`, "utf8");
    const match = /VmRSS:\s+(\d+)/.exec(status);
    return match ? Number(match[1]) : 0;
  } catch {
    return 0;
  }
}

export function descendants(pid: number): number[] {
  const out: number[] = [];
  let tasks: string[] = [];
  try {
    tasks = readdirSync(`/proc/${pid}/task`);
  } catch {
    return out;
  }
  for (const tid of tasks) {
    let children = "";
    try {
      children = readFileSync(`/proc/${pid}/task/${tid}/children`, "utf8");
    } catch {
      continue;
    }
    for (const child of children.trim().split(/\s+/).filter(Boolean).map(Number)) {
      out.push(child, ...descendants(child));
    }
  }
  return out;
}

export interface Measured {
  stdout: string;
  wallSeconds: number;
  cpuSeconds: number;
  peakRssMb: number;
}

export function measureChild(
  command: string,
  args: string[],
  env: NodeJS.ProcessEnv,
  sampleMs = 50,
): Promise<Measured> {
  return new Promise((resolve, reject) => {
    const cpuBefore = childrenCpuSeconds();
    const started = performance.now();
    const child = spawn(command, args, { stdio: ["ignore", "pipe", "inherit"], env });
    let stdout = "";
    child.stdout.setEncoding("utf8").on("data", (d: string) => {
      stdout += d;
    });
    let peakKb = 0;
    const sample = () => {
      if (child.pid === undefined) return;
      const pids = [child.pid, ...descendants(child.pid)];
      const total = pids.reduce((sum, pid) => sum + rssKb(pid), 0);
      if (total > peakKb) peakKb = total;
    };
    const timer = setInterval(sample, sampleMs);
    child.on("error", reject);
    child.on("close", (code) => {
      clearInterval(timer);
      const wallSeconds = (performance.now() - started) / 1000;
      if (code !== 0) return reject(new Error(`${args.join(" ")} exited with ${code}`));
      resolve({
        stdout,
        wallSeconds,
        cpuSeconds: childrenCpuSeconds() - cpuBefore,
        peakRssMb: peakKb / 1024,
      });
    });
  });
}
