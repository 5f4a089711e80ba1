import { execa } from 'execa';

export interface ProbeResult {
  ok: boolean;
  /** Why a sandbox cannot start: bwrap's own words, or why it could not be run. */
  detail?: string;
}

const probes = new Map<string, Promise<ProbeResult>>();

/** Whether `bwrapPath` can start a sandbox here: one trivial sandbox, run once per program and process. */
export function probeSandbox(bwrapPath: string): Promise<ProbeResult> {
  let probe = probes.get(bwrapPath);
  if (!probe) {
    probe = runProbe(bwrapPath);
    probes.set(bwrapPath, probe);
  }
  return probe;
}

async function runProbe(bwrapPath: string): Promise<ProbeResult> {
  const args = ['--unshare-all', '--die-with-parent', '--new-session', '--cap-drop', 'ALL', '--ro-bind', '/', '/', '--proc', '/proc', '--dev', '/dev', '--', 'true'];
  const run = await execa(bwrapPath, args, { env: { PATH: '/usr/bin:/bin' }, extendEnv: false, reject: false, timeout: 15_000, stdin: 'ignore' });
  if (run.exitCode === 0) return { ok: true };
  const said = `${run.stderr}`.trim();
  const detail = said || run.shortMessage || `${bwrapPath} exited with code ${String(run.exitCode)}`;
  return { ok: false, detail };
}
