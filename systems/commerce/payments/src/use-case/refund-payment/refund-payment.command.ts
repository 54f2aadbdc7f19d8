import type { CommandContext } from '../port/command-context.js';
import type { InboxEntry } from '../port/account.repository.port.js';

/** Credit back the payment of `orderId` (saga compensation; once per order). */
export class RefundPaymentCommand {
  constructor(
    readonly orderId: string,
    readonly customerId: string,
    readonly reason: string,
    /** The consumed message (recorded in the inbox in the same transaction). */
    readonly inbox: InboxEntry,
    readonly context: CommandContext,
  ) {}
}
