import type { ClaimEvent } from '../../entity/claim/claim.events.js';
import type { ClaimState } from '../../entity/claim/claim.state.js';
import type { CommandContext } from './command-context.js';

/** A claim stream folded to its state, with the stream version to append at. */
export interface LoadedClaim {
  readonly state: ClaimState;
  /** Number of events in the stream (0 = absent). */
  readonly version: number;
}

/** Another writer appended to the claim since it was loaded (a concurrent decision): decide again. */
export class ClaimConcurrencyConflictError extends Error {
  readonly code = 'CLAIM.CONCURRENCY_CONFLICT';
  constructor(readonly id: string) {
    super(`claim ${id} was changed concurrently`);
  }
}

/** Event-sourced storage of claims (stream `claim-<uuid>`, implemented in repository/). */
export interface ClaimRepositoryPort {
  load(id: string): Promise<LoadedClaim>;
  /**
   * Appends `events` at `expectedVersion` and, in the same transaction, their integration events
   * (ClaimRaisedV1, ClaimAttestedV1, ClaimRejectedV1) in the outbox.
   * @throws ClaimConcurrencyConflictError when the stream moved on
   */
  save(id: string, events: readonly ClaimEvent[], expectedVersion: number, context: CommandContext): Promise<void>;
}

export const CLAIM_REPOSITORY = Symbol('ClaimRepositoryPort');
