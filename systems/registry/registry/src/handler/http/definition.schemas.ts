import { z } from 'zod';
import { queryInteger } from './query-integer.js';
import { storableJson, storableMemberNames, storableObject } from './storable-json.js';

/**
 * A definition id: 8-4-4-4-12 hex digits. Derived from the title by BLAKE3 (Daksha-RC), so not an
 * RFC 4122 UUID (no version nibble): any hex digits are accepted. Lower-cased before use.
 */
export const definitionId = z
  .string()
  .regex(
    /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/,
    'must be 8-4-4-4-12 hex digits',
  )
  .overwrite((s) => s.toLowerCase())
  .describe('Definition id (derived from the title; 8-4-4-4-12 hex)');

export const definitionIdParams = z.object({ id: definitionId });

/** Body of validate_def, activate_def, deactivate_def and delete_def (Daksha-RC's). */
export const definitionIdBody = z
  .object({ id: definitionId })
  .strict()
  .meta({ id: 'DefinitionIdBody', examples: [{ id: '1bd23c91-3379-b65b-11cc-64984050e35c' }] });
export type DefinitionIdBody = z.infer<typeof definitionIdBody>;

const status = z.enum(['draft', 'valid', 'invalid', 'active', 'deactivated', 'markedForDeletion']);

const problem = z.object({ pointer: z.string(), message: z.string() });

const simpleType = z.enum(['array', 'boolean', 'integer', 'null', 'number', 'object', 'string']);
/** A subschema, as the meta-schemas allow it: a JSON object or a boolean. */
const subschema = z.union([z.boolean(), storableObject()]);

/**
 * The raw JSON Schema of a definition (request body of create_def and PUT): what the create checks
 * refuse is said here — a non-blank `title`, a `$schema` naming draft-07 (also the default) or
 * 2020-12, and the meta-schema's shape for the keywords a definition uses; other members are free
 * (JSON Schema ignores unknown keywords; validation, not creation, checks them in strict mode).
 */
export const definitionDocument = z
  .object({
    $schema: z
      .enum([
        'http://json-schema.org/draft-07/schema#',
        'http://json-schema.org/draft-07/schema',
        'https://json-schema.org/draft/2020-12/schema',
        'https://json-schema.org/draft/2020-12/schema#',
      ])
      .optional()
      .describe('The dialect: draft-07 (also when absent, as Sunbird RC) or 2020-12'),
    title: z.string().trim().min(1).describe('The entity type; gives the definition id. Immutable'),
    description: z.string().optional(),
    type: z.union([simpleType, z.array(simpleType).min(1).meta({ uniqueItems: true })]).optional(),
    properties: z.record(z.string(), subschema).optional(),
    required: z.array(z.string()).meta({ uniqueItems: true }).optional(),
    additionalProperties: subschema.optional(),
    definitions: z.record(z.string(), subschema).optional(),
    $defs: z.record(z.string(), subschema).optional(),
    _osConfig: storableObject()
      .optional()
      .describe(
        'Sunbird RC configuration (privateFields, internalFields, indexFields, roles, …); checked by validate_def',
      ),
  })
  .catchall(storableJson)
  .meta({
    ...storableMemberNames,
    id: 'DefinitionDocument',
    description: 'A JSON Schema (draft-07 or 2020-12) whose `title` is the entity type, with an `_osConfig` block',
    examples: [{ title: 'Student', type: 'object', properties: { name: { type: 'string' } }, _osConfig: {} }],
  });

export const definitionCreatedDto = z.object({ id: z.string(), message: z.string() }).meta({
  id: 'DefinitionCreated',
  examples: [{ id: '1bd23c91-3379-b65b-11cc-64984050e35c', message: 'definition created' }],
});

export const definitionTransitionDto = z
  .object({
    id: z.string(),
    status,
    version: z.number().int().describe('Latest version'),
    activeVersion: z.number().int().nullable().describe('The version serving new entities, if any'),
    problems: z.array(problem).describe('Why the latest version is invalid (empty unless invalid)'),
    message: z.string(),
  })
  .meta({
    id: 'DefinitionTransition',
    examples: [
      {
        id: '1bd23c91-3379-b65b-11cc-64984050e35c',
        status: 'active',
        version: 1,
        activeVersion: 1,
        problems: [],
        message: 'definition activated',
      },
    ],
  });
export type DefinitionTransitionDto = z.infer<typeof definitionTransitionDto>;

export const definitionDto = z
  .object({
    id: z.string(),
    title: z.string(),
    status,
    version: z.number().int(),
    activeVersion: z.number().int().nullable(),
    schema: z.record(z.string(), z.unknown()).describe('The latest version'),
    problems: z.array(problem),
  })
  .meta({
    id: 'Definition',
    examples: [
      {
        id: '1bd23c91-3379-b65b-11cc-64984050e35c',
        title: 'Student',
        status: 'active',
        version: 1,
        activeVersion: 1,
        schema: { title: 'Student', type: 'object', properties: { name: { type: 'string' } }, _osConfig: {} },
        problems: [],
      },
    ],
  });
export type DefinitionDto = z.infer<typeof definitionDto>;

export const listDefinitionsQuery = z.object({
  title: z.string().min(1).max(200).optional().describe('Case-insensitive substring of the title'),
  record_status: status.optional().describe('Status of the latest version'),
  limit: queryInteger(1, 100, 20),
  offset: queryInteger(0, 100_000, 0),
});
export type ListDefinitionsQueryDto = z.infer<typeof listDefinitionsQuery>;

export const definitionPageDto = z
  .object({
    totalCount: z.number().int(),
    items: z.array(
      z.object({
        id: z.string(),
        title: z.string(),
        status,
        version: z.number().int(),
        activeVersion: z.number().int().nullable(),
        updatedAt: z.iso.datetime(),
      }),
    ),
  })
  .meta({
    id: 'DefinitionPage',
    examples: [
      {
        totalCount: 1,
        items: [
          {
            id: '1bd23c91-3379-b65b-11cc-64984050e35c',
            title: 'Student',
            status: 'active',
            version: 1,
            activeVersion: 1,
            updatedAt: '2026-01-01T00:00:00.000Z',
          },
        ],
      },
    ],
  });

export const definitionVersionsDto = z
  .object({
    id: z.string(),
    versions: z.array(
      z.object({
        version: z.number().int(),
        createdAt: z.iso.datetime(),
        createdBy: z.string(),
        status: z.enum(['draft', 'valid', 'invalid', 'active', 'superseded']),
        activatedAt: z.iso.datetime().optional(),
      }),
    ),
  })
  .meta({
    id: 'DefinitionVersions',
    examples: [
      {
        id: '1bd23c91-3379-b65b-11cc-64984050e35c',
        versions: [
          {
            version: 1,
            createdAt: '2026-01-01T00:00:00.000Z',
            createdBy: 'admin',
            status: 'active',
            activatedAt: '2026-01-01T00:00:01.000Z',
          },
        ],
      },
    ],
  });
