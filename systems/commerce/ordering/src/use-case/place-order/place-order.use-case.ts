import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { orderDecider } from '../../entity/order/order.decider.js';
import { OrderNotFoundError } from '../../entity/order/order.errors.js';
import type { PlacedOrderState } from '../../entity/order/order.state.js';
import { mergeLines, type RequestedLine } from '../../entity/order/place-order.decision.js';
import { CATALOG_GATEWAY, type CatalogGatewayPort } from '../port/catalog.gateway.port.js';
import { ORDER_READ_MODEL, type OrderReadModelPort } from '../port/order.read-model.port.js';
import { IdempotencyKeyTakenError, ORDER_REPOSITORY, type OrderRepositoryPort } from '../port/order.repository.port.js';
import { ORDERING_SETTINGS, type OrderingSettings } from '../port/ordering-settings.port.js';
import { PlaceOrderCommand } from './place-order.command.js';
import { IdempotencyKeyReusedError } from './place-order.errors.js';

/** The placed order, and whether it was placed by an earlier request with the same Idempotency-Key. */
export interface PlaceOrderResult {
  readonly order: PlacedOrderState;
  readonly replayed: boolean;
}

/** Canonical form of the requested lines: merged per product, sorted; equal for equivalent bodies. */
const fingerprintOf = (items: readonly RequestedLine[]): string =>
  JSON.stringify(mergeLines(items).sort((a, b) => (a.productId < b.productId ? -1 : a.productId > b.productId ? 1 : 0)));

/**
 * Prices the lines at the catalog (gRPC), decides `OrderPlaced` and stores it with the outbox
 * messages that start the saga (ReserveStock, OrderPlacedV1) and, when given, the Idempotency-Key.
 * @throws EmptyOrderError, UnknownProductError, InvalidOrderError (422), IdempotencyKeyReusedError (422),
 *   CatalogUnavailableError (503)
 */
@CommandHandler(PlaceOrderCommand)
export class PlaceOrderUseCase implements ICommandHandler<PlaceOrderCommand, PlaceOrderResult> {
  constructor(
    @Inject(ORDER_REPOSITORY) private readonly repository: OrderRepositoryPort,
    @Inject(ORDER_READ_MODEL) private readonly readModel: OrderReadModelPort,
    @Inject(CATALOG_GATEWAY) private readonly catalog: CatalogGatewayPort,
    @Inject(ORDERING_SETTINGS) private readonly settings: OrderingSettings,
  ) {}

  async execute(command: PlaceOrderCommand, retried = false): Promise<PlaceOrderResult> {
    const { customerId, items, idempotencyKey, context } = command;
    const fingerprint = fingerprintOf(items);
    if (idempotencyKey !== undefined) {
      const earlier = await this.repository.findIdempotencyKey(customerId, idempotencyKey);
      if (earlier) return this.replay(earlier.orderId, earlier.fingerprint === fingerprint);
    }
    const productIds = [...new Set(items.map((i) => i.productId))];
    const { prices } = productIds.length > 0 ? await this.catalog.pricesOf(productIds) : { prices: {} };
    const orderId = globalThis.crypto.randomUUID();
    const events = orderDecider.decide(
      {
        type: 'PlaceOrder',
        data: {
          orderId,
          customerId,
          lines: items,
          prices,
          currency: this.settings.currency,
          now: new Date().toISOString(),
          timeoutMs: this.settings.orderTimeoutMs,
        },
      },
      orderDecider.initialState(),
    );
    try {
      await this.repository.place(orderId, events, context, idempotencyKey === undefined ? null : { customerId, key: idempotencyKey, fingerprint });
    } catch (error) {
      if (error instanceof IdempotencyKeyTakenError && !retried) return this.execute(command, true);
      throw error;
    }
    this.readModel.refresh();
    return { order: events.reduce(orderDecider.evolve, orderDecider.initialState()) as PlacedOrderState, replayed: false };
  }

  private async replay(orderId: string, sameBody: boolean): Promise<PlaceOrderResult> {
    if (!sameBody) throw new IdempotencyKeyReusedError();
    const { state } = await this.repository.load(orderId);
    if (state.status === 'absent') throw new OrderNotFoundError(orderId);
    return { order: state, replayed: true };
  }
}
