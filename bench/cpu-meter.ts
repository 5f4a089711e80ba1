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

/** CPU seconds (user + system) one process has used, from /proc/<pid>/stat. */
function processSeconds(pid: number): number | undefined {
  try {
    // The command name may hold spaces: the fields after it start past the last ')'.
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND;
  } catch {
    return undefined;
  }
}

export interface CpuSpent {
  /** Every process on the machine. */
  machine?: number;
  /** The Temporal server alone. */
  server?: number;
}

/** CPU seconds spent from now until the returned function is called. */
export function startCpuMeter(serverPid: number | undefined): () => CpuSpent {
  const machine = machineBusySeconds();
  const server = serverPid === undefined ? undefined : processSeconds(serverPid);
  return () => {
    const machineNow = machineBusySeconds();
    const serverNow = serverPid === undefined ? undefined : processSeconds(serverPid);
    return {
      ...(machine !== undefined && machineNow !== undefined ? { machine: machineNow - machine } : {}),
      ...(server !== undefined && serverNow !== undefined ? { server: serverNow - server } : {}),
    };
  };
}
