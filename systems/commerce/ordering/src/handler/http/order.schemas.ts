import { keysetCursorParam } from '@archipelago/platform-service-kit';
import { ValidationProblemException } from '@archipelago/platform-service';
import { z } from 'zod';

/** Money on the wire: `{ amount: integer minor units, currency: ISO 4217 }`. */
export const moneyDto = z
  .object({
    amount: z.number().int().describe('Amount in minor units (e.g. cents)'),
    currency: z.string().describe('ISO 4217 code'),
  })
  .meta({ id: 'Money' });

/** Lines of the same product are merged (quantities add up). */
export const placeOrderBody = z
  .object({
    items: z
      .array(
        z
          .object({
            productId: z.string().uuid('must be a UUID'),
            quantity: z.number().int().min(1).max(10_000),
          })
          .strict(),
      )
      .max(100)
      .describe('Lines; an empty list is a 422, a product listed twice is merged')
      // Documented, not validated here: the order itself refuses an empty list (422 ORDER.EMPTY).
      .meta({ minItems: 1 }),
  })
  .strict()
  .meta({
    id: 'PlaceOrder',
    examples: [{ items: [{ productId: '3f2c8a51-6d0e-4b7a-9c1d-2e4f6a8b0c1d', quantity: 2 }] }],
  });
export type PlaceOrderBody = z.infer<typeof placeOrderBody>;

export const orderIdParams = z.object({ id: z.string().uuid('must be a UUID') });

export const orderStatus = z.enum(['pending', 'confirmed', 'shipped', 'delivered', 'returning', 'returned', 'cancelled']);

export const listOrdersQuery = z.object({
  status: orderStatus.optional(),
  limit: z.coerce.number().int().min(1).max(100).default(20),
  cursor: keysetCursorParam.optional(),
});
export type ListOrdersQueryDto = z.infer<typeof listOrdersQuery>;

const orderLineDto = z.object({ productId: z.string().uuid(), quantity: z.number().int(), unitPrice: moneyDto });
const cancellationReason = z.enum(['out_of_stock', 'payment_declined', 'cancelled_by_customer', 'timeout']).nullable();

// Examples of the documents below (OpenAPI `examples`): one order of two tins of tea.
const ORDER_ID = '6e8a0c2e-4f6a-4c8e-9a0c-2e4a6c8e0a2c';
const exampleLines = [{ productId: '3f2c8a51-6d0e-4b7a-9c1d-2e4f6a8b0c1d', quantity: 2, unitPrice: { amount: 650, currency: 'USD' } }];
const exampleOrder = {
  id: ORDER_ID,
  customerId: '2c8e6a1f-4b3d-4e5a-9f7c-1d0b2a3c4e5f',
  status: 'confirmed',
  items: exampleLines,
  total: { amount: 1300, currency: 'USD' },
  cancellationReason: null,
  createdAt: '2026-12-06T05:00:00.000Z',
  updatedAt: '2026-12-06T05:00:01.250Z',
};

export const placedOrderDto = z
  .object({ id: z.string().uuid(), status: orderStatus, items: z.array(orderLineDto), total: moneyDto, createdAt: z.string() })
  .meta({
    id: 'PlacedOrder',
    examples: [{ id: ORDER_ID, status: 'pending', items: exampleLines, total: { amount: 1300, currency: 'USD' }, createdAt: '2026-12-06T05:00:00.000Z' }],
  });

export const orderDto = z
  .object({
    id: z.string().uuid(),
    customerId: z.string(),
    status: orderStatus,
    items: z.array(orderLineDto),
    total: moneyDto,
    cancellationReason,
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .meta({ id: 'Order', examples: [exampleOrder] });
export type OrderDto = z.infer<typeof orderDto>;

export const orderPageDto = z.object({ items: z.array(orderDto), nextCursor: z.string().nullable() }).meta({ id: 'OrderPage', examples: [{ items: [exampleOrder], nextCursor: null }] });

export const orderSagaDto = z
  .object({
    orderId: z.string().uuid(),
    status: orderStatus,
    step: z.enum(['awaiting_stock', 'awaiting_payment', 'awaiting_commit', 'finished']),
    deadline: z.string().describe('When a pending order times out (before payment capture)'),
    steps: z.array(
      z.object({
        version: z.number().int(),
        step: z.string().describe('The saga event, e.g. StockReserved, OrderCancelled'),
        at: z.string().describe('When it was recorded'),
        data: z.record(z.string(), z.unknown()),
      }),
    ),
  })
  .meta({
    id: 'OrderSaga',
    examples: [
      {
        orderId: ORDER_ID,
        status: 'pending',
        step: 'awaiting_payment',
        deadline: '2026-12-06T05:05:00.000Z',
        steps: [
          { version: 1, step: 'OrderPlaced', at: '2026-12-06T05:00:00.000Z', data: { customerId: '2c8e6a1f-4b3d-4e5a-9f7c-1d0b2a3c4e5f' } },
          { version: 2, step: 'StockReserved', at: '2026-12-06T05:00:00.400Z', data: {} },
        ],
      },
    ],
  });

export const shipmentBody = z
  .object({
    carrier: z.string().trim().min(1).max(100).describe('Who carries the parcel, e.g. DHL'),
    trackingNumber: z
      .string()
      .trim()
      .min(1)
      .max(100)
      .regex(/^[A-Za-z0-9._ -]+$/, 'letters, digits, space, dot, dash and underscore only')
      .describe("The carrier's tracking number"),
  })
  .strict()
  .meta({ id: 'Shipment', examples: [{ carrier: 'DHL', trackingNumber: 'JD014600006281230476' }] });
export type ShipmentBody = z.infer<typeof shipmentBody>;

export const orderTimelineDto = z
  .object({
    orderId: z.string().uuid(),
    status: orderStatus,
    shipment: z.object({ carrier: z.string(), trackingNumber: z.string(), shippedAt: z.string() }).nullable(),
    steps: z
      .array(
        z.object({
          step: z.enum(['placed', 'reserved', 'paid', 'confirmed', 'shipped', 'delivered', 'return_requested', 'restocked', 'refunded', 'returned', 'cancelled', 'stock_released']),
          at: z.string().describe('When it happened (ISO 8601)'),
        }),
      )
      .describe('Oldest first'),
  })
  .meta({
    id: 'OrderTimeline',
    examples: [
      {
        orderId: ORDER_ID,
        status: 'shipped',
        shipment: { carrier: 'DHL', trackingNumber: 'JD014600006281230476', shippedAt: '2026-12-06T09:30:00.000Z' },
        steps: [
          { step: 'placed', at: '2026-12-06T05:00:00.000Z' },
          { step: 'reserved', at: '2026-12-06T05:00:00.400Z' },
          { step: 'paid', at: '2026-12-06T05:00:00.900Z' },
          { step: 'confirmed', at: '2026-12-06T05:00:01.250Z' },
          { step: 'shipped', at: '2026-12-06T09:30:00.000Z' },
        ],
      },
    ],
  });

/**
 * `Idempotency-Key`: 1–255 visible ASCII characters, or absent.
 * @throws ValidationProblemException (400) for a malformed key
 */
export function parseIdempotencyKey(raw: string | undefined): string | undefined {
  if (raw === undefined) return undefined;
  if (/^[\x21-\x7e]{1,255}$/.test(raw)) return raw;
  throw new ValidationProblemException([{ parameter: 'Idempotency-Key', detail: 'must be 1–255 visible ASCII characters' }]);
}
