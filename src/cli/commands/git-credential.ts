import type { Command } from 'commander';
import { Probot } from 'probot';
import { appCanAuthenticate } from '../../config/env.js';
import { answerCredentialRequest } from '../../github/git-credential.js';
import { apiBaseUrlOf, gitHubHostOf } from '../../github/github-host.js';
import { loadCliContext } from '../context.js';

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

export function registerGitCredentialCommand(program: Command): void {
  program
    .command('git-credential <action>')
    .description('git credential helper: installation tokens for the app\'s repositories (set up by aidp workers; not for people)')
    .action(async (action: string) => {
      const request = await readStdin();
      const ctx = loadCliContext({ interactive: true });
      // Git gives the helper only what it needs to mint a token: the app id and key, not the webhook secret.
      if (!appCanAuthenticate(ctx.env)) return;
      const github = gitHubHostOf(ctx.env);
      const probot = new Probot({ appId: ctx.env.appId, privateKey: ctx.env.privateKey, baseUrl: apiBaseUrlOf(github) });
      const answer = await answerCredentialRequest(action, request, {
        github,
        tokens: {
          async tokenFor(owner, repo) {
            const app = await probot.auth();
            const { data: installation } = await app.rest.apps.getRepoInstallation({ owner, repo });
            const { data } = await app.rest.apps.createInstallationAccessToken({
              installation_id: installation.id,
              repositories: [repo],
              permissions: { contents: 'write' },
            });
            return data.token;
          },
        },
      });
      process.stdout.write(answer);
    });
}
