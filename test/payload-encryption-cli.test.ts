import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import { randomBytes } from 'node:crypto';
import { temporal } from '@temporalio/proto';
import type { ResultPromise } from 'execa';
import { ENCRYPTED_ENCODING, payloadKeyId } from '../src/temporal/payload-codec.js';
import { runCli, SCRIPTED_AGENT, spawnCli, startWorkerProcess, temporalCliEnv, waitForOutput } from './support/cli.js';
import { freeMetricsPort, freePort } from './support/free-port.js';
import { createTestRepo, tempDir } from './support/repos.js';
import { connectToTestServer, type TestTemporal } from './support/temporal.js';

const MARKER = 'wombat-abacus-9032-plaintext';
const KEY = randomBytes(32);

/** The aidp CLI against the run's dev server, with payloads encrypted. */
const cliEnv = (extra: Record<string, string> = {}) => temporalCliEnv('codec', { AIDP_PAYLOAD_KEY: KEY.toString('base64'), ...extra });

describe('the aidp CLI with AIDP_PAYLOAD_KEY set', () => {
  let raw: TestTemporal;
  const children: ResultPromise[] = [];
  beforeAll(async () => {
    raw = await connectToTestServer();
  });
  afterEach(async () => {
    for (const child of children.splice(0)) {
      child.kill('SIGINT');
      await child;
    }
  });
  afterAll(async () => {
    await raw?.close();
  });

  it('aidp run builds the feature, prints its result, and leaves only ciphertext in the history', async () => {
    const repo = await createTestRepo();
    const spec = ['# Cli encrypted', '', `Reported: ${MARKER}`, '', '- [ ] Only part', ''].join('\n');
    const result = await runCli(['run', '--repo', repo, '--text', spec, '--agent-command', `node ${SCRIPTED_AGENT} --write`, '--json'], await cliEnv(), 120_000);
    expect(result.exitCode).toBe(0);
    const out = JSON.parse(result.stdout) as { status: string; workflowId: string };
    const history = await raw.client.workflow.getHandle(out.workflowId).fetchHistory();
    const input = history.events![0]!.workflowExecutionStartedEventAttributes!.input!.payloads![0]!;

    expect(out.status).toBe('completed');
    expect(Buffer.from(input.metadata!.encoding!).toString()).toBe(ENCRYPTED_ENCODING);
    expect(Buffer.from(temporal.api.history.v1.History.encode(history).finish()).includes(MARKER)).toBe(false);
  });

  it('aidp worker serves /codec next to /metrics, behind AIDP_CODEC_TOKEN, encrypting with the key', async () => {
    const token = randomBytes(16).toString('hex');
    const env = await cliEnv({ AIDP_CODEC_TOKEN: token, HOST: '127.0.0.1' });
    const worker = await startWorkerProcess(env);
    children.push(worker.process);
    const url = `http://127.0.0.1:${env.AIDP_METRICS_PORT}/codec/encode`;
    const body = JSON.stringify({ payloads: [{ metadata: { encoding: Buffer.from('json/plain').toString('base64') }, data: Buffer.from('1').toString('base64') }] });
    const refused = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
    const answered = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` }, body });
    const payload = ((await answered.json()) as { payloads: { metadata: Record<string, string> }[] }).payloads[0]!;

    expect(refused.status).toBe(401);
    expect(answered.status).toBe(200);
    expect(Buffer.from(payload.metadata['encryption-key-id']!, 'base64').toString()).toBe(payloadKeyId(KEY));
  });

  it('aidp temporal starts the embedded Web UI with the codec endpoint of the metrics port', async () => {
    const env = {
      AIDP_WORKDIR: tempDir('embedded-codec'),
      AIDP_TEMPORAL_PORT: String(await freePort()),
      AIDP_TEMPORAL_UI_PORT: String(await freePort()),
      AIDP_METRICS_PORT: String(await freeMetricsPort()),
      AIDP_PAYLOAD_KEY: KEY.toString('base64'),
    };
    const child = spawnCli(['temporal'], env);
    children.push(child);
    const output = await waitForOutput(child, /Ctrl-C stops it/, 120_000);
    const ui = /ui: (\S+)/.exec(output)?.[1];
    const settings = (await (await fetch(`${ui}/api/v1/settings`)).json()) as { Codec: { Endpoint: string } };

    expect(settings.Codec.Endpoint).toBe(`http://127.0.0.1:${env.AIDP_METRICS_PORT}/codec`);
  });
});
