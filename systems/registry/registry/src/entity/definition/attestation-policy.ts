import { parseFieldPath, type DefinitionProblem, type OsConfig } from './os-config.js';

/**
 * Who may attest a policy's claims: holders of one of `roles` (token roles), or owners of an
 * entity of type `entity.type` (Sunbird RC's `attestorEntity` / `attestorPlugin`
 * `did:internal:ClaimPluginActor?entity=<type>`) that satisfies `entity.condition`, kept as written
 * (Sunbird RC definitions carry conditions this registry does not read; such a condition admits no
 * attestor entity: see `parseAttestorCondition`).
 */
export interface AttestorRule {
  readonly roles: readonly string[];
  readonly entity?: { readonly type: string; readonly condition?: string };
}

/**
 * One interpreted `_osConfig.attestationPolicies[]` entry:
 * `{ name, properties: [path, …] | attestationProperties: { label: path }, attestorRoles?: [role],
 *   attestorEntity?: "<type>" | { type, condition? }, attestorPlugin?, conditions?, credentialTemplate? }`.
 * Paths are written as in the rest of `_osConfig` ({@link parseFieldPath}) and normalised here to
 * RFC 6901 JSON Pointers (`$.a.b` → `/a/b`; `[*]` is not allowed: an attestation freezes values).
 */
export interface AttestationPolicy {
  readonly name: string;
  /** JSON Pointers relative to the entity content, in the order written. */
  readonly properties: readonly string[];
  readonly attestor: AttestorRule;
  /** A W3C VC template (object with `{{path}}` placeholders); a URL template is not carried. */
  readonly credentialTemplate?: Readonly<Record<string, unknown>>;
}

const ENTITY_FROM_PLUGIN = /^did:internal:[A-Za-z]+\?entity=([^&]+)$/;

/**
 * Reads the attestation policies of a configuration. Sunbird RC 0.x policies that select values
 * with JSONPath filters (`paths`, `property`) are kept as written and not interpreted: they are
 * neither checked nor requestable.
 * @param hasPath whether a property path (segments) exists in the entity content schema
 * @returns the interpreted policies (those without problems) and the problems, each located by JSON
 *   Pointer under `/_osConfig/attestationPolicies/<i>`: no or duplicate name, no properties, a
 *   property that names nothing or runs through `[*]`, no attestor rule, a template neither object nor URL
 */
export function readAttestationPolicies(
  config: OsConfig,
  hasPath: (segments: readonly string[]) => boolean = () => true,
): { policies: AttestationPolicy[]; problems: DefinitionProblem[] } {
  const policies: AttestationPolicy[] = [];
  const problems: DefinitionProblem[] = [];
  const seen = new Set<string>();
  config.attestationPolicies.forEach((raw, index) => {
    if ('paths' in raw || 'property' in raw) return;
    const at = `/_osConfig/attestationPolicies/${index}`;
    const before = problems.length;
    const name = typeof raw['name'] === 'string' ? raw['name'].trim() : '';
    if (name === '') problems.push({ pointer: `${at}/name`, message: 'must be a non-empty string' });
    else if (seen.has(name)) problems.push({ pointer: `${at}/name`, message: `"${name}" names another policy too` });
    seen.add(name);

    const written = writtenProperties(raw, at, problems);
    const properties: string[] = [];
    for (const { pointer, path } of written) {
      const segments = parseFieldPath(path);
      if (!segments) {
        problems.push({ pointer, message: `"${path}" is not a supported path ($.a.b, /a/b or a.b)` });
      } else if (segments.includes('*')) {
        problems.push({ pointer, message: `"${path}" runs through every array item: name one property` });
      } else if (!hasPath(segments)) {
        problems.push({ pointer, message: `"${path}" names no property of the entity` });
      } else {
        properties.push(toPointer(segments));
      }
    }

    const attestor = attestorRule(raw, at, problems);
    const template = raw['credentialTemplate'];
    if (template !== undefined && !isObject(template) && typeof template !== 'string') {
      problems.push({ pointer: `${at}/credentialTemplate`, message: 'must be an object or a URL string' });
    }
    if (problems.length > before || !attestor) return;
    policies.push({
      name,
      properties,
      attestor,
      ...(isObject(template) ? { credentialTemplate: template } : {}),
    });
  });
  return { policies, problems };
}

function writtenProperties(
  raw: Readonly<Record<string, unknown>>,
  at: string,
  problems: DefinitionProblem[],
): { pointer: string; path: string }[] {
  const list = raw['properties'];
  const labelled = raw['attestationProperties'];
  if (Array.isArray(list) && list.length > 0 && list.every((p) => typeof p === 'string')) {
    return list.map((path: string, i) => ({ pointer: `${at}/properties/${i}`, path }));
  }
  if (
    isObject(labelled) &&
    Object.keys(labelled).length > 0 &&
    Object.values(labelled).every((p) => typeof p === 'string')
  ) {
    return Object.entries(labelled).map(([label, path]) => ({
      pointer: `${at}/attestationProperties/${label.replace(/~/g, '~0').replace(/\//g, '~1')}`,
      path: path as string,
    }));
  }
  problems.push({
    pointer: at,
    message: 'must name the properties to attest: properties [path, …] or attestationProperties { label: path }',
  });
  return [];
}

function attestorRule(
  raw: Readonly<Record<string, unknown>>,
  at: string,
  problems: DefinitionProblem[],
): AttestorRule | undefined {
  const roles = raw['attestorRoles'];
  const validRoles = Array.isArray(roles) && roles.every((r) => typeof r === 'string' && r.trim() !== '');
  if (roles !== undefined && !validRoles) {
    problems.push({ pointer: `${at}/attestorRoles`, message: 'must be an array of non-empty strings' });
    return undefined;
  }
  const conditions = typeof raw['conditions'] === 'string' ? raw['conditions'] : undefined;
  const written = raw['attestorEntity'];
  let entity: AttestorRule['entity'];
  if (typeof written === 'string' && written.trim() !== '') {
    entity = { type: written.trim(), ...(conditions ? { condition: conditions } : {}) };
  } else if (isObject(written) && typeof written['type'] === 'string' && written['type'].trim() !== '') {
    const condition = typeof written['condition'] === 'string' ? written['condition'] : conditions;
    entity = { type: written['type'].trim(), ...(condition ? { condition } : {}) };
  } else if (written !== undefined) {
    problems.push({ pointer: `${at}/attestorEntity`, message: 'must be an entity type or { type, condition }' });
    return undefined;
  } else if (typeof raw['attestorPlugin'] === 'string') {
    const match = ENTITY_FROM_PLUGIN.exec(raw['attestorPlugin']);
    if (match) entity = { type: decodeURIComponent(match[1]!), ...(conditions ? { condition: conditions } : {}) };
  }
  const roleList = validRoles ? (roles as string[]).map((r) => r.trim()) : [];
  if (roleList.length === 0 && !entity) {
    problems.push({
      pointer: at,
      message: 'names no attestor: give attestorRoles [role, …] or attestorEntity { type, condition }',
    });
    return undefined;
  }
  return { roles: roleList, ...(entity ? { entity } : {}) };
}

/** Property segments → RFC 6901 JSON Pointer. */
export function toPointer(segments: readonly string[]): string {
  return segments.map((s) => `/${s.replace(/~/g, '~0').replace(/\//g, '~1')}`).join('');
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
