/**
 * Marks the comments a build writes on its issue (the status comment above all): reconcile
 * reads it on GitHub to know an issue was built, whatever Temporal still retains. Anyone can
 * type it, so only this app's own comments count (see reconcile-targets.ts).
 */
export const BUILD_MARKER = '<!-- aidp-build -->';

export function withBuildMarker(body: string): string {
  return body.includes(BUILD_MARKER) ? body : `${body}\n\n${BUILD_MARKER}`;
}
