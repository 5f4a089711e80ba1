import { describe, expect, it } from '@jest/globals';
import { existsSync, readFileSync } from 'node:fs';
import { join, normalize } from 'node:path';
import { parse, parseDocument } from 'yaml';
import { createMetrics } from '../src/metrics/metrics.js';

const root = join(import.meta.dirname, '..');
const readText = (path: string) => readFileSync(join(root, path), 'utf8');
// Compose files use YAML merge keys (`<<: *aidp`): resolve them as Compose does.
const readYaml = (path: string): unknown => parse(readText(path), { merge: true });

interface Healthcheck {
  test?: string | string[];
  disable?: boolean;
}
interface Service {
  image?: string;
  build?: unknown;
  command?: string[];
  container_name?: string;
  ports?: unknown[];
  environment?: Record<string, string> | string[];
  depends_on?: Record<string, { condition?: string }> | string[];
  volumes?: (string | { type?: string; source?: string; target?: string })[];
  healthcheck?: Healthcheck;
  security_opt?: string[];
}
interface Compose {
  services: Record<string, Service>;
}

const compose = readYaml('docker-compose.yml') as Compose;
const services = compose.services;
const AIDP_SERVICES = ['aidp-server', 'aidp-worker'];

function service(name: string): Service {
  const found = services[name];
  if (!found) throw new Error(`docker-compose.yml has no service "${name}"`);
  return found;
}

function environment(s: Service): Record<string, string> {
  if (!Array.isArray(s.environment)) return s.environment ?? {};
  return Object.fromEntries(s.environment.map((line) => [line.split('=')[0], line.split('=').slice(1).join('=')]));
}

/** Every bind mount of the compose file, as [service, host path, container path]. */
function bindMounts(): [string, string, string][] {
  const mounts: [string, string, string][] = [];
  for (const [name, s] of Object.entries(services)) {
    for (const volume of s.volumes ?? []) {
      if (typeof volume === 'string') {
        const [source = '', target = ''] = volume.split(':');
        if (source.startsWith('.') || source.startsWith('/')) {
          if (target) mounts.push([name, source, target]);
        }
      } else if (volume.type === 'bind' && volume.source && volume.target) {
        mounts.push([name, volume.source, volume.target]);
      }
    }
  }
  return mounts;
}

function mountedFile(serviceName: string, target: string): string {
  const mount = bindMounts().find(([name, , dest]) => name === serviceName && dest === target);
  if (!mount) throw new Error(`${serviceName} mounts nothing at ${target}`);
  return mount[1];
}

/** `name:tag` or `registry:port/name:tag`, optionally `@sha256:...`: the tag, or undefined. */
function imageTag(image: string): string | undefined {
  const withoutDigest = image.split('@')[0] ?? '';
  const lastSegment = withoutDigest.split('/').pop() ?? '';
  const colon = lastSegment.indexOf(':');
  return colon === -1 ? undefined : lastSegment.slice(colon + 1);
}

interface PrometheusConfig {
  scrape_configs: {
    job_name: string;
    static_configs?: { targets: string[] }[];
    dns_sd_configs?: { names: string[]; type?: string; port?: number }[];
  }[];
}

const prometheusConfigPath = () => mountedFile('prometheus', '/etc/prometheus/prometheus.yml');
const prometheusConfig = () => readYaml(prometheusConfigPath()) as PrometheusConfig;

/** host:port pairs Prometheus scrapes, static and DNS-discovered alike. */
function scrapeTargets(): { job: string; host: string; port: number; dnsType?: string }[] {
  return prometheusConfig().scrape_configs.flatMap((job) => [
    ...(job.static_configs ?? []).flatMap((c) =>
      c.targets.map((t) => ({ job: job.job_name, host: t.split(':')[0] ?? '', port: Number(t.split(':')[1]) })),
    ),
    ...(job.dns_sd_configs ?? []).flatMap((c) =>
      c.names.map((n) => ({ job: job.job_name, host: n, port: c.port ?? NaN, dnsType: c.type })),
    ),
  ]);
}

const PROMQL_WORDS = new Set(['by', 'without', 'on', 'ignoring', 'group_left', 'group_right', 'and', 'or', 'unless', 'bool', 'offset', 'inf', 'nan']);

/**
 * Metric names in a PromQL expression: identifiers that are not functions, keywords, label
 * names (in `{...}` or `by (...)`), strings, ranges or Grafana variables.
 */
function promqlMetricNames(expr: string): string[] {
  const stripped = expr
    .replace(/"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'/g, ' ')
    .replace(/\{[^}]*\}/g, ' ')
    .replace(/\[[^\]]*\]/g, ' ')
    .replace(/\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/g, ' ')
    .replace(/\$\{?\w+\}?/g, ' ');
  const names = [...stripped.matchAll(/([A-Za-z_:][A-Za-z0-9_:]*)\s*(\()?/g)]
    .filter((m) => m[2] === undefined)
    .map((m) => m[1] ?? '')
    .filter((name) => !PROMQL_WORDS.has(name.toLowerCase()));
  return [...new Set(names)];
}

/** Series names the registry exposes: histograms as _bucket, _sum and _count. */
async function exposedSeriesNames(): Promise<Set<string>> {
  const metrics = await createMetrics().registry.getMetricsAsJSON();
  const names = new Set<string>();
  for (const m of metrics) {
    const type = String(m.type);
    if (type === 'histogram') for (const suffix of ['_bucket', '_sum', '_count']) names.add(m.name + suffix);
    else if (type === 'summary') for (const suffix of ['', '_sum', '_count']) names.add(m.name + suffix);
    else names.add(m.name);
  }
  return names;
}

interface Dashboard {
  panels: { title: string; datasource?: { uid?: string }; targets?: { expr?: string; datasource?: { uid?: string } }[] }[];
}

const dashboardMountTarget = '/etc/grafana/dashboards';
const readDashboard = () => JSON.parse(readText(join(mountedFile('grafana', dashboardMountTarget), 'aidp.json'))) as Dashboard;

describe('docker-compose.yml', () => {
  it('defines PostgreSQL, Temporal, its UI, Prometheus, Grafana, the aidp server and the aidp worker', () => {
    expect(Object.keys(services)).toEqual(
      expect.arrayContaining(['postgresql', 'temporal', 'temporal-ui', 'prometheus', 'grafana', 'aidp-server', 'aidp-worker']),
    );
  });

  it('pins every image to an explicit tag that is not latest', () => {
    const images = Object.entries(services).map(([name, s]) => [name, s.image] as const);
    expect(images.length).toBeGreaterThan(0);
    for (const [name, image] of images) {
      expect({ name, image: typeof image }).toEqual({ name, image: 'string' });
      const tag = imageTag(image ?? '');
      expect({ name, image, tagged: tag !== undefined && tag !== '' && tag !== 'latest' }).toEqual({ name, image, tagged: true });
    }
  });

  it('runs the aidp services against the compose Temporal with the temporal engine', () => {
    for (const name of AIDP_SERVICES) {
      const env = environment(service(name));
      expect({ name, engine: env.AIDP_ENGINE, address: env.TEMPORAL_ADDRESS }).toEqual({
        name,
        engine: 'temporal',
        address: 'temporal:7233',
      });
    }
  });

  it('passes aidp subcommands, not a program name, to the image entrypoint', () => {
    const entrypoint = readText('Dockerfile').match(/^ENTRYPOINT\s+(\[.*\])\s*$/m)?.[1];
    expect(JSON.parse(entrypoint ?? 'null')).toEqual(['node', 'bin/aidp.js']);
    expect(service('aidp-server').command).toEqual(['server']);
    expect(service('aidp-worker').command).toEqual(['worker']);
  });

  it('starts aidp once Temporal is healthy, and Temporal once PostgreSQL is healthy', () => {
    const condition = (from: string, to: string) => {
      const deps = service(from).depends_on;
      return Array.isArray(deps) ? undefined : deps?.[to]?.condition;
    };
    for (const name of AIDP_SERVICES) expect({ name, condition: condition(name, 'temporal') }).toEqual({ name, condition: 'service_healthy' });
    expect(condition('temporal', 'postgresql')).toBe('service_healthy');
  });

  it('lets the worker scale: no container name and no host port', () => {
    const worker = service('aidp-worker');
    expect(worker.container_name).toBeUndefined();
    expect(worker.ports ?? []).toEqual([]);
  });

  it('gives every service a health check', () => {
    for (const [name, s] of Object.entries(services)) {
      const test = s.healthcheck?.disable ? undefined : s.healthcheck?.test;
      expect({ name, hasHealthcheck: Array.isArray(test) ? test.length > 1 : Boolean(test) }).toEqual({ name, hasHealthcheck: true });
    }
  });

  it('mounts only files and directories from ./deploy that exist', () => {
    const fromDeploy = bindMounts().filter(([, source]) => normalize(source).startsWith('deploy'));
    expect(fromDeploy.length).toBeGreaterThan(0);
    for (const [name, source] of fromDeploy) expect({ name, source, exists: existsSync(join(root, source)) }).toEqual({ name, source, exists: true });
  });
});

describe('docker-compose.yml and the agent sandbox', () => {
  it('lets the worker start bubblewrap sandboxes: seccomp, AppArmor and /proc masking lifted, no capability added', () => {
    const worker = service('aidp-worker') as Service & { cap_add?: string[]; privileged?: boolean };

    expect(worker.security_opt).toEqual(expect.arrayContaining(['seccomp=unconfined', 'apparmor=unconfined', 'systempaths=unconfined']));
    expect(worker.cap_add).toBeUndefined();
    expect(worker.privileged).toBeUndefined();
  });

  it('keeps the webhook server, which runs no agent, under the default profiles', () => {
    expect(service('aidp-server').security_opt).toBeUndefined();
  });
});

describe('Prometheus scrape config', () => {
  it('scrapes only services that docker-compose.yml defines', () => {
    const targets = scrapeTargets();
    expect(targets.length).toBeGreaterThan(0);
    for (const { job, host } of targets) expect({ job, host, defined: host in services }).toEqual({ job, host, defined: true });
  });

  it('scrapes the aidp server, every worker replica through DNS A records, and Temporal', () => {
    const targets = scrapeTargets();
    expect(targets).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ host: 'aidp-server', port: 9464 }),
        expect.objectContaining({ host: 'aidp-worker', port: 9464, dnsType: 'A' }),
        expect.objectContaining({ host: 'temporal', port: 8000 }),
      ]),
    );
  });

  it('scrapes Temporal on the port its PROMETHEUS_ENDPOINT listens on', () => {
    const endpoint = environment(service('temporal')).PROMETHEUS_ENDPOINT ?? '';
    const temporalPorts = scrapeTargets().filter((t) => t.host === 'temporal').map((t) => t.port);
    expect(temporalPorts).toEqual([Number(endpoint.split(':').pop())]);
  });
});

describe('Grafana provisioning', () => {
  it('loads dashboards from the directory the dashboards are mounted at', () => {
    const providerDir = mountedFile('grafana', '/etc/grafana/provisioning/dashboards');
    const provider = readYaml(join(providerDir, 'aidp.yml')) as { providers: { options: { path: string } }[] };
    expect(provider.providers.map((p) => p.options.path)).toEqual([dashboardMountTarget]);
  });

  it('points its data source at the compose Prometheus, under the uid the dashboard uses', () => {
    const datasourceDir = mountedFile('grafana', '/etc/grafana/provisioning/datasources');
    const { datasources } = readYaml(join(datasourceDir, 'prometheus.yml')) as { datasources: { uid: string; type: string; url: string }[] };
    expect(datasources).toEqual([expect.objectContaining({ type: 'prometheus', url: 'http://prometheus:9090' })]);
    const uids = new Set(readDashboard().panels.flatMap((p) => [p.datasource?.uid, ...(p.targets ?? []).map((t) => t.datasource?.uid)]));
    expect([...uids]).toEqual([datasources[0]?.uid]);
  });

  it('has a dashboard whose every query names only metrics aidp registers or Temporal emits', async () => {
    const known = await exposedSeriesNames();
    const panels = readDashboard().panels;
    expect(panels.length).toBeGreaterThan(0);
    for (const panel of panels) {
      const exprs = (panel.targets ?? []).map((t) => t.expr ?? '');
      expect({ panel: panel.title, queries: exprs.length > 0 && exprs.every((e) => e.trim() !== '') }).toEqual({ panel: panel.title, queries: true });
      for (const expr of exprs) {
        const names = promqlMetricNames(expr);
        expect({ panel: panel.title, expr, names: names.length > 0 }).toEqual({ panel: panel.title, expr, names: true });
        const unknown = names.filter((n) => !known.has(n) && !n.startsWith('temporal_'));
        expect({ panel: panel.title, unknown }).toEqual({ panel: panel.title, unknown: [] });
      }
    }
  });

  it('reads metric names out of PromQL, skipping functions, labels, ranges and variables', () => {
    expect(
      promqlMetricNames(
        'histogram_quantile(0.95, sum by (le, task_queue) (rate(temporal_x_bucket{job="w"}[$__rate_interval]))) / 1000 + on(instance) aidp_y',
      ),
    ).toEqual(['temporal_x_bucket', 'aidp_y']);
  });
});

describe('Temporal Cloud override', () => {
  const path = 'deploy/compose.temporal-cloud.yml';

  it('overrides only the aidp services, with the Temporal Cloud address and namespace from the environment', () => {
    const override = parse(readText(path), { merge: true, logLevel: 'error' }) as Compose;
    expect(Object.keys(override.services).sort()).toEqual([...AIDP_SERVICES].sort());
    for (const name of AIDP_SERVICES) {
      const env = environment(override.services[name] ?? {});
      expect(env.TEMPORAL_ADDRESS).toMatch(/^\$\{TEMPORAL_ADDRESS:\?/);
      expect(env.TEMPORAL_NAMESPACE).toMatch(/^\$\{TEMPORAL_NAMESPACE:\?/);
      expect(env.TEMPORAL_API_KEY).toBe('${TEMPORAL_API_KEY:-}');
    }
  });

  it('resets the aidp services\' wait on the local Temporal, which a plain empty map would not', () => {
    const doc = parseDocument(readText(path), { merge: true, logLevel: 'error' });
    for (const name of AIDP_SERVICES) {
      const dependsOn = doc.getIn(['services', name, 'depends_on'], true) as { tag?: string } | undefined;
      expect({ name, tag: dependsOn?.tag }).toEqual({ name, tag: '!reset' });
    }
  });
});

describe('Dockerfile', () => {
  it('builds and runs on one exact node:20 bookworm-slim version', () => {
    const bases = [...readText('Dockerfile').matchAll(/^FROM\s+(\S+)/gm)].map((m) => m[1]);
    expect(bases.length).toBeGreaterThanOrEqual(2);
    for (const base of bases) expect(base).toMatch(/^node:20\.\d+\.\d+-bookworm-slim$/);
    expect(new Set(bases).size).toBe(1);
  });

  it('installs bubblewrap in the runtime stage, where the worker starts its sandboxes', () => {
    const runtime = readText('Dockerfile').split(/^FROM\s+\S+\s+AS\s+runtime$/m)[1] ?? '';

    expect(runtime).toMatch(/apt-get install[^\n]*\bbubblewrap\b/);
  });
});
