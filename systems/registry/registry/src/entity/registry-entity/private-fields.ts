import { parseFieldPath, type OsConfig } from '../definition/os-config.js';
import { pointerSegments } from './field-access.js';
import { isJsonObject, type JsonObject, type JsonValue } from './json-merge-patch.js';

/** One private value taken out of a body: where it was (RFC 6901 JSON Pointer into the whole body) and what. */
export type PrivateValue = readonly [pointer: string, value: JsonValue];

/** A body split by {@link splitPrivateFields}. */
export interface SplitBody {
  /** The body without its `privateFields` (a new object). */
  readonly publicBody: JsonObject;
  /** Every private value, by concrete pointer (array items by index), in path order. */
  readonly privateValues: readonly PrivateValue[];
}

/**
 * Takes the `privateFields` out of a body, to be kept apart (encrypted) from the rest. A path
 * through arrays takes the field out of every item, each under its own pointer (`/list/0/secret`).
 * `mergePrivateFields(split.publicBody, split.privateValues)` gives the body back, equal to `body`.
 * @param contentPointer where the entity sits in the body (DefinitionShape.contentPointer: '' or '/Student')
 */
export function splitPrivateFields(body: JsonObject, config: OsConfig, contentPointer: string): SplitBody {
  const found: PrivateValue[] = [];
  let publicBody: JsonValue = body;
  for (const path of config.privateFields) {
    const segments = parseFieldPath(path);
    if (!segments) continue;
    publicBody = take(publicBody, [...pointerSegments(contentPointer), ...segments], '', found);
  }
  return { publicBody: publicBody as JsonObject, privateValues: found };
}

/**
 * Puts private values back at their pointers (the inverse of {@link splitPrivateFields}). A pointer
 * whose parent is missing (the body changed shape) is skipped rather than inventing structure.
 * @returns a new object; `body` is not changed
 */
export function mergePrivateFields(body: JsonObject, values: readonly PrivateValue[]): JsonObject {
  let result: JsonValue = body;
  for (const [pointer, value] of values) result = putAt(result, pointerSegments(pointer), value);
  return result as JsonObject;
}

const escapeToken = (token: string): string => token.replace(/~/g, '~0').replace(/\//g, '~1');

function take(value: JsonValue, segments: readonly string[], at: string, found: PrivateValue[]): JsonValue {
  if (segments.length === 0) return value;
  const [head, ...rest] = segments as [string, ...string[]];
  if (Array.isArray(value)) {
    const items = value as readonly JsonValue[];
    return items.map((item, index) => take(item, head === '*' ? rest : segments, `${at}/${index}`, found));
  }
  if (!isJsonObject(value) || head === '*' || !Object.hasOwn(value, head)) return value;
  const { [head]: child, ...others } = value;
  const pointer = `${at}/${escapeToken(head)}`;
  if (rest.length === 0) {
    found.push([pointer, child as JsonValue]);
    return others;
  }
  return { ...others, [head]: take(child as JsonValue, rest, pointer, found) };
}

function putAt(target: JsonValue, segments: readonly string[], value: JsonValue): JsonValue {
  if (segments.length === 0) return value;
  const [head, ...rest] = segments as [string, ...string[]];
  if (Array.isArray(target)) {
    const index = /^\d+$/.test(head) ? Number(head) : -1;
    if (index < 0 || index >= target.length) return target;
    const items = [...(target as readonly JsonValue[])];
    items[index] = putAt(items[index] as JsonValue, rest, value);
    return items;
  }
  if (!isJsonObject(target)) return target;
  if (rest.length === 0) return { ...target, [head]: value };
  if (!Object.hasOwn(target, head)) return target;
  return { ...target, [head]: putAt(target[head] as JsonValue, rest, value) };
}

/**
 * Whether a field path (any form parseFieldPath reads) is private: it names a `privateFields` path
 * or something inside one. Used to keep private values out of plain-text indexes (unique claims).
 */
export function isPrivatePath(path: string, config: OsConfig): boolean {
  const segments = parseFieldPath(path)?.filter((s) => s !== '*');
  if (!segments) return false;
  return config.privateFields.some((privatePath) => {
    const prefix = parseFieldPath(privatePath)?.filter((s) => s !== '*');
    return prefix !== undefined && prefix.length <= segments.length && prefix.every((s, i) => s === segments[i]);
  });
}

/**
 * The configuration a body is protected by: `config` (of the definition version the body was
 * validated against) with the `privateFields` of `others` added (the definition's active version):
 * a field made private by a later version is private for entities written under an earlier one too,
 * from the activation on. Duplicates are dropped; every other member is `config`'s.
 * @returns `config` itself when `others` add nothing
 */
export function withPrivateFieldsOf(config: OsConfig, ...others: readonly (OsConfig | undefined)[]): OsConfig {
  const paths = new Set(config.privateFields);
  for (const other of others) for (const path of other?.privateFields ?? []) paths.add(path);
  return paths.size === config.privateFields.length ? config : { ...config, privateFields: [...paths] };
}
