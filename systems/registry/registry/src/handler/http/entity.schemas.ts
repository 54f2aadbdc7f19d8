import { z } from 'zod';
import { MAX_LIMIT, SEARCH_OPERATORS } from '../../entity/search/search-query.js';
import { queryInteger } from './query-integer.js';
import { storableJson, storableObject } from './storable-json.js';

/** Path of one entity type: the type is the definition's title as written (any case). */
export const entityTypeParams = z.object({ type: z.string().min(1).max(200) });
export const entityParams = z.object({ type: z.string().min(1).max(200), id: z.uuid('must be a UUID') });

/** An entity body: the JSON object its definition's schema describes. */
export const entityBody = storableObject().meta({
  id: 'EntityBody',
  examples: [{ identityDetails: { fullName: 'Asha Rao' } }],
});

/** A JSON Merge Patch (RFC 7396) of an entity: null removes a member; the merged entity is validated again. */
export const entityMergePatch = storableObject().meta({
  id: 'EntityMergePatch',
  examples: [{ identityDetails: { fullName: 'Asha R. Rao' }, nickname: null }],
});

/** `"<dotted field path>": { "<operator>": value }` — which fields exist is the type's (its OpenAPI document lists them). */
const searchFilters = z.record(
  z.string().min(1).max(200),
  z
    .partialRecord(z.enum(SEARCH_OPERATORS), storableJson)
    .refine((ops) => Object.keys(ops).length > 0, 'at least one operator'),
);

/**
 * The search request body (see parseSearchQuery): every condition of `filters` holds and, when `or`
 * is given, all of one of its groups. The fields a type can be searched by are in its own document
 * (`GET /registry/v1/entity/{type}/openapi.json`).
 */
export const entitySearchBody = z
  .object({
    filters: searchFilters.optional(),
    or: z.array(searchFilters).min(1).optional(),
    limit: z.number().int().min(1).max(MAX_LIMIT).optional().describe(`Page size (default 20, at most ${MAX_LIMIT})`),
    offset: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER).optional(),
  })
  .strict()
  .meta({
    id: 'EntitySearch',
    examples: [{ filters: { 'identityDetails.fullName': { startsWith: 'Asha' } }, limit: 10 }],
  });

/** An OpenAPI 3.1 document (the per-type document of the entity operations). */
export const entityTypeOpenApiDto = z
  .object({
    openapi: z.string(),
    info: z.object({ title: z.string(), version: z.string() }).loose(),
    paths: z.record(z.string(), z.record(z.string(), z.unknown())),
    components: z.record(z.string(), z.unknown()),
  })
  .loose()
  .meta({
    id: 'EntityTypeOpenApi',
    examples: [
      {
        openapi: '3.1.0',
        info: { title: 'registry: Student entities', version: '1' },
        paths: {
          '/registry/v1/entity/Student': {
            post: {
              summary: 'Create an entity',
              requestBody: { content: { 'application/json': { schema: { $ref: '#/components/schemas/Student' } } } },
            },
          },
        },
        components: {
          schemas: { Student: { type: 'object', required: ['name'], properties: { name: { type: 'string' } } } },
        },
      },
    ],
  });

export const entityDto = z
  .object({
    id: z.uuid(),
    type: z.string(),
    status: z.enum(['active', 'invited', 'deactivated', 'deleted']),
    version: z.number().int().describe('Incremented by every change; the ETag value'),
    definitionId: z.string(),
    definitionVersion: z.number().int(),
    body: z.record(z.string(), z.unknown()),
    _osState: z
      .record(z.string(), z.enum(['PENDING', 'ATTESTED', 'REJECTED', 'NEEDS_REATTESTATION']))
      .describe('Per attestation policy requested at least once, where it stands'),
    _osAttestedData: z
      .record(z.string(), z.record(z.string(), z.unknown()))
      .describe('Per policy ever attested: the attested values, frozen'),
  })
  .meta({
    id: 'Entity',
    examples: [
      {
        id: '0b7e6f2a-3c4d-4e5f-8a9b-0c1d2e3f4a5b',
        type: 'Student',
        status: 'active',
        version: 1,
        definitionId: '1bd23c91-3379-b65b-11cc-64984050e35c',
        definitionVersion: 1,
        body: { identityDetails: { fullName: 'Asha Rao' } },
        _osState: { name: 'ATTESTED' },
        _osAttestedData: { name: { identityDetails: { fullName: 'Asha Rao' } } },
      },
    ],
  });
export type EntityDto = z.infer<typeof entityDto>;

/** Paging of `GET /registry/v1/entity/{type}` (as the other registry lists: limit and offset). */
export const entityListQuery = z.object({
  limit: queryInteger(1, 100, 20),
  offset: queryInteger(0, 100_000, 0),
});

export const entityListPageDto = z
  .object({
    totalCount: z.number().int().describe('How many entities the caller may list in all'),
    items: z.array(entityDto),
  })
  .meta({
    id: 'EntityListPage',
    examples: [
      {
        totalCount: 1,
        items: [
          {
            id: '0b7e6f2a-3c4d-4e5f-8a9b-0c1d2e3f4a5b',
            type: 'Student',
            status: 'active',
            version: 1,
            definitionId: '1bd23c91-3379-b65b-11cc-64984050e35c',
            definitionVersion: 1,
            body: { identityDetails: { fullName: 'Asha Rao' } },
          },
        ],
      },
    ],
  });

/**
 * The version in an `If-Match` header (RFC 9110 §13.1.1): a strong ETag `"<version>"`; `*` or no
 * header → no check. Anything else → NaN, which the handler answers with 400.
 */
export function ifMatchVersion(header: string | undefined): number | undefined {
  if (header === undefined || header.trim() === '*') return undefined;
  const match = /^"(\d{1,9})"$/.exec(header.trim());
  return match ? Number(match[1]) : Number.NaN;
}

/** The ETag of an entity version. */
export const etagOf = (version: number): string => `"${version}"`;

export const entitySearchPageDto = z
  .object({
    totalCount: z.number().int(),
    items: z.array(
      z.object({
        id: z.uuid(),
        status: z.enum(['active', 'invited', 'deactivated']).meta({
          description: 'deactivated entities are found too (managers are the only searchers), marked so',
        }),
        version: z.number().int(),
        body: z.record(z.string(), z.unknown()),
      }),
    ),
  })
  .meta({
    id: 'EntitySearchPage',
    examples: [
      {
        totalCount: 1,
        items: [
          {
            id: '0b7e6f2a-3c4d-4e5f-8a9b-0c1d2e3f4a5b',
            status: 'active',
            version: 1,
            body: { identityDetails: { fullName: 'Asha Rao' } },
          },
        ],
      },
    ],
  });

export const entityHistoryDto = z
  .object({
    id: z.uuid(),
    items: z.array(
      z.object({
        version: z.number().int().describe("The entity's version after the event"),
        type: z.enum([
          'EntityCreated',
          'EntityInvited',
          'EntityUpdated',
          'EntityAttestationRecorded',
          'EntityInvitationAccepted',
          'EntityDeactivated',
          'EntityReactivated',
          'EntityDeleted',
        ]),
        at: z.string().describe('ISO 8601 instant'),
        actor: z.string().describe('User id of who did it (`anonymous` for a self-registration)'),
        changedFields: z.array(z.string()).describe('RFC 6901 JSON Pointers of the fields set or changed'),
        policy: z.string().optional().describe('The attestation policy (EntityAttestationRecorded)'),
      }),
    ),
  })
  .meta({
    id: 'EntityHistory',
    examples: [
      {
        id: '0b7e6f2a-3c4d-4e5f-8a9b-0c1d2e3f4a5b',
        items: [
          {
            version: 1,
            type: 'EntityCreated',
            at: '2026-01-01T10:00:00.000Z',
            actor: 'a0a0a0a0-0000-4000-8000-000000000001',
            changedFields: ['/identityDetails/fullName'],
          },
        ],
      },
    ],
  });

/** The answer to an invitation: which entity was made (its body is for its owner and managers). */
export const entityInvitationDto = z
  .object({
    id: z.uuid(),
    type: z.string(),
    status: z.enum(['active', 'invited', 'deactivated', 'deleted']),
    version: z.number().int(),
  })
  .meta({
    id: 'EntityInvitation',
    examples: [{ id: '0b7e6f2a-3c4d-4e5f-8a9b-0c1d2e3f4a5b', type: 'Student', status: 'invited', version: 1 }],
  });
