import type { Money } from '../money.js';
import { EmptyOrderError, InvalidOrderError, UnknownProductError } from './order.errors.js';
import type { OrderLine, OrderPlaced } from './order.events.js';

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
 *   InvalidOrderError (quantity < 1, price in another currency, total beyond a safe integer)
 */
export function decidePlacement(input: PlaceOrderInput): OrderPlaced {
  const lines = mergeLines(input.lines);
  if (lines.length === 0) throw new EmptyOrderError();
  const unknown = lines.filter((l) => !Object.hasOwn(input.prices, l.productId)).map((l) => l.productId);
  if (unknown.length > 0) throw new UnknownProductError(unknown);
  let total = 0;
  const items: OrderLine[] = lines.map(({ productId, quantity }) => {
    if (!Number.isSafeInteger(quantity) || quantity < 1) throw new InvalidOrderError(`quantity of ${productId} must be an integer ≥ 1`);
    const unitPrice = input.prices[productId]!;
    if (unitPrice.currency !== input.currency) {
      throw new InvalidOrderError(`${productId} is priced in ${unitPrice.currency}; orders are in ${input.currency}`);
    }
    total += unitPrice.amount * quantity;
    return { productId, quantity, unitPrice: { amount: unitPrice.amount, currency: unitPrice.currency } };
  });
  if (!Number.isSafeInteger(total)) throw new InvalidOrderError('the order total is too large');
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
