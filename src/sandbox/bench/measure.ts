import { readdirSync, readFileSync } from 'node:fs';
import os from 'node:os';

/** Returns the `share` quantile (0 to 1) of `values` by the nearest-rank method, or null for no values. */
export function percentile(values: readonly number[], share: number): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.max(1, Math.ceil(share * sorted.length));
  return sorted[rank - 1];
}

/** Rounds to `digits` decimals. */
export function round(value: number, digits = 1): number {
  const factor = 10 ** digits;
  return Math.round(value * factor) / factor;
}

/** Converts bytes to MiB, rounded to one decimal. */
export function mib(bytes: number): number {
  return round(bytes / (1024 * 1024));
}

/** Samples this process's resident memory every `intervalMs` and keeps the peak since the last reset. */
export class RssSampler {
  private peakBytes = 0;
  private readonly timer: NodeJS.Timeout;

  constructor(intervalMs = 250) {
    this.timer = setInterval(() => this.sample(), intervalMs);
    this.timer.unref();
    this.sample();
  }

  /** Peak resident memory since the last reset, in bytes. */
  get peak(): number {
    this.sample();
    return this.peakBytes;
  }

  /** Starts a new peak from the current resident memory. */
  reset(): void {
    this.peakBytes = 0;
    this.sample();
  }

  stop(): void {
    clearInterval(this.timer);
  }

  private sample(): void {
    this.peakBytes = Math.max(this.peakBytes, process.memoryUsage().rss);
  }
}

/**
 * Returns the CPU time, user plus system, that the process `pid` has used, in seconds, read from `/proc`. Returns
 * null where `/proc` does not exist.
 */
export function processCpuSeconds(pid: number): number | null {
  try {
    // Fields 14 and 15 of /proc/<pid>/stat, after the command name in brackets, are utime and stime in clock ticks.
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const ticks = Number(fields[11]) + Number(fields[12]);
    return ticks / CLOCK_TICKS_PER_SECOND;
  } catch {
    return null;
  }
}

/** Clock ticks per second of `/proc` times; 100 on Linux on x86 and ARM. */
const CLOCK_TICKS_PER_SECOND = 100;

/** Returns the CPU time that this process has used, in seconds. */
export function ownCpuSeconds(): number {
  const usage = process.cpuUsage();
  return (usage.user + usage.system) / 1e6;
}

/** The machine the bench runs on. */
export interface MachineFigures {
  cpuModel: string;
  cores: number;
  memoryGiB: number;
  node: string;
  platform: string;
  /** Load averages over 1, 5 and 15 minutes when the run started; other processes on the machine raise them. */
  loadAverageAtStart: number[];
}

/** Describes this machine. */
export function describeMachine(): MachineFigures {
  const cpus = os.cpus();
  return {
    cpuModel: cpus[0]?.model.trim() ?? 'unknown',
    cores: cpus.length,
    memoryGiB: round(os.totalmem() / 1024 ** 3),
    node: process.version,
    platform: `${os.platform()} ${os.release()}`,
    loadAverageAtStart: os.loadavg().map((load) => round(load, 2)),
  };
}

/** Returns the resident memory of the process `pid` in bytes, read from `/proc`, or null where that fails. */
export function processRssBytes(pid: number): number | null {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const match = /^VmRSS:\s+(\d+)\s+kB$/m.exec(status);
    return match ? Number(match[1]) * 1024 : null;
  } catch {
    return null;
  }
}

/**
 * Kills this process's child processes, such as the servers that the Temporal SDK starts, found through
 * `/proc/self/task/<thread>/children`. Does nothing where `/proc` does not exist.
 */
export function killChildProcesses(): void {
  let threads: string[];
  try {
    threads = readdirSync('/proc/self/task');
  } catch {
    return;
  }
  for (const thread of threads) {
    let children: string[];
    try {
      children = readFileSync(`/proc/self/task/${thread}/children`, 'utf8').trim().split(/\s+/).filter(Boolean);
    } catch {
      continue;
    }
    for (const child of children) {
      try {
        process.kill(Number(child), 'SIGKILL');
      } catch {
        // The child has ended already.
      }
    }
  }
}
