import { describe, expect, it } from '@jest/globals';
import { isPublicAddress } from '../src/sandbox/address-ranges.js';
import { allowEntryProblem, hostAllowed } from '../src/domain/host-names.js';
import { PRESET_NETWORK_DEFAULTS, presetNetworkDefaults } from '../src/sandbox/network-defaults.js';
import { agentNetwork, checkNetwork, networkSettings } from '../src/sandbox/network-settings.js';

describe('matching a host against the allow list', () => {
  it('allows a host listed exactly', () => {
    expect(hostAllowed(['api.anthropic.com'], 'api.anthropic.com')).toBe(true);
  });

  it('refuses a host that is not listed', () => {
    expect(hostAllowed(['api.anthropic.com'], 'api.openai.com')).toBe(false);
  });

  it('refuses a longer name that ends with a listed one', () => {
    expect(hostAllowed(['anthropic.com'], 'evil-anthropic.com')).toBe(false);
  });

  it('refuses a subdomain of a host listed exactly', () => {
    expect(hostAllowed(['example.com'], 'api.example.com')).toBe(false);
  });

  it('allows subdomains at any depth for a wildcard', () => {
    expect(['a.example.com', 'a.b.example.com'].map((h) => hostAllowed(['*.example.com'], h))).toEqual([true, true]);
  });

  it('refuses the domain itself for a wildcard', () => {
    expect(hostAllowed(['*.example.com'], 'example.com')).toBe(false);
  });

  it('refuses a name that only ends like the wildcard', () => {
    expect(hostAllowed(['*.example.com'], 'notexample.com')).toBe(false);
  });

  it('compares names without case and without a trailing dot', () => {
    expect(hostAllowed(['API.Example.com'], 'api.example.COM.')).toBe(true);
  });

  it('allows any host for "*"', () => {
    expect(hostAllowed(['*'], 'anything.example')).toBe(true);
  });

  it('refuses an empty host', () => {
    expect(hostAllowed(['*.example.com'], '')).toBe(false);
  });

  it('refuses everything with an empty list', () => {
    expect(hostAllowed([], 'api.example.com')).toBe(false);
  });
});

describe('checking an allow-list entry', () => {
  it('accepts host names, wildcards and "*"', () => {
    expect(['api.example.com', '*.example.com', '*', 'registry.npmjs.org'].map(allowEntryProblem)).toEqual([
      undefined,
      undefined,
      undefined,
      undefined,
    ]);
  });

  it('refuses a URL', () => {
    expect(allowEntryProblem('https://api.example.com/')).toMatch(/^must be a host name/);
  });

  it('refuses a host with a port', () => {
    expect(allowEntryProblem('api.example.com:443')).toMatch(/^must be a host name/);
  });

  it('refuses an IPv4 address', () => {
    expect(allowEntryProblem('169.254.169.254')).toMatch(/^is an IP address/);
  });

  it('refuses an IPv6 address', () => {
    expect(allowEntryProblem('::1')).toMatch(/^is an IP address/);
  });

  it('refuses localhost and its subdomains', () => {
    expect([allowEntryProblem('localhost'), allowEntryProblem('db.localhost')]).toEqual([
      expect.stringMatching(/^is the worker's own host/),
      expect.stringMatching(/^is the worker's own host/),
    ]);
  });

  it('refuses a wildcard over a whole top-level domain', () => {
    expect(allowEntryProblem('*.com')).toMatch(/^is too broad/);
  });

  it('refuses a wildcard in the middle of a name', () => {
    expect(allowEntryProblem('api.*.example.com')).toMatch(/^must be a host name/);
  });
});

describe('telling public addresses from the worker\'s own networks', () => {
  it.each(['127.0.0.1', '10.1.2.3', '172.17.0.2', '192.168.1.1', '169.254.169.254', '100.64.0.1', '0.0.0.0', '::1', 'fd00::1', 'fe80::1', '::ffff:127.0.0.1'])(
    'refuses %s',
    (address) => {
      expect(isPublicAddress(address)).toBe(false);
    },
  );

  it.each(['1.1.1.1', '160.79.104.10', '2606:4700:4700::1111'])('accepts %s', (address) => {
    expect(isPublicAddress(address)).toBe(true);
  });

  it('refuses what is not an address', () => {
    expect(isPublicAddress('example.com')).toBe(false);
  });
});

describe('the default network of the agent presets', () => {
  it('gives claude the Anthropic API', () => {
    expect(presetNetworkDefaults([{ preset: 'claude' }])).toEqual(['api.anthropic.com']);
  });

  it('gives a plain command no network', () => {
    expect(presetNetworkDefaults([{ preset: 'command' }])).toEqual([]);
  });

  it('joins the hosts of a fallback chain, each once', () => {
    expect(presetNetworkDefaults([{ preset: 'claude' }, { preset: 'aider' }])).toEqual(['api.anthropic.com', 'api.openai.com']);
  });

  it('lists only valid entries', () => {
    const entries = Object.values(PRESET_NETWORK_DEFAULTS).flat();
    expect(entries.filter((e) => allowEntryProblem(e) !== undefined)).toEqual([]);
  });
});

describe('the network settings of a repository', () => {
  it('gives agents the presets\' hosts and checks nothing when nothing is set', () => {
    expect(networkSettings({ checks_allow: [] }, [{ preset: 'codex' }])).toEqual({
      agents: { allow: ['api.openai.com', 'chatgpt.com', 'auth.openai.com'] },
      checks: { allow: [] },
    });
  });

  it('replaces the presets\' hosts with the repository\'s list', () => {
    expect(networkSettings({ allow: ['registry.npmjs.org'], checks_allow: [] }, [{ preset: 'claude' }]).agents).toEqual({
      allow: ['registry.npmjs.org'],
    });
  });

  it('gives checks the repository\'s checks list', () => {
    expect(networkSettings({ checks_allow: ['registry.npmjs.org'] }, [{ preset: 'claude' }]).checks).toEqual({ allow: ['registry.npmjs.org'] });
  });

  it('gives a run started without settings the presets\' hosts for agents', () => {
    expect(agentNetwork(undefined, [{ preset: 'gemini' }])).toEqual({
      allow: ['generativelanguage.googleapis.com', 'cloudcode-pa.googleapis.com', 'oauth2.googleapis.com'],
    });
  });

  it('gives a run started without settings no network for checks', () => {
    expect(checkNetwork(undefined)).toEqual({ allow: [] });
  });
});
