import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { chmodSync, mkdirSync, readdirSync, readFileSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import { gitEnvironment } from '../src/activities/git/git-env.js';
import { createGitActivities } from '../src/activities/git/git-activities.js';
import { createRemote } from './support/hostile-git.js';
import { tempDir } from './support/repos.js';

const SECRETS = {
  WEBHOOK_SECRET: 'whsec-value-1',
  GITHUB_CLIENT_SECRET: 'client-secret-value-2',
  MY_DEPLOY_TOKEN: 'deploy-token-value-3',
  PRIVATE_KEY: '-----BEGIN RSA PRIVATE KEY-----\nkey-value-4\n-----END RSA PRIVATE KEY-----',
  TEMPORAL_API_KEY: 'temporal-key-value-5',
};

describe("the environment of aidp's git", () => {
  it('holds only what git needs, with an aidp HOME and no system or user config', () => {
    const env = gitEnvironment({
      home: '/work/git-home',
      from: { ...SECRETS, PATH: '/usr/bin', HOME: '/root', LANG: 'C.UTF-8', LC_ALL: 'C', GIT_DIR: '/elsewhere', SSH_AUTH_SOCK: '/tmp/agent.sock' },
    });

    expect(Object.keys(env).sort()).toEqual(
      [
        'GIT_ALLOW_PROTOCOL', 'GIT_ASKPASS', 'GIT_CONFIG_GLOBAL', 'GIT_CONFIG_NOSYSTEM', 'GIT_EDITOR', 'GIT_PAGER', 'GIT_PROXY_COMMAND',
        'GIT_SEQUENCE_EDITOR', 'GIT_TERMINAL_PROMPT', 'HOME', 'LANG', 'LC_ALL', 'PAGER', 'PATH',
      ].sort(),
    );
    expect(env).toMatchObject({ HOME: '/work/git-home', GIT_CONFIG_NOSYSTEM: '1', GIT_CONFIG_GLOBAL: '/dev/null', GIT_PAGER: 'cat' });
  });

  it("gives the credential helper's variables and the transport's to remote commands only", () => {
    const from = { ...SECRETS, PATH: '/usr/bin', SSH_AUTH_SOCK: '/tmp/agent.sock', HTTPS_PROXY: 'http://proxy:3128' };
    const remote = gitEnvironment({ home: '/h', from, remote: { APP_ID: '42', PRIVATE_KEY_PATH: '/run/secrets/key.pem' } });

    expect(remote).toMatchObject({ APP_ID: '42', PRIVATE_KEY_PATH: '/run/secrets/key.pem', SSH_AUTH_SOCK: '/tmp/agent.sock', HTTPS_PROXY: 'http://proxy:3128', GIT_SSH_COMMAND: 'ssh' });
    for (const secret of Object.values(SECRETS)) expect(Object.values(remote)).not.toContain(secret);
  });

  describe('as git sees it (a git on PATH that records its environment, no hook involved)', () => {
    let probeDir: string;
    let logDir: string;
    let remote: string;
    let workDir: string;
    const saved = { ...process.env };

    beforeEach(async () => {
      const realGit = (await execa('sh', ['-c', 'command -v git'])).stdout.trim();
      probeDir = tempDir('git-probe');
      logDir = join(probeDir, 'log');
      mkdirSync(join(probeDir, 'bin'), { recursive: true });
      mkdirSync(logDir);
      writeFileSync(
        join(probeDir, 'bin', 'git'),
        `#!/bin/sh\nn=$(date +%s%N)-$$\nenv -0 > "${logDir}/$n.env"\nprintf '%s\\0' "$@" > "${logDir}/$n.args"\nexec "${realGit}" "$@"\n`,
      );
      chmodSync(join(probeDir, 'bin', 'git'), 0o755);
      remote = await createRemote('probe-remote');
      workDir = realpathSync(tempDir('probe-work'));
      Object.assign(process.env, SECRETS, { PATH: `${join(probeDir, 'bin')}:${process.env.PATH ?? ''}` });
    });
    afterEach(() => {
      for (const name of Object.keys(process.env)) if (!(name in saved)) delete process.env[name];
      Object.assign(process.env, saved);
      for (const dir of [probeDir, remote, workDir]) rmSync(dir, { recursive: true, force: true });
    });

    function runs(): { args: string[]; env: Record<string, string> }[] {
      return readdirSync(logDir)
        .filter((f) => f.endsWith('.args'))
        .map((f) => ({
          args: readFileSync(join(logDir, f), 'utf8').split('\0').filter(Boolean),
          env: Object.fromEntries(
            readFileSync(join(logDir, f.replace(/\.args$/, '.env')), 'utf8')
              .split('\0')
              .filter(Boolean)
              .map((kv) => [kv.slice(0, kv.indexOf('=')), kv.slice(kv.indexOf('=') + 1)]),
          ),
        }));
    }

    it('holds no app secret, and the credential helper only for fetch and push', async () => {
      const activities = createGitActivities({
        workDir,
        gitRemote: { credentialHelper: '!false', env: { APP_ID: '42', PRIVATE_KEY_PATH: '/run/secrets/key.pem' } },
      });
      const wt = await activities.prepareWorktree({ remoteUrl: remote, baseBranch: 'main', featureSlug: 'f', unitSlug: 'u', branch: 'aidp/f/u' });
      writeFileSync(join(wt.worktreePath, 'x.txt'), 'x\n');
      await activities.commitAll({ worktreePath: wt.worktreePath, message: 'x' });
      await activities.pushBranch({ worktreePath: wt.worktreePath, branch: 'aidp/f/u', remoteUrl: remote });

      const all = runs();
      const named = (cmd: string) => all.filter((r) => r.args.includes(cmd));
      expect(named('commit')).toHaveLength(1);
      expect(named('push')).toHaveLength(1);
      expect(named('fetch').length).toBeGreaterThan(0);
      for (const run of all) {
        for (const secret of Object.values(SECRETS)) expect(Object.values(run.env).join('\n')).not.toContain(secret);
        expect(run.env.HOME).toBe(join(workDir, 'git-home'));
        expect(run.args).toContain('core.hooksPath=/dev/null');
        const remoteCommand = run.args.includes('push') || run.args.includes('fetch') || run.args.includes('ls-remote');
        expect(run.env.APP_ID).toBe(remoteCommand ? '42' : undefined);
        expect(run.args.includes('credential.helper=!false')).toBe(remoteCommand);
      }
      for (const run of [...named('commit'), ...named('diff')]) expect(run.args.some((a) => a.startsWith('--git-dir='))).toBe(true);
    });
  });
});
