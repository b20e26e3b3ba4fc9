/**
 * CPU time of each thread of this process, from /proc (Linux): what a benchmark's threads cost,
 * not how long they waited. Node names all its threads "node", so the event loop (the thread
 * whose id is the process id) is told apart and the others are listed by how busy they were.
 */
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';

function ticksPerSecond(): number {
  try {
    return Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
  } catch {
    return 100; // the Linux default
  }
}
const clockTicks = ticksPerSecond();

/** utime + stime in ms from a /proc `stat` file (a process's or a thread's). */
export function statCpuMs(statPath: string): number {
  // fields after the ")" of the command: utime and stime are the 12th and 13th
  const stat = readFileSync(statPath, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / clockTicks;
}

export type ThreadCpu = Map<string, { name: string; ms: number }>;

export function threadCpu(): ThreadCpu {
  const out: ThreadCpu = new Map();
  let tids: string[];
  try {
    tids = readdirSync('/proc/self/task');
  } catch {
    return out; // not Linux: no figures
  }
  for (const tid of tids) {
    try {
      const name = tid === String(process.pid) ? 'event loop' : `thread ${tid}`;
      out.set(tid, { name, ms: statCpuMs(`/proc/self/task/${tid}/stat`) });
    } catch {
      // the thread ended between the listing and the read
    }
  }
  return out;
}

/**
 * CPU milliseconds each thread spent between two readings, the event loop first, then the
 * `keep` busiest other threads; the rest summed as "other threads".
 */
export function cpuSince(before: ThreadCpu, after: ThreadCpu = threadCpu(), keep = 2): Array<[string, number]> {
  const spent: Array<[string, number]> = [];
  for (const [tid, t] of after) {
    const ms = t.ms - (before.get(tid)?.ms ?? 0);
    if (ms > 0) spent.push([t.name, ms]);
  }
  const main = spent.filter(([name]) => name === 'event loop');
  const others = spent.filter(([name]) => name !== 'event loop').sort((a, b) => b[1] - a[1]);
  const rest = others.slice(keep).reduce((sum, [, ms]) => sum + ms, 0);
  return [...main, ...others.slice(0, keep), ...(rest > 0 ? [['other threads', rest] as [string, number]] : [])];
}
