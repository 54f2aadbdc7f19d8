import { parseFieldPath, type OsConfig } from '../definition/os-config.js';
import { applyMergePatch, isJsonObject, jsonEqual, type JsonObject, type JsonValue } from './json-merge-patch.js';
import {
  EntityCreateForbiddenError,
  EntityFieldWriteForbiddenError,
  EntityNotFoundError,
  EntityOwnershipChangeForbiddenError,
  EntityReadUnauthenticatedError,
  EntityWriteUnauthenticatedError,
} from './registry-entity.errors.js';

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
    if (segments) result = removeAt(result, [...pointerSegments(contentPointer), ...segments]);
  }
  return result as JsonObject;
}

/**
 * A test of RFC 6901 JSON Pointers into an entity's body: true when {@link discloseEntity} under
 * `disclosure` keeps the value at the pointer, false at or inside a field it removes (a `*` path
 * segment matches every array item). For lists of changed fields (history, integration events),
 * which must not name a field the reader may not see.
 */
export function pointerDisclosed(
  config: OsConfig,
  contentPointer: string,
  disclosure: Disclosure,
): (pointer: string) => boolean {
  const showPrivate = disclosure.purpose === 'read' && (disclosure.owner || disclosure.manager);
  const showInternal = disclosure.purpose !== 'event' && disclosure.manager;
  const hidden = [...(showPrivate ? [] : config.privateFields), ...(showInternal ? [] : config.internalFields)].flatMap(
    (path) => {
      const segments = parseFieldPath(path);
      return segments ? [[...pointerSegments(contentPointer), ...segments]] : [];
    },
  );
  return (pointer) => {
    const tokens = pointerSegments(pointer);
    return !hidden.some(
      (segments) => tokens.length >= segments.length && segments.every((s, i) => s === '*' || s === tokens[i]),
    );
  };
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
      return valuesAt(body, [...pointerSegments(contentPointer), ...segments])
        .filter((v): v is string => typeof v === 'string' && v.trim() !== '')
        .map((v) => v.trim());
    });
  return { emails: read('email'), mobiles: read('mobile'), userIds: read('userId') };
}

/**
 * Whose identities may prove ownership: a user's id, and their e-mail only when the token says it is
 * verified (`email_verified`, OpenID Connect Core §5.1). Anyone can register an account under someone
 * else's address before (or without) proving it; such an account owns nothing by that address.
 */
export interface OwnerClaim {
  readonly id: string;
  readonly email?: string;
  /** `true` only when the caller proved they receive mail at `email`; absent means not verified. */
  readonly emailVerified?: boolean;
}

/**
 * The identities an {@link OwnerClaim} proves: its id, and its e-mail (trimmed) only when verified.
 * The form "my entities" lookups (owner keys) take.
 */
export function provenOwner(user: OwnerClaim): { readonly id: string; readonly email?: string } {
  const email = user.emailVerified === true ? user.email?.trim() : undefined;
  return { id: user.id, ...(email ? { email } : {}) };
}

/**
 * Whether the user owns the entity: its id is one of the entity's owner user ids, or its verified
 * e-mail one of the owner e-mails (compared case-insensitively; an unverified e-mail never matches,
 * see {@link OwnerClaim}). An entity without ownership attributes has no owner.
 */
export function isOwnedBy(body: JsonObject, config: OsConfig, contentPointer: string, user: OwnerClaim): boolean {
  const owners = ownerIdentities(body, config, contentPointer);
  const email = provenOwner(user).email?.toLowerCase();
  return (
    owners.userIds.includes(user.id) || (email !== undefined && owners.emails.some((e) => e.toLowerCase() === email))
  );
}

/**
 * Who acts on a type's entities: the verified caller's user id (token `sub`; `anonymous` without a
 * token), roles and, for users, e-mail and whether it is verified ({@link OwnerClaim}).
 */
export interface EntityCaller extends OwnerClaim {
  readonly id: string;
  readonly roles: readonly string[];
  /** `false` when the request carried no valid bearer token; absent means signed in. */
  readonly authenticated?: boolean;
}

/** The role that, in `_osConfig.roles` or `inviteRoles`, means anyone, with or without a token. */
export const ANONYMOUS_ROLE = 'anonymous';

/**
 * Whether `caller` manages every entity of the type (issue 14 §5): they hold `admin` or a role in
 * its `_osConfig.roles`, or `roles` holds `anonymous` (a public registry: anyone manages, token or not).
 * Managers create, import, list, search, read (private and internal fields included), replace,
 * patch and delete any entity of the type. The one place this is decided, for reads and writes.
 */
export function managesType(config: Pick<OsConfig, 'roles'>, caller: Pick<EntityCaller, 'roles'>): boolean {
  return (
    config.roles.includes(ANONYMOUS_ROLE) ||
    caller.roles.includes('admin') ||
    config.roles.some((role) => caller.roles.includes(role))
  );
}

/** What a caller is to one entity: its owner ({@link isOwnedBy}), a manager of its type, both or neither. */
export interface EntityRelation {
  readonly owner: boolean;
  readonly manager: boolean;
}

/**
 * The caller's relation to an entity (issue 14 §5): manager per {@link managesType}; owner when
 * signed in and `ownershipAttributes` name their user id or verified e-mail ({@link isOwnedBy}; a caller
 * without a token owns nothing). Neither → the entity does not exist for them (404 on read and write).
 */
export function relationTo(
  body: JsonObject,
  config: OsConfig,
  contentPointer: string,
  caller: EntityCaller,
): EntityRelation {
  return {
    manager: managesType(config, caller),
    owner: caller.authenticated !== false && isOwnedBy(body, config, contentPointer, caller),
  };
}

/**
 * A caller acting on the type's entities in-process (tests, tools) when none is named: `admin`.
 * HTTP handlers always name the verified caller.
 */
export const IN_PROCESS_CALLER: EntityCaller = { id: 'system', roles: ['admin'] };

/**
 * Checks that a caller without a token may read (by id, list, search) the type's entities: only when
 * the type is public (`anonymous` in its `_osConfig.roles`, {@link managesType}). A signed-in caller
 * always passes (what they see is decided per entity: {@link relationTo}).
 * @param config the type's `_osConfig`; `undefined` for an unknown type (401 too: without a token,
 *   only public types answer)
 * @throws EntityReadUnauthenticatedError (401)
 */
export function assertMayReadWithoutToken(
  config: Pick<OsConfig, 'roles'> | undefined,
  caller: EntityCaller,
  type: string,
): void {
  if (caller.authenticated !== false) return;
  if (config !== undefined && managesType(config, caller)) return;
  throw new EntityReadUnauthenticatedError(type);
}

/**
 * Checks that `caller` may create (or import) entities of the type: managers only ({@link managesType}).
 * @throws EntityWriteUnauthenticatedError (401) without a token, EntityCreateForbiddenError (403) with one
 */
export function assertMayCreate(config: Pick<OsConfig, 'roles'>, caller: EntityCaller, type: string): void {
  if (managesType(config, caller)) return;
  throw caller.authenticated === false
    ? new EntityWriteUnauthenticatedError(type)
    : new EntityCreateForbiddenError(type);
}

/**
 * Who writes (replace, patch, delete) an existing entity, from their {@link relationTo} it: a
 * manager writes anything, an owner their own entity under the owner rules ({@link ownerWrite}).
 * Anyone else is told the entity does not exist (404, as on a read), or to sign in (401) when they
 * sent no token (an anonymous caller owns nothing).
 * @param relation `{ owner: false, manager: managesType(…) }` for an unknown or deleted entity
 * @throws EntityWriteUnauthenticatedError (401), EntityNotFoundError (404)
 */
export function writerRole(
  relation: EntityRelation,
  caller: EntityCaller,
  type: string,
  id: string,
): 'manager' | 'owner' {
  if (relation.manager) return 'manager';
  if (relation.owner) return 'owner';
  if (caller.authenticated === false) throw new EntityWriteUnauthenticatedError(type);
  throw new EntityNotFoundError(type, id);
}

/**
 * The body an owner's (not a manager's) replace or merge patch produces, under the owner rules:
 * - `internalFields`: the owner cannot read them, so cannot write them: naming one in the body or
 *   patch (even as `null`) is refused; a replace keeps their current values.
 * - `systemFields`: readable, not writable: a value sent must equal the current one; a replace that
 *   leaves them out keeps them. A change through an array or a removed parent is refused too.
 * - `ownershipAttributes`: the fields that make them owner stay as they are (a manager may change them).
 * `current` is the stored body, `input` the request body (a replace) or patch (RFC 7396).
 * @returns the proposed body (not yet validated against the schema)
 * @throws EntityFieldWriteForbiddenError (403) naming the internal/system fields touched,
 *   EntityOwnershipChangeForbiddenError (403) when the owner identities would change
 */
export function ownerWrite(
  current: JsonObject,
  input: JsonValue,
  mode: 'replace' | 'merge-patch',
  config: OsConfig,
  contentPointer: string,
): JsonValue {
  const root = pointerSegments(contentPointer);
  const paths = (list: readonly string[]) =>
    list.flatMap((path) => {
      const segments = parseFieldPath(path);
      return segments ? [[...root, ...segments]] : [];
    });
  const internal = paths(config.internalFields);
  const system = paths(config.systemFields);
  const proposed = mode === 'replace' ? input : applyMergePatch(current, input);
  if (!isJsonObject(proposed)) return proposed;
  const forbidden = [
    ...internal.filter((full) => valuesAt(input, full).length > 0),
    ...system.filter(
      (full) => valuesAt(input, full).length > 0 && !jsonEqual(valuesAt(proposed, full), valuesAt(current, full)),
    ),
  ];
  if (forbidden.length > 0) throw new EntityFieldWriteForbiddenError(forbidden.map(pointerOf));
  let result: JsonObject = proposed;
  for (const full of [...internal, ...system]) {
    const kept = full.includes('*') ? [] : valuesAt(current, full);
    if (kept.length === 1) result = (putAt(result, full, kept[0]!) as JsonObject | undefined) ?? result;
  }
  const changed = [...internal, ...system].filter(
    (full) => !jsonEqual(valuesAt(result, full), valuesAt(current, full)),
  );
  if (changed.length > 0) throw new EntityFieldWriteForbiddenError(changed.map(pointerOf));
  if (!sameOwners(ownerIdentities(current, config, contentPointer), ownerIdentities(result, config, contentPointer))) {
    throw new EntityOwnershipChangeForbiddenError();
  }
  return result;
}

function sameOwners(a: OwnerIdentities, b: OwnerIdentities): boolean {
  const norm = (list: readonly string[], lower = false) => [...list].map((v) => (lower ? v.toLowerCase() : v)).sort();
  return (
    jsonEqual(norm(a.emails, true), norm(b.emails, true)) &&
    jsonEqual(norm(a.mobiles), norm(b.mobiles)) &&
    jsonEqual(norm(a.userIds), norm(b.userIds))
  );
}

/** Sets `value` at `segments` through objects only; `undefined` when an array or scalar is in the way. */
function putAt(target: JsonValue | undefined, segments: readonly string[], value: JsonValue): JsonValue | undefined {
  if (segments.length === 0) return value;
  if (target !== undefined && !isJsonObject(target)) return undefined;
  const [head, ...rest] = segments as [string, ...string[]];
  const base: JsonObject = target ?? {};
  const child = putAt(base[head], rest, value);
  return child === undefined ? undefined : { ...base, [head]: child };
}

function pointerOf(segments: readonly string[]): string {
  return segments.map((s) => `/${s.replace(/~/g, '~0').replace(/\//g, '~1')}`).join('');
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
      const found = segments ? valuesAt(body, [...pointerSegments(contentPointer), ...segments]) : [];
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

/**
 * The unescaped reference tokens of a JSON Pointer (RFC 6901 §4: `~1` → `/`, then `~0` → `~`):
 * `''` → `[]`, `'/a~1b/0'` → `['a/b', '0']`, `'/~01'` → `['~1']`. The registry's one pointer
 * splitter (content pointers, changed-field pointers, sealed-field pointers).
 */
export function pointerSegments(pointer: string): string[] {
  return pointer === ''
    ? []
    : pointer
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
    const segments = pointerSegments(pointer);
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
