import { execa, type ResultPromise } from 'execa';
import type { Client } from '@temporalio/client';
import { appendFileSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { startFeature } from '../../src/features/feature-client.js';
import { prepareLocalFeature, resolveLocalRepo } from '../../src/features/local-feature.js';
import { unitProgressQuery } from '../../src/workflows/unit/messages.js';
import { historyTimeline } from '../hop-report.js';
import { AIDP_BIN, benchRepo, freeMetricsPort, sleep, taskList, tempDir, SCRIPTED_AGENT, type Figure } from '../support.js';

interface Start {
  event: string;
  unit: string;
  pid: number;
  t: number;
}

function events(logDir: string): Start[] {
  const file = join(logDir, 'agents.jsonl');
  if (!existsSync(file)) return [];
  return readFileSync(file, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l) as Start);
}

function spawnWorker(env: Record<string, string>, logFile: string): { process: ResultPromise; ready: Promise<number> } {
  const child = execa('node', [AIDP_BIN, 'worker'], { env: { ...process.env, ...env, LOG_LEVEL: 'info' }, reject: false, stdin: 'ignore' });
  const ready = new Promise<number>((resolve, reject) => {
    let seen = '';
    child.stderr?.on('data', (chunk: Buffer) => {
      seen += chunk.toString();
      appendFileSync(logFile, chunk);
      if (/worker on/.test(seen)) resolve(Date.now());
    });
    // A worker that cannot start exits (e.g. a port taken): the scenario fails instead of waiting forever.
    void child.then((result) => reject(new Error(`the worker exited before it was ready (exit ${result.exitCode}); see ${logFile}`)));
  });
  return { process: child, ready };
}

/** Timelines of the feature, its units and their loops, for AIDP_BENCH_DEBUG. */
async function dumpHistories(client: Client, featureId: string, logDir: string): Promise<void> {
  const units = [1, 2, 3, 4].map((n) => `${featureId}/unit/unit-${n}/run-1`);
  for (const id of [featureId, ...units, ...units.flatMap((u) => [`${u}/loop-1`, `${u}/loop-2`])]) {
    const timeline = await historyTimeline(client, id);
    if (timeline) writeFileSync(join(logDir, `${id.split('/').slice(-3).join('_')}.txt`), timeline);
  }
}

/** Seconds from a new worker's start until every interrupted unit's agent runs again. */
async function recoverAfter(client: Client, address: string, signal: 'SIGKILL' | 'SIGTERM'): Promise<number> {
  const env = {
    AIDP_ENGINE: 'temporal',
    TEMPORAL_ADDRESS: address,
    AIDP_WORKDIR: tempDir('recovery'),
    AIDP_HOST_ID: `bench-recovery-${signal}-${Date.now()}`,
    AIDP_METRICS_PORT: String(await freeMetricsPort()),
    AIDP_SHUTDOWN_GRACE_SECONDS: '1',
  };
  const logDir = tempDir('log');
  // The sandboxed agents read the scripted agent and write their log.
  Object.assign(env, { AIDP_SANDBOX_READ_PATHS: dirname(SCRIPTED_AGENT), AIDP_SANDBOX_WRITE_PATHS: logDir });
  const repo = await benchRepo();
  const feature = await prepareLocalFeature({
    repo: await resolveLocalRepo(repo),
    specText: taskList(`Recovery ${signal} ${Date.now()}`, 4),
    overrides: { providers: [{ preset: 'command', command: `node ${SCRIPTED_AGENT} --write --sleep 8000 --log ${logDir}`, args: [] }], concurrency: 4 },
  });
  const first = spawnWorker(env, join(logDir, 'worker-1.log'));
  await first.ready;
  const handle = await startFeature(client, feature);
  while (events(logDir).filter((e) => e.event === 'start').length < 4) await sleep(100);
  const interrupted = new Set(events(logDir).filter((e) => e.event === 'start').map((e) => e.unit));
  first.process.kill(signal);
  await first.process;
  const second = spawnWorker(env, join(logDir, 'worker-2.log'));
  const readyAt = await second.ready;
  const deadline = Date.now() + 120_000;
  let restartedAt = Number.NaN;
  while (Date.now() < deadline) {
    const restarted = new Set(events(logDir).filter((e) => e.event === 'start' && e.t >= readyAt - 1).map((e) => e.unit));
    if ([...interrupted].every((u) => restarted.has(u))) {
      restartedAt = Math.max(...events(logDir).filter((e) => e.event === 'start' && e.t >= readyAt - 1).map((e) => e.t));
      break;
    }
    await sleep(100);
  }
  if (process.env.AIDP_BENCH_DEBUG) await dumpHistories(client, feature.workflowId, logDir);
  process.stderr.write(`bench: recovery ${signal}: logs in ${logDir}, workflow ${feature.workflowId}\n`);
  await handle.terminate('bench done').catch(() => undefined);
  second.process.kill('SIGTERM');
  await second.process;
  return (restartedAt - readyAt) / 1000;
}

/** Seconds from SIGKILL of the host running a unit's agent (never restarted) until the agent starts on another host. */
async function lostHost(client: Client, address: string): Promise<number> {
  const logDir = tempDir('log');
  const workerEnv = async (name: string) => ({
    AIDP_ENGINE: 'temporal',
    TEMPORAL_ADDRESS: address,
    AIDP_WORKDIR: tempDir(`lost-${name}`),
    AIDP_HOST_ID: `bench-lost-${name}-${Date.now()}`,
    AIDP_METRICS_PORT: String(await freeMetricsPort()),
    AIDP_SANDBOX_READ_PATHS: dirname(SCRIPTED_AGENT),
    AIDP_SANDBOX_WRITE_PATHS: logDir,
  });
  const repo = await benchRepo();
  const feature = await prepareLocalFeature({
    repo: await resolveLocalRepo(repo),
    specText: taskList(`Lost host ${Date.now()}`, 1),
    overrides: { providers: [{ preset: 'command', command: `node ${SCRIPTED_AGENT} --write --sleep 30000 --log ${logDir}`, args: [] }], concurrency: 1 },
  });
  const envA = await workerEnv('a');
  const a = spawnWorker(envA, join(logDir, 'worker-a.log'));
  const b = spawnWorker(await workerEnv('b'), join(logDir, 'worker-b.log'));
  await Promise.all([a.ready, b.ready]);
  const handle = await startFeature(client, feature);
  while (events(logDir).filter((e) => e.event === 'start').length < 1) await sleep(100);
  const progress = await client.workflow.getHandle(`${feature.workflowId}/unit/unit-1/run-1`).query(unitProgressQuery);
  const holder = progress.host === envA.AIDP_HOST_ID ? a : b;
  const other = holder === a ? b : a;
  const killedAt = Date.now();
  holder.process.kill('SIGKILL');
  await holder.process;
  const deadline = Date.now() + 120_000;
  let restartedAt = Number.NaN;
  while (Date.now() < deadline) {
    const again = events(logDir).filter((e) => e.event === 'start' && e.t > killedAt);
    if (again.length > 0) {
      restartedAt = again[0]!.t;
      break;
    }
    await sleep(100);
  }
  process.stderr.write(`bench: lost host: logs in ${logDir}, workflow ${feature.workflowId}\n`);
  await handle.terminate('bench done').catch(() => undefined);
  other.process.kill('SIGTERM');
  await other.process;
  return (restartedAt - killedAt) / 1000;
}

export async function recovery(client: Client, address: string): Promise<Figure[]> {
  const afterKill = await recoverAfter(client, address, 'SIGKILL');
  const afterTerm = await recoverAfter(client, address, 'SIGTERM');
  const afterLoss = await lostHost(client, address);
  return [
    { scenario: 'recovery', figure: "host lost for good (SIGKILL, never restarted) → the unit's agent running on another host", value: Number(afterLoss.toFixed(1)), unit: 's', target: '< 15 s', met: afterLoss < 15 },
    { scenario: 'recovery', figure: 'after SIGKILL: new worker start → all interrupted units running again', value: Number(afterKill.toFixed(1)), unit: 's', target: '< 5 s', met: afterKill < 5 },
    { scenario: 'recovery', figure: 'after SIGTERM (graceful, 1 s grace)', value: Number(afterTerm.toFixed(1)), unit: 's', target: '< 5 s', met: afterTerm < 5 },
  ];
}
