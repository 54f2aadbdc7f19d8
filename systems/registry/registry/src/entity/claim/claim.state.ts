import type { JsonObject } from '../registry-entity/json-merge-patch.js';
import type { ClaimEvent, ClaimSubject } from './claim.events.js';

/**
 * `open` until an attestor decides (`attested` or `rejected`), or until a newer claim of the same
 * policy on the same entity is raised (`superseded`, undecided); all three are final.
 */
export type ClaimStatus = 'open' | 'attested' | 'rejected' | 'superseded';

/** State of one claim stream. */
export type ClaimState =
  | { readonly status: 'absent' }
  | (ClaimSubject & {
      readonly status: ClaimStatus;
      readonly id: string;
      readonly requester: string;
      readonly raisedAt: string;
      readonly attestor?: string;
      readonly decidedAt?: string;
      readonly note?: string;
      /** With `superseded`: the newer claim that replaced this one. */
      readonly supersededBy?: string;
    });

/** The state of a stream with no events. */
export const initialClaimState = (): ClaimState => ({ status: 'absent' });

/** Folds one claim event into the state. */
export function evolveClaim(state: ClaimState, event: ClaimEvent): ClaimState {
  if (event.type === 'ClaimRaised') {
    const { id, at, by, ...subject } = event.data;
    return { ...subject, status: 'open', id, requester: by, raisedAt: at };
  }
  if (state.status === 'absent') return state;
  if (event.type === 'ClaimSuperseded') {
    return { ...state, status: 'superseded', decidedAt: event.data.at, supersededBy: event.data.supersededBy };
  }
  const decided = { attestor: event.data.by, decidedAt: event.data.at };
  const note = event.data.note === undefined ? {} : { note: event.data.note };
  return { ...state, ...decided, ...note, status: event.type === 'ClaimAttested' ? 'attested' : 'rejected' };
}

/** A claim as its requester and its attestors see it. */
export interface ClaimView {
  readonly id: string;
  readonly status: ClaimStatus;
  readonly entityType: string;
  readonly entityId: string;
  readonly entityVersion: number;
  readonly policy: string;
  /** JSON Pointers into the entity body. */
  readonly properties: readonly string[];
  /** The values to attest (the body restricted to `properties`; no private/internal fields). */
  readonly values: JsonObject;
  readonly requester: string;
  readonly raisedAt: string;
  readonly attestor?: string;
  readonly decidedAt?: string;
  readonly note?: string;
  /** With `superseded`: the id of the newer claim of the same policy that replaced this one. */
  readonly supersededBy?: string;
  /** Whether attesting issues a credential (the policy has a credential template). */
  readonly issuesCredential: boolean;
}

/** The view of a claim that exists. */
export function claimViewOf(state: Exclude<ClaimState, { status: 'absent' }>): ClaimView {
  return {
    id: state.id,
    status: state.status,
    entityType: state.entityType,
    entityId: state.entityId,
    entityVersion: state.entityVersion,
    policy: state.policy,
    properties: state.properties,
    values: state.values,
    requester: state.requester,
    raisedAt: state.raisedAt,
    ...(state.attestor === undefined ? {} : { attestor: state.attestor }),
    ...(state.decidedAt === undefined ? {} : { decidedAt: state.decidedAt }),
    ...(state.note === undefined ? {} : { note: state.note }),
    ...(state.supersededBy === undefined ? {} : { supersededBy: state.supersededBy }),
    issuesCredential: state.credentialTemplate !== undefined,
  };
}
