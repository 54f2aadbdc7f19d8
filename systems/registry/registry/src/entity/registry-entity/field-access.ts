import { parseFieldPath, type OsConfig } from '../definition/os-config.js';
import { isJsonObject, type JsonObject, type JsonValue } from './json-merge-patch.js';

/**
 * Where a body leaves the registry, which decides what of it may be seen:
 * - `read`: an API answer to a reader who is the owner, a manager (a role in `roles`), or neither;
 * - `search`: a search result (never private fields, whoever asks);
 * - `event`: an integration event or a log line (never private nor internal fields).
 */
export type Disclosure =
  | { readonly purpose: 'read'; readonly owner: boolean; readonly manager: boolean }
  | { readonly purpose: 'search'; readonly manager: boolean }
  | { readonly purpose: 'event' };

/**
 * The body with the fields the reader may not see removed (`_osConfig` semantics): private fields
 * go to the owner and managers only, never into search results or events; internal fields to
 * managers only, never into events. A path through arrays removes the field from every item.
 * @param contentPointer where the entity sits in the body (DefinitionShape.contentPointer: '' or '/Student')
 * @returns a new object; `body` is not changed
 */
export function discloseEntity(
  body: JsonObject,
  config: OsConfig,
  contentPointer: string,
  disclosure: Disclosure,
): JsonObject {
  const showPrivate = disclosure.purpose === 'read' && (disclosure.owner || disclosure.manager);
  const showInternal = disclosure.purpose !== 'event' && disclosure.manager;
  const hidden = [...(showPrivate ? [] : config.privateFields), ...(showInternal ? [] : config.internalFields)];
  let result: JsonValue = body;
  for (const path of hidden) {
    const segments = parseFieldPath(path);
    if (segments) result = removeAt(result, [...contentSegments(contentPointer), ...segments]);
  }
  return result as JsonObject;
}

/** The owner's identities an entity names through `ownershipAttributes` (strings only, trimmed). */
export interface OwnerIdentities {
  readonly emails: readonly string[];
  readonly mobiles: readonly string[];
  readonly userIds: readonly string[];
}

/** Reads the owner identities of an entity (see {@link OwnerIdentities}). */
export function ownerIdentities(body: JsonObject, config: OsConfig, contentPointer: string): OwnerIdentities {
  const read = (key: 'email' | 'mobile' | 'userId') =>
    config.ownershipAttributes.flatMap((entry) => {
      const segments = entry[key] === undefined ? undefined : parseFieldPath(entry[key]);
      if (!segments) return [];
      return valuesAt(body, [...contentSegments(contentPointer), ...segments])
        .filter((v): v is string => typeof v === 'string' && v.trim() !== '')
        .map((v) => v.trim());
    });
  return { emails: read('email'), mobiles: read('mobile'), userIds: read('userId') };
}

/**
 * Whether the user owns the entity: its id is one of the entity's owner user ids, or its e-mail one
 * of the owner e-mails (compared case-insensitively). An entity without ownership attributes has no owner.
 */
export function isOwnedBy(
  body: JsonObject,
  config: OsConfig,
  contentPointer: string,
  user: { readonly id: string; readonly email?: string },
): boolean {
  const owners = ownerIdentities(body, config, contentPointer);
  const email = user.email?.trim().toLowerCase();
  return (
    owners.userIds.includes(user.id) ||
    (email !== undefined && email !== '' && owners.emails.some((e) => e.toLowerCase() === email))
  );
}

/** One `uniqueIndexFields` entry's value in an entity: the fields (a tuple for a composite) and their values. */
export interface UniqueKey {
  /** The entry's fields joined by `,` (stable name of the constraint). */
  readonly fields: string;
  /** Canonical JSON of the values, in field order: equal keys are equal strings. */
  readonly value: string;
}

/**
 * The unique keys an entity claims: one per `uniqueIndexFields` entry whose fields all hold a
 * scalar value (an entity without the field claims nothing, as SQL unique indexes ignore NULLs).
 */
export function uniqueKeys(body: JsonObject, config: OsConfig, contentPointer: string): UniqueKey[] {
  const keys: UniqueKey[] = [];
  for (const entry of config.uniqueIndexFields) {
    const values = entry.map((field) => {
      const segments = parseFieldPath(field);
      const found = segments ? valuesAt(body, [...contentSegments(contentPointer), ...segments]) : [];
      return found.length === 1 && found[0] !== null && typeof found[0] !== 'object' ? found[0] : undefined;
    });
    if (values.every((v) => v !== undefined)) keys.push({ fields: entry.join(','), value: JSON.stringify(values) });
  }
  return keys;
}

/** Values at a path (segments from parseFieldPath); arrays are crossed by `*` and implicitly. */
export function valuesAt(value: JsonValue | undefined, segments: readonly string[]): JsonValue[] {
  if (value === undefined) return [];
  if (segments.length === 0) return [value];
  const [head, ...rest] = segments as [string, ...string[]];
  if (Array.isArray(value)) {
    const items = value as readonly JsonValue[];
    return items.flatMap((item) => valuesAt(item, head === '*' ? rest : segments));
  }
  if (!isJsonObject(value) || head === '*') return [];
  return Object.hasOwn(value, head) ? valuesAt(value[head], rest) : [];
}

function removeAt(value: JsonValue, segments: readonly string[]): JsonValue {
  if (segments.length === 0) return value;
  const [head, ...rest] = segments as [string, ...string[]];
  if (Array.isArray(value)) {
    const items = value as readonly JsonValue[];
    return items.map((item) => removeAt(item, head === '*' ? rest : segments));
  }
  if (!isJsonObject(value) || head === '*' || !Object.hasOwn(value, head)) return value;
  const { [head]: child, ...others } = value;
  return rest.length === 0 ? others : { ...others, [head]: removeAt(child as JsonValue, rest) };
}

function contentSegments(contentPointer: string): string[] {
  return contentPointer === ''
    ? []
    : contentPointer
        .slice(1)
        .split('/')
        .map((token) => token.replace(/~1/g, '/').replace(/~0/g, '~'));
}

/**
 * The body restricted to the values at `pointers` (RFC 6901, into the whole body), same nesting:
 * `restrictTo({ a: { b: 1, c: 2 }, d: 3 }, ['/a/b'])` → `{ a: { b: 1 } }`. A pointer through an
 * array (`/list/0/a`) keeps that item under its index as an object member (`{ list: { 0: { a } } }`).
 * Missing values are left out.
 */
export function restrictTo(body: JsonObject, pointers: readonly string[]): JsonObject {
  let result: JsonObject = {};
  for (const pointer of pointers) {
    const segments = pointer
      .slice(1)
      .split('/')
      .map((t) => t.replace(/~1/g, '/').replace(/~0/g, '~'));
    const value = valueAtSegments(body, segments);
    if (value !== undefined) result = setAt(result, segments, value) as JsonObject;
  }
  return result;
}

function valueAtSegments(value: JsonValue | undefined, segments: readonly string[]): JsonValue | undefined {
  let node = value;
  for (const segment of segments) {
    if (Array.isArray(node)) node = /^\d+$/.test(segment) ? node[Number(segment)] : undefined;
    else if (isJsonObject(node)) node = Object.hasOwn(node, segment) ? node[segment] : undefined;
    else return undefined;
  }
  return node;
}

function setAt(target: JsonValue | undefined, segments: readonly string[], value: JsonValue): JsonValue {
  if (segments.length === 0) return value;
  const [head, ...rest] = segments as [string, ...string[]];
  const base: JsonObject = isJsonObject(target) ? target : {};
  return { ...base, [head]: setAt(base[head], rest, value) };
}
