import { cliSearchAttributeTypes } from './search-attributes.js';

export class SearchAttributesMissingError extends Error {
  override readonly name = 'SearchAttributesMissingError';
}

/** The commands that register aidp's search attributes on a namespace, for error messages. */
export function registrationHint(namespace: string): string {
  const flags = cliSearchAttributeTypes()
    .map(({ name, type }) => `--name ${name} --type ${type}`)
    .join(' ');
  return (
    `register them once with: temporal operator search-attribute create --namespace ${namespace} ${flags}` +
    ` (Temporal Cloud: tcld namespace search-attributes add, or the Cloud UI)`
  );
}

/** The server's own words when a start names a search attribute the namespace lacks. */
function unregisteredAttributeMessage(err: unknown): string | undefined {
  for (let current: unknown = err; current instanceof Error; current = current.cause) {
    // SQL visibility: "Namespace x has no mapping defined for search attribute AidpKind"; Elasticsearch: "... is not defined".
    if (/no mapping defined for search attribute|search attribute \S+ is not defined/i.test(current.message)) return current.message;
  }
  return undefined;
}

/**
 * A start failure caused by a missing search attribute, explained with the fix; anything else
 * unchanged. No `cause`: the CLI prints the innermost cause, and this message is the useful one.
 */
export function explainStartFailure(err: unknown, namespace: string): unknown {
  const server = unregisteredAttributeMessage(err);
  if (!server) return err;
  return new SearchAttributesMissingError(
    `${server}: Temporal namespace ${namespace} lacks aidp's search attributes (aidp adds them when it starts, where the connection may); ${registrationHint(namespace)}`,
  );
}
