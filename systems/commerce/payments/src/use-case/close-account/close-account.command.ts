import type { CommandContext } from '../port/command-context.js';

/** Close a customer's wallet for `reason` (admin). */
export class CloseAccountCommand {
  constructor(
    readonly customerId: string,
    readonly reason: string,
    readonly context: CommandContext,
  ) {}
}
