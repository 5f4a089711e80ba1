/** Names of the check run a build keeps, shared by the activity that writes it and the handler of its button. */

/** The check run a build keeps on its feature PR's head; `check_run.rerequested` is matched by it. */
export const BUILD_CHECK_RUN_NAME = 'aidp';
/** The requested action on a finished build's check run that retries its failed units. */
export const RETRY_ACTION = { label: 'Retry failed units', description: 'Run the failed units again', identifier: 'retry_failed' } as const;
