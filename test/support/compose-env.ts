import { readFileSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';
import { parse } from 'yaml';

/**
 * A service's environment as `docker compose` hands it to the container: YAML anchors and merge
 * keys resolved, `${VAR}`, `${VAR:-default}`, `${VAR-default}`, `${VAR:?message}` and `$$`
 * interpolated from the project's `.env`. Only what aidp's compose file uses.
 */

interface ComposeFile {
  services: Record<string, { environment?: Record<string, string | number | boolean | null> | string[]; secrets?: (string | { source: string; target?: string })[] }>;
  secrets?: Record<string, { file?: string; environment?: string }>;
}

/** `KEY=value` lines, `#` comments and blank lines skipped, one pair of surrounding quotes removed. */
export function parseDotEnv(text: string): Record<string, string> {
  const vars: Record<string, string> = {};
  for (const line of text.split('\n')) {
    const match = /^\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(.*?)\s*$/.exec(line);
    if (!match || line.trimStart().startsWith('#')) continue;
    vars[match[1]!] = match[2]!.replace(/^(['"])(.*)\1$/, '$2');
  }
  return vars;
}

export function interpolate(value: string, vars: Record<string, string>): string {
  return value.replace(/\$\$|\$\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?)([-?])([^}]*))?\}|\$([A-Za-z_][A-Za-z0-9_]*)/g, (whole, name?: string, colon?: string, op?: string, arg?: string, bare?: string) => {
    if (whole === '$$') return '$';
    if (bare) return vars[bare] ?? '';
    const value = vars[name!];
    const missing = value === undefined || (colon === ':' && value === '');
    if (!op) return value ?? '';
    if (op === '-') return missing ? interpolate(arg ?? '', vars) : value!;
    if (missing) throw new Error(`${name}: ${arg || 'required'}`);
    return value!;
  });
}

export interface ComposeProject {
  /** Every service's environment, resolved. */
  environment(service: string): Record<string, string>;
  /** `/run/secrets/<name>` → the host file the secret comes from, for the service's secrets. */
  secretFiles(service: string): Record<string, string>;
}

export function loadComposeProject(composePath: string, projectDir: string): ComposeProject {
  const vars = parseDotEnv(readFileSync(join(projectDir, '.env'), 'utf8'));
  const compose = parse(readFileSync(composePath, 'utf8'), { merge: true }) as ComposeFile;
  const service = (name: string) => {
    const found = compose.services[name];
    if (!found) throw new Error(`no service ${name}`);
    return found;
  };
  return {
    environment(name) {
      const env = service(name).environment ?? {};
      const pairs = Array.isArray(env) ? env.map((line) => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)] as const) : Object.entries(env);
      return Object.fromEntries(pairs.map(([key, value]) => [key, interpolate(value === null ? '' : String(value), vars)]));
    },
    secretFiles(name) {
      const files: Record<string, string> = {};
      for (const entry of service(name).secrets ?? []) {
        const source = typeof entry === 'string' ? entry : entry.source;
        const target = typeof entry === 'string' ? source : (entry.target ?? source);
        const file = compose.secrets?.[source]?.file;
        if (!file) continue;
        const path = interpolate(file, vars);
        files[target.startsWith('/') ? target : `/run/secrets/${target}`] = isAbsolute(path) ? path : join(projectDir, path);
      }
      return files;
    },
  };
}
