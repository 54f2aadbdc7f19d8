import { PROBLEM_JSON } from '@archipelago/platform-service';

/** Routes that open or write an entity's private fields (so need its data key): entities and claims. */
const KEYED_PATHS = /^\/registry\/v1\/(entity|claims)(\/|$)/;
const METHODS = ['get', 'put', 'post', 'delete', 'patch'] as const;

interface Operation {
  responses?: Record<string, unknown>;
}

/**
 * Declares, on every entity and claim operation, the 503 answered when the entity's data key is
 * wrapped by a key-encryption key the service does not have (`REGISTRY.KEY_UNAVAILABLE`, RFC 9457
 * problem, with `Retry-After` in seconds; see UnknownKeyEncryptionKeyError). Run as the OpenAPI
 * `refine` step, after the platform built the `Problem503` component from the domain errors.
 */
export function documentKeyUnavailable(document: object): void {
  const paths = (document as { paths?: Record<string, Partial<Record<string, Operation>>> }).paths ?? {};
  for (const [path, item] of Object.entries(paths)) {
    if (!KEYED_PATHS.test(path)) continue;
    for (const method of METHODS) {
      const operation = item[method];
      if (!operation) continue;
      (operation.responses ??= {})['503'] ??= {
        description:
          "The entity's encryption key is unavailable (a key-encryption key is missing from the configuration); nothing was read or written. Retry after `Retry-After` seconds.",
        headers: { 'Retry-After': { description: 'Seconds to wait before retrying.', schema: { type: 'integer' } } },
        content: { [PROBLEM_JSON]: { schema: { $ref: '#/components/schemas/Problem503' } } },
      };
    }
  }
}
