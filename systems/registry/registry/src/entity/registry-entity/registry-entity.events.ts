import type { JsonObject } from './json-merge-patch.js';

interface Stamp {
  /** Entity id (UUIDv7, chosen by the use case). */
  readonly id: string;
  /** The entity's version after this event: 1 for the first, +1 on every change. */
  readonly version: number;
  /** ISO 8601 instant. */
  readonly at: string;
  /** The actor's user id (`anonymous` for self-registration). */
  readonly by: string;
}

/** The definition version a body was validated against. */
interface ValidatedAgainst {
  /** The entity type: the definition's title. */
  readonly type: string;
  readonly definitionId: string;
  readonly definitionVersion: number;
}

/** Domain events of a registry entity. Bodies are whole (not diffs): the log replays without the schema. */
export type RegistryEntityEvent =
  | { readonly type: 'EntityCreated'; readonly data: Stamp & ValidatedAgainst & { readonly body: JsonObject } }
  | { readonly type: 'EntityInvited'; readonly data: Stamp & ValidatedAgainst & { readonly body: JsonObject } }
  | {
      /** A replace (PUT) or merge patch (PATCH); `changed` lists the JSON Pointers that differ. */
      readonly type: 'EntityUpdated';
      readonly data: Stamp & ValidatedAgainst & { readonly body: JsonObject; readonly changed: readonly string[] };
    }
  | {
      /**
       * The process manager recorded a claim's progress for one attestation policy: raised →
       * PENDING, attested → ATTESTED with the values frozen, rejected → REJECTED. The body is unchanged.
       */
      readonly type: 'EntityAttestationRecorded';
      readonly data: Stamp & { readonly claimId: string; readonly policy: string } & AttestationRecord;
    }
  | { readonly type: 'EntityInvitationAccepted'; readonly data: Stamp }
  | { readonly type: 'EntityDeactivated'; readonly data: Stamp }
  /** A manager reactivated a deactivated entity: `deactivated` → `active`. */
  | { readonly type: 'EntityReactivated'; readonly data: Stamp }
  | {
      /**
       * The entity is deleted and its private fields erased: the repository destroys the entity's
       * data key in the same transaction (crypto-shredding), so its private values are unreadable
       * everywhere, the event log included. `erasure` records that (absent on events written before it).
       */
      readonly type: 'EntityDeleted';
      readonly data: Stamp & { readonly erasure?: 'crypto-shredding' };
    };

/** Where one attestation policy of an entity stands (Sunbird RC's `_osState` values). */
export type AttestationState = 'PENDING' | 'ATTESTED' | 'REJECTED' | 'NEEDS_REATTESTATION';

/** What an entity records of one policy's latest claim. */
export interface AttestationRecord {
  /**
   * PENDING, ATTESTED or REJECTED as the claim goes; NEEDS_REATTESTATION (with `attestedData`) when
   * the claim was attested but the entity changed one of its properties between the request and
   * the decision: the frozen values are the requested ones, no longer the entity's.
   */
  readonly state: AttestationState;
  /** The policy's properties as JSON Pointers into the whole body (content pointer included). */
  readonly properties: readonly string[];
  /** The attested values, frozen (the content restricted to the properties); only when ATTESTED. */
  readonly attestedData?: JsonObject;
}
