import { keysetCursorParam } from '@archipelago/platform-service-kit';
import { z } from 'zod';

/** Money on the wire: `{ amount: integer minor units, currency: ISO 4217 }`. */
export const moneyDto = z
  .object({
    amount: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER).describe('Amount in minor units (e.g. cents)'),
    currency: z.string().regex(/^[A-Z]{3}$/, 'must be an ISO 4217 code such as USD').describe('ISO 4217 code'),
  })
  .strict()
  .meta({ id: 'Money' });

export const depositBody = z
  .object({
    amount: z
      .object({
        amount: z.number().int().min(1, 'must be > 0').max(Number.MAX_SAFE_INTEGER).describe('Amount in minor units (> 0)'),
        currency: z.string().regex(/^[A-Z]{3}$/, 'must be an ISO 4217 code such as USD').describe('ISO 4217 code'),
      })
      .strict(),
  })
  .strict()
  .meta({ id: 'Deposit', examples: [{ amount: { amount: 5000, currency: 'USD' } }] });
export type DepositBody = z.infer<typeof depositBody>;

export const withdrawalBody = depositBody.meta({ id: 'Withdrawal' });
export type WithdrawalBody = z.infer<typeof withdrawalBody>;

/** `Idempotency-Key` request header: 1–255 visible ASCII characters (IETF draft-ietf-httpapi-idempotency-key-header). */
export const idempotencyKeyHeader = z
  .string()
  .min(1)
  .max(255)
  .regex(/^[\x21-\x7e]+$/, 'visible ASCII characters only');

export const closeAccountBody = z
  .object({
    customerId: z.string().trim().min(1).max(200),
    reason: z.string().trim().min(1).max(200),
  })
  .strict()
  .meta({
    id: 'CloseWallet',
    examples: [{ customerId: '7b0e4d2a-1c3f-4e5a-8b9c-0d1e2f3a4b5c', reason: 'Customer asked to close the account' }],
  });
export type CloseAccountBody = z.infer<typeof closeAccountBody>;

export const listTransactionsQuery = z.object({
  limit: z.coerce.number().int().min(1).max(100).default(20),
  cursor: keysetCursorParam.optional(),
});

export const walletDto = z
  .object({
    customerId: z.string(),
    balance: moneyDto,
    status: z.enum(['open', 'closed']),
  })
  .meta({ id: 'Wallet' });

export const depositReceiptDto = z
  .object({
    transactionId: z.string().uuid(),
    balance: moneyDto.describe('Balance after the deposit'),
  })
  .meta({ id: 'DepositReceipt' });

export const withdrawalReceiptDto = z
  .object({
    transactionId: z.string().uuid(),
    balance: moneyDto.describe('Balance after the withdrawal'),
  })
  .meta({ id: 'WithdrawalReceipt' });

export const transactionDto = z
  .object({
    id: z.string().uuid(),
    type: z.enum(['deposit', 'withdrawal', 'payment', 'refund']),
    amount: moneyDto.describe('Always positive; type gives the direction'),
    orderId: z.string().optional(),
    at: z.string().datetime(),
  })
  .meta({ id: 'WalletTransaction' });

export const transactionPageDto = z
  .object({ items: z.array(transactionDto).describe('Newest first'), nextCursor: z.string().nullable() })
  .meta({ id: 'WalletTransactionPage' });
