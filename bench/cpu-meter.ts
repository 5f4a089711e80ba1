import { readFileSync } from 'node:fs';

const TICKS_PER_SECOND = 100;

/** CPU seconds the whole machine spent busy (all cores), from /proc/stat; undefined off Linux. */
function machineBusySeconds(): number | undefined {
  try {
    const fields = readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/).slice(1).map(Number);
    const idle = (fields[3] ?? 0) + (fields[4] ?? 0);
    return (fields.reduce((a, b) => a + b, 0) - idle) / TICKS_PER_SECOND;
  } catch {
    return undefined;
  }
}

/** CPU seconds (user + system) one process has used, or (`children`) its waited-for children, from /proc/<pid>/stat. */
function processSeconds(pid: number | 'self', children = false): number | undefined {
  try {
    // The command name may hold spaces: the fields after it start past the last ')'.
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const first = children ? 13 : 11;
    return (Number(fields[first]) + Number(fields[first + 1])) / TICKS_PER_SECOND;
  } catch {
    return undefined;
  }
}

export interface CpuSpent {
  /** Every process on the machine. */
  machine?: number;
  /** The Temporal server alone. */
  server?: number;
  /** This process (workers, activities' own code, the bench), without its children. */
  self?: number;
  /** This process's finished children: git, sandboxes, agents, checks. */
  children?: number;
}

/** CPU seconds spent from now until the returned function is called. */
export function startCpuMeter(serverPid: number | undefined): () => CpuSpent {
  const read = () => ({
    machine: machineBusySeconds(),
    server: serverPid === undefined ? undefined : processSeconds(serverPid),
    self: processSeconds('self'),
    children: processSeconds('self', true),
  });
  const before = read();
  return () => {
    const after = read();
    const spent: CpuSpent = {};
    for (const key of Object.keys(before) as (keyof CpuSpent)[]) {
      const [b, a] = [before[key], after[key]];
      if (a !== undefined && b !== undefined) spent[key] = a - b;
    }
    return spent;
  };
}
