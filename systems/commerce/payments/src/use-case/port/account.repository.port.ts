import type { AccountEvent } from '../../entity/account/account.events.js';
import type { AccountState, PaymentRecord } from '../../entity/account/account.state.js';
import type { Money } from '../../entity/money.js';
import type { CommandContext } from './command-context.js';

/** An open database transaction, opaque to use cases: they only hand it back to the repository. */
export interface TransactionHandle {
  readonly __transaction: unique symbol;
}

/** An Account stream folded to its state, with the version to append at. */
export interface LoadedAccount {
  readonly state: AccountState;
  /** Number of events in the stream (0 = empty). */
  readonly version: number;
}

/** An Account stream folded to its state plus the payment record of one order, both at `version`. */
export interface LoadedAccountForOrder extends LoadedAccount {
  /** The order's record folded from its events up to `version`; `undefined` when it has none. */
  readonly payment: PaymentRecord | undefined;
}

/** Another writer appended to the account stream since it was loaded; reload and decide again. */
export class ConcurrencyConflictError extends Error {
  readonly code = 'ACCOUNT.CONCURRENCY_CONFLICT';
  constructor(customerId: string) {
    super(`The wallet of ${customerId} was changed concurrently`);
  }
}

/** Why a capture was declined (the contract's `PaymentDeclinedV1.reason`). */
export type DeclineReason = 'no_wallet' | 'insufficient_funds' | 'account_closed' | 'cancelled';

/**
 * The answer to one saga command, published to ordering by the repository (as
 * PaymentCapturedV1 / PaymentDeclinedV1 / PaymentRefundedV1, key = order id) in the same
 * transaction as the ledger change.
 */
export type PaymentOutcome =
  | { readonly kind: 'captured'; readonly orderId: string; readonly customerId: string; readonly amount: Money; readonly transactionId: string }
  | { readonly kind: 'declined'; readonly orderId: string; readonly customerId: string; readonly reason: DeclineReason }
  | { readonly kind: 'refunded'; readonly orderId: string; readonly customerId: string; readonly amount: Money; readonly transactionId: string };

/** A wallet movement of its own (not a saga reply), published as FundsWithdrawnV1 (key = customer id). */
export interface WalletOutcome {
  readonly kind: 'withdrawn';
  readonly customerId: string;
  readonly transactionId: string;
  readonly amount: Money;
  readonly balance: Money;
  /** ISO 8601. */
  readonly at: string;
}

/** What a deposit or a withdrawal answers; replayed verbatim for a repeated Idempotency-Key. */
export interface DepositReceipt {
  readonly transactionId: string;
  /** Balance after the deposit (or withdrawal). */
  readonly balance: Money;
}

/** A message being consumed: recorded in the inbox in the unit of work, so it takes effect once. */
export interface InboxEntry {
  readonly consumerGroup: string;
  readonly messageId: string;
  readonly topic: string;
}

/** Result of a unit of work: `duplicate` when the inbox had already seen the message (work did not run). */
export type UnitOfWorkResult<T> = { readonly duplicate: true } | { readonly duplicate: false; readonly result: T };

/** Event-sourced storage of Account aggregates plus the idempotency keys of deposits (repository/). */
export interface AccountRepositoryPort {
  /**
   * Runs `work` in ONE database transaction (commit on resolve, rollback on throw). With `inbox`,
   * the message is recorded first and `work` is skipped for a message seen before.
   */
  transaction<T>(work: (tx: TransactionHandle) => Promise<T>, inbox?: InboxEntry): Promise<UnitOfWorkResult<T>>;
  /** Reads the account stream (inside `tx` when given). */
  load(customerId: string, tx?: TransactionHandle): Promise<LoadedAccount>;
  /**
   * Reads the account stream and the payment record of `orderId` in `tx`, both at the same
   * stream version (the record from that order's events only, not from the whole stream).
   * Appending what was decided from them at `version` fails with ConcurrencyConflictError if
   * anything was appended since, so a decision never rests on a stale record.
   */
  loadForOrder(customerId: string, orderId: string, tx: TransactionHandle): Promise<LoadedAccountForOrder>;
  /**
   * Appends `events` (none: nothing appended) at `expectedVersion` and writes the integration
   * events of `outcomes` to the outbox, both in `tx`.
   * @throws ConcurrencyConflictError when the stream moved on (the transaction is then unusable)
   */
  save(
    tx: TransactionHandle,
    customerId: string,
    events: readonly AccountEvent[],
    expectedVersion: number,
    context: CommandContext,
    outcomes: readonly (PaymentOutcome | WalletOutcome)[],
  ): Promise<void>;
  /**
   * Claims `key` for this customer with the request's `fingerprint`. Returns `null` when the key
   * is new (now held by `tx`), or what was stored for it before (waits for a concurrent holder).
   */
  claimIdempotencyKey(
    tx: TransactionHandle,
    customerId: string,
    key: string,
    fingerprint: string,
  ): Promise<{ readonly fingerprint: string; readonly receipt: DepositReceipt | null } | null>;
  /** Stores the answer of a claimed key (same transaction as the deposit or withdrawal). */
  completeIdempotencyKey(tx: TransactionHandle, customerId: string, key: string, receipt: DepositReceipt): Promise<void>;
}

export const ACCOUNT_REPOSITORY = Symbol('AccountRepositoryPort');
