import { ApplicationFailure } from '@temporalio/common';
import { ConfigError } from '../../src/config/config-error.js';

/** The ApplicationFailure `promise` rejects with; any other outcome fails the test. */
export async function failureOf(promise: Promise<unknown>): Promise<ApplicationFailure> {
  try {
    await promise;
  } catch (err) {
    if (err instanceof ApplicationFailure) return err;
    throw err;
  }
  throw new Error('expected an ApplicationFailure, but it succeeded');
}

/** The ApplicationFailure `fn` throws; any other outcome fails the test. */
export function failureThrownBy(fn: () => unknown): ApplicationFailure {
  try {
    fn();
  } catch (err) {
    if (err instanceof ApplicationFailure) return err;
    throw err;
  }
  throw new Error('expected an ApplicationFailure, but it succeeded');
}

/** The message of the ConfigError `fn` throws; any other outcome fails the test. */
export function configErrorOf(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    if (err instanceof ConfigError) return err.message;
    throw err;
  }
  throw new Error('the configuration was accepted');
}

/** Whatever `promise` rejects with; fails the test when it resolves. */
export async function rejectionOf(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (err) {
    return err;
  }
  throw new Error('expected a rejection, but it resolved');
}
