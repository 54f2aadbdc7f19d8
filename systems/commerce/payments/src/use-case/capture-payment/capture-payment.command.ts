import type { Money } from '../../entity/money.js';
import type { CommandContext } from '../port/command-context.js';
import type { InboxEntry } from '../port/account.repository.port.js';

/** Debit `amount` from the customer's wallet for `orderId` (saga step; once per order). */
export class CapturePaymentCommand {
  constructor(
    readonly orderId: string,
    readonly customerId: string,
    readonly amount: Money,
    /** The consumed message (recorded in the inbox in the same transaction). */
    readonly inbox: InboxEntry,
    readonly context: CommandContext,
  ) {}
}
