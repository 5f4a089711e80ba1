import { afterEach, describe, expect, it } from '@jest/globals';
import { readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { temporal } from '@temporalio/proto';
import { isRecorded, readManifest, recordHistories } from './support/recorded-histories.js';
import { tempDir } from './support/repos.js';

const history = (n: number) => ({
  workflowId: `wf-${n}`,
  history: {
    events: [
      {
        eventType: temporal.api.enums.v1.EventType.EVENT_TYPE_WORKFLOW_EXECUTION_STARTED,
        workflowExecutionStartedEventAttributes: { workflowType: { name: `Workflow${n}` } },
      },
    ],
  },
});

const dirs: string[] = [];

/** A fixtures dir holding one earlier recording, as test/fixtures/histories does. */
function fixturesWithEarlierRecording(): string {
  const dir = tempDir('histories');
  dirs.push(dir);
  writeFileSync(join(dir, 'feature-run-0.binpb'), 'earlier bytes');
  writeFileSync(join(dir, 'manifest.json'), `${JSON.stringify([{ file: 'feature-run-0.binpb', workflowId: 'old' }], null, 2)}\n`);
  return dir;
}

describe('recording replay fixtures', () => {
  afterEach(() => {
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  });

  it('adds its own files and manifest entries and leaves the earlier ones as they were', () => {
    const dir = fixturesWithEarlierRecording();
    recordHistories('plan', 'a plan', [history(1), history(2)], dir);

    expect(readdirSync(dir).sort()).toEqual(['feature-run-0.binpb', 'manifest.json', 'plan-0.binpb', 'plan-1.binpb']);
    expect(readFileSync(join(dir, 'feature-run-0.binpb'), 'utf8')).toBe('earlier bytes');
    expect(readManifest(dir)).toEqual([
      { file: 'feature-run-0.binpb', workflowId: 'old' },
      { file: 'plan-0.binpb', workflowId: 'wf-1', scenario: 'a plan' },
      { file: 'plan-1.binpb', workflowId: 'wf-2', scenario: 'a plan' },
    ]);
    const decoded = temporal.api.history.v1.History.decode(readFileSync(join(dir, 'plan-1.binpb')));
    expect(decoded.events[0]?.workflowExecutionStartedEventAttributes?.workflowType?.name).toBe('Workflow2');
  });

  it('refuses to record a kind that is recorded already, changing nothing', () => {
    const dir = fixturesWithEarlierRecording();
    const before = readFileSync(join(dir, 'manifest.json'), 'utf8');

    expect(() => recordHistories('feature-run', 'again', [history(1)], dir)).toThrow(/never re-recorded/);
    expect(readFileSync(join(dir, 'manifest.json'), 'utf8')).toBe(before);
    expect(readFileSync(join(dir, 'feature-run-0.binpb'), 'utf8')).toBe('earlier bytes');
  });

  it('tells a kind from a longer one that starts with the same words', () => {
    const dir = fixturesWithEarlierRecording();
    recordHistories('build-retried', 'a retried build', [history(1)], dir);

    expect(isRecorded('build-retried', dir)).toBe(true);
    expect(isRecorded('build', dir)).toBe(false);
  });
});
