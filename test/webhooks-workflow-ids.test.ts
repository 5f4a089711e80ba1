import { describe, expect, it } from '@jest/globals';
import {
  githubRepoWorkflowIdPrefix,
  githubWorkflowId,
  InvalidWorkflowTargetError,
  parseGithubWorkflowId,
  type GithubWorkflowKind,
} from '../src/github/workflow-ids.js';

describe('githubWorkflowId', () => {
  it.each<[GithubWorkflowKind, string]>([
    ['build', 'aidp/gh/octo-org/hello-world/issue-12/build'],
    ['plan', 'aidp/gh/octo-org/hello-world/issue-12/plan'],
    ['review', 'aidp/gh/octo-org/hello-world/pr-12/review'],
    ['ci-fix', 'aidp/gh/octo-org/hello-world/pr-12/ci-fix'],
    ['change-request', 'aidp/gh/octo-org/hello-world/pr-12/change-request'],
  ])('names a %s of number 12 %s', (kind, id) => {
    expect(githubWorkflowId({ owner: 'octo-org', repo: 'hello-world', number: 12, kind })).toBe(id);
  });

  it('gives the same id whatever the case GitHub reports the names in', () => {
    const a = githubWorkflowId({ owner: 'Codertocat', repo: 'Hello-World', number: 1, kind: 'build' });
    const b = githubWorkflowId({ owner: 'codertocat', repo: 'hello-world', number: 1, kind: 'build' });
    expect(a).toBe(b);
  });

  it('accepts GitHub names with dots, underscores and a leading dot in the repository', () => {
    expect(githubWorkflowId({ owner: 'mona_acme', repo: '.github', number: 3, kind: 'plan' })).toBe('aidp/gh/mona_acme/.github/issue-3/plan');
    expect(githubWorkflowId({ owner: 'a', repo: 'my.repo_v2', number: 3, kind: 'plan' })).toBe('aidp/gh/a/my.repo_v2/issue-3/plan');
  });

  it.each([
    ['an owner with a slash', { owner: 'octo/evil', repo: 'r' }],
    ['an owner of dots', { owner: '..', repo: 'r' }],
    ['an owner with a leading hyphen', { owner: '-octo', repo: 'r' }],
    ['an owner with two hyphens in a row', { owner: 'oc--to', repo: 'r' }],
    ['an owner longer than 39 characters', { owner: 'a'.repeat(40), repo: 'r' }],
    ['an empty owner', { owner: '', repo: 'r' }],
    ['a repository of two dots', { owner: 'octo', repo: '..' }],
    ['a repository of one dot', { owner: 'octo', repo: '.' }],
    ['a repository with a slash', { owner: 'octo', repo: '../etc' }],
    ['a repository with a percent escape', { owner: 'octo', repo: '%2e%2e' }],
    ['a repository with a newline', { owner: 'octo', repo: 'r\n' }],
    ['a repository longer than 100 characters', { owner: 'octo', repo: 'r'.repeat(101) }],
  ])('refuses %s', (_what, names) => {
    expect(() => githubWorkflowId({ ...names, number: 1, kind: 'build' })).toThrow(InvalidWorkflowTargetError);
  });

  it.each([0, -1, 1.5, Number.NaN, 2 ** 53])('refuses the number %s', (number) => {
    expect(() => githubWorkflowId({ owner: 'octo', repo: 'r', number, kind: 'build' })).toThrow(InvalidWorkflowTargetError);
  });

  it('refuses a kind it does not know', () => {
    expect(() => githubWorkflowId({ owner: 'octo', repo: 'r', number: 1, kind: 'deploy' as GithubWorkflowKind })).toThrow(InvalidWorkflowTargetError);
  });
});

describe('parseGithubWorkflowId', () => {
  it('reads back what githubWorkflowId built, names lower-cased', () => {
    const id = githubWorkflowId({ owner: 'Octo-Org', repo: 'App', number: 7, kind: 'ci-fix' });
    expect(parseGithubWorkflowId(id)).toEqual({ owner: 'octo-org', repo: 'app', number: 7, kind: 'ci-fix' });
  });

  it.each([
    'aidp/local/app-1234abcd/feature',
    'aidp/gh/octo/app/pr-7/build',
    'aidp/gh/octo/app/issue-07/build',
    'aidp/gh/octo/../issue-7/build',
    'aidp/gh/octo/app/issue-7/build/extra',
  ])('reads %s as no GitHub workflow id', (id) => {
    expect(parseGithubWorkflowId(id)).toBeUndefined();
  });

  it('gives every id of a repository the repository prefix', () => {
    const prefix = githubRepoWorkflowIdPrefix('Octo', 'App');
    expect(githubWorkflowId({ owner: 'octo', repo: 'app', number: 9, kind: 'review' }).startsWith(prefix)).toBe(true);
    expect(githubWorkflowId({ owner: 'octo', repo: 'app-2', number: 9, kind: 'review' }).startsWith(prefix)).toBe(false);
  });
});
