import { beforeAll, describe, expect, it } from '@jest/globals';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { dirname, join } from 'node:path';
import { execa } from 'execa';
import { runInProcessGroup, type ProcessRunResult } from '../src/activities/agent/process-group.js';
import { buildAgentInvocation } from '../src/activities/agent/presets.js';
import { AGENT_CLIS, installAgentCli, type PinnedAgentCli } from './support/agent-clis.js';
import { createTestRepo, tempDir } from './support/repos.js';

/**
 * Each preset's own invocation, run with the real CLI (pinned in test/support/agent-clis.ts) in a
 * fresh git repository, with a fresh HOME and no credentials. Nothing may leave the machine: every
 * proxy variable names a closed loopback port, and a CLI that would call its service is pointed at
 * a loopback server that refuses everyone.
 */

const CLOSED_PORT_PROXY = 'http://127.0.0.1:9';
const PROMPT = 'Add a clamp function to units/clamp.txt. Marker: aidp-contract-prompt-7f3a.';
const RUN_TIMEOUT_MS = 90_000;
/** Records every connect() of the run, where strace is installed, to show that none left loopback. */
const STRACE = ['/usr/bin/strace', '/bin/strace'].find((path) => existsSync(path));
const INSTALL_TIMEOUT_MS = 15 * 60_000;

/** Output that means the CLI rejected how it was started, rather than who started it. */
const STARTUP_PROBLEM =
  /unexpected argument|unknown (option|argument|command|flag)|unrecognized (option|argument)|invalid (value|option|choice)|usage:|not trusted|approval mode overridden|trust this (folder|workspace)/i;

/** A loopback model API that answers 401 to every request, as a provider does to a caller without a key. */
class RefusingModelServer {
  readonly bodies: string[] = [];
  private readonly server: Server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
    req.on('end', () => {
      this.bodies.push(body);
      res.writeHead(401, { 'content-type': 'application/json' });
      res.end('{}');
    });
  });

  async start(): Promise<string> {
    // A websocket upgrade is refused the same way.
    this.server.on('upgrade', (_req, socket) => socket.end('HTTP/1.1 401 Unauthorized\r\ncontent-length: 0\r\n\r\n'));
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  sawPrompt(): boolean {
    return this.bodies.some((b) => b.includes('aidp-contract-prompt-7f3a'));
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise((resolve) => this.server.close(resolve));
  }
}

interface CliSetup {
  /** The CLI's own words for "no login or key". */
  noCredentials: RegExp;
  /** How it exits then: non-zero, except for a CLI that reports the failure and exits 0 anyway. */
  exitCode?: 0;
  /** The provider's `args`, as an operator would configure them. */
  args?: string[];
  /** Files in the fresh HOME and variables that keep the run on this machine; never a credential. */
  offline: (home: string, modelApi: string) => NodeJS.ProcessEnv;
  /** A fake key and a loopback endpoint, to see the prompt arrive at the model API. */
  fakeKey: (home: string, modelApi: string) => NodeJS.ProcessEnv;
}

const SETUP: Record<PinnedAgentCli['preset'], CliSetup> = {
  claude: {
    noCredentials: /Not logged in/,
    offline: () => ({}),
    fakeKey: (_home, api) => ({ ANTHROPIC_API_KEY: 'sk-ant-not-a-key', ANTHROPIC_BASE_URL: api }),
  },
  codex: {
    // codex checks no credentials before its first request: its answer to the 401 is the check. A
    // provider of its own on loopback, retries off, gets that answer at once rather than after
    // twenty seconds of backoff.
    noCredentials: /401 Unauthorized/,
    offline: (home, api) => codexLoopbackProvider(home, api),
    fakeKey: (home, api) => codexLoopbackProvider(home, api),
  },
  gemini: {
    noCredentials: /Please set an Auth method/,
    offline: () => ({}),
    fakeKey: (home, api) => {
      mkdirSync(join(home, '.gemini'), { recursive: true });
      writeFileSync(join(home, '.gemini', 'settings.json'), JSON.stringify({ security: { auth: { selectedType: 'gemini-api-key' } } }));
      return { GEMINI_API_KEY: 'not-a-key', GOOGLE_GEMINI_BASE_URL: api };
    },
  },
  opencode: {
    // Its default model is a free one that needs no key, so the run picks one that does.
    noCredentials: /API key is missing/,
    offline: (_home, api) => opencodeEnv(api),
    fakeKey: (_home, api) => ({ ...opencodeEnv(api), OPENAI_API_KEY: 'sk-not-a-key' }),
  },
  aider: {
    // aider prints litellm's AuthenticationError, then this, and exits 0: aidp sees a run that changed nothing.
    noCredentials: /The API provider is not able to authenticate you/,
    exitCode: 0,
    // Without a model and a key aider opens OpenRouter's browser login and waits 5 minutes for it,
    // so an aider provider names its model.
    args: ['--model', 'openai/gpt-4o'],
    offline: () => ({}),
    fakeKey: (_home, api) => ({ OPENAI_API_KEY: 'sk-not-a-key', OPENAI_API_BASE: `${api}/v1` }),
  },
  copilot: {
    noCredentials: /No authentication information found/,
    offline: () => ({}),
    // Copilot's offline mode with a loopback provider of its own ("bring your own key").
    fakeKey: (_home, api) => ({ COPILOT_OFFLINE: 'true', COPILOT_PROVIDER_BASE_URL: `${api}/v1`, COPILOT_MODEL: 'gpt-4o' }),
  },
};

function codexLoopbackProvider(home: string, api: string): NodeJS.ProcessEnv {
  mkdirSync(join(home, '.codex'), { recursive: true });
  writeFileSync(
    join(home, '.codex', 'config.toml'),
    ['model_provider = "loopback"', '[model_providers.loopback]', 'name = "loopback"', `base_url = "${api}/v1"`, 'wire_api = "responses"', 'request_max_retries = 0', 'stream_max_retries = 0', ''].join('\n'),
  );
  return {};
}

function opencodeEnv(api: string): NodeJS.ProcessEnv {
  return {
    OPENCODE_CONFIG_CONTENT: JSON.stringify({ model: 'openai/gpt-4o', provider: { openai: { options: { baseURL: `${api}/v1` } } } }),
    OPENCODE_DISABLE_AUTOUPDATE: '1',
    OPENCODE_DISABLE_MODELS_FETCH: '1',
  };
}

/** Addresses outside loopback that the traced run connected to (a DNS server counts). */
function connectsBeyondLoopback(traceFile: string): string[] {
  const lines = readFileSync(traceFile, 'utf8').split('\n').filter((l) => /sa_family=AF_INET6?\b/.test(l));
  const addresses = lines.map((l) => /"([0-9a-fA-F.:]+)"/.exec(l)?.[1] ?? l);
  return addresses.filter((a) => !['127.0.0.1', '::1', '::ffff:127.0.0.1'].includes(a));
}

/** Every run's environment before its CLI's own variables: the CLI on PATH, and every proxy closed. */
function closedEnv(cli: PinnedAgentCli, binDir: string, home: string): NodeJS.ProcessEnv {
  return {
    HOME: home,
    PATH: [binDir, dirname(process.execPath), '/usr/local/bin', '/usr/bin', '/bin'].join(':'),
    LANG: 'C.UTF-8',
    HTTPS_PROXY: CLOSED_PORT_PROXY,
    HTTP_PROXY: CLOSED_PORT_PROXY,
    ALL_PROXY: CLOSED_PORT_PROXY,
    https_proxy: CLOSED_PORT_PROXY,
    http_proxy: CLOSED_PORT_PROXY,
    all_proxy: CLOSED_PORT_PROXY,
    NO_PROXY: '127.0.0.1,localhost',
    no_proxy: '127.0.0.1,localhost',
    ...perCliEnv(cli, binDir, home),
  };
}

/**
 * What one CLI needs beside the closed environment, so that its runs neither redo slow work nor
 * leave files outside the test run:
 * - copilot's platform package is a single executable that unpacks its own 235 MB package into
 *   ~/.cache/copilot/pkg when it finds none there (seconds of disk writes); COPILOT_PKG_CACHE_HOME
 *   puts that beside the pinned install, unpacked once per install rather than once per run. It
 *   holds the CLI's own code only: no configuration, no login, no session.
 * - gemini writes an error report per refused call to os.tmpdir(): into its fresh HOME, not /tmp.
 *   Only gemini's: the other CLIs keep caches in the temporary directory, and a fresh one per run
 *   made the file two to four times slower.
 */
function perCliEnv(cli: PinnedAgentCli, binDir: string, home: string): NodeJS.ProcessEnv {
  if (cli.preset === 'copilot') return { COPILOT_PKG_CACHE_HOME: join(binDir, '..', '..', 'unpacked') };
  if (cli.preset === 'gemini') return { TMPDIR: home };
  return {};
}

/** Unpacks copilot's code before its runs (at once when done already), so two runs never unpack it together. */
async function unpackCode(cli: PinnedAgentCli, binDir: string): Promise<void> {
  if (cli.preset !== 'copilot') return;
  await execa(join(binDir, 'copilot'), [], {
    env: { ...closedEnv(cli, binDir, tempDir('home-unpack')), COPILOT_SEA_EXTRACT_ONLY: '1' },
    extendEnv: false,
    stdin: 'ignore',
    timeout: RUN_TIMEOUT_MS,
  });
}

async function runPreset(
  cli: PinnedAgentCli,
  binDir: string,
  env: (home: string) => NodeJS.ProcessEnv,
  signal?: AbortSignal,
): Promise<ProcessRunResult & { traceFile?: string }> {
  const worktree = await createTestRepo();
  const home = tempDir(`home-${cli.preset}`);
  const promptFile = join(tempDir('prompts'), 'unit.md');
  writeFileSync(promptFile, PROMPT);
  const invocation = buildAgentInvocation({ preset: cli.preset, args: SETUP[cli.preset].args ?? [] }, promptFile, PROMPT);
  const traceFile = STRACE && join(tempDir('trace'), 'connect.log');
  const tracer = STRACE && traceFile ? [STRACE, '-f', '--seccomp-bpf', '-qq', '-e', 'trace=connect', '-o', traceFile] : [];
  const run = await runInProcessGroup({
    argv: [...tracer, ...invocation.argv],
    stdin: invocation.stdin,
    cwd: worktree,
    env: { ...closedEnv(cli, binDir, home), ...env(home) },
    timeoutMs: RUN_TIMEOUT_MS,
    signal,
  });
  return { ...run, traceFile };
}

type RunKind = 'offline' | 'fakeKey';
interface PresetRun extends ProcessRunResult {
  traceFile?: string;
  sawPrompt: boolean;
}

/**
 * One run of a preset against its own refusing model API. A run with the fake key stops as soon
 * as the prompt reached the API: what the CLI does after the refusal is not this test's business.
 */
async function runAgainstRefusingApi(cli: PinnedAgentCli, binDir: string, kind: RunKind): Promise<PresetRun> {
  const modelApi = new RefusingModelServer();
  const api = await modelApi.start();
  const stop = new AbortController();
  const seen = kind === 'fakeKey' ? setInterval(() => modelApi.sawPrompt() && stop.abort(), 100) : undefined;
  try {
    const run = await runPreset(cli, binDir, (home) => SETUP[cli.preset][kind](home, api), stop.signal);
    return { ...run, sawPrompt: modelApi.sawPrompt() };
  } finally {
    clearInterval(seen);
    await modelApi.stop();
  }
}

/** CLIs run this many at a time: most of a run is start-up and waiting on loopback. */
const PARALLEL_RUNS = 4;
let active = 0;
const waiting: (() => void)[] = [];
async function inTurn<T>(work: () => Promise<T>): Promise<T> {
  if (active >= PARALLEL_RUNS) await new Promise<void>((resolve) => waiting.push(resolve));
  active++;
  try {
    return await work();
  } finally {
    active--;
    waiting.shift()?.();
  }
}

const runs = new Map<string, Promise<PresetRun>>();
const runOf = (cli: PinnedAgentCli, kind: RunKind): Promise<PresetRun> => runs.get(`${cli.preset}:${kind}`)!;

/**
 * The order runs start in: the slowest first (aider's Python imports and opencode's first start
 * take several times as long as claude's), so the file does not end waiting on one slow run that
 * started last.
 */
const SLOWEST_FIRST: readonly PinnedAgentCli['preset'][] = ['aider', 'opencode', 'gemini', 'copilot', 'codex', 'claude'];
const startOrder = (cli: PinnedAgentCli): number => SLOWEST_FIRST.indexOf(cli.preset);

// Every run starts here, a few at a time; each test waits for its own.
beforeAll(async () => {
  for (const cli of [...AGENT_CLIS].sort((a, b) => startOrder(a) - startOrder(b))) {
    const binDir = await installAgentCli(cli);
    const unpacked = unpackCode(cli, binDir);
    for (const kind of ['offline', 'fakeKey'] as const) {
      const run = unpacked.then(() => inTurn(() => runAgainstRefusingApi(cli, binDir, kind)));
      run.catch(() => undefined); // its test reports the failure
      runs.set(`${cli.preset}:${kind}`, run);
    }
  }
}, INSTALL_TIMEOUT_MS);

describe.each(AGENT_CLIS)('the $preset preset with $pkg@$version', (cli) => {
  const setup = SETUP[cli.preset];

  it(
    'fails without credentials for want of a login or key, never over its arguments, usage, approval mode or trust',
    async () => {
      const run = await runOf(cli, 'offline');

      expect(run.spawnError).toBeUndefined();
      expect(run.timedOut).toBe(false);
      if (setup.exitCode === 0) expect(run.exitCode).toBe(0);
      else expect(run.exitCode).not.toBe(0);
      expect(run.outputTail).not.toMatch(STARTUP_PROBLEM);
      expect(run.outputTail).toMatch(setup.noCredentials);
      if (run.traceFile) expect(connectsBeyondLoopback(run.traceFile)).toEqual([]);
    },
    AGENT_CLIS.length * 2 * RUN_TIMEOUT_MS,
  );

  it(
    cli.preset === 'aider' ? 'hands the prompt file to the CLI, which sends it to the model API' : 'hands the prompt on stdin to the CLI, which sends it to the model API',
    async () => {
      const run = await runOf(cli, 'fakeKey');

      expect(run.outputTail).not.toMatch(STARTUP_PROBLEM);
      if (run.traceFile) expect(connectsBeyondLoopback(run.traceFile)).toEqual([]);
      expect(run.sawPrompt).toBe(true);
    },
    AGENT_CLIS.length * 2 * RUN_TIMEOUT_MS,
  );
});
