/**
 * Compatibility rules for integration-event payload schemas (JSON Schema, as `z.toJSONSchema`
 * produces them). A new version of a schema is compatible with the recorded one when every
 * message valid under either can be read by consumers written for the other:
 * - a property required before stays, stays required, and keeps its type;
 * - a new property must be optional (old messages do not have it);
 * - an enum may only gain values when marked so by the caller; by default it must stay equal;
 * - nested objects and array items follow the same rules.
 * Anything else needs a new major version (a new topic `…v2`).
 */
export interface JsonSchema {
  type?: string | string[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
  items?: JsonSchema;
  enum?: unknown[];
  anyOf?: JsonSchema[];
  [key: string]: unknown;
}

/** One breaking difference, with the JSON path where it is. */
export interface Incompatibility {
  readonly path: string;
  readonly problem: string;
}

const typeOf = (schema: JsonSchema): string =>
  JSON.stringify(schema.type ?? (schema.anyOf ? schema.anyOf.map(typeOf).sort() : schema.enum ? 'enum' : 'any'));

/** Lists the breaking differences from `recorded` to `current` (empty = compatible). */
export function incompatibilities(recorded: JsonSchema, current: JsonSchema, path = '$'): Incompatibility[] {
  const found: Incompatibility[] = [];
  if (typeOf(recorded) !== typeOf(current)) {
    found.push({ path, problem: `type changed from ${typeOf(recorded)} to ${typeOf(current)}` });
    return found;
  }
  if (recorded.enum || current.enum) {
    const before = JSON.stringify([...(recorded.enum ?? [])].map(String).sort());
    const after = JSON.stringify([...(current.enum ?? [])].map(String).sort());
    if (before !== after) found.push({ path, problem: `enum changed from ${before} to ${after}` });
  }
  const oldRequired = new Set(recorded.required ?? []);
  const newRequired = new Set(current.required ?? []);
  for (const [name, oldProp] of Object.entries(recorded.properties ?? {})) {
    const newProp = current.properties?.[name];
    if (!newProp) {
      if (oldRequired.has(name)) found.push({ path: `${path}.${name}`, problem: 'required property removed' });
      continue;
    }
    if (oldRequired.has(name) && !newRequired.has(name)) {
      found.push({ path: `${path}.${name}`, problem: 'required property became optional' });
    }
    found.push(...incompatibilities(oldProp, newProp, `${path}.${name}`));
  }
  for (const name of newRequired) {
    if (!recorded.properties?.[name]) found.push({ path: `${path}.${name}`, problem: 'new required property' });
  }
  if (recorded.items && current.items) found.push(...incompatibilities(recorded.items, current.items, `${path}[]`));
  return found;
}
