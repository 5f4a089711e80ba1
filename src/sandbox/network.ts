/** Which hosts a sandbox may reach: [] none; ['*'] unrestricted; else host names, '*.example.com' wildcards. */
export interface NetworkPolicy {
  allow: string[];
}

export interface SandboxNetwork {
  /** Extra bwrap args (e.g. --share-net, binds of a proxy socket). */
  bwrapArgs: string[];
  /** Extra env inside (HTTP_PROXY...). */
  env: Record<string, string>;
  /** The argv to run inside the sandbox. */
  wrapArgv(argv: string[]): string[];
  close(): Promise<void>;
}

export const NO_NETWORK: NetworkPolicy = { allow: [] };

/**
 * The network of one sandbox. This minimal version knows two policies: none (--unshare-all
 * already gave the sandbox an empty network namespace) and unrestricted ('*': the host's
 * network). Any other list is treated as none until the egress proxy replaces this file.
 */
export async function openSandboxNetwork(policy: NetworkPolicy, _opts: { runDir: string }): Promise<SandboxNetwork> {
  const unrestricted = policy.allow.includes('*');
  return {
    bwrapArgs: unrestricted ? ['--share-net'] : [],
    env: {},
    wrapArgv: (argv) => argv,
    close: async () => undefined,
  };
}
