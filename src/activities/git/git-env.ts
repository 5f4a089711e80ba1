/**
 * The environment of aidp's own git commands, built from nothing: never the worker's whole
 * environment (which holds the app's secrets), only what git needs to run, plus, for commands
 * that talk to a remote, what the transport and the credential helper need.
 */

/** Passed from the worker's environment to every git command, when set. */
const BASE_NAMES = ['PATH', 'LANG', 'LANGUAGE', 'TZ', 'TMPDIR'];

/** Passed to commands that reach a remote only: proxies, CA bundles, the operator's ssh setup. */
const REMOTE_NAMES = [
  'SSH_AUTH_SOCK',
  'GIT_SSH',
  'GIT_SSH_COMMAND',
  'GIT_SSH_VARIANT',
  'GIT_SSL_CAINFO',
  'GIT_SSL_CAPATH',
  'GIT_SSL_NO_VERIFY',
  'SSL_CERT_FILE',
  'SSL_CERT_DIR',
  'CURL_CA_BUNDLE',
  'NODE_EXTRA_CA_CERTS',
  'HTTP_PROXY',
  'HTTPS_PROXY',
  'ALL_PROXY',
  'NO_PROXY',
  'http_proxy',
  'https_proxy',
  'all_proxy',
  'no_proxy',
];

/** Settings git takes from the environment ahead of any config file an agent could write. */
const FIXED: Record<string, string> = {
  // No system or user config: aidp passes everything it needs on the command line.
  GIT_CONFIG_NOSYSTEM: '1',
  GIT_CONFIG_GLOBAL: '/dev/null',
  // Never wait on a terminal for credentials: a worker has none.
  GIT_TERMINAL_PROMPT: '0',
  // An empty value wins over core.askPass and SSH_ASKPASS: no askpass program runs.
  GIT_ASKPASS: '',
  // No remote helpers such as ext:: (arbitrary commands).
  GIT_ALLOW_PROTOCOL: 'file:git:http:https:ssh',
  // Environment beats config for these: no pager, editor or git:// proxy named by a config file.
  GIT_PAGER: 'cat',
  PAGER: 'cat',
  GIT_EDITOR: ':',
  GIT_SEQUENCE_EDITOR: ':',
  GIT_PROXY_COMMAND: '',
};

export interface GitEnvOptions {
  /** HOME for git: an aidp-owned directory (git reads `~/.config/git/attributes` and `ignore` from it). */
  home: string;
  /** The worker's environment, read for the names above only. */
  from?: NodeJS.ProcessEnv;
  /** The operator's additions for every command (e.g. `url.<base>.insteadOf` through GIT_CONFIG_*). */
  extra?: Record<string, string>;
  /** Present for commands that reach a remote: what the credential helper needs (never for commit, status, diff, merge). */
  remote?: Record<string, string>;
}

function pick(from: NodeJS.ProcessEnv, names: (name: string) => boolean): Record<string, string> {
  const picked: Record<string, string> = {};
  for (const [name, value] of Object.entries(from)) {
    if (value !== undefined && names(name)) picked[name] = value;
  }
  return picked;
}

export function gitEnvironment(opts: GitEnvOptions): Record<string, string> {
  const from = opts.from ?? process.env;
  const base = pick(from, (name) => BASE_NAMES.includes(name) || name.startsWith('LC_'));
  if (!opts.remote) return { ...base, HOME: opts.home, ...FIXED, ...opts.extra };
  const remote = pick(from, (name) => REMOTE_NAMES.includes(name));
  // Environment beats core.sshCommand: the ssh the operator chose, or plain ssh.
  const ssh = remote.GIT_SSH_COMMAND ?? (remote.GIT_SSH ? undefined : 'ssh');
  return { ...base, HOME: opts.home, ...FIXED, ...remote, ...(ssh ? { GIT_SSH_COMMAND: ssh } : {}), ...opts.extra, ...opts.remote };
}
