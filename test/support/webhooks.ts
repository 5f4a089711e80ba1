import { createHmac, generateKeyPairSync, randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import nock from 'nock';
import { pino } from 'pino';
import { ProbotOctokit } from 'probot';
import { createApp, type AppDeps } from '../../src/handlers/app.js';
import type { ProcessorPort, StartResult, MessageResult } from '../../src/domain/processor-port.js';
import { createPermissionChecker } from '../../src/github/permissions.js';
import { startWebhookServer } from '../../src/server/webhook-server.js';
import { githubWorkflowId, type GithubWorkflowKind } from '../../src/github/workflow-ids.js';
import { freePort } from './free-port.js';

const here = dirname(fileURLToPath(import.meta.url));

export const APP_ID = 987654;
export const WEBHOOK_SECRET = 'whsec-webhooks-test-7c1d';
export const GITHUB_API = 'https://api.github.com';
/** Generated once per test file: the app signs its JWT with it when nock answers the token request. */
export const PRIVATE_KEY = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ type: 'pkcs1', format: 'pem' }).toString();

/** A payload from @octokit/webhooks-examples, saved with an installation added: a fresh copy each call. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export function fixture(name: string): any {
  return JSON.parse(readFileSync(join(here, '..', 'fixtures', 'webhooks', `${name}.json`), 'utf8'));
}

export function sign(body: string, secret = WEBHOOK_SECRET): string {
  return `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;
}

export interface ProcessorCall {
  method: keyof ProcessorPort;
  request: Record<string, unknown>;
}

/** What the fake answers; every call is recorded in order. */
export interface FakeAnswers {
  started?: boolean;
  message?: MessageResult;
  status?: string;
  fail?: Error;
}

const START_KINDS: Partial<Record<keyof ProcessorPort, GithubWorkflowKind>> = {
  startBuild: 'build',
  startPlan: 'plan',
  startReview: 'review',
  startCiFix: 'ci-fix',
  startChangeRequest: 'change-request',
};

/** A ProcessorPort that records each call and answers from `answers` (changeable mid-test). */
export function recordingProcessors(answers: FakeAnswers = {}): { port: ProcessorPort; calls: ProcessorCall[]; answers: FakeAnswers } {
  const calls: ProcessorCall[] = [];
  const refused = new Set<string>();
  const record = (method: keyof ProcessorPort, request: object) => {
    calls.push({ method, request: { ...request } });
    if (answers.fail) throw answers.fail;
  };
  const start = (method: keyof ProcessorPort) => async (request: { owner: string; repo: string; issueNumber?: number; prNumber?: number }): Promise<StartResult> => {
    record(method, request);
    const kind = START_KINDS[method] ?? 'build';
    const number = request.issueNumber ?? request.prNumber ?? 0;
    return { workflowId: githubWorkflowId({ owner: request.owner, repo: request.repo, number, kind }), started: answers.started ?? true };
  };
  const message = async (method: keyof ProcessorPort, request: { owner: string; repo: string; number: number }): Promise<MessageResult> => {
    record(method, request);
    return answers.message ?? { delivered: true, workflowId: githubWorkflowId({ ...request, kind: 'build' }) };
  };
  const port: ProcessorPort = {
    startBuild: start('startBuild'),
    startPlan: start('startPlan'),
    startReview: start('startReview'),
    startCiFix: start('startCiFix'),
    startChangeRequest: start('startChangeRequest'),
    featurePullClosed: start('featurePullClosed'),
    signalFeature: (request) => message('signalFeature', request),
    retry: (request) => message('retry', request),
    setConcurrency: (request) => message('setConcurrency', request),
    status: async (request) => {
      record('status', request);
      return answers.status;
    },
    // Not recorded: the real one (Temporal) is tested in refusal-throttle.test.ts.
    claimRefusalReply: async (claim) => {
      const key = `${claim.owner}/${claim.repo}#${claim.number}@${claim.login}`.toLowerCase();
      if (refused.has(key)) return false;
      refused.add(key);
      return true;
    },
  };
  return { port, calls, answers };
}

export interface Delivery {
  status: number;
  body: string;
}

export interface TestApp {
  url: string;
  processors: ReturnType<typeof recordingProcessors>;
  /** Every line the app logged (pino JSON), parsed. */
  logs: Record<string, unknown>[];
  /** Signs and POSTs a delivery; a string body is sent as given. */
  /** `deliveryId`: the `X-GitHub-Delivery` to send (a redelivery repeats one); default a new one. */
  deliver(event: string, payload: unknown, opts?: { signature?: string; deliveryId?: string }): Promise<Delivery>;
  stop(): Promise<void>;
}

/**
 * Probot's Octokit with retries and throttling off, so each request is made once and without
 * the 1–3 s spacing of writes. A function, so that it applies after Probot's own defaults.
 */
const UNTHROTTLED_OCTOKIT = ProbotOctokit.defaults((options: Record<string, unknown>) => ({
  ...options,
  retry: { enabled: false },
  throttle: { ...(options.throttle as object | undefined), enabled: false },
}));

/**
 * aidp's webhook server (Probot's `Server`, with the body limit) on a free port with the aidp app, a recording processor port and a
 * real permission checker. One per test: Probot caches installation tokens per instance.
 */
export async function startTestApp(opts: { answers?: FakeAnswers; deps?: Partial<AppDeps>; baseUrl?: string } = {}): Promise<TestApp> {
  const port = await freePort();
  const logs: Record<string, unknown>[] = [];
  const log = pino({ level: 'debug' }, { write: (line: string) => void logs.push(JSON.parse(line) as Record<string, unknown>) });
  const processors = recordingProcessors(opts.answers);
  const server = await startWebhookServer({
    appId: APP_ID,
    privateKey: PRIVATE_KEY,
    webhookSecret: WEBHOOK_SECRET,
    host: '127.0.0.1',
    port,
    webhookPath: '/api/github/webhooks',
    baseUrl: opts.baseUrl,
    logger: log,
    Octokit: UNTHROTTLED_OCTOKIT,
    app: createApp({ processors: processors.port, permissions: createPermissionChecker(), ...opts.deps }),
  });
  const url = `http://127.0.0.1:${port}/api/github/webhooks`;
  return {
    url,
    processors,
    logs,
    async deliver(event, payload, deliverOpts = {}) {
      const body = typeof payload === 'string' ? payload : JSON.stringify(payload);
      const response = await fetch(url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'x-github-event': event,
          'x-github-delivery': deliverOpts.deliveryId ?? randomUUID(),
          'x-hub-signature-256': deliverOpts.signature ?? sign(body),
        },
        body,
      });
      return { status: response.status, body: await response.text() };
    },
    stop: () => server.stop(),
  };
}

/** nock for api.github.com with the installation token request every authenticated delivery makes first. */
export function githubWithToken(installationId: number): nock.Scope {
  return nock(GITHUB_API)
    .post(`/app/installations/${installationId}/access_tokens`)
    .reply(201, { token: 'ghs_webhookstesttoken0000000000000000', expires_at: new Date(Date.now() + 3_600_000).toISOString(), permissions: { issues: 'write' }, repository_selection: 'all' });
}

const LOCAL = /^127\.0\.0\.1(:\d+)?$/;

/** Requests to anywhere but the local webhook server that nock had no interceptor for. */
export function watchUnmatched(): { requests: string[]; stop(): void } {
  const requests: string[] = [];
  const listener = (req: { method?: string; path?: string; href?: string }) => {
    const where = req.href ?? req.path ?? '?';
    if (!LOCAL.test(new URL(where, 'http://unknown').host)) requests.push(`${req.method ?? '?'} ${where}`);
  };
  nock.emitter.on('no match', listener);
  return { requests, stop: () => void nock.emitter.removeListener('no match', listener) };
}

/** Only the webhook server on 127.0.0.1 is reachable; everything else must be mocked. */
export function blockNetwork(): void {
  nock.disableNetConnect();
  nock.enableNetConnect(LOCAL);
}
