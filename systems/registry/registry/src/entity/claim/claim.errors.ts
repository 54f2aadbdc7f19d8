import { DomainError } from '@archipelago/util-decider';
import type { ClaimStatus } from './claim.state.js';

/** No claim with this id that the caller may see or decide (404): existence is not disclosed. */
export class ClaimNotFoundError extends DomainError {
  readonly code = 'CLAIM.NOT_FOUND';
  constructor(readonly id: string) {
    super(`no claim ${id}`, { id });
  }
}

/** The claim was decided already (409); its status is named. */
export class ClaimAlreadyDecidedError extends DomainError {
  readonly code = 'CLAIM.ALREADY_DECIDED';
  constructor(
    readonly id: string,
    readonly status: ClaimStatus,
  ) {
    super(`claim ${id} is ${status} already`, { id, status });
  }
}

/** The entity has no attestation policy of this name that can be requested (400). */
export class AttestationPolicyNotFoundError extends DomainError {
  readonly code = 'CLAIM.UNKNOWN_POLICY';
  constructor(
    readonly type: string,
    readonly policy: string,
  ) {
    super(`entity type ${type} has no attestation policy "${policy}"`, { type, policy });
  }
}

/**
 * The policy names an attestor entity type and condition, and no entity of that type satisfies the
 * condition for this entity (and the policy has no attestor roles): nobody could decide (400).
 */
export class NoAttestorError extends DomainError {
  readonly code = 'CLAIM.NO_ATTESTOR';
  constructor(
    readonly policy: string,
    readonly attestorEntityType: string,
  ) {
    super(`no ${attestorEntityType} entity satisfies the condition of policy "${policy}" for this entity`, {
      policy,
      attestorEntityType,
    });
  }
}

/** A rejection needs a note saying why (400). */
export class ClaimNoteRequiredError extends DomainError {
  readonly code = 'CLAIM.NOTE_REQUIRED';
  constructor() {
    super('a rejection needs a note saying why');
  }
}
