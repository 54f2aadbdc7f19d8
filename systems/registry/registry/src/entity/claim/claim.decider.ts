import type { Decider } from '@archipelago/util-decider';
import { ClaimAlreadyDecidedError, ClaimNoteRequiredError, ClaimNotFoundError } from './claim.errors.js';
import type { ClaimEvent, ClaimSubject } from './claim.events.js';
import { evolveClaim, initialClaimState, type ClaimState } from './claim.state.js';

/** The caller of a command: user id (token `sub`), token roles and e-mail (for entity ownership). */
export interface Caller {
  readonly id: string;
  readonly roles: readonly string[];
  readonly email?: string;
  /**
   * Ids of the entities of the claim's `attestorEntityType` the caller owns (resolved by the use
   * case from the entity streams; empty or absent when none).
   */
  readonly attestorEntities?: readonly string[];
}

interface Stamp {
  readonly id: string;
  /** ISO 8601 instant, from outside. */
  readonly now: string;
}

/** Commands of a claim. */
export type ClaimCommand =
  | {
      readonly type: 'RaiseClaim';
      readonly data: Stamp & { readonly requester: string; readonly subject: ClaimSubject };
    }
  | { readonly type: 'AttestClaim'; readonly data: Stamp & { readonly caller: Caller; readonly note?: string } }
  | { readonly type: 'RejectClaim'; readonly data: Stamp & { readonly caller: Caller; readonly note?: string } }
  /**
   * The claim process manager saw claim `supersededBy` (same entity, same policy, raised later by
   * `requester`) while this one was open.
   */
  | {
      readonly type: 'SupersedeClaim';
      readonly data: Stamp & { readonly requester: string; readonly supersededBy: string };
    };

/**
 * Whether the caller may decide the claim, never their own (nobody attests their own claim):
 * - they hold one of the policy's `attestorRoles`; or
 * - the policy names an attestor entity type and they own an entity of it: one of the claim's
 *   `attestorEntities` (those that satisfied the policy's condition), or any when it has no condition.
 */
export function mayDecide(state: ClaimState, caller: Caller): boolean {
  if (state.status === 'absent' || caller.id === state.requester) return false;
  if (state.attestorRoles.some((role) => caller.roles.includes(role))) return true;
  if (state.attestorEntityType === undefined) return false;
  const owned = caller.attestorEntities ?? [];
  return state.attestorEntities === undefined
    ? owned.length > 0
    : state.attestorEntities.some((id) => owned.includes(id));
}

/**
 * Decides the events of a claim command.
 * - raise → `open` (the use case checked ownership and read the policy and values).
 * - attest (note optional) / reject (note required): only by someone who {@link mayDecide}
 *   (anyone else: not found); only while `open` (else already decided, 409, naming the status:
 *   `attested`, `rejected` or `superseded`).
 * - supersede (a newer claim of the same policy on the same entity): an `open` claim becomes
 *   `superseded`; any other state records nothing (idempotent; a decision made first stands).
 * @throws ClaimNotFoundError, ClaimAlreadyDecidedError, ClaimNoteRequiredError
 */
export function decideClaim(command: ClaimCommand, state: ClaimState): ClaimEvent[] {
  const { id, now: at } = command.data;
  if (command.type === 'RaiseClaim') {
    if (state.status !== 'absent') throw new ClaimAlreadyDecidedError(id, state.status);
    return [{ type: 'ClaimRaised', data: { id, at, by: command.data.requester, ...command.data.subject } }];
  }
  if (command.type === 'SupersedeClaim') {
    // Only an open claim is superseded; a decided (or already superseded) one stays as it is.
    if (state.status !== 'open' || state.id === command.data.supersededBy) return [];
    const { requester: by, supersededBy } = command.data;
    return [{ type: 'ClaimSuperseded', data: { id, at, by, supersededBy } }];
  }
  const { caller } = command.data;
  if (state.status === 'absent' || !mayDecide(state, caller)) throw new ClaimNotFoundError(id);
  if (state.status !== 'open') throw new ClaimAlreadyDecidedError(id, state.status);
  const note = command.data.note?.trim();
  if (command.type === 'AttestClaim') {
    return [{ type: 'ClaimAttested', data: { id, at, by: caller.id, ...(note ? { note } : {}) } }];
  }
  if (!note) throw new ClaimNoteRequiredError();
  return [{ type: 'ClaimRejected', data: { id, at, by: caller.id, note } }];
}

/** The claim lifecycle as a {@link Decider} (emmett shape). */
export const claimDecider: Decider<ClaimCommand, ClaimEvent, ClaimState> = {
  decide: decideClaim,
  evolve: evolveClaim,
  initialState: initialClaimState,
};
