/** Every workflow the workers run: the bundle's entry point. */
export { FeatureOrchestrationWorkflow } from './feature-orchestration/workflow.js';
export { AtomicUnitWorkflow } from './atomic-unit/workflow.js';
export { UnitWorkflow } from './unit/workflow.js';
export { WorkLoopWorkflow } from './work-loop/workflow.js';
export { MergeOrchestrationWorkflow } from './merge-orchestration/workflow.js';
export { BuildProcessorWorkflow } from './build-processor/workflow.js';
export { ReconcileWorkflow } from './reconcile/workflow.js';
export { PullRequestWorkWorkflow } from './pr-work/workflow.js';
export { ReviewWorkflow } from './review/workflow.js';
export { PlanWorkflow } from './plan/workflow.js';
export { RefusalWindowWorkflow } from './refusal-window/workflow.js';
export { PullClosedWorkflow } from './pull-closed/workflow.js';
export { DeliveryWorkflow } from './delivery/workflow.js';
