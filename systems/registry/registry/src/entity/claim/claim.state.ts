import type { ClaimEvent, ClaimSubject } from './claim.events.js';

/** `open` until an attestor decides: `attested` or `rejected`, both final. */
export type ClaimStatus = 'open' | 'attested' | 'rejected';

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
  const decided = { attestor: event.data.by, decidedAt: event.data.at };
  const note = event.data.note === undefined ? {} : { note: event.data.note };
  return { ...state, ...decided, ...note, status: event.type === 'ClaimAttested' ? 'attested' : 'rejected' };
}
