export interface AgentMetricsSource {
  provider: string;
  cancelled: boolean;
  durationMs: number;
  attempts: Array<{ provider: string; exitCode: number | null; timedOut: boolean; rateLimited: boolean; durationMs: number }>;
}

export interface CheckMetricsSource {
  name: string;
  passed: boolean;
  timedOut: boolean;
  durationMs: number;
}
