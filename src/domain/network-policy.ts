/** What a sandbox may reach. `[]`: no network; `['*']`: any public host; otherwise host names and `*.example.com` wildcards. */
export interface NetworkPolicy {
  allow: string[];
}
