import { MAX_ORDER_TOTAL, type Money } from '../money.js';
import { EmptyOrderError, InvalidOrderError, UnknownProductError } from './order.errors.js';
import type { OrderLine, OrderPlaced } from './order.events.js';

/**
 * The most units of one product an order may hold, checked after lines of the same product are
 * merged (so listing a product 100 times cannot add up past it).
 */
export const MAX_LINE_QUANTITY = 10_000;

/** A requested line: product and units (integer ≥ 1). */
export interface RequestedLine {
  readonly productId: string;
  readonly quantity: number;
}

/** Input of a placement: prices come from the catalog at placement, time and timeout from outside. */
export interface PlaceOrderInput {
  readonly orderId: string;
  readonly customerId: string;
  readonly lines: readonly RequestedLine[];
  /** Unit price per product id, as the catalog answered; a product missing here is unknown. */
  readonly prices: Readonly<Record<string, Money>>;
  /** The deployment's currency (ISO 4217). */
  readonly currency: string;
  readonly now: string;
  /** Time the saga may take before the order is cancelled with `timeout` (ms > 0). */
  readonly timeoutMs: number;
}

/**
 * Merges lines of the same product (quantities add up), keeping the order of first appearance.
 * Clients may list a product twice; the order holds it once.
 */
export function mergeLines(lines: readonly RequestedLine[]): RequestedLine[] {
  const merged = new Map<string, number>();
  for (const { productId, quantity } of lines) merged.set(productId, (merged.get(productId) ?? 0) + quantity);
  return [...merged].map(([productId, quantity]) => ({ productId, quantity }));
}

/**
 * Decides `OrderPlaced`: merged lines priced from the catalog, total in the deployment's currency.
 * @throws EmptyOrderError (no lines), UnknownProductError (a product without a price),
 *   InvalidOrderError (a quantity < 1 or, after merging, > {@link MAX_LINE_QUANTITY}; a price in
 *   another currency or ≤ 0; a total above {@link MAX_ORDER_TOTAL})
 */
export function decidePlacement(input: PlaceOrderInput): OrderPlaced {
  const lines = mergeLines(input.lines);
  if (lines.length === 0) throw new EmptyOrderError();
  const unknown = lines.filter((l) => !Object.hasOwn(input.prices, l.productId)).map((l) => l.productId);
  if (unknown.length > 0) throw new UnknownProductError(unknown);
  let total = 0;
  const items: OrderLine[] = lines.map(({ productId, quantity }) => {
    if (!Number.isSafeInteger(quantity) || quantity < 1) throw new InvalidOrderError(`quantity of ${productId} must be an integer ≥ 1`);
    if (quantity > MAX_LINE_QUANTITY) {
      throw new InvalidOrderError(`quantity of ${productId} is ${quantity} in all; at most ${MAX_LINE_QUANTITY} units of a product per order`);
    }
    const unitPrice = input.prices[productId]!;
    if (unitPrice.currency !== input.currency) {
      throw new InvalidOrderError(`${productId} is priced in ${unitPrice.currency}; orders are in ${input.currency}`);
    }
    // Products priced 0 before prices had to be > 0 cannot be paid (a zero capture is refused).
    if (!Number.isSafeInteger(unitPrice.amount) || unitPrice.amount <= 0) throw new InvalidOrderError(`${productId} has no valid price`);
    // Checked per line: the price ≤ 2^53 and the quantity ≤ 10^4, so each product is exact until it passes the cap.
    const lineTotal = unitPrice.amount * quantity;
    if (lineTotal > MAX_ORDER_TOTAL - total) throw new InvalidOrderError(`the order total would exceed ${MAX_ORDER_TOTAL} minor units`);
    total += lineTotal;
    return { productId, quantity, unitPrice: { amount: unitPrice.amount, currency: unitPrice.currency } };
  });
  const deadline = new Date(Date.parse(input.now) + input.timeoutMs).toISOString();
  return {
    type: 'OrderPlaced',
    data: {
      orderId: input.orderId,
      customerId: input.customerId,
      items,
      total: { amount: total, currency: input.currency },
      placedAt: input.now,
      deadline,
    },
  };
}
