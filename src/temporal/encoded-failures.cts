// CommonJS on purpose: the Temporal SDK loads a failure converter with require(failureConverterPath).
// eslint-disable-next-line @typescript-eslint/no-require-imports -- a CommonJS module's import
import common = require('@temporalio/common');

/**
 * Failures whose message and stack trace travel in `encodedAttributes`, a payload, so the payload
 * codec encrypts them: an agent's output in an `AgentFailed` message stays out of the history.
 * Every SDK reader (clients, workers, the Web UI through the codec endpoint) decodes them back.
 */
export = { failureConverter: new common.DefaultFailureConverter({ encodeCommonAttributes: true }) };
