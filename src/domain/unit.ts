/** One atomic unit of a feature: built by one agent in one worktree on one branch. */
export interface UnitSpec {
  /** As written in the spec (may be hostile: never used in a path, ref or command). */
  id: string;
  /** Safe for a branch component and a directory name; unique within its feature. */
  slug: string;
  title: string;
  description: string;
  /** Ids of units that must merge before this one. */
  dependsOn: string[];
}
