import { sleep } from '@temporalio/workflow';

export interface RefusalWindowInput {
  windowMs: number;
}

/**
 * Holds its id (one per user and issue) for `windowMs` after aidp told someone without write
 * access that it will not act: while it runs, another refusal to the same person on the same
 * issue finds the id taken and stays silent. It does nothing else; its execution timeout ends
 * it even when no worker runs it.
 */
export async function RefusalWindowWorkflow(input: RefusalWindowInput): Promise<void> {
  await sleep(input.windowMs);
}
