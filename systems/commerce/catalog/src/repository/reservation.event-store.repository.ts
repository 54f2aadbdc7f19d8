import { PostgresEventStore, WrongExpectedVersionError } from '@archipelago/platform-event-store';
import { Inbox, type Messaging } from '@archipelago/platform-messaging';
import type pg from 'pg';
import { reservationDecider } from '../entity/reservation/reservation.decider.js';
import type { ReservationEvent } from '../entity/reservation/reservation.events.js';
import type { CommandContext } from '../use-case/port/command-context.js';
import { ConcurrencyConflictError } from '../use-case/port/product.repository.port.js';
import type {
  LoadedReservation,
  MessageDelivery,
  ReservationChange,
  ReservationRepositoryPort,
} from '../use-case/port/reservation.repository.port.js';
import { productStreamId } from './product.event-store.repository.js';
import { toIntegrationEvents } from './product.integration-events.js';
import { toReplyMessage } from './reservation.integration-events.js';

/** Stream id of an order's reservation: `reservation-<orderId>`. */
export const reservationStreamId = (orderId: string): string => `reservation-${orderId}`;

/** Consumer group of the catalog (inbox key of the stock commands it handles). */
export const CATALOG_CONSUMER_GROUP = 'commerce.catalog';

/**
 * Reservations in the Postgres event store. `commit` writes, in ONE transaction, the inbox row,
 * the product streams' events, the reservation's events and the reply (outbox): a conflict on any
 * stream rolls all of it back.
 */
export class ReservationEventStoreRepository implements ReservationRepositoryPort {
  private readonly inbox: Inbox;

  constructor(
    private readonly pool: pg.Pool,
    private readonly store: PostgresEventStore,
    private readonly messaging: Messaging,
  ) {
    this.inbox = new Inbox(pool, store.schema, CATALOG_CONSUMER_GROUP);
  }

  async load(orderId: string): Promise<LoadedReservation> {
    const events = await this.store.readStream(this.pool, reservationStreamId(orderId));
    const state = events.reduce(
      (s, e) => reservationDecider.evolve(s, { type: e.type, data: e.data } as ReservationEvent),
      reservationDecider.initialState(),
    );
    return { state, version: events.length };
  }

  async commit(change: ReservationChange, delivery: MessageDelivery, context: CommandContext): Promise<boolean> {
    const metadata = { ...context };
    const effect = async (client: pg.PoolClient) => {
      for (const { productId, events, expectedVersion } of change.products) {
        await this.store.append(
          client,
          productStreamId(productId),
          events.map((e) => ({ type: e.type, data: e.data })),
          {
            expectedVersion,
            metadata,
          },
        );
      }
      if (change.events.length) {
        await this.store.append(
          client,
          reservationStreamId(change.orderId),
          change.events.map((e) => ({ type: e.type, data: e.data })),
          {
            expectedVersion: change.expectedVersion,
            metadata,
          },
        );
      } else {
        // A repeated command answers from the state it read: make sure that state is still current.
        const current = await this.store.currentVersion(client, reservationStreamId(change.orderId));
        if (current !== change.expectedVersion)
          throw new WrongExpectedVersionError(reservationStreamId(change.orderId), change.expectedVersion);
      }
      // The reply, and the product events others may rely on (low-stock alerts), in the same transaction.
      const productMessages = change.products.flatMap(({ events }) => toIntegrationEvents(events, context.traceparent));
      await this.messaging.outbox.add(client, [toReplyMessage(change.reply, context.traceparent), ...productMessages]);
    };
    try {
      return await this.inbox.handleOnce({ id: delivery.messageId, topic: delivery.topic }, effect);
    } catch (error) {
      if (error instanceof WrongExpectedVersionError) throw new ConcurrencyConflictError(change.orderId);
      throw error;
    }
  }
}
