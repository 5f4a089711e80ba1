import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { generateKeyPairSync, randomUUID } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { execa, type ResultPromise } from 'execa';
import { simpleGit } from 'simple-git';
import { deliveryWorkflowId, githubWorkflowId } from '../src/github/workflow-ids.js';
import { BUILD_MARKER } from '../src/github/build-marker.js';
import { RECONCILE_SCHEDULE_ID } from '../src/temporal/reconcile-schedule.js';
import { terminateRunningWorkflows } from './support/cleanup.js';
import { AIDP_BIN, SCRIPTED_AGENT, waitForOutput } from './support/cli.js';
import { loadComposeProject } from './support/compose-env.js';
import { sandboxEnv } from './support/sandbox.js';
import { freeMetricsPort, freePort } from './support/free-port.js';
import { startGitHubStandIn, type GitHubStandIn } from './support/github-standin.js';
import { createTestRepo, taskListSpec, tempDir } from './support/repos.js';
import { testServerAddress } from './support/temporal.js';
import { fixture, sign } from './support/webhooks.js';
import { testNamespace } from './support/test-namespace.js';

const COMPOSE_FILE = join(import.meta.dirname, '..', 'docker-compose.yml');
const APP_ID = 424242;
const INSTALLATION = 4242;
const WEBHOOK_SECRET = 'whsec-compose-environment-5e2a';
const [OWNER, REPO] = ['Codertocat', 'Hello-World'];
const ISSUE = 7;

/**
 * The container's addresses, as this machine has them: the compose file's Temporal is the test's
 * dev server, its volume and secret paths are temp files, its ports free ones. Nothing else changes.
 */
async function onThisMachine(env: Record<string, string>, secrets: Record<string, string>): Promise<Record<string, string>> {
  const local: Record<string, string> = { ...env, TEMPORAL_ADDRESS: testServerAddress(), TEMPORAL_NAMESPACE: testNamespace(), AIDP_WORKDIR: tempDir('compose-workdir') };
  if (env.PRIVATE_KEY_PATH) local.PRIVATE_KEY_PATH = secrets[env.PRIVATE_KEY_PATH] ?? `no secret file for ${env.PRIVATE_KEY_PATH}`;
  if (env.PORT) local.PORT = String(await freePort());
  if (env.HOST) local.HOST = '127.0.0.1';
  // The next port too is the process's (the Temporal SDK's own metrics): both must be free.
  if (env.AIDP_METRICS_PORT) local.AIDP_METRICS_PORT = String(await freeMetricsPort());
  return local;
}

/** `node bin/aidp.js <command>` with exactly `env` (and the image's NODE_ENV, PATH and HOME). */
function spawnAidp(command: string, env: Record<string, string>): ResultPromise {
  return execa('node', [AIDP_BIN, command], {
    // The sandbox settings stand for the image's agent CLIs: here the scripted agents live in the repository.
    env: { PATH: process.env.PATH, HOME: tempDir('compose-home'), NODE_ENV: 'production', ...sandboxEnv(), ...env },
    extendEnv: false,
    reject: false,
    stdin: 'ignore',
    buffer: true,
  });
}

/** The repository on the stand-in: a bare copy of a test repo whose agent is the scripted one. */
async function hostRepository(gitRoot: string): Promise<void> {
  const work = await createTestRepo({
    aidpYml: ['concurrency: 2', 'max_iterations: 1', 'agents:', '  providers:', '    - preset: command', `      command: node ${SCRIPTED_AGENT} --write`, 'checks:', '  test:', '    command: node scripts/check-units.mjs', ''].join('\n'),
  });
  mkdirSync(join(gitRoot, OWNER), { recursive: true });
  await simpleGit().clone(work, join(gitRoot, OWNER, `${REPO}.git`), ['--bare']);
}

describe('the compose deployment (docker-compose.yml environment, run as processes)', () => {
  let github: GitHubStandIn;
  let server: ResultPromise | undefined;
  let worker: ResultPromise | undefined;
  let connection: Connection | undefined;
  let serverEnv: Record<string, string>;
  let workerEnv: Record<string, string>;
  let gitRoot: string;

  beforeAll(async () => {
    const project = tempDir('compose-project');
    gitRoot = tempDir('compose-git');
    const privateKey = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ type: 'pkcs1', format: 'pem' }).toString();
    writeFileSync(join(project, 'private-key.pem'), privateKey);
    github = await startGitHubStandIn({ appId: APP_ID, privateKeyPem: privateKey, installationId: INSTALLATION, gitRoot, writers: ['alice'] });
    await hostRepository(gitRoot);
    // The operator's .env, as the compose file's header asks for it, for a GHES on an IP and port.
    writeFileSync(
      join(project, '.env'),
      [`APP_ID=${APP_ID}`, `WEBHOOK_SECRET=${WEBHOOK_SECRET}`, `GHE_HOST=${github.host}`, 'GHE_PROTOCOL=http', 'LOG_LEVEL=info', ''].join('\n'),
    );
    const compose = loadComposeProject(COMPOSE_FILE, project);
    serverEnv = await onThisMachine(compose.environment('aidp-server'), compose.secretFiles('aidp-server'));
    workerEnv = await onThisMachine(compose.environment('aidp-worker'), compose.secretFiles('aidp-worker'));
    connection = await Connection.connect({ address: testServerAddress() });
  });

  afterAll(async () => {
    for (const child of [server, worker]) child?.kill('SIGTERM');
    await Promise.all([server, worker].map((child) => child?.catch(() => undefined)));
    if (connection) {
      const client = new Client({ connection, namespace: testNamespace() });
      // `aidp server` created the reconcile schedule in the shared dev server: other tests must not see it fire.
      await client.schedule.getHandle(RECONCILE_SCHEDULE_ID).delete().catch(() => undefined);
      await terminateRunningWorkflows(client);
    }
    await connection?.close();
    await github?.close();
  });

  it('gives the worker the app id and key but not the webhook secret, which only the server verifies', () => {
    expect([Boolean(serverEnv.WEBHOOK_SECRET), 'WEBHOOK_SECRET' in workerEnv]).toEqual([true, false]);
    expect([serverEnv.APP_ID, workerEnv.APP_ID, serverEnv.GHE_HOST, workerEnv.GHE_PROTOCOL]).toEqual([String(APP_ID), String(APP_ID), github.host, 'http']);
  });

  it('turns a writer\'s aidp-build label into a feature PR, through aidp-server and aidp-worker as compose configures them', async () => {
    server = spawnAidp('server', serverEnv);
    worker = spawnAidp('worker', workerEnv);
    await Promise.all([waitForOutput(server, /webhooks on/), waitForOutput(worker, /worker on/)]);

    const payload = fixture('issues.labeled');
    payload.label.name = 'aidp-build';
    Object.assign(payload.sender, { login: 'alice', type: 'User' });
    Object.assign(payload.issue, { number: ISSUE, title: 'Widgets', body: taskListSpec('Widgets', ['Part one', 'Part two']) });
    Object.assign(payload.repository, { clone_url: `${github.origin}/${OWNER}/${REPO}.git`, html_url: `${github.origin}/${OWNER}/${REPO}`, default_branch: 'main' });
    payload.installation = { id: INSTALLATION };
    const body = JSON.stringify(payload);
    const deliveryId = randomUUID();
    const response = await fetch(`http://127.0.0.1:${serverEnv.PORT}${'/api/github/webhooks'}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-github-event': 'issues', 'x-github-delivery': deliveryId, 'x-hub-signature-256': sign(body, WEBHOOK_SECRET) },
      body,
    });
    expect(response.status).toBe(200);

    // The server acknowledged after starting the delivery's workflow; the worker checks permission and starts the build.
    const client = new Client({ connection, namespace: testNamespace() });
    expect(await client.workflow.getHandle(deliveryWorkflowId(OWNER, REPO, deliveryId)).result()).toBe('started');
    const buildId = githubWorkflowId({ owner: OWNER, repo: REPO, number: ISSUE, kind: 'build' });
    const result = await client.workflow.getHandle(buildId).result();

    expect(result).toMatchObject({ status: 'completed', prUrl: `${github.origin}/${OWNER}/${REPO}/pull/1` });
    expect(github.pulls).toEqual([expect.objectContaining({ number: 1, base: 'main', body: expect.stringContaining(`Closes #${ISSUE}`) })]);
    const pushed = await simpleGit(join(gitRoot, OWNER, `${REPO}.git`)).raw(['branch', '--list', '--format=%(refname:short)', github.pulls[0]?.head ?? '-']);
    expect(pushed.trim()).toBe(github.pulls[0]?.head);
    expect([...github.comments.values()].map((comment) => comment.body).join('\n')).toContain('pull/1');
    // git fetched and pushed with installation tokens from `aidp git-credential`, which asked as the app.
    expect(github.requests).toContain(`GET /api/v3/repos/${OWNER}/${REPO}/installation`);
    expect(github.requests).toContain(`POST /${OWNER}/${REPO}.git/git-receive-pack`);
    expect(github.unexpected).toEqual([]);
    // The build's status comment carries aidp's marker: reconcile reads it on GitHub.
    expect([...github.comments.values()].some((comment) => comment.body.endsWith(BUILD_MARKER))).toBe(true);
  }, 240_000);
});
