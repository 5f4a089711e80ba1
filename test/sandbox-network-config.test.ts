import { describe, expect, it } from '@jest/globals';
import { parseRepoConfig } from '../src/config/load-repo-config.js';
import { featureSettings } from '../src/workflows/feature-settings.js';
import { configErrorOf } from './support/failures.js';

describe('sandbox.network in .github/aidp.yml', () => {
  it('leaves the agents\' list unset and gives checks none by default', () => {
    expect(parseRepoConfig('').sandbox).toEqual({ network: { checks_allow: [] } });
  });

  it('keeps the lists it is given, in lower case', () => {
    const config = parseRepoConfig('sandbox:\n  network:\n    allow: [API.Anthropic.com, "*.npmjs.org"]\n    checks_allow: [registry.npmjs.org]\n');
    expect(config.sandbox.network).toEqual({ allow: ['api.anthropic.com', '*.npmjs.org'], checks_allow: ['registry.npmjs.org'] });
  });

  it('accepts "*" for unrestricted network', () => {
    expect(parseRepoConfig('sandbox:\n  network:\n    allow: ["*"]\n').sandbox.network.allow).toEqual(['*']);
  });

  it('names the entry and the fix when an entry is a URL', () => {
    expect(configErrorOf(() => parseRepoConfig('sandbox:\n  network:\n    allow: [api.anthropic.com, "https://registry.npmjs.org/"]\n'))).toBe(
      'Invalid .github/aidp.yml: sandbox.network.allow[1] must be a host name (api.example.com), a wildcard for its subdomains (*.example.com) or "*" for any host, with no scheme, port or path (got "https://registry.npmjs.org/")',
    );
  });

  it('refuses an address in the checks list', () => {
    expect(configErrorOf(() => parseRepoConfig('sandbox:\n  network:\n    checks_allow: [169.254.169.254]\n'))).toBe(
      'Invalid .github/aidp.yml: sandbox.network.checks_allow[0] is an IP address: list host names (api.example.com) instead (got "169.254.169.254")',
    );
  });

  it('refuses localhost', () => {
    expect(configErrorOf(() => parseRepoConfig('sandbox:\n  network:\n    allow: [localhost]\n'))).toMatch(
      /sandbox\.network\.allow\[0\] is the worker's own host/,
    );
  });

  it('names an unknown key under sandbox.network', () => {
    expect(configErrorOf(() => parseRepoConfig('sandbox:\n  network:\n    deny: [example.com]\n'))).toMatch(
      /sandbox\.network\.deny is not a known setting \(allowed: allow, checks_allow, setup_allow\)/,
    );
  });
});

describe('the network in feature settings', () => {
  it('follows the providers of the repository config', () => {
    const config = parseRepoConfig('agents:\n  providers:\n    - preset: gemini\n');
    expect(featureSettings(config).network?.agents.allow).toEqual([
      'generativelanguage.googleapis.com',
      'cloudcode-pa.googleapis.com',
      'oauth2.googleapis.com',
    ]);
  });

  it('follows an override of the providers', () => {
    expect(featureSettings(parseRepoConfig(''), { providers: [{ preset: 'codex', args: [] }] }).network?.agents.allow).toEqual([
      'api.openai.com',
      'chatgpt.com',
      'auth.openai.com',
    ]);
  });

  it('keeps the repository\'s own list whatever the providers', () => {
    const config = parseRepoConfig('sandbox:\n  network:\n    allow: [api.anthropic.com, registry.npmjs.org]\n');
    expect(featureSettings(config, { providers: [{ preset: 'codex', args: [] }] }).network?.agents.allow).toEqual([
      'api.anthropic.com',
      'registry.npmjs.org',
    ]);
  });

  it('gives the defaults for a config recorded before sandbox existed', () => {
    const { sandbox: _dropped, ...recorded } = parseRepoConfig('');
    expect(featureSettings(recorded as ReturnType<typeof parseRepoConfig>).network).toEqual({
      agents: { allow: ['api.anthropic.com'] },
      checks: { allow: [] },
    });
  });
});
