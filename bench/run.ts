import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir, totalmem } from 'node:os';
import { dirname, join } from 'node:path';
import { execa } from 'execa';
import { pino } from 'pino';
import { Client, Connection } from '@temporalio/client';
import { NativeConnection } from '@temporalio/worker';
import type { ActivityDeps } from '../src/activities/index.js';
import { payloadKeys } from '../src/cli/codec.js';
import { loadEnvConfig } from '../src/config/env.js';
import { aidpDataConverter } from '../src/temporal/data-converter.js';
import { startEmbeddedServer } from '../src/temporal/dev-server.js';
import { findTemporalCli } from '../src/temporal/find-cli.js';
import { installRuntime } from '../src/temporal/runtime.js';
import { createAidpWorkers } from '../src/temporal/worker-factory.js';
import { PREBUILT_BUNDLE_PATH } from '../src/temporal/workflow-source.js';
import { fanout } from './scenarios/fanout.js';
import { overhead } from './scenarios/overhead.js';
import { recovery } from './scenarios/recovery.js';
import { setup } from './scenarios/setup.js';
import { webhooks } from './scenarios/webhooks.js';
import { worktrees } from './scenarios/worktrees.js';
import { freePort, ROOT, SCRIPTED_AGENT, tempDir, type Figure } from './support.js';

// `npm run bench`: every figure measured in this one run, on this machine, against a real
// Temporal dev server started for it. Prints a table and writes bench/results/latest.json.
// `npm run bench -- recovery overhead` runs only the scenarios whose names contain one of the words;
// only a full run writes bench/results/latest.json.
const logger = pino({ level: 'warn' }, pino.destination(2));
// Every repository, work dir and server database of this run under one TMPDIR (the worker
// processes the recovery scenario starts inherit it), removed at the end.
const runDir = mkdtempSync(join(tmpdir(), 'aidp-bench-run-'));
process.env.TMPDIR = runDir;
const figures: Figure[] = [];
const started = Date.now();
const only = process.argv.slice(2);
const full = only.length === 0;

async function scenario(name: string, run: () => Promise<Figure[]>): Promise<void> {
  if (!full && !only.some((o) => name.includes(o))) return;
  process.stderr.write(`bench: ${name}…\n`);
  const t = Date.now();
  try {
    figures.push(...(await run()));
  } catch (err) {
    figures.push({ scenario: name, figure: 'not measured', value: err instanceof Error ? err.message.split('\n')[0]! : String(err), unit: '' });
  }
  process.stderr.write(`bench: ${name} took ${Math.round((Date.now() - t) / 1000)} s\n`);
}

const cli = findTemporalCli();
const temporalVersion = cli ? (await execa(cli.path, ['--version'])).stdout.trim() : 'SDK download';
const server = await startEmbeddedServer({ workDir: tempDir('temporal'), port: await freePort(), uiPort: await freePort(), namespace: 'default' });
installRuntime(logger);
// With AIDP_PAYLOAD_KEY set, the bench measures aidp with its payloads encrypted, as deployed.
const dataConverter = aidpDataConverter(payloadKeys(loadEnvConfig()));
const connection = await Connection.connect({ address: server.address });
const client = new Client({ connection, dataConverter });
const native = await NativeConnection.connect({ address: server.address });
// Recovery runs its own worker processes: nothing else may poll the queues while it measures.
await scenario('recovery', () => recovery(client, server.address));
await scenario('setup', () =>
  setup((dir) => ({ enabled: true, bwrapPath: 'bwrap', readPaths: [], writePaths: [], protectedPaths: [dir, process.cwd()], workDir: dir })),
);
await scenario('worktrees', () => worktrees());
await scenario('webhooks', () => webhooks(client, native, dataConverter, logger));

const workDir = tempDir('work');
// Agents run sandboxed, as in production: the scripted agent's directory is readable inside.
const sandbox = { enabled: true, bwrapPath: 'bwrap', readPaths: [dirname(SCRIPTED_AGENT)], writePaths: [], protectedPaths: [workDir, process.cwd()], workDir };
const deps: ActivityDeps = { workDir, logger, secretEnvNames: [], secretValues: [], sandbox };
const workers = await createAidpWorkers({
  connection: native,
  namespace: 'default',
  dataConverter,
  queues: ['orchestrator', 'agent'],
  hostId: `bench-${process.pid}`,
  workflows: { workflowBundle: { codePath: PREBUILT_BUNDLE_PATH } },
  maxConcurrentActivities: 100,
  maxConcurrentWorkflowTasks: 100,
  shutdownGraceMs: 1000,
  activityDeps: deps,
  logger,
});
const running = workers.run();

await scenario('orchestration overhead, 50 units', () => overhead(client, deps, 50, server.pid));
await scenario('orchestration overhead, 200 units', () => overhead(client, deps, 200, server.pid));
// The same with CPU to spare: what orchestration costs in latency alone.
await scenario('orchestration overhead, 50 units, concurrency 2', () => overhead(client, deps, 50, server.pid, 2));
await scenario('fan-out, 500 units', () => fanout(client, 500, 50));

workers.shutdown();
await running;
await native.close();
await connection.close();
await server.stop();
rmSync(runDir, { recursive: true, force: true, maxRetries: 3 });

const machine = { cores: cpus().length, cpu: cpus()[0]?.model, memoryGiB: Math.round(totalmem() / 2 ** 30), node: process.version, temporal: temporalVersion };
const result = { date: new Date().toISOString(), durationSeconds: Math.round((Date.now() - started) / 1000), machine, figures };
if (full) {
  mkdirSync(join(ROOT, 'bench', 'results'), { recursive: true });
  writeFileSync(join(ROOT, 'bench', 'results', 'latest.json'), `${JSON.stringify(result, null, 2)}\n`);
}

const rows = figures.map((f) => `| ${f.scenario} | ${f.figure} | ${f.value}${f.unit ? ` ${f.unit}` : ''} | ${f.target ?? ''} | ${f.met === undefined ? '' : f.met ? 'yes' : 'no'} |`);
process.stdout.write(
  [
    `aidp bench, ${result.date.slice(0, 10)}, ${machine.cores} cores (${machine.cpu}), ${machine.memoryGiB} GiB, Node ${machine.node}, ${temporalVersion.split('\n')[0]}; ${result.durationSeconds} s`,
    '',
    '| scenario | figure | value | target | met |',
    '|---|---|---|---|---|',
    ...rows,
    '',
  ].join('\n'),
);
