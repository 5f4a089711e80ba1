import { execa } from 'execa';

export interface ProbeResult {
  ok: boolean;
  /** Why a sandbox cannot start: bwrap's own words, or why it could not be run. */
  detail?: string;
}

const probes = new Map<string, Promise<ProbeResult>>();

/**
 * Whether `bwrapPath` (looked up on `path`, as sandboxes are started) can start a sandbox here:
 * one trivial sandbox, run once per program and process.
 */
export function probeSandbox(bwrapPath: string, path: string): Promise<ProbeResult> {
  const key = `${bwrapPath}\0${path}`;
  let probe = probes.get(key);
  if (!probe) {
    probe = runProbe(bwrapPath, path);
    probes.set(key, probe);
  }
  return probe;
}

async function runProbe(bwrapPath: string, path: string): Promise<ProbeResult> {
  const args = ['--unshare-all', '--die-with-parent', '--new-session', '--cap-drop', 'ALL', '--ro-bind', '/', '/', '--proc', '/proc', '--dev', '/dev', '--', 'true'];
  const run = await execa(bwrapPath, args, { env: { PATH: path }, extendEnv: false, reject: false, timeout: 15_000, stdin: 'ignore' });
  if (run.exitCode === 0) return { ok: true };
  const said = `${run.stderr}`.trim();
  const detail = said || run.shortMessage || `${bwrapPath} exited with code ${String(run.exitCode)}`;
  return { ok: false, detail };
}
