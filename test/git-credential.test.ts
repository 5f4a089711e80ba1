import { describe, expect, it } from '@jest/globals';
import { generateKeyPairSync } from 'node:crypto';
import { rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';
import { gitEnvironment } from '../src/activities/git/git-env.js';
import { answerCredentialRequest, credentialHelperCommand, credentialHelperEnv, repositoryOf } from '../src/github/git-credential.js';
import { AIDP_BIN } from './support/cli.js';
import { tempDir } from './support/repos.js';
import { GITHUB_COM, parseGheHost } from '../src/github/github-host.js';

const here = dirname(fileURLToPath(import.meta.url));
const tokens = { tokenFor: async (owner: string, repo: string) => `ghs_token_for_${owner}_${repo}` };

describe('the git credential helper', () => {
  it('answers git with an installation token for the repository in the path', async () => {
    const answer = await answerCredentialRequest('get', 'protocol=https\nhost=github.com\npath=octo-org/widgets.git\n', { github: GITHUB_COM, tokens });
    expect(answer).toBe('username=x-access-token\npassword=ghs_token_for_octo-org_widgets\n');
  });

  it('says nothing for another host, another protocol, no path, or store and erase', async () => {
    const opts = { github: GITHUB_COM, tokens };
    expect(await answerCredentialRequest('get', 'protocol=https\nhost=gitlab.com\npath=a/b.git\n', opts)).toBe('');
    expect(await answerCredentialRequest('get', 'protocol=ssh\nhost=github.com\npath=a/b.git\n', opts)).toBe('');
    expect(await answerCredentialRequest('get', 'protocol=https\nhost=github.com\n', opts)).toBe('');
    expect(await answerCredentialRequest('store', 'protocol=https\nhost=github.com\npath=a/b.git\n', opts)).toBe('');
  });

  it('answers for a GitHub Enterprise Server on an IP address and port over http, and only there', async () => {
    const opts = { github: parseGheHost('127.0.0.1:8080', 'http')!, tokens };
    const request = (protocol: string, host: string) => answerCredentialRequest('get', `protocol=${protocol}\nhost=${host}\npath=a/b.git\n`, opts);
    expect(await request('http', '127.0.0.1:8080')).toBe('username=x-access-token\npassword=ghs_token_for_a_b\n');
    expect([await request('https', '127.0.0.1:8080'), await request('http', '127.0.0.1:8081'), await request('http', 'x@127.0.0.1:8080'), await request('http', 'github.com')]).toEqual(['', '', '', '']);
  });

  it('refuses paths that are not owner/repo', () => {
    expect(repositoryOf('octo-org/widgets.git')).toEqual({ owner: 'octo-org', repo: 'widgets' });
    expect(repositoryOf('../../etc/passwd')).toBeUndefined();
    expect(repositoryOf('a/b/c')).toBeUndefined();
  });

  it('is run by a command that holds no secret', () => {
    const command = credentialHelperCommand('/opt/aidp/bin/aidp.js');

    expect(command).toMatch(/^!".*" "\/opt\/aidp\/bin\/aidp\.js" git-credential$/);
    expect(command).not.toMatch(/ghs_|token|password/i);
  });

  it('gets the app id, the key file path and the GHE host, and nothing else of the worker', () => {
    const env = credentialHelperEnv({
      appId: 42,
      privateKey: '-----BEGIN RSA PRIVATE KEY-----\nkey\n-----END RSA PRIVATE KEY-----',
      privateKeyPath: '/run/secrets/key.pem',
      gheHost: 'github.example.com',
      gheProtocol: 'https',
    });

    expect(env).toEqual({ APP_ID: '42', PRIVATE_KEY_PATH: '/run/secrets/key.pem', GHE_HOST: 'github.example.com', GHE_PROTOCOL: 'https' });
  });

  it('gives real git the token through the helper protocol (git credential fill)', async () => {
    const helper = join(here, 'fixtures', 'credential-helper.mjs');
    const result = await execa('git', ['credential', 'fill'], {
      input: 'url=https://github.com/octo-org/widgets.git\n\n',
      env: {
        GIT_CONFIG_NOSYSTEM: '1',
        GIT_TERMINAL_PROMPT: '0',
        GIT_CONFIG_COUNT: '2',
        GIT_CONFIG_KEY_0: 'credential.helper',
        GIT_CONFIG_VALUE_0: `!"${process.execPath}" "${helper}"`,
        GIT_CONFIG_KEY_1: 'credential.useHttpPath',
        GIT_CONFIG_VALUE_1: 'true',
      },
    });
    expect(result.stdout).toContain('username=x-access-token');
    expect(result.stdout).toContain('password=ghs_token_for_octo-org_widgets');
  });

  it("starts from git's minimal environment alone (the app id and key path) and says nothing for another host", async () => {
    const dir = tempDir('credential');
    const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const keyPath = join(dir, 'key.pem');
    writeFileSync(keyPath, privateKey.export({ type: 'pkcs1', format: 'pem' }).toString());
    const env = gitEnvironment({
      home: dir,
      remote: credentialHelperEnv({ appId: 42, privateKey: 'unused', privateKeyPath: keyPath, gheProtocol: 'https' }),
    });

    const result = await execa('node', [AIDP_BIN, 'git-credential', 'get'], {
      env,
      extendEnv: false,
      cwd: dir,
      input: 'protocol=https\nhost=gitlab.example.com\npath=a/b.git\n',
      reject: false,
    });
    rmSync(dir, { recursive: true, force: true });

    expect(result.stderr).toBe('');
    expect(result.exitCode).toBe(0);
    expect(result.stdout).toBe('');
  });
});

