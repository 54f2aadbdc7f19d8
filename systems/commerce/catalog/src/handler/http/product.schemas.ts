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

/** A price: money with an amount > 0 (a zero price could never be paid; see entity/money.ts). */
export const priceDto = z
  .object({
    amount: z.number().int().min(1, 'must be > 0').max(Number.MAX_SAFE_INTEGER).describe('Amount in minor units (> 0)'),
    currency: z.string().regex(/^[A-Z]{3}$/, 'must be an ISO 4217 code such as USD').describe('ISO 4217 code'),
  })
  .strict()
  .meta({ id: 'Price' });

export const createProductBody = z
  .object({
    sku: z.string().trim().min(1).max(64).regex(/^[A-Za-z0-9._-]+$/, 'letters, digits, dot, dash and underscore only'),
    name: z.string().trim().min(1).max(200),
    price: priceDto,
    initialStock: z.number().int().min(0).max(1_000_000_000),
    lowStockThreshold: z
      .number()
      .int()
      .min(0)
      .max(1_000_000_000)
      .optional()
      .describe('Available units at or below which the product is low on stock (default: CATALOG_LOW_STOCK_THRESHOLD)'),
  })
  .strict()
  .meta({
    id: 'CreateProduct',
    examples: [
      { sku: 'TEA-EARL-GREY-100G', name: 'Earl Grey, 100 g', price: { amount: 650, currency: 'USD' }, initialStock: 40, lowStockThreshold: 5 },
    ],
  });

export const updateProductBody = z
  .object({
    lowStockThreshold: z.number().int().min(0).max(1_000_000_000).describe('Available units at or below which the product is low on stock'),
  })
  .strict()
  .meta({ id: 'UpdateProduct', examples: [{ lowStockThreshold: 10 }] });
export type UpdateProductBody = z.infer<typeof updateProductBody>;
export type CreateProductBody = z.infer<typeof createProductBody>;

export const stockAdjustmentBody = z
  .object({
    delta: z
      .number()
      .int()
      .min(-1_000_000_000)
      .max(1_000_000_000)
      .refine((d) => d !== 0, 'must not be 0')
      .meta({ not: { const: 0 } }),
    reason: z.string().trim().min(1).max(200),
  })
  .strict()
  .meta({ id: 'StockAdjustment', examples: [{ delta: -2, reason: 'Two tins damaged in the warehouse' }] });
export type StockAdjustmentBody = z.infer<typeof stockAdjustmentBody>;

export const productIdParams = z.object({ id: z.string().uuid('must be a UUID') });

export const listProductsQuery = z.object({
  limit: z.coerce.number().int().min(1).max(100).default(20),
  cursor: keysetCursorParam.optional(),
  lowStock: z
    .enum(['true', 'false'])
    .transform((v) => v === 'true')
    .optional()
    .describe('true: only products with available ≤ lowStockThreshold (admin only)'),
});
export type ListProductsQueryDto = z.infer<typeof listProductsQuery>;

export const productDto = z
  .object({
    id: z.string().uuid(),
    sku: z.string(),
    name: z.string(),
    price: moneyDto,
    available: z.number().int().describe('Units that can be sold now'),
    lowStockThreshold: z.number().int().describe('Low on stock when available ≤ this (units)'),
  })
  .meta({
    id: 'Product',
    examples: [
      {
        id: '3f2c8a51-6d0e-4b7a-9c1d-2e4f6a8b0c1d',
        sku: 'TEA-EARL-GREY-100G',
        name: 'Earl Grey, 100 g',
        price: { amount: 650, currency: 'USD' },
        available: 38,
        lowStockThreshold: 5,
      },
    ],
  });
export type ProductDto = z.infer<typeof productDto>;

export const productPageDto = z
  .object({ items: z.array(productDto), nextCursor: z.string().nullable() })
  .meta({
    id: 'ProductPage',
    examples: [
      {
        items: [
          {
            id: '3f2c8a51-6d0e-4b7a-9c1d-2e4f6a8b0c1d',
            sku: 'TEA-EARL-GREY-100G',
            name: 'Earl Grey, 100 g',
            price: { amount: 650, currency: 'USD' },
            available: 38,
            lowStockThreshold: 5,
          },
        ],
        nextCursor: 'eyJ0IjoiMjAyNi0xMi0wNlQwNTowMDowMC4wMDBaIiwiaSI6IjNmMmM4YTUxIn0',
      },
    ],
  });
