/** A JSON value (RFC 8259). */
export type JsonValue = null | boolean | number | string | readonly JsonValue[] | { readonly [key: string]: JsonValue };

/** A JSON object. */
export type JsonObject = { readonly [key: string]: JsonValue };

/** Whether `value` is a JSON object (not null, not an array). */
export function isJsonObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Applies a JSON Merge Patch (RFC 7396 §2, the MergePatch function) to `target`, without changing
 * either argument. A patch that is not an object replaces the target; in an object patch `null`
 * removes a member and anything else merges recursively; arrays are replaced whole.
 *
 * Written here rather than taken from npm: the layer rule lets entity/ import no package, the
 * algorithm is ten lines of the RFC, and `json-merge-patch` (1.0.2) has had no release since 2021.
 * @returns the patched value (new objects along changed paths; untouched subtrees are shared)
 */
export function applyMergePatch(target: JsonValue | undefined, patch: JsonValue): JsonValue {
  if (!isJsonObject(patch)) return patch;
  const result: Record<string, JsonValue> = isJsonObject(target) ? { ...target } : {};
  for (const [name, value] of Object.entries(patch)) {
    if (value === null) delete result[name];
    else result[name] = applyMergePatch(result[name], value);
  }
  return result;
}

/**
 * The RFC 6901 JSON Pointers of what differs between two JSON values: members added, removed or
 * changed, descending into objects (arrays and scalars are compared whole). `''` when the roots differ
 * in kind. Used for "which fields changed" in an entity's history.
 * @returns pointers in a stable order (depth first, keys in order of appearance)
 */
export function changedPointers(before: JsonValue | undefined, after: JsonValue | undefined, base = ''): string[] {
  if (isJsonObject(before) && isJsonObject(after)) {
    const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])];
    return keys.flatMap((key) => changedPointers(before[key], after[key], `${base}/${escapeToken(key)}`));
  }
  return jsonEqual(before, after) ? [] : [base];
}

/** Deep equality of JSON values (object member order ignored). */
export function jsonEqual(a: JsonValue | undefined, b: JsonValue | undefined): boolean {
  if (a === b) return true;
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((item, i) => jsonEqual(item, b[i]));
  if (isJsonObject(a) && isJsonObject(b)) {
    const keys = Object.keys(a);
    return keys.length === Object.keys(b).length && keys.every((key) => key in b && jsonEqual(a[key], b[key]));
  }
  return false;
}

function escapeToken(token: string): string {
  return token.replace(/~/g, '~0').replace(/\//g, '~1');
}
