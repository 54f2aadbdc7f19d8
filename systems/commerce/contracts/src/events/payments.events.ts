import { z } from 'zod';
import { moneySchema } from './catalog.events.js';

/**
 * Messages published by commerce/payments (replies to ordering's payment commands), per
 * docs/systems/commerce-saga-contract.md. Topic `commerce.payments.payments.v1` (consumer group
 * `commerce.ordering`); key = **orderId**; CloudEvents `type` =
 * `archipelago.commerce.payments.<Name>`.
 */

export const paymentCapturedV1Schema = z.object({
  orderId: z.string().min(1),
  customerId: z.string().min(1),
  /** The amount debited from the wallet. */
  amount: moneySchema,
  /** Ledger transaction id of the debit (stable: a repeated capture answers the same id). */
  transactionId: z.string().min(1),
});
export type PaymentCapturedV1 = z.infer<typeof paymentCapturedV1Schema>;

/** Why a capture was declined. `cancelled`: a refund for the order arrived first (tombstone). */
export const paymentDeclineReasonSchema = z.enum(['no_wallet', 'insufficient_funds', 'account_closed', 'cancelled']);
export type PaymentDeclineReason = z.infer<typeof paymentDeclineReasonSchema>;

export const paymentDeclinedV1Schema = z.object({
  orderId: z.string().min(1),
  customerId: z.string().min(1),
  reason: paymentDeclineReasonSchema,
});
export type PaymentDeclinedV1 = z.infer<typeof paymentDeclinedV1Schema>;

export const paymentRefundedV1Schema = z.object({
  orderId: z.string().min(1),
  customerId: z.string().min(1),
  /** The amount credited back (zero-amount when the refund only left a tombstone). */
  amount: moneySchema,
  /** Ledger transaction id of the credit (or of the tombstone). */
  transactionId: z.string().min(1),
});
export type PaymentRefundedV1 = z.infer<typeof paymentRefundedV1Schema>;

/** Topic of every payments reply. */
export const PAYMENTS_TOPIC = 'commerce.payments.payments.v1';

/**
 * Money paid out of a wallet at its owner's request (`POST /commerce/v1/wallet/withdrawals`).
 * Topic {@link PAYMENTS_WALLET_TOPIC}, key = **customerId**.
 */
export const fundsWithdrawnV1Schema = z.object({
  customerId: z.string().min(1),
  /** Ledger transaction id of the debit (the Idempotency-Key answers the same id again). */
  transactionId: z.string().min(1),
  amount: moneySchema,
  /** The wallet's balance after the withdrawal. */
  balance: moneySchema,
  occurredAt: z.string().datetime(),
});
export type FundsWithdrawnV1 = z.infer<typeof fundsWithdrawnV1Schema>;

/** Topic of a wallet's own movements (not saga replies); key = customer id. */
export const PAYMENTS_WALLET_TOPIC = 'commerce.payments.wallet.v1';

/** Topic, CloudEvents type and payload schema of each payments integration event. */
export const PAYMENTS_EVENTS = {
  PaymentCapturedV1: {
    topic: PAYMENTS_TOPIC,
    type: 'archipelago.commerce.payments.PaymentCapturedV1',
    schema: paymentCapturedV1Schema,
  },
  PaymentDeclinedV1: {
    topic: PAYMENTS_TOPIC,
    type: 'archipelago.commerce.payments.PaymentDeclinedV1',
    schema: paymentDeclinedV1Schema,
  },
  PaymentRefundedV1: {
    topic: PAYMENTS_TOPIC,
    type: 'archipelago.commerce.payments.PaymentRefundedV1',
    schema: paymentRefundedV1Schema,
  },
  FundsWithdrawnV1: {
    topic: PAYMENTS_WALLET_TOPIC,
    type: 'archipelago.commerce.payments.FundsWithdrawnV1',
    schema: fundsWithdrawnV1Schema,
  },
} as const;
