import { z } from 'zod';
import { moneySchema } from './catalog.events.js';

/**
 * Messages published by commerce/ordering (the order saga's process manager), per
 * docs/systems/commerce-saga-contract.md. Commands for one target service share ONE topic (so a
 * release can never overtake its reservation); the CloudEvents `type` tells them apart. Key =
 * **orderId** for every saga message. Money = `{ amount: integer minor units, currency: ISO 4217 }`.
 */

/** One order line: a product and a whole number of units (≥ 1). */
export const orderLineSchema = z.object({
  productId: z.string().min(1),
  quantity: z.number().int().min(1),
});
export type OrderLine = z.infer<typeof orderLineSchema>;

// ---- commands to catalog: topic commerce.ordering.stock-commands.v1 ----

export const reserveStockV1Schema = z.object({
  orderId: z.string().min(1),
  lines: z.array(orderLineSchema).min(1),
});
export type ReserveStockV1 = z.infer<typeof reserveStockV1Schema>;

export const releaseStockV1Schema = z.object({
  orderId: z.string().min(1),
  reason: z.string(),
});
export type ReleaseStockV1 = z.infer<typeof releaseStockV1Schema>;

export const commitStockV1Schema = z.object({
  orderId: z.string().min(1),
});
export type CommitStockV1 = z.infer<typeof commitStockV1Schema>;

/** A delivered order came back: its sold units go back into stock (once per order). */
export const returnStockV1Schema = z.object({
  orderId: z.string().min(1),
});
export type ReturnStockV1 = z.infer<typeof returnStockV1Schema>;

// ---- commands to payments: topic commerce.ordering.payment-commands.v1 ----

export const capturePaymentV1Schema = z.object({
  orderId: z.string().min(1),
  customerId: z.string().min(1),
  amount: moneySchema,
});
export type CapturePaymentV1 = z.infer<typeof capturePaymentV1Schema>;

export const refundPaymentV1Schema = z.object({
  orderId: z.string().min(1),
  customerId: z.string().min(1),
  amount: moneySchema,
  reason: z.string(),
});
export type RefundPaymentV1 = z.infer<typeof refundPaymentV1Schema>;

// ---- facts of ordering: topic commerce.ordering.orders.v1 ----

/** A placed order's line with the unit price fixed at placement. */
export const pricedOrderLineSchema = orderLineSchema.extend({ unitPrice: moneySchema });

export const orderPlacedV1Schema = z.object({
  orderId: z.string().min(1),
  customerId: z.string().min(1),
  items: z.array(pricedOrderLineSchema),
  total: moneySchema,
  placedAt: z.string().datetime(),
});
export type OrderPlacedV1 = z.infer<typeof orderPlacedV1Schema>;

export const orderConfirmedV1Schema = z.object({
  orderId: z.string().min(1),
  at: z.string().datetime(),
});
export type OrderConfirmedV1 = z.infer<typeof orderConfirmedV1Schema>;

/** A confirmed order was handed to a carrier. */
export const orderShippedV1Schema = z.object({
  orderId: z.string().min(1),
  customerId: z.string().min(1),
  carrier: z.string().min(1),
  trackingNumber: z.string().min(1),
  at: z.string().datetime(),
});
export type OrderShippedV1 = z.infer<typeof orderShippedV1Schema>;

/** A shipped order reached its customer. */
export const orderDeliveredV1Schema = z.object({
  orderId: z.string().min(1),
  customerId: z.string().min(1),
  at: z.string().datetime(),
});
export type OrderDeliveredV1 = z.infer<typeof orderDeliveredV1Schema>;

/** A delivered order was returned: `refund` went back to the wallet and the units back into stock. */
export const orderReturnedV1Schema = z.object({
  orderId: z.string().min(1),
  customerId: z.string().min(1),
  refund: moneySchema,
  at: z.string().datetime(),
});
export type OrderReturnedV1 = z.infer<typeof orderReturnedV1Schema>;

export const orderCancelledV1Schema = z.object({
  orderId: z.string().min(1),
  reason: z.string(),
  at: z.string().datetime(),
});
export type OrderCancelledV1 = z.infer<typeof orderCancelledV1Schema>;

/** Topic of the commands ordering sends to catalog (consumer group `commerce.catalog`). */
export const ORDERING_STOCK_COMMANDS_TOPIC = 'commerce.ordering.stock-commands.v1';
/** Topic of the commands ordering sends to payments (consumer group `commerce.payments`). */
export const ORDERING_PAYMENT_COMMANDS_TOPIC = 'commerce.ordering.payment-commands.v1';
/** Topic of ordering's own facts (no consumer required yet). */
export const ORDERING_ORDERS_TOPIC = 'commerce.ordering.orders.v1';

/** Topic, CloudEvents type and payload schema of each message ordering publishes. */
export const ORDERING_EVENTS = {
  ReserveStockV1: {
    topic: ORDERING_STOCK_COMMANDS_TOPIC,
    type: 'archipelago.commerce.ordering.ReserveStockV1',
    schema: reserveStockV1Schema,
  },
  ReleaseStockV1: {
    topic: ORDERING_STOCK_COMMANDS_TOPIC,
    type: 'archipelago.commerce.ordering.ReleaseStockV1',
    schema: releaseStockV1Schema,
  },
  CommitStockV1: {
    topic: ORDERING_STOCK_COMMANDS_TOPIC,
    type: 'archipelago.commerce.ordering.CommitStockV1',
    schema: commitStockV1Schema,
  },
  ReturnStockV1: {
    topic: ORDERING_STOCK_COMMANDS_TOPIC,
    type: 'archipelago.commerce.ordering.ReturnStockV1',
    schema: returnStockV1Schema,
  },
  CapturePaymentV1: {
    topic: ORDERING_PAYMENT_COMMANDS_TOPIC,
    type: 'archipelago.commerce.ordering.CapturePaymentV1',
    schema: capturePaymentV1Schema,
  },
  RefundPaymentV1: {
    topic: ORDERING_PAYMENT_COMMANDS_TOPIC,
    type: 'archipelago.commerce.ordering.RefundPaymentV1',
    schema: refundPaymentV1Schema,
  },
  OrderPlacedV1: {
    topic: ORDERING_ORDERS_TOPIC,
    type: 'archipelago.commerce.ordering.OrderPlacedV1',
    schema: orderPlacedV1Schema,
  },
  OrderConfirmedV1: {
    topic: ORDERING_ORDERS_TOPIC,
    type: 'archipelago.commerce.ordering.OrderConfirmedV1',
    schema: orderConfirmedV1Schema,
  },
  OrderShippedV1: {
    topic: ORDERING_ORDERS_TOPIC,
    type: 'archipelago.commerce.ordering.OrderShippedV1',
    schema: orderShippedV1Schema,
  },
  OrderDeliveredV1: {
    topic: ORDERING_ORDERS_TOPIC,
    type: 'archipelago.commerce.ordering.OrderDeliveredV1',
    schema: orderDeliveredV1Schema,
  },
  OrderReturnedV1: {
    topic: ORDERING_ORDERS_TOPIC,
    type: 'archipelago.commerce.ordering.OrderReturnedV1',
    schema: orderReturnedV1Schema,
  },
  OrderCancelledV1: {
    topic: ORDERING_ORDERS_TOPIC,
    type: 'archipelago.commerce.ordering.OrderCancelledV1',
    schema: orderCancelledV1Schema,
  },
} as const;
