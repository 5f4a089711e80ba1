import { Connection, type ConnectionOptions } from '@temporalio/client';

export type ConnectOptions = Pick<ConnectionOptions, 'address' | 'tls' | 'apiKey'>;

/** True when a Temporal frontend answers within `timeoutMs`. */
export async function temporalAnswers(target: string | ConnectOptions, timeoutMs = 2000): Promise<boolean> {
  const options = typeof target === 'string' ? { address: target } : target;
  let connection: Connection | undefined;
  try {
    connection = await Connection.connect({ ...options, connectTimeout: timeoutMs });
    await connection.workflowService.getSystemInfo({});
    return true;
  } catch {
    // Not (yet) answering: callers poll or report, with their own message.
    return false;
  } finally {
    await connection?.close();
  }
}

/** Polls until Temporal answers; rejects after `timeoutMs` or as soon as `stillStarting()` reports a problem. */
export async function waitForTemporal(
  address: string,
  opts: { timeoutMs: number; stillStarting?: () => string | undefined },
): Promise<void> {
  const deadline = Date.now() + opts.timeoutMs;
  while (Date.now() < deadline) {
    const problem = opts.stillStarting?.();
    if (problem) throw new Error(problem);
    if (await temporalAnswers(address, 1000)) return;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(`Temporal at ${address} did not answer within ${Math.round(opts.timeoutMs / 1000)} s`);
}
