import type { Caller } from '../../entity/claim/claim.decider.js';
import type { ClaimStatus } from '../../entity/claim/claim.state.js';

/** The inbox of `reader`: claims they may decide, optionally of one status; `limit` 1–100, `offset` ≥ 0. */
export class ListClaimsQuery {
  constructor(
    readonly reader: Caller,
    readonly status: ClaimStatus | undefined,
    readonly limit: number,
    readonly offset: number,
  ) {}
}
