import type { JsonObject } from '../registry-entity/json-merge-patch.js';

interface Stamp {
  /** Claim id (UUIDv7, chosen by the use case). */
  readonly id: string;
  /** ISO 8601 instant. */
  readonly at: string;
  /** The actor's user id: the requester for ClaimRaised, the attestor for a decision. */
  readonly by: string;
}

/** What a claim is about, fixed when it is raised. */
export interface ClaimSubject {
  /** The entity type (its definition's title). */
  readonly entityType: string;
  readonly entityId: string;
  readonly definitionId: string;
  readonly definitionVersion: number;
  /** Entity version whose values are to be attested. */
  readonly entityVersion: number;
  /** Where the entity content sits in its body ('' or '/Student'). */
  readonly contentPointer: string;
  /** The attestation policy's name. */
  readonly policy: string;
  /** The policy's properties, JSON Pointers into the whole body (the content pointer included). */
  readonly properties: readonly string[];
  /** The property values at request time: the body restricted to `properties`, same nesting (no private/internal fields). */
  readonly values: JsonObject;
  /** Roles whose holders may decide. */
  readonly attestorRoles: readonly string[];
  /** Entity type whose owners may decide (the policy's `attestorEntity`). */
  readonly attestorEntityType?: string;
  /**
   * With `attestorEntityType` and a condition: the ids of the entities of that type that satisfied
   * the policy's condition when the claim was raised; only their owners may decide. Absent with
   * `attestorEntityType`: the policy has no condition, any owner of an entity of that type may.
   */
  readonly attestorEntities?: readonly string[];
  /**
   * User ids of the owners of `attestorEntities` when the claim was raised (never the requester),
   * to be told of the claim (ClaimRaisedV1 `attestorUserIds`). Ownership is checked again when
   * someone decides, so this is who is notified, not who may decide. Absent on older claims.
   */
  readonly attestorUserIds?: readonly string[];
  /** The policy's credential template, when it has one. */
  readonly credentialTemplate?: JsonObject;
}

/** Domain events of a claim (stream `claim-<uuid>`). */
export type ClaimEvent =
  | { readonly type: 'ClaimRaised'; readonly data: Stamp & ClaimSubject }
  | { readonly type: 'ClaimAttested'; readonly data: Stamp & { readonly note?: string } }
  | { readonly type: 'ClaimRejected'; readonly data: Stamp & { readonly note: string } }
  /**
   * A newer claim of the same policy on the same entity was raised while this one was open: this
   * one is closed undecided (`by` is the newer claim's requester, the entity's owner).
   */
  | { readonly type: 'ClaimSuperseded'; readonly data: Stamp & { readonly supersededBy: string } };
