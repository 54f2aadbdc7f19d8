import type { Caller } from '../../entity/claim/claim.decider.js';
import type { CommandContext } from '../port/command-context.js';

/** An attestor attests or rejects the claim `id`, with a note (required to reject). */
export class DecideClaimCommand {
  constructor(
    readonly id: string,
    readonly decision: 'attest' | 'reject',
    readonly note: string | undefined,
    readonly caller: Caller,
    readonly context: CommandContext,
  ) {}
}
