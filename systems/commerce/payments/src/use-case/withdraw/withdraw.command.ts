import type { Money } from '../../entity/money.js';
import type { CommandContext } from '../port/command-context.js';

/** Pay `amount` (> 0, deployment currency) out of the customer's open wallet, never below zero. */
export class WithdrawCommand {
  constructor(
    readonly customerId: string,
    readonly amount: Money,
    /** `Idempotency-Key` header, if the client sent one. */
    readonly idempotencyKey: string | undefined,
    readonly context: CommandContext,
  ) {}
}
