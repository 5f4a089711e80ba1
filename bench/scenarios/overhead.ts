import { MockActivityEnvironment } from '@temporalio/testing';
import type { Client } from '@temporalio/client';
import { createActivities, type ActivityDeps } from '../../src/activities/index.js';
import type { UnitSpec } from '../../src/domain/unit.js';
import type { BaselineResult } from '../../src/activities/setup/setup-activities.js';
import { unitBranchName } from '../../src/domain/branches.js';
import { startFeature } from '../../src/features/feature-client.js';
import { prepareLocalFeature, resolveLocalRepo } from '../../src/features/local-feature.js';
import { orchestrationStatusQuery } from '../../src/domain/feature-status.js';
import { hopCounts, hopReport, median, unitTimes, type UnitTimes } from '../hop-report.js';
import { startCpuMeter, type CpuSpent } from '../cpu-meter.js';
import { benchRepo, sleep, taskList, SCRIPTED_AGENT, type Figure } from '../support.js';

const agent = (flags: string) => [{ preset: 'command' as const, command: `node ${SCRIPTED_AGENT} ${flags}`, args: [] }];

/** Wall time until every unit completed, through Temporal (workers already running). */
export async function temporalUnitPhase(
  client: Client,
  n: number,
  concurrency: number,
  flags: string,
  serverPid?: number,
): Promise<{ ms: number; workflowId: string; times: UnitTimes; cpu: CpuSpent }> {
  const repo = await benchRepo();
  const feature = await prepareLocalFeature({
    repo: await resolveLocalRepo(repo),
    specText: taskList(`Overhead ${n} ${Date.now()}`, n),
    overrides: { providers: agent(flags), concurrency, maxIterations: 1 },
  });
  const started = Date.now();
  const cpu = startCpuMeter(serverPid);
  const handle = await startFeature(client, feature);
  // Every query is a task for the feature's worker, competing with the run it measures: ask
  // once a second while many units remain, every 100 ms for the last round.
  for (;;) {
    const status = await handle.query(orchestrationStatusQuery).catch(() => undefined);
    const done = status && status.total_units === n ? status.completed + status.failed : 0;
    if (done === n) break;
    await sleep(n - done > concurrency ? 1000 : 100);
  }
  const ms = Date.now() - started;
  const spent = cpu();
  if (process.env.AIDP_BENCH_DEBUG) process.stderr.write(await hopReport(client, feature.workflowId, n));
  const times = await unitTimes(client, feature.workflowId, n);
  // The merge is not part of this figure (the baseline has none); the run is stopped here.
  await handle.terminate('bench: unit phase measured');
  return { ms, workflowId: feature.workflowId, times, cpu: spent };
}

const CHECKS = [{ name: 'test', command: 'node scripts/check.mjs', timeout_seconds: 60, required: true }];

/**
 * The same work as a feature through Temporal, by the same activity functions in an in-process
 * pool: the checks once on the untouched base, the task list split into units, then each unit's
 * prepare and one iteration (agent, checks, finish).
 */
async function directBaseline(deps: ActivityDeps, n: number, concurrency: number, flags: string): Promise<{ ms: number; unitWall: number[]; cpu: CpuSpent }> {
  const repo = await benchRepo();
  const activities = createActivities({ ...deps, hostQueue: 'direct' });
  const host = activities.host;
  const env = new MockActivityEnvironment();
  const featureSlug = `direct-${Date.now()}`;
  const started = Date.now();
  const cpu = startCpuMeter(undefined);
  const base: BaselineResult = await env.run(host.checkBaseline, { remoteUrl: repo, baseBranch: 'main', featureSlug, checks: CHECKS });
  if (base.checks.some((c) => !c.passed)) throw new Error('bench: the checks fail on the bench repository\'s base');
  const specs: UnitSpec[] = await env.run(activities.orchestrator.decomposeFeature, {
    specText: taskList(`Overhead ${n} direct`, n),
    repoDir: repo,
    providers: agent(flags),
    timeoutMs: 60_000,
  });
  const units = specs.map((spec) => spec.slug);
  let next = 0;
  const unitWall: number[] = [];
  const worker = async (): Promise<void> => {
    while (next < units.length) {
      const unitStarted = Date.now();
      const unitSlug = units[next++]!;
      const branch = unitBranchName(featureSlug, unitSlug);
      // The same steps a UnitWorkflow runs: prepare, then one iteration (agent, checks, finish).
      const where = { featureSlug, unitSlug };
      const wt: { worktreePath: string; baseSha: string } = await env.run(host.prepareWorktree, { remoteUrl: repo, baseBranch: 'main', ...where, branch });
      await env.run(host.runIteration, {
        ...where,
        worktreePath: wt.worktreePath,
        baseSha: wt.baseSha,
        prompt: `# Task: ${unitSlug}`,
        providers: agent(flags),
        timeoutMs: 60_000,
        unitId: unitSlug,
        iteration: 1,
        promptKey: `${featureSlug}--${unitSlug}`,
        checks: CHECKS,
        finish: { message: unitSlug, branch, remoteUrl: repo },
      });
      unitWall.push(Date.now() - unitStarted);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  const ms = Date.now() - started;
  return { ms, unitWall, cpu: cpu() };
}

const perUnit = (seconds: number | undefined, n: number): string => (seconds === undefined ? 'n/a' : (seconds / n).toFixed(2));
const difference = (a: number | undefined, b: number | undefined): number | undefined => (a === undefined || b === undefined ? undefined : a - b);

/** The concurrency the ratio target is measured at. */
const TARGET_CONCURRENCY = 10;

/**
 * `n` units at `concurrency`, through Temporal and direct. At the target concurrency the two
 * cores are saturated; a low concurrency leaves CPU to spare and shows the latency cost alone.
 */
export async function overhead(client: Client, deps: ActivityDeps, n: number, serverPid?: number, concurrency = TARGET_CONCURRENCY): Promise<Figure[]> {
  const flags = '--write --sleep 1000';
  const { ms: baseline, unitWall, cpu: directCpu } = await directBaseline(deps, n, concurrency, flags);
  const { ms, times, workflowId, cpu } = await temporalUnitPhase(client, n, concurrency, flags, serverPid);
  const ratio = ms / baseline;
  const counts = await hopCounts(client, workflowId);
  const scenario = concurrency === TARGET_CONCURRENCY ? `overhead ${n} units` : `overhead ${n} units, concurrency ${concurrency}`;
  const target = concurrency === TARGET_CONCURRENCY ? { target: '≤ 1.10', met: ratio <= 1.1 } : {};
  return [
    {
      scenario,
      figure: 'per unit: workflow tasks (own + feature share) / activity tasks (own + feature share)',
      value: `${counts.workflowTasksPerUnit} (${counts.unitWorkflowTasks} + ${counts.featureWorkflowTasks}) / ${counts.activitiesPerUnit} (${counts.unitActivities} + ${counts.featureActivities})`,
      unit: 'tasks',
      // The feature's share (its baseline) is a per-feature cost: 1/n of an activity.
      target: '≤ 8 / ≤ 4 own',
      met: counts.workflowTasksPerUnit <= 8 && counts.unitActivities <= 4,
    },
    { scenario, figure: 'direct baseline', value: Math.round(baseline), unit: 'ms' },
    { scenario, figure: 'one unit, direct (median)', value: median(unitWall), unit: 'ms' },
    {
      scenario,
      figure: 'one unit through Temporal (median): activities running / queue waits and workflow tasks',
      value: `${median(times.wall)}: ${median(times.activities)} / ${median(times.orchestration)}`,
      unit: 'ms',
    },
    { scenario, figure: 'through Temporal (until last unit completed)', value: ms, unit: 'ms' },
    {
      // Two cores run the units, the server and the workers alike: CPU the server takes, the units wait for.
      scenario,
      figure: 'CPU per unit, whole machine: direct / through Temporal (Temporal server; this process; its children)',
      value: `${perUnit(directCpu.machine, n)} (-; ${perUnit(directCpu.self, n)}; ${perUnit(directCpu.children, n)}) / ${perUnit(cpu.machine, n)} (${perUnit(cpu.server, n)}; ${perUnit(cpu.self, n)}; ${perUnit(cpu.children, n)})`,
      unit: 'CPU s',
    },
    {
      // CPU-bound (two cores at concurrency 10), the wall ratio follows the CPU ratio: within 10%
      // means all orchestration, the server included, in a tenth of what a unit costs direct.
      scenario,
      figure: 'CPU per unit that orchestration adds (through Temporal − direct) / a tenth of a unit direct',
      value: `${perUnit(difference(cpu.machine, directCpu.machine), n)} / ${perUnit(directCpu.machine === undefined ? undefined : directCpu.machine / 10, n)}`,
      unit: 'CPU s',
    },
    {
      scenario,
      figure: 'ratio',
      value: Number(ratio.toFixed(3)),
      unit: 'x',
      ...target,
    },
  ];
}
