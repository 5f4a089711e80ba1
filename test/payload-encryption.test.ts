import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Client } from '@temporalio/client';
import { temporal } from '@temporalio/proto';
import { Registry } from 'prom-client';
import { startFeature } from '../src/features/feature-client.js';
import { prepareLocalFeature, resolveLocalRepo } from '../src/features/local-feature.js';
import { startMetricsServer, type RunningMetricsServer } from '../src/metrics/metrics-server.js';
import { codecEndpoint } from '../src/server/codec-endpoint.js';
import { aidpDataConverter } from '../src/temporal/data-converter.js';
import { EncryptionCodec, ENCRYPTED_ENCODING } from '../src/temporal/payload-codec.js';
import type { FeatureOrchestrationWorkflow } from '../src/workflows/feature-orchestration/workflow.js';
import { startHarness, type Harness } from './support/harness.js';
import { createTestRepo } from './support/repos.js';
import { agentIoDir } from './support/sandbox.js';
import { bundleWorkflows, connectToTestServer, type TestTemporal } from './support/temporal.js';
import { scriptedProviders } from './support/scripted-agent.js';

type History = temporal.api.history.v1.IHistory;
type RawPayload = temporal.api.common.v1.IPayload;

/** In the issue text only: never in a title, so never in a workflow id or a branch name. */
const MARKER = 'quokka-ledger-5521-plaintext';
const FAILURE_MARKER = 'pangolin-rivet-6610-plaintext';
const UI_ORIGIN = 'http://127.0.0.1:8233';

/** Every history of a run: the workflow, its continued-as-new runs and all its children, recursively. */
async function historiesOf(client: Client, workflowId: string, runId?: string): Promise<History[]> {
  const history = await client.workflow.getHandle(workflowId, runId).fetchHistory();
  const all = [history];
  for (const event of history.events ?? []) {
    const child = event.childWorkflowExecutionStartedEventAttributes?.workflowExecution;
    if (child?.workflowId) all.push(...(await historiesOf(client, child.workflowId, child.runId ?? undefined)));
    const next = event.workflowExecutionContinuedAsNewEventAttributes?.newExecutionRunId;
    if (next) all.push(...(await historiesOf(client, workflowId, next)));
  }
  return all;
}

/**
 * The payloads the codec handles: everything but search attributes and headers, which the SDK
 * never encodes, and the markers of `patched()`, which the SDK's core writes itself (the patch id).
 */
function codecPayloads(value: unknown, found: RawPayload[] = []): RawPayload[] {
  if (!value || typeof value !== 'object' || ArrayBuffer.isView(value)) return found;
  const record = value as Record<string, unknown>;
  if (record.markerName === 'core_patch') return found;
  if ('data' in record && record.metadata && typeof record.metadata === 'object') {
    found.push(record as RawPayload);
    return found;
  }
  for (const [name, child] of Object.entries(record)) {
    if (name !== 'searchAttributes' && name !== 'header') codecPayloads(child, found);
  }
  return found;
}

const encodingOf = (p: RawPayload) => Buffer.from(p.metadata?.encoding ?? new Uint8Array()).toString('utf8');
const toJson = (p: RawPayload) => ({
  metadata: Object.fromEntries(Object.entries(p.metadata ?? {}).map(([k, v]) => [k, Buffer.from(v).toString('base64')])),
  data: Buffer.from(p.data ?? new Uint8Array()).toString('base64'),
});

describe('a feature run with AIDP_PAYLOAD_KEY set', () => {
  const keys = { current: randomBytes(32), old: [] };
  let harness: Harness;
  let raw: TestTemporal;
  let codecServer: RunningMetricsServer;
  let histories: History[];
  beforeAll(async () => {
    harness = await startHarness({ bundle: await bundleWorkflows(), dataConverter: aidpDataConverter(keys) });
    raw = await connectToTestServer();
    codecServer = await startMetricsServer({
      registry: new Registry(),
      port: 0,
      host: '127.0.0.1',
      routes: [codecEndpoint({ codec: new EncryptionCodec(keys), allowedOrigins: [UI_ORIGIN] })],
    });
    const repo = await createTestRepo();
    const spec = ['# Encrypted feature', '', `The reporter wrote: ${MARKER}`, '', '- [ ] First part', '- [ ] Second part', ''].join('\n');
    // Every agent prints the marker, as agents echo what they read; the second part's agent then
    // fails, so its output also travels in a failure message.
    const output = join(agentIoDir('agent-output'), 'output.txt');
    writeFileSync(output, `I read: ${MARKER}\n`);
    const handle = await harness.startFeature(repo, spec, {
      providers: scriptedProviders(`--write --json ${output} --fail-units second-part`),
      maxIterations: 1,
    });
    const result = await handle.result();
    expect(result.units.map((u) => [u.spec.slug, u.status])).toEqual([
      ['first-part', 'completed'],
      ['second-part', 'failed'],
    ]);
    expect(result.units[1]!.error).toContain(MARKER);
    histories = await historiesOf(raw.client, handle.workflowId);
  });
  afterAll(async () => {
    await codecServer?.close();
    await raw?.close();
    await harness?.close();
  });

  it('leaves no plaintext of the issue text anywhere in the raw histories, fetched without the codec', () => {
    expect(histories.length).toBeGreaterThan(2);
    for (const history of histories) {
      const bytes = Buffer.from(temporal.api.history.v1.History.encode(history).finish());
      expect(bytes.includes(MARKER)).toBe(false);
    }
  });

  it('encrypts every payload of every history but search attributes, headers and patch markers', () => {
    const payloads = histories.flatMap((h) => codecPayloads(h.events));

    expect(payloads.length).toBeGreaterThan(10);
    expect(new Set(payloads.map(encodingOf))).toEqual(new Set([ENCRYPTED_ENCODING]));
  });

  it('keeps a failing agent\'s output, carried in failure messages, out of the raw history too', async () => {
    const repo = await createTestRepo();
    const output = join(agentIoDir('agent-output'), 'output.txt');
    writeFileSync(output, `I could not split: ${FAILURE_MARKER}\n`);
    // No task list: an agent is asked to split the spec; it prints the marker, then fails.
    const handle = await harness.startFeature(repo, '# Unsplittable feature\n\nDo something vague.\n', {
      providers: scriptedProviders(`--json ${output} --require-prompt never-in-a-prompt`),
      maxIterations: 1,
    });
    const result = await handle.result().then(
      (r) => r.error ?? '',
      (err: unknown) => String(err),
    );
    const bytes = (await historiesOf(raw.client, handle.workflowId)).map((h) => Buffer.from(temporal.api.history.v1.History.encode(h).finish()));

    expect(result).toContain(FAILURE_MARKER);
    expect(bytes.some((b) => b.includes(FAILURE_MARKER))).toBe(false);
  });

  it('completes a run started before the key was set: its plaintext payloads pass through the codec', async () => {
    const repo = await createTestRepo();
    const feature = await prepareLocalFeature({
      repo: await resolveLocalRepo(repo),
      specText: '# Started in plaintext\n\n- [ ] Lone part\n',
      overrides: { providers: scriptedProviders('--write') },
    });
    const started = await startFeature(raw.client, feature);
    const input = (await started.fetchHistory()).events![0]!.workflowExecutionStartedEventAttributes!.input!.payloads![0]!;
    const result = await harness.client.workflow.getHandle<typeof FeatureOrchestrationWorkflow>(started.workflowId).result();

    expect(encodingOf(input)).toBe('json/plain');
    expect(result.status).toBe('completed');
  });

  it('decodes the raw history through POST /codec/decode, as the Web UI does, back to the issue text', async () => {
    const started = histories[0]!.events![0]!.workflowExecutionStartedEventAttributes!;
    const response = await fetch(`${codecServer.url}/codec/decode`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-namespace': 'default', origin: UI_ORIGIN },
      body: JSON.stringify({ payloads: started.input!.payloads!.map(toJson) }),
    });
    const body = (await response.json()) as { payloads: { metadata: Record<string, string>; data: string }[] };

    expect(response.status).toBe(200);
    expect(response.headers.get('access-control-allow-origin')).toBe(UI_ORIGIN);
    expect(Buffer.from(body.payloads[0]!.metadata.encoding!, 'base64').toString()).toBe('json/plain');
    expect(Buffer.from(body.payloads[0]!.data, 'base64').toString()).toContain(MARKER);
  });
});
