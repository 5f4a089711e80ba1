/** The id of the feature a build runs: commands on the issue are sent there. */
export function featureIdOf(buildWorkflowId: string): string {
  return `${buildWorkflowId}/feature`;
}
