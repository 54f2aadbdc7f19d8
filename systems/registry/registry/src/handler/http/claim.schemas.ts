import { z } from 'zod';

const claimStatus = z.enum(['open', 'attested', 'rejected', 'superseded']);

/** Path of an entity to request attestation on. */
export const attestationParams = z.object({ type: z.string().min(1).max(200), id: z.uuid('must be a UUID') });
export const claimParams = z.object({ id: z.uuid('must be a UUID') });

/** `POST /registry/v1/entity/{type}/{id}/attestations`: the attestation policy's name. */
export const raiseClaimBody = z
  .object({ policy: z.string().min(1).max(200).describe('Name of an attestation policy of the type') })
  .strict()
  .meta({ id: 'RaiseClaim', examples: [{ policy: 'degree' }] });
export type RaiseClaimBody = z.infer<typeof raiseClaimBody>;

/** `POST /registry/v1/claims/{id}/attest` (note optional) and `/reject` (note required). */
export const decideClaimBody = z
  .object({ note: z.string().max(2000).optional().describe('Why; required to reject') })
  .strict()
  .meta({ id: 'DecideClaim', examples: [{ note: 'checked against the university register' }] });
export type DecideClaimBody = z.infer<typeof decideClaimBody>;

export const listClaimsQuery = z.object({
  status: claimStatus.optional().describe('Only claims with this status'),
  limit: z.coerce.number().int().min(1).max(100).default(20),
  offset: z.coerce.number().int().min(0).max(100_000).default(0),
});
export type ListClaimsQueryDto = z.infer<typeof listClaimsQuery>;

const claimExample = {
  id: '0193a0b4-0000-7d3f-8a1b-2c3d4e5f6a7b',
  status: 'open',
  entityType: 'Degree',
  entityId: '0193a0b4-7c2e-7d3f-8a1b-2c3d4e5f6a7b',
  entityVersion: 1,
  policy: 'degree',
  properties: ['/degree/title'],
  values: { degree: { title: 'BSc' } },
  requester: 'b1b1b1b1-0000-4000-8000-000000000003',
  raisedAt: '2026-12-06T10:00:00.000Z',
  issuesCredential: false,
};

export const claimDto = z
  .object({
    id: z.uuid(),
    status: claimStatus,
    entityType: z.string(),
    entityId: z.uuid(),
    entityVersion: z.number().int().describe('Entity version whose values are to be attested'),
    policy: z.string(),
    properties: z.array(z.string()).describe('JSON Pointers into the entity body'),
    values: z.record(z.string(), z.unknown()).describe('The body restricted to the properties'),
    requester: z.string(),
    raisedAt: z.string(),
    attestor: z.string().optional(),
    decidedAt: z.string().optional(),
    note: z.string().optional(),
    supersededBy: z
      .uuid()
      .optional()
      .describe('With status superseded: the newer claim of the same policy on the entity that replaced this one'),
    issuesCredential: z.boolean().describe('The policy has a credential template'),
  })
  .meta({ id: 'Claim', examples: [claimExample] });
export type ClaimDto = z.infer<typeof claimDto>;

export const claimPageDto = z
  .object({ totalCount: z.number().int(), items: z.array(claimDto) })
  .meta({ id: 'ClaimPage', examples: [{ totalCount: 1, items: [claimExample] }] });
