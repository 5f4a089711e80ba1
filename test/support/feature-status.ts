import { unitDetailOf, type OrchestrationStatus, type UnitDetail, type UnitState, type UnitStatus } from '../../src/domain/feature-status.js';

/** A unit `Title of <id>` on `aidp/feat/<id>`: 2 iterations, 2 files changed, 61.4 s of agent time. */
export function unitState(id: string, status: UnitStatus, extra: Partial<UnitState> = {}): UnitState {
  return {
    spec: { id, slug: id, title: `Title of ${id}`, description: '', dependsOn: [] },
    status,
    branch: `aidp/feat/${id}`,
    iterations: 2,
    runs: 1,
    filesChanged: ['a.ts', 'b.ts'],
    agentMs: 61_400,
    ...extra,
  };
}

/** The `orchestration_status` of a running feature `Login page` of these units, counted; `detail` adds what a client fills in. */
export function orchestrationStatus(
  units: UnitState[],
  extra: Partial<OrchestrationStatus> = {},
  detail: (d: UnitDetail) => UnitDetail = (d) => d,
): OrchestrationStatus {
  const count = (s: UnitStatus) => units.filter((u) => u.status === s).length;
  return {
    status: 'running',
    title: 'Login page',
    total_units: units.length,
    completed: count('completed'),
    in_progress: count('running'),
    failed: count('failed'),
    pending: count('pending'),
    cancelled: count('cancelled'),
    progress_percent: 50,
    concurrency: 2,
    paused: false,
    unit_details: units.map((u) => detail(unitDetailOf(u))),
    ...extra,
  };
}
