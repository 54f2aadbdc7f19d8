import { readAttestationPolicies } from './attestation-policy.js';
import { JsonSchemaCompiler, type CompiledJsonSchema } from '@archipelago/util-json-schema';
import {
  definitionShape,
  extractOsConfig,
  parseFieldPath,
  type DefinitionProblem,
  type OsConfig,
} from './os-config.js';

/** A definition document: a JSON Schema object with a top-level `title` and an optional `_osConfig`. */
export type DefinitionDocument = Readonly<Record<string, unknown>>;

/** Other definitions a document's cross-document `$ref`s may use, by file stem (`Common` for `Common.json#/…`). */
export type DefinitionReferences = Readonly<Record<string, DefinitionDocument>>;

// `file` is Sunbird RC's format for uploaded documents (its schemas use it); an annotation here.
const compiler = new JsonSchemaCompiler({ keywords: ['_osConfig'], annotationFormats: ['file'] });

/**
 * The checks made when a definition is created or revised (a 400 when they fail): `document` is a
 * JSON object, its `title` a non-empty string (white space alone is empty), and its dialect's
 * meta-schema accepts it. References are not resolved and `_osConfig` is not checked here: that is
 * validation ({@link validateDefinitionSchema}), whose failure is a status, not a refusal.
 * @returns the title (trimmed) or the problems found
 */
export function checkDefinitionDocument(
  document: unknown,
): { ok: true; title: string } | { ok: false; problems: DefinitionProblem[] } {
  if (typeof document !== 'object' || document === null || Array.isArray(document)) {
    return { ok: false, problems: [{ pointer: '', message: 'a definition must be a JSON object (a JSON Schema)' }] };
  }
  const title = (document as DefinitionDocument)['title'];
  if (typeof title !== 'string' || title.trim() === '') {
    return {
      ok: false,
      problems: [{ pointer: '/title', message: title === undefined ? 'is missing' : 'must be a non-empty string' }],
    };
  }
  const schemaProblems = compiler.checkSchema(document);
  if (schemaProblems.length > 0) {
    return { ok: false, problems: schemaProblems.map((message) => ({ pointer: '', message })) };
  }
  return { ok: true, title: title.trim() };
}

/**
 * Validation of a definition: the document compiles as a JSON Schema (ajv strict mode: unknown
 * keywords, unknown formats and unresolvable `$ref`s are problems), its `_osConfig` has the right
 * shape, and every field path in `privateFields`, `internalFields`, `indexFields`,
 * `uniqueIndexFields` and `ownershipAttributes` names a property of the entity (relative to the
 * entity content, see {@link definitionShape}), and every attestation policy names existing
 * properties and an attestor rule ({@link readAttestationPolicies}). `systemFields` name fields the
 * registry adds: they are not resolved.
 * @returns every problem found, located by JSON Pointer into the document; empty when valid
 */
export function validateDefinitionSchema(
  document: DefinitionDocument,
  references: DefinitionReferences = {},
): DefinitionProblem[] {
  const compiled = compiler.compile(document, { references });
  const problems: DefinitionProblem[] = compiled.ok ? [] : compiled.errors.map((message) => ({ pointer: '', message }));
  const { config, problems: shapeProblems } = extractOsConfig(document);
  problems.push(...shapeProblems);
  // A missing referenced definition hides the properties behind it: checking paths would only
  // repeat that problem once per path.
  const known = Object.keys(references).map((name) => name.toLowerCase());
  if (crossReferenceStems(document).some((stem) => !known.includes(stem.toLowerCase()))) return problems;
  const shape = definitionShape(document, references);
  const check = (pointer: string, path: string) => {
    const segments = parseFieldPath(path);
    if (!segments) {
      problems.push({ pointer, message: `"${path}" is not a supported path ($.a.b, $.a[*].b, /a/b or a.b)` });
    } else if (!shape.hasPath(segments)) {
      problems.push({ pointer, message: `"${path}" names no property of the entity` });
    }
  };
  config.privateFields.forEach((path, i) => check(`/_osConfig/privateFields/${i}`, path));
  config.internalFields.forEach((path, i) => check(`/_osConfig/internalFields/${i}`, path));
  for (const key of ['indexFields', 'uniqueIndexFields'] as const) {
    config[key].forEach((fields, i) => fields.forEach((path) => check(`/_osConfig/${key}/${i}`, path)));
  }
  config.ownershipAttributes.forEach((entry, i) => {
    for (const [key, path] of Object.entries(entry))
      check(`/_osConfig/ownershipAttributes/${i}/${key}`, path as string);
  });
  problems.push(...readAttestationPolicies(config, (segments) => shape.hasPath(segments)).problems);
  return problems;
}

/** The `_osConfig` of a definition document (shape problems ignored: validation reports them). */
export function osConfigOf(document: DefinitionDocument): OsConfig {
  return extractOsConfig(document).config;
}

/**
 * The validator of entities of a definition version (compile once per version and cache it).
 * @throws Error when the document does not compile: only validated versions are ever active
 */
export function compileEntitySchema(
  document: DefinitionDocument,
  references: DefinitionReferences = {},
): CompiledJsonSchema {
  const compiled = compiler.compile(document, { references });
  if (!compiled.ok) throw new Error(`definition does not compile: ${compiled.errors.join('; ')}`);
  return compiled.schema;
}

/**
 * File stems of the cross-document `$ref`s in a definition (`Common` for `"Common.json#/definitions/X"`
 * or Sunbird RC's `"Common.json/#/definitions/X"`): the definitions a use case must look up and pass
 * as {@link DefinitionReferences}. Each stem once, in order of appearance.
 */
export function crossReferenceStems(document: DefinitionDocument): string[] {
  const stems: string[] = [];
  const walk = (value: unknown): void => {
    if (Array.isArray(value)) value.forEach(walk);
    else if (typeof value === 'object' && value !== null) {
      for (const [key, child] of Object.entries(value)) {
        if (key === '_osConfig') continue;
        const match = key === '$ref' && typeof child === 'string' ? /^([^#]+?)\.json\/?#/.exec(child) : null;
        if (match && !stems.includes(match[1]!)) stems.push(match[1]!);
        walk(child);
      }
    }
  };
  walk(document);
  return stems;
}
