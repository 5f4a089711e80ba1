import { describe, expect, it } from '@jest/globals';
import { join } from 'node:path';
import { execa } from 'execa';

const SCRIPT = join(import.meta.dirname, '..', 'scripts', 'webhook-fixtures.mjs');

describe('webhook fixtures', () => {
  it('are exactly what scripts/webhook-fixtures.mjs makes from @octokit/webhooks-examples', async () => {
    const result = await execa('node', [SCRIPT, '--check'], { reject: false });

    expect(result.stderr).toBe('');
    expect(result.exitCode).toBe(0);
  });
});
