import type { Client } from '@temporalio/client';
import { AIDP_SEARCH_ATTRIBUTES } from '../domain/search-attributes.js';
import { registrationHint, SearchAttributesMissingError } from '../domain/search-attribute-errors.js';

export { explainStartFailure, registrationHint, SearchAttributesMissingError } from '../domain/search-attribute-errors.js';

/** temporal.api.enums.v1.IndexedValueType, as the operator service numbers them. */
const INDEXED_VALUE_TYPE = { TEXT: 1, KEYWORD: 2, INT: 3, DOUBLE: 4, BOOL: 5, DATETIME: 6, KEYWORD_LIST: 7 } as const;

async function missingOn(client: Client, namespace: string): Promise<string[]> {
  const { customAttributes } = await client.connection.operatorService.listSearchAttributes({ namespace });
  return AIDP_SEARCH_ATTRIBUTES.filter((key) => !(customAttributes && key.name in customAttributes)).map((key) => key.name);
}

/**
 * Registers aidp's search attributes on the namespace when any is missing; idempotent, and safe
 * when a server and a worker start together. Runs at start-up, before anything starts a workflow:
 * a start (or a child start) with an unregistered attribute fails. Throws with the commands to
 * run when this connection may not register them (Temporal Cloud, a restricted API key).
 */
export async function ensureSearchAttributes(client: Client, namespace: string): Promise<{ added: string[]; uncheckable?: string }> {
  let missing: string[];
  try {
    missing = await missingOn(client, namespace);
  } catch (err) {
    // A role that may start workflows but not read the namespace's attributes: starts still work if they exist.
    return { added: [], uncheckable: `${err instanceof Error ? err.message : String(err)}; if starts fail, ${registrationHint(namespace)}` };
  }
  if (missing.length === 0) return { added: [] };
  const wanted = AIDP_SEARCH_ATTRIBUTES.filter((key) => missing.includes(key.name));
  try {
    await client.connection.operatorService.addSearchAttributes({
      namespace,
      searchAttributes: Object.fromEntries(wanted.map((key) => [key.name, INDEXED_VALUE_TYPE[key.type]])),
    });
  } catch (err) {
    // Another aidp process may have added them first; only what is still missing counts.
    const still = await missingOn(client, namespace).catch(() => missing);
    if (still.length === 0) return { added: [] };
    const why = err instanceof Error ? err.message : String(err);
    throw new SearchAttributesMissingError(
      `Temporal namespace ${namespace} lacks aidp's search attributes ${still.join(', ')} and this connection could not add them (${why}); ${registrationHint(namespace)}`,
    );
  }
  await untilListed(client, namespace);
  return { added: missing };
}

/** A cluster's frontends see a new attribute once their namespace cache refreshes (seconds). */
async function untilListed(client: Client, namespace: string, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const still = await missingOn(client, namespace);
    if (still.length === 0) return;
    if (Date.now() > deadline) {
      throw new SearchAttributesMissingError(
        `Temporal namespace ${namespace} accepted aidp's search attributes but still lists ${still.join(', ')} as missing after ${timeoutMs / 1000} s; ${registrationHint(namespace)}`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}
