/**
 * The `_osConfig` block of a definition: Sunbird RC's vocabulary for what the registry does with a
 * type's fields (https://docs.sunbirdrc.dev/use/schema-configuration). Paths are relative to the
 * entity's content (see {@link DefinitionShape.contentPointer}) and written as JSONPath (`$.a.b`,
 * `$.a[*].b`), JSON Pointer (`/a/b`) or, in index lists, bare dotted names (`a.b`).
 */
export interface OsConfig {
  /** Encrypted at rest; returned only to the owner and managers. */
  readonly privateFields: readonly string[];
  /** Never returned to non-managers. */
  readonly internalFields: readonly string[];
  /** Indexed in the read model; a composite index is one entry `"(a, b)"` (here split into its fields). */
  readonly indexFields: readonly (readonly string[])[];
  /** Unique across the type's live entities (a composite entry is unique as a tuple). */
  readonly uniqueIndexFields: readonly (readonly string[])[];
  /** Roles that manage every entity of the type (`anonymous` = anyone). */
  readonly roles: readonly string[];
  /** Roles that may invite (create on behalf of its owner) (`anonymous` = anyone, self-registration). */
  readonly inviteRoles: readonly string[];
  /** Where the owner's identity sits in an entity: any of e-mail, mobile, user id, as paths. */
  readonly ownershipAttributes: readonly OwnershipAttribute[];
  /** Attestation policies (part 2 of the registry); kept as written, only their shape is checked. */
  readonly attestationPolicies: readonly Readonly<Record<string, unknown>>[];
  /** A W3C VC template (object) or its URL (part 2); kept as written. */
  readonly credentialTemplate?: unknown;
  /** Names of fields the system maintains (`osCreatedAt`, `_osUpdatedBy`, …); not schema properties. */
  readonly systemFields: readonly string[];
  /** Other `_osConfig` members (osComment, signedFields, subjectJsonPath, …), kept as written, not interpreted. */
  readonly extensions: Readonly<Record<string, unknown>>;
}

/** One `ownershipAttributes` entry: paths to the owner's e-mail, mobile number and user id. */
export interface OwnershipAttribute {
  readonly email?: string;
  readonly mobile?: string;
  readonly userId?: string;
}

/** A problem in a definition document, located by an RFC 6901 JSON Pointer into that document. */
export interface DefinitionProblem {
  readonly pointer: string;
  readonly message: string;
}

const PATH_LISTS = ['privateFields', 'internalFields', 'systemFields'] as const;
const INDEX_LISTS = ['indexFields', 'uniqueIndexFields'] as const;
const ROLE_LISTS = ['roles', 'inviteRoles'] as const;
const OWNERSHIP_KEYS = ['email', 'mobile', 'userId'] as const;
const KNOWN = new Set<string>([
  ...PATH_LISTS,
  ...INDEX_LISTS,
  ...ROLE_LISTS,
  'ownershipAttributes',
  'attestationPolicies',
  'credentialTemplate',
]);

/**
 * Reads the `_osConfig` block of a definition document. A missing block is an empty configuration.
 * @returns the configuration, and the shape problems found (a list that is not an array of strings,
 *   an ownership entry that is not an object of strings, …), each located under `/_osConfig`;
 *   members with problems are left out of `config`
 */
export function extractOsConfig(document: Readonly<Record<string, unknown>>): {
  config: OsConfig;
  problems: DefinitionProblem[];
} {
  const problems: DefinitionProblem[] = [];
  const raw = document['_osConfig'];
  const block: Record<string, unknown> = isObject(raw) ? raw : {};
  if (raw !== undefined && !isObject(raw)) problems.push({ pointer: '/_osConfig', message: 'must be an object' });

  const strings = (key: string): string[] => {
    const value = block[key];
    if (value === undefined) return [];
    if (Array.isArray(value) && value.every((item) => typeof item === 'string' && item.trim() !== '')) {
      return value.map((item: string) => item.trim());
    }
    problems.push({ pointer: `/_osConfig/${key}`, message: 'must be an array of non-empty strings' });
    return [];
  };
  const ownershipAttributes: OwnershipAttribute[] = [];
  const ownership = block['ownershipAttributes'];
  if (ownership !== undefined && !Array.isArray(ownership)) {
    problems.push({ pointer: '/_osConfig/ownershipAttributes', message: 'must be an array of objects' });
  }
  (Array.isArray(ownership) ? ownership : []).forEach((entry: unknown, index) => {
    const pointer = `/_osConfig/ownershipAttributes/${index}`;
    if (
      !isObject(entry) ||
      !OWNERSHIP_KEYS.some((key) => key in entry) ||
      !Object.entries(entry).every(([key, v]) => OWNERSHIP_KEYS.includes(key as never) && typeof v === 'string')
    ) {
      problems.push({ pointer, message: 'must be an object of email, mobile and/or userId paths (strings)' });
      return;
    }
    ownershipAttributes.push(entry as OwnershipAttribute);
  });
  const policies = block['attestationPolicies'];
  const attestationPolicies =
    policies === undefined ? [] : Array.isArray(policies) && policies.every(isObject) ? policies : undefined;
  if (!attestationPolicies) {
    problems.push({ pointer: '/_osConfig/attestationPolicies', message: 'must be an array of objects' });
  }
  const template = block['credentialTemplate'];
  if (template !== undefined && !isObject(template) && typeof template !== 'string') {
    problems.push({ pointer: '/_osConfig/credentialTemplate', message: 'must be an object or a URL string' });
  }

  const config: OsConfig = {
    privateFields: strings('privateFields'),
    internalFields: strings('internalFields'),
    indexFields: strings('indexFields').map(splitComposite),
    uniqueIndexFields: strings('uniqueIndexFields').map(splitComposite),
    roles: strings('roles'),
    inviteRoles: strings('inviteRoles'),
    ownershipAttributes,
    attestationPolicies: attestationPolicies ?? [],
    ...(template !== undefined ? { credentialTemplate: template } : {}),
    systemFields: strings('systemFields'),
    extensions: Object.fromEntries(Object.entries(block).filter(([key]) => !KNOWN.has(key))),
  };
  return { config, problems };
}

/** `"(serialNum, studentCode)"` → `['serialNum', 'studentCode']`; `"name"` → `['name']`. */
function splitComposite(entry: string): string[] {
  const composite = /^\((.*)\)$/.exec(entry);
  return composite ? composite[1]!.split(',').map((part) => part.trim()) : [entry];
}

/**
 * Parses an `_osConfig` field path into property names, `'*'` standing for "every array item".
 * Accepted: JSONPath `$.a.b`, `$.a[*].b`, `$['a'].b`; RFC 6901 JSON Pointer `/a/b`; dotted `a.b`.
 * @returns the segments, or `undefined` for anything else (JSONPath filters, recursive descent, …)
 */
export function parseFieldPath(path: string): string[] | undefined {
  if (path.startsWith('/')) {
    return path
      .slice(1)
      .split('/')
      .map((token) => token.replace(/~1/g, '/').replace(/~0/g, '~'));
  }
  const body = path.startsWith('$') ? path.slice(1) : `.${path}`;
  const segments: string[] = [];
  const token = /\.([A-Za-z_$@][\w$@-]*)|\[\*\]|\['([^']+)'\]|\["([^"]+)"\]/y;
  let at = 0;
  while (at < body.length) {
    token.lastIndex = at;
    const match = token.exec(body);
    if (!match) return undefined;
    segments.push(match[1] ?? match[2] ?? match[3] ?? '*');
    at = token.lastIndex;
  }
  return segments.length > 0 ? segments : undefined;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Where an entity's content sits in a definition document and how to look up its properties. */
export interface DefinitionShape {
  /**
   * RFC 6901 pointer of the entity's content inside an entity body: `''` for a schema that
   * describes the entity itself, `'/Student'` for a Sunbird RC wrapper schema (a root with a single
   * property `Student` whose value is `{ "$ref": "#/definitions/Student" }`), where bodies are
   * `{ "Student": { … } }` and `_osConfig` paths are relative to the inner object.
   */
  readonly contentPointer: string;
  /** Whether the property path (segments from {@link parseFieldPath}) exists in the content schema. */
  hasPath(segments: readonly string[]): boolean;
}

const MAX_REF_DEPTH = 32;

/**
 * The shape of a definition document (see {@link DefinitionShape}).
 * @param references other definitions a cross-document `$ref` (`Common.json#/…`, `Common.json/#/…`)
 *   may point into, by file stem (matched case-insensitively)
 */
export function definitionShape(
  document: Readonly<Record<string, unknown>>,
  references: Readonly<Record<string, Readonly<Record<string, unknown>>>> = {},
): DefinitionShape {
  type Located = { schema: unknown; root: Readonly<Record<string, unknown>> };
  const resolve = (located: Located, depth = 0): Located => {
    const { schema, root } = located;
    if (!isObject(schema) || typeof schema['$ref'] !== 'string' || depth > MAX_REF_DEPTH) return located;
    const ref = schema['$ref'];
    const cross = /^([^#]+?)\.json\/?#(.*)$/.exec(ref);
    const targetRoot = cross ? findReference(references, cross[1]!) : root;
    const pointer = cross ? cross[2]! : ref.startsWith('#') ? ref.slice(1) : undefined;
    if (!targetRoot || pointer === undefined) return { schema: undefined, root };
    return resolve({ schema: pointerGet(targetRoot, pointer), root: targetRoot }, depth + 1);
  };
  // A property is found when any branch of the (resolved) schema declares it.
  const children = (located: Located, segment: string, depth = 0): Located[] => {
    const here = resolve(located);
    const schema = here.schema;
    if (!isObject(schema) || depth > MAX_REF_DEPTH) return [];
    const found: Located[] = [];
    for (const key of ['allOf', 'anyOf', 'oneOf'] as const) {
      const branches = schema[key];
      if (Array.isArray(branches)) {
        for (const branch of branches) found.push(...children({ schema: branch, root: here.root }, segment, depth + 1));
      }
    }
    if (segment === '*') {
      if (isObject(schema['items'])) found.push({ schema: schema['items'], root: here.root });
      return found;
    }
    const properties = schema['properties'];
    if (isObject(properties) && segment in properties) found.push({ schema: properties[segment], root: here.root });
    // An array of objects: `$.educationDetails.instituteName` means every item's field (Sunbird RC style).
    if (found.length === 0 && isObject(schema['items'])) {
      found.push(...children({ schema: schema['items'], root: here.root }, segment, depth + 1));
    }
    return found;
  };

  const wrapper = sunbirdWrapper(document);
  const content: Located = { schema: wrapper ? wrapper.schema : document, root: document };
  return {
    contentPointer: wrapper ? `/${wrapper.name.replace(/~/g, '~0').replace(/\//g, '~1')}` : '',
    hasPath(segments) {
      let frontier: Located[] = [content];
      for (const segment of segments) {
        frontier = frontier.flatMap((located) => children(located, segment));
        if (frontier.length === 0) return false;
      }
      return true;
    },
  };
}

/** The Sunbird RC wrapper property of a definition (`{ properties: { Student: { $ref: '#/definitions/Student' } } }`), if any. */
export function sunbirdWrapper(
  document: Readonly<Record<string, unknown>>,
): { name: string; schema: unknown } | undefined {
  const properties = document['properties'];
  if (!isObject(properties)) return undefined;
  const names = Object.keys(properties);
  if (names.length !== 1) return undefined;
  const name = names[0]!;
  const property = properties[name];
  if (!isObject(property) || property['$ref'] !== `#/definitions/${name}`) return undefined;
  return { name, schema: pointerGet(document, `/definitions/${name}`) };
}

/** The referenced definition for a cross-document `$ref` file stem, matched case-insensitively. */
export function findReference(
  references: Readonly<Record<string, Readonly<Record<string, unknown>>>>,
  stem: string,
): Readonly<Record<string, unknown>> | undefined {
  const key = Object.keys(references).find((name) => name.toLowerCase() === stem.toLowerCase());
  return key === undefined ? undefined : references[key];
}

/** The value at an RFC 6901 pointer (URI-fragment encoded or not) in `root`, or undefined. */
export function pointerGet(root: unknown, pointer: string): unknown {
  if (pointer === '') return root;
  let node = root;
  for (const raw of pointer.slice(1).split('/')) {
    const token = decodeURIComponent(raw).replace(/~1/g, '/').replace(/~0/g, '~');
    if (typeof node !== 'object' || node === null) return undefined;
    node = (node as Record<string, unknown>)[token];
  }
  return node;
}
