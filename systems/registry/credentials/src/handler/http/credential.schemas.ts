import { keysetCursorParam } from '@archipelago/platform-service-kit';
import { z } from 'zod';

const EXAMPLE_ID = '3f2c8a51-6d0e-4b7a-9c1d-2e4f6a8b0c1d';
const EXAMPLE_ENTITY = '0b5b4c9e-1d6f-4c38-9a57-3f2a1c0d9e11';
/** A placeholder compact JWS (never a real credential). */
export const EXAMPLE_JWT = '<header>.<payload>.<signature>';

export const issueCredentialBody = z
  .object({
    entityType: z.string().trim().min(1).max(200).describe('The entity type (a registry schema title)'),
    entityId: z.uuid('must be a UUID').describe('The registry entity'),
    holder: z
      .string()
      .min(1)
      .max(200)
      .optional()
      .describe('User id of the person the credential is about (may read it)'),
    validUntil: z.iso.datetime().optional().describe('End of validity (ISO 8601), after now'),
    template: z
      .record(z.string(), z.unknown())
      .optional()
      .describe(
        'Credential template: `type`, `credentialSubject`, … with `{{path}}` placeholders read from the entity (attested data, else its public body). Default: the whole data as the subject.',
      ),
  })
  .strict()
  .meta({
    id: 'IssueCredential',
    examples: [
      {
        entityType: 'Teacher',
        entityId: EXAMPLE_ENTITY,
        template: { type: ['TeacherCredential'], credentialSubject: { name: '{{name}}' } },
      },
    ],
  });
export type IssueCredentialBody = z.infer<typeof issueCredentialBody>;

export const credentialIdParams = z.object({ id: z.uuid('must be a UUID') });
export const statusListParams = z.object({ list: z.coerce.number().int().min(1).max(1_000_000) });

export const listCredentialsQuery = z.object({
  entityType: z.string().min(1).max(200).optional(),
  entityId: z.uuid('must be a UUID').optional(),
  limit: z.coerce.number().int().min(1).max(100).default(20),
  cursor: keysetCursorParam.optional(),
});

export const credentialDto = z
  .object({
    id: z.uuid(),
    entityType: z.string(),
    entityId: z.uuid(),
    holder: z.string().optional(),
    types: z.array(z.string()).describe('The credential `type` values'),
    status: z
      .enum(['active', 'revoked', 'suspended'])
      .describe(
        '`revoked` (final) wins; `suspended` while its registry entity is deactivated (active again once reactivated)',
      ),
    statusListIndex: z.int().describe('Index in the revocation status list'),
    suspensionListIndex: z
      .int()
      .optional()
      .describe('Index in the suspension status list; absent on credentials issued before suspension existed'),
    issuedAt: z.iso.datetime(),
    revokedAt: z.iso.datetime().optional(),
    suspendedAt: z.iso.datetime().optional().describe('Since when suspended, while suspended'),
    jwt: z.string().describe('The credential, compact VC-JOSE (application/vc+jwt)'),
  })
  .meta({
    id: 'CredentialSummary',
    examples: [
      {
        id: EXAMPLE_ID,
        entityType: 'Teacher',
        entityId: EXAMPLE_ENTITY,
        types: ['VerifiableCredential', 'TeacherCredential'],
        status: 'active',
        statusListIndex: 94567,
        suspensionListIndex: 30211,
        issuedAt: '2026-12-06T05:00:00.000Z',
        jwt: EXAMPLE_JWT,
      },
    ],
  });
export type CredentialDto = z.infer<typeof credentialDto>;

export const credentialPageDto = z
  .object({ items: z.array(credentialDto), nextCursor: z.string().nullable() })
  .meta({ id: 'CredentialPage', examples: [{ items: [], nextCursor: null }] });

/** The decoded credential (VC Data Model 2.0), as `application/json`. */
export const verifiableCredentialDto = z
  .looseObject({
    '@context': z.array(z.string()),
    id: z.string(),
    type: z.array(z.string()),
    issuer: z.string(),
    validFrom: z.string(),
    validUntil: z.string().optional(),
    credentialSubject: z.record(z.string(), z.unknown()),
    credentialStatus: z
      .union([z.record(z.string(), z.unknown()), z.array(z.record(z.string(), z.unknown()))])
      .optional()
      .describe('Bitstring Status List entries: revocation and suspension (one revocation entry on older credentials)'),
  })
  .meta({
    id: 'VerifiableCredential',
    examples: [
      {
        '@context': ['https://www.w3.org/ns/credentials/v2'],
        id: `urn:uuid:${EXAMPLE_ID}`,
        type: ['VerifiableCredential', 'TeacherCredential'],
        issuer: 'did:web:localhost%3A8000',
        validFrom: '2026-12-06T05:00:00.000Z',
        credentialSubject: { id: `urn:uuid:${EXAMPLE_ENTITY}`, name: 'Asha Rao' },
        credentialStatus: [
          {
            id: 'http://localhost:8000/registry/v1/credentials/status/1#94567',
            type: 'BitstringStatusListEntry',
            statusPurpose: 'revocation',
            statusListIndex: '94567',
            statusListCredential: 'http://localhost:8000/registry/v1/credentials/status/1',
          },
          {
            id: 'http://localhost:8000/registry/v1/credentials/status/2#30211',
            type: 'BitstringStatusListEntry',
            statusPurpose: 'suspension',
            statusListIndex: '30211',
            statusListCredential: 'http://localhost:8000/registry/v1/credentials/status/2',
          },
        ],
      },
    ],
  });

export const verifyCredentialBody = z
  .object({ credential: z.string().min(1).max(100_000).describe('The compact JWT (application/vc+jwt)') })
  .strict()
  .meta({ id: 'VerifyCredential', examples: [{ credential: EXAMPLE_JWT }] });

export const verificationDto = z
  .object({
    valid: z.boolean(),
    checks: z.array(
      z.object({ check: z.enum(['signature', 'validity', 'status']), ok: z.boolean(), detail: z.string() }),
    ),
  })
  .meta({
    id: 'Verification',
    examples: [
      {
        valid: false,
        checks: [
          { check: 'signature', ok: true, detail: 'signed by did:web:localhost%3A8000#<kid>' },
          { check: 'validity', ok: true, detail: 'valid from 2026-12-06T05:00:00.000Z' },
          {
            check: 'status',
            ok: false,
            detail: 'suspended: the registry entity it was issued for is deactivated',
          },
        ],
      },
    ],
  });

export const didDocumentDto = z
  .looseObject({
    '@context': z.array(z.string()),
    id: z.string(),
    verificationMethod: z.array(z.looseObject({ id: z.string(), type: z.string(), controller: z.string() })),
    assertionMethod: z.array(z.string()),
  })
  .meta({
    id: 'DidDocument',
    examples: [
      {
        '@context': ['https://www.w3.org/ns/did/v1', 'https://w3id.org/security/jwk/v1'],
        id: 'did:web:localhost%3A8000',
        verificationMethod: [
          {
            id: 'did:web:localhost%3A8000#<kid>',
            type: 'JsonWebKey',
            controller: 'did:web:localhost%3A8000',
            publicKeyJwk: { kty: 'EC', crv: 'P-256', x: '<x>', y: '<y>', kid: '<kid>', alg: 'ES256' },
          },
        ],
        assertionMethod: ['did:web:localhost%3A8000#<kid>'],
      },
    ],
  });
