import { z } from 'zod';

/**
 * Integration events published by registry/credentials (its published language). Topic names
 * follow `<system>.<service>.<event-name>.v<major>`; key = credential id; CloudEvents `type` =
 * `archipelago.registry.credentials.<Name>`. A breaking change gets a new major (new topic);
 * additive optional fields keep the major. Recorded in ../../schemas/<Name>.json.
 */

/** A W3C verifiable credential was issued for a registry entity (the compact VC-JOSE form is not carried). */
export const credentialIssuedV1Schema = z.object({
  credentialId: z.uuid(),
  entityType: z.string(),
  entityId: z.uuid(),
  /** The user the credential is about (the claim's requester), when known. */
  holder: z.string().optional(),
  /** The credential's `type` values, e.g. `["VerifiableCredential","TeacherCredential"]`. */
  types: z.array(z.string()),
  /** What caused it: `on-demand` (a manager) or `attestation` (a claim, `claimId`). */
  cause: z.enum(['on-demand', 'attestation']),
  claimId: z.uuid().optional(),
  occurredAt: z.iso.datetime(),
});
export type CredentialIssuedV1 = z.infer<typeof credentialIssuedV1Schema>;

/** A credential was revoked (its bit in the revocation status list is set). */
export const credentialRevokedV1Schema = z.object({
  credentialId: z.uuid(),
  entityType: z.string(),
  entityId: z.uuid(),
  /** `manager` (POST …/revoke) or `entity-deleted`. */
  reason: z.enum(['manager', 'entity-deleted']),
  /** The user the credential was issued to, when it had one (additive: absent on older events). */
  holder: z.string().optional(),
  occurredAt: z.iso.datetime(),
});
export type CredentialRevokedV1 = z.infer<typeof credentialRevokedV1Schema>;

/** Every integration event of credentials: topic, CloudEvents type and payload schema. */
export const CREDENTIALS_EVENTS = {
  CredentialIssuedV1: {
    topic: 'registry.credentials.credential-issued.v1',
    type: 'archipelago.registry.credentials.CredentialIssuedV1',
    schema: credentialIssuedV1Schema,
  },
  CredentialRevokedV1: {
    topic: 'registry.credentials.credential-revoked.v1',
    type: 'archipelago.registry.credentials.CredentialRevokedV1',
    schema: credentialRevokedV1Schema,
  },
} as const;
