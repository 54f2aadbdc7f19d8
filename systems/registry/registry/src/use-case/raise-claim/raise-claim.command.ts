import type { Caller } from '../../entity/claim/claim.decider.js';
import type { CommandContext } from '../port/command-context.js';

/** The owner `caller` requests attestation of `policy` on the entity `type`/`entityId`. */
export class RaiseClaimCommand {
  constructor(
    readonly type: string,
    readonly entityId: string,
    readonly policy: string,
    readonly caller: Caller,
    readonly context: CommandContext,
  ) {}
}
