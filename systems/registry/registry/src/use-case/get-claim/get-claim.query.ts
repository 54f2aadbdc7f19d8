import type { Caller } from '../../entity/claim/claim.decider.js';

/** Read the claim `id` as `reader` (its requester or someone who may decide it). */
export class GetClaimQuery {
  constructor(
    readonly id: string,
    readonly reader: Caller,
  ) {}
}
