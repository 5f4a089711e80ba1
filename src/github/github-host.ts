/**
 * The one GitHub aidp talks to: github.com, or the GitHub Enterprise Server named by GHE_HOST
 * (a DNS name, a one-label name such as `ghe`, an IPv4 or a bracketed IPv6 address, each with
 * an optional port) reached over GHE_PROTOCOL. Every URL aidp reads from GitHub and then
 * fetches, pushes to or links (`clone_url`, `html_url`) must be on it.
 */

export interface GitHubHost {
  /** `https:` or `http:`, as `URL.protocol` spells it. */
  protocol: string;
  /** `hostname[:port]` as `URL.host` normalizes it: lower case, the scheme's default port dropped. */
  host: string;
}

export const GITHUB_COM: GitHubHost = { protocol: 'https:', host: 'github.com' };

/** `GHE_HOST` over `GHE_PROTOCOL` as a host, or undefined when it is more than a bare `host[:port]`. */
export function parseGheHost(gheHost: string, gheProtocol: 'http' | 'https' = 'https'): GitHubHost | undefined {
  const base = `${gheProtocol}://${gheHost}`;
  const url = URL.canParse(base) ? new URL(base) : undefined;
  // Anything beyond host[:port] (a path, credentials, a query) makes the parsed URL more than that.
  if (!url || url.username || url.password || url.href !== `${url.protocol}//${url.host}/`) return undefined;
  return { protocol: url.protocol, host: url.host };
}

/** The GitHub of a validated configuration: GHE_HOST over GHE_PROTOCOL, or github.com. */
export function gitHubHostOf(env: { gheHost?: string; gheProtocol?: 'http' | 'https' }): GitHubHost {
  if (!env.gheHost) return GITHUB_COM;
  const github = parseGheHost(env.gheHost, env.gheProtocol);
  if (!github) throw new Error(`GHE_HOST must be a host name or address with an optional port (got ${JSON.stringify(env.gheHost)})`);
  return github;
}

/** The REST API's base URL on that host (Probot's `baseUrl`); undefined for github.com (Octokit's default). */
export function apiBaseUrlOf(github: GitHubHost): string | undefined {
  return github.host === GITHUB_COM.host && github.protocol === GITHUB_COM.protocol ? undefined : `${github.protocol}//${github.host}/api/v3`;
}

/**
 * Why `url` (named `field` in the message) is not a URL on `github`, or undefined when it is. The
 * reason names the field, the host found and the host configured, never the URL's credentials.
 */
export function offGitHubReason(field: string, url: string, github: GitHubHost): string | undefined {
  if (!URL.canParse(url)) return `${field} is not a URL`;
  const parsed = new URL(url);
  const expected = `${github.protocol}//${github.host}`;
  if (parsed.protocol !== github.protocol) return `${field} uses ${parsed.protocol} but aidp's GitHub is ${expected} (GHE_HOST, GHE_PROTOCOL)`;
  if (parsed.username || parsed.password) return `${field} carries credentials`;
  if (parsed.host !== github.host) return `${field} is on ${parsed.host} but aidp's GitHub is ${expected} (GHE_HOST, GHE_PROTOCOL)`;
  return undefined;
}
