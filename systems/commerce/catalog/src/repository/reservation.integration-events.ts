import {
  CATALOG_EVENTS,
  type StockCommittedV1,
  type StockReleasedV1,
  type StockReservationRejectedV1,
  type StockReservedV1,
  type StockReturnedV1,
} from '@archipelago/commerce-contracts';
import type { OutgoingMessage } from '@archipelago/platform-messaging';
import type { ReservationReply } from '../entity/reservation/reservation.decider.js';

/**
 * Maps a reservation reply to its integration event on `commerce.catalog.stock-reservations.v1`
 * (docs/systems/commerce-saga-contract.md), keyed by order id.
 */
export function toReplyMessage(reply: ReservationReply, traceparent?: string): OutgoingMessage {
  const { orderId } = reply;
  const message = (event: { topic: string; type: string }, payload: unknown): OutgoingMessage => ({
    topic: event.topic,
    type: event.type,
    key: orderId,
    payload,
    traceparent,
  });
  switch (reply.type) {
    case 'Reserved':
      return message(CATALOG_EVENTS.StockReservedV1, { orderId, lines: [...reply.lines] } satisfies StockReservedV1);
    case 'Rejected':
      return message(CATALOG_EVENTS.StockReservationRejectedV1, {
        orderId,
        reason: reply.reason,
        productIds: [...reply.productIds],
      } satisfies StockReservationRejectedV1);
    case 'Released':
      return message(CATALOG_EVENTS.StockReleasedV1, { orderId } satisfies StockReleasedV1);
    case 'Committed':
      return message(CATALOG_EVENTS.StockCommittedV1, { orderId } satisfies StockCommittedV1);
    case 'Returned':
      return message(CATALOG_EVENTS.StockReturnedV1, { orderId } satisfies StockReturnedV1);
  }
}
