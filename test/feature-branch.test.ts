import { describe, expect, it } from '@jest/globals';
import { issueFeatureBranch, issueOfFeatureBranch } from '../src/github/feature-branch.js';

describe('the feature branch of an issue build', () => {
  it('names the issue, so a command on its pull request finds the build', () => {
    expect(issueFeatureBranch(42, 'Add dark mode: the whole UI!')).toMatch(/^aidp\/issue-42-[a-z0-9-]+\/feature$/);
    expect(issueOfFeatureBranch(issueFeatureBranch(42, 'Add dark mode: the whole UI!'))).toBe(42);
  });

  it('is told apart from unit branches, local features and look-alikes', () => {
    for (const ref of ['aidp/issue-42-dark/api', 'aidp/dark-mode/feature', 'aidp/issue-/feature', 'aidp/issue-0/feature', 'x/aidp/issue-4/feature', 'aidp/issue-4-A/feature']) {
      expect(issueOfFeatureBranch(ref)).toBeUndefined();
    }
  });
});
