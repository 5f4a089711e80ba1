/**
 * Host names in a sandbox's network allow list, and how a requested host is matched against
 * them. Pure: the repository config and the workflows use it too.
 *
 * An entry is `*` (any host), a host name (`api.example.com`, that host only) or a wildcard
 * (`*.example.com`: every subdomain, not `example.com` itself). Names compare case-insensitively
 * and without a trailing dot.
 */

export const ANY_HOST = '*';

const LABEL = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;

/** How a host compares: lower case, no trailing dot, an IPv6 literal without its brackets. */
export function normalizeHost(host: string): string {
  let h = host.trim().toLowerCase();
  if (h.startsWith('[') && h.endsWith(']')) h = h.slice(1, -1);
  return h.endsWith('.') ? h.slice(0, -1) : h;
}

/** Whether `host` is allowed by an entry of the list. */
export function hostAllowed(allow: readonly string[], host: string): boolean {
  const h = normalizeHost(host);
  if (h === '') return false;
  return allow.some((raw) => {
    const entry = normalizeHost(raw);
    if (entry === ANY_HOST) return true;
    if (entry.startsWith('*.')) return h.endsWith(entry.slice(1)) && h.length > entry.length - 1;
    return h === entry;
  });
}

function isDnsName(name: string): boolean {
  return name.length <= 253 && name.split('.').every((label) => LABEL.test(label));
}

function looksLikeAddress(name: string): boolean {
  return /^[0-9.]+$/.test(name) || /^[0-9a-f:.]*:[0-9a-f:.]*$/.test(name);
}

/**
 * Why an entry written in `.github/aidp.yml` is refused, or undefined when it is fine. A
 * repository's config may name public hosts only: addresses and `localhost` would let the
 * repository's agents reach the worker's own host or network.
 */
export function allowEntryProblem(raw: string): string | undefined {
  const entry = raw.trim().toLowerCase();
  if (entry === ANY_HOST) return undefined;
  const name = entry.startsWith('*.') ? entry.slice(2) : entry;
  if (looksLikeAddress(name)) return 'is an IP address: list host names (api.example.com) instead';
  if (!isDnsName(name)) {
    return 'must be a host name (api.example.com), a wildcard for its subdomains (*.example.com) or "*" for any host, with no scheme, port or path';
  }
  if (name === 'localhost' || name.endsWith('.localhost')) return 'is the worker\'s own host: a sandbox may not reach it';
  if (entry.startsWith('*.') && !name.includes('.')) return `is too broad: name a domain under .${name} (*.example.${name})`;
  return undefined;
}
