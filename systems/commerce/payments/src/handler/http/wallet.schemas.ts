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
  .meta({ id: 'Wallet', examples: [{ customerId: '2c8e6a1f-4b3d-4e5a-9f7c-1d0b2a3c4e5f', balance: { amount: 3700, currency: 'USD' }, status: 'open' }] });

export const depositReceiptDto = z
  .object({
    transactionId: z.string().uuid(),
    balance: moneyDto.describe('Balance after the deposit'),
  })
  .meta({
    id: 'DepositReceipt',
    examples: [{ transactionId: '7a1e0c3b-5d2f-4e6a-8b9c-0d1e2f3a4b5c', balance: { amount: 8700, currency: 'USD' } }],
  });

export const withdrawalReceiptDto = z
  .object({
    transactionId: z.string().uuid(),
    balance: moneyDto.describe('Balance after the withdrawal'),
  })
  .meta({
    id: 'WithdrawalReceipt',
    examples: [{ transactionId: '9c3a1e5b-7d0f-4b2a-8c6e-1f2a3b4c5d6e', balance: { amount: 1700, currency: 'USD' } }],
  });

export const transactionDto = z
  .object({
    id: z.string().uuid(),
    type: z.enum(['deposit', 'withdrawal', 'payment', 'refund']),
    amount: moneyDto.describe('Always positive; type gives the direction'),
    orderId: z.string().optional(),
    at: z.string().datetime(),
  })
  .meta({
    id: 'WalletTransaction',
    examples: [
      {
        id: '4b6d8f0a-2c4e-4a6b-8d0f-1a3c5e7a9b1d',
        type: 'payment',
        amount: { amount: 1300, currency: 'USD' },
        orderId: '6e8a0c2e-4f6a-4c8e-9a0c-2e4a6c8e0a2c',
        at: '2026-12-06T05:00:00.000Z',
      },
    ],
  });

export const transactionPageDto = z
  .object({ items: z.array(transactionDto).describe('Newest first'), nextCursor: z.string().nullable() })
  .meta({
    id: 'WalletTransactionPage',
    examples: [
      {
        items: [
          {
            id: '4b6d8f0a-2c4e-4a6b-8d0f-1a3c5e7a9b1d',
            type: 'payment',
            amount: { amount: 1300, currency: 'USD' },
            orderId: '6e8a0c2e-4f6a-4c8e-9a0c-2e4a6c8e0a2c',
            at: '2026-12-06T05:00:00.000Z',
          },
          { id: '7a1e0c3b-5d2f-4e6a-8b9c-0d1e2f3a4b5c', type: 'deposit', amount: { amount: 5000, currency: 'USD' }, at: '2026-12-06T04:55:00.000Z' },
        ],
        nextCursor: null,
      },
    ],
  });
