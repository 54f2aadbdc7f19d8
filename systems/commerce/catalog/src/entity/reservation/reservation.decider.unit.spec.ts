import { deciderSpec } from '@archipelago/testing-decider';
import { describe, expect, it } from 'vitest';
import {
  productCommandsFor,
  replyTo,
  reservationDecider,
  type ReservationCommand,
  type ReservationReply,
} from './reservation.decider.js';
import { InvalidReservationCommandError, NothingToCommitError, NothingToReturnError } from './reservation.errors.js';
import type { ReservationEvent } from './reservation.events.js';

const spec = deciderSpec(reservationDecider);
const at = '2026-11-21T10:00:00.000Z';
const orderId = 'o1';
const lines = [
  { productId: 'p1', quantity: 2 },
  { productId: 'p2', quantity: 1 },
];
const reserve = (
  availability: Record<string, number | null> = { p1: 5, p2: 1 },
  l: typeof lines = lines,
): ReservationCommand => ({ type: 'ReserveStock', data: { orderId, lines: l, availability, now: at } });
const release: ReservationCommand = { type: 'ReleaseStock', data: { orderId, reason: 'payment_declined', now: at } };
const commit: ReservationCommand = { type: 'CommitStock', data: { orderId, now: at } };
const made: ReservationEvent = { type: 'ReservationMade', data: { orderId, lines, at } };
const released: ReservationEvent = {
  type: 'ReservationReleased',
  data: { orderId, reason: 'payment_declined', lines, at },
};
const tombstone: ReservationEvent = {
  type: 'ReservationReleased',
  data: { orderId, reason: 'payment_declined', lines: [], at },
};
const committed: ReservationEvent = { type: 'ReservationCommitted', data: { orderId, lines, at } };
const rejected: ReservationEvent = {
  type: 'ReservationRejected',
  data: { orderId, reason: 'out_of_stock', productIds: ['p2'], at },
};

/** The reply after `command` on the state folded from `given` plus the events it decides. */
function replyAfter(given: ReservationEvent[], command: ReservationCommand): ReservationReply {
  const state = given.reduce(reservationDecider.evolve, reservationDecider.initialState());
  return replyTo(command.type, reservationDecider.decide(command, state).reduce(reservationDecider.evolve, state));
}

describe('Reservation decider', () => {
  describe('reserve (none →)', () => {
    it('reserves every line when all are available', () => spec.given([]).when(reserve()).then([made]));
    it('rejects out_of_stock, naming the short products, when one line is short (all-or-nothing)', () =>
      spec
        .given([])
        .when(reserve({ p1: 5, p2: 0 }))
        .then([rejected]));
    it('rejects unknown_product before out_of_stock, naming the unknown products', () =>
      spec
        .given([])
        .when(reserve({ p1: 0, p2: null }))
        .then([{ type: 'ReservationRejected', data: { orderId, reason: 'unknown_product', productIds: ['p2'], at } }]));
    it('treats a product missing from the availability as unknown', () =>
      spec
        .given([])
        .when(reserve({ p1: 5 }))
        .then([{ type: 'ReservationRejected', data: { orderId, reason: 'unknown_product', productIds: ['p2'], at } }]));
    it('merges repeated products and checks their summed quantity', () => {
      const twice = [
        { productId: 'p1', quantity: 2 },
        { productId: 'p1', quantity: 2 },
      ];
      spec
        .given([])
        .when(reserve({ p1: 3 }, twice))
        .then([{ type: 'ReservationRejected', data: { orderId, reason: 'out_of_stock', productIds: ['p1'], at } }]);
      spec
        .given([])
        .when(reserve({ p1: 4 }, twice))
        .then([{ type: 'ReservationMade', data: { orderId, lines: [{ productId: 'p1', quantity: 4 }], at } }]);
    });
    it('refuses an empty reservation or a quantity below one', () => {
      spec.given([]).when(reserve({}, [])).thenThrows(InvalidReservationCommandError);
      spec
        .given([])
        .when(reserve({ p1: 5 }, [{ productId: 'p1', quantity: 0 }]))
        .thenThrows(InvalidReservationCommandError);
    });
  });

  describe('repeated commands change nothing and answer the same reply again', () => {
    it('reserve after reserve', () => {
      spec
        .given([made])
        .when(reserve({ p1: 0, p2: 0 }))
        .then([]);
      expect(replyAfter([made], reserve())).toEqual({ type: 'Reserved', orderId, lines });
    });
    it('reserve after a rejection (even with stock now available)', () => {
      spec.given([rejected]).when(reserve()).then([]);
      expect(replyAfter([rejected], reserve())).toEqual({
        type: 'Rejected',
        orderId,
        reason: 'out_of_stock',
        productIds: ['p2'],
      });
    });
    it('release after release', () => {
      spec.given([made, released]).when(release).then([]);
      expect(replyAfter([made, released], release)).toEqual({ type: 'Released', orderId });
    });
    it('commit after commit', () => {
      spec.given([made, committed]).when(commit).then([]);
      expect(replyAfter([made, committed], commit)).toEqual({ type: 'Committed', orderId });
    });
    it('reserve after commit answers reserved', () =>
      expect(replyAfter([made, committed], reserve())).toEqual({ type: 'Reserved', orderId, lines }));
  });

  describe('release', () => {
    it('gives back the reserved lines', () => spec.given([made]).when(release).then([released]));
    it('leaves a tombstone when it comes before the reserve', () => spec.given([]).when(release).then([tombstone]));
    it('makes a later reserve rejected as cancelled, reserving nothing', () => {
      spec.given([tombstone]).when(reserve()).then([]);
      expect(replyAfter([tombstone], reserve())).toEqual({
        type: 'Rejected',
        orderId,
        reason: 'cancelled',
        productIds: [],
      });
    });
    it('also rejects a reserve after a real release as cancelled', () =>
      expect(replyAfter([made, released], reserve())).toMatchObject({ type: 'Rejected', reason: 'cancelled' }));
    it('is a no-op after a commit that still answers released', () => {
      spec.given([made, committed]).when(release).then([]);
      expect(replyAfter([made, committed], release)).toEqual({ type: 'Released', orderId });
    });
    it('is a no-op after a rejection that answers released', () => {
      spec.given([rejected]).when(release).then([]);
      expect(replyAfter([rejected], release)).toEqual({ type: 'Released', orderId });
    });
  });

  describe('commit', () => {
    it('sells the reserved lines', () => spec.given([made]).when(commit).then([committed]));
    it('refuses when nothing was ever reserved', () => spec.given([]).when(commit).thenThrows(NothingToCommitError));
    it('answers released after a release, committing nothing', () => {
      spec.given([made, released]).when(commit).then([]);
      expect(replyAfter([made, released], commit)).toEqual({ type: 'Released', orderId });
    });
    it('answers the rejection after a rejection', () =>
      expect(replyAfter([rejected], commit)).toMatchObject({ type: 'Rejected', reason: 'out_of_stock' }));
  });

  describe('return (committed → returned)', () => {
    const ret: ReservationCommand = { type: 'ReturnStock', data: { orderId, now: at } };
    const returned: ReservationEvent = { type: 'ReservationReturned', data: { orderId, lines, at } };
    it('puts the sold lines back, once, answering returned each time', () => {
      spec.given([made, committed]).when(ret).then([returned]);
      spec.given([made, committed, returned]).when(ret).then([]);
      expect(replyAfter([made, committed], ret)).toEqual({ type: 'Returned', orderId });
      expect(replyAfter([made, committed, returned], ret)).toEqual({ type: 'Returned', orderId });
    });
    it('refuses to return units that were never sold', () => {
      spec.given([]).when(ret).thenThrows(NothingToReturnError);
      spec.given([made]).when(ret).thenThrows(NothingToReturnError);
      spec.given([made, released]).when(ret).thenThrows(NothingToReturnError);
    });
    it('answers a late commit or reserve after a return as before it, changing nothing', () => {
      spec.given([made, committed, returned]).when(commit).then([]);
      expect(replyAfter([made, committed, returned], commit)).toEqual({ type: 'Committed', orderId });
      spec.given([made, committed, returned]).when(reserve()).then([]);
    });
    it('maps to one ReturnUnits per line', () =>
      expect(productCommandsFor(returned).map((c) => [c.type, c.data.productId, c.data.quantity])).toEqual([
        ['ReturnUnits', 'p1', 2],
        ['ReturnUnits', 'p2', 1],
      ]));
  });

  describe('product commands', () => {
    it('maps each reservation event to one command per product line', () => {
      expect(productCommandsFor(made).map((c) => [c.type, c.data.productId, c.data.quantity])).toEqual([
        ['ReserveUnits', 'p1', 2],
        ['ReserveUnits', 'p2', 1],
      ]);
      expect(productCommandsFor(released).map((c) => c.type)).toEqual(['ReleaseUnits', 'ReleaseUnits']);
      expect(productCommandsFor(committed).map((c) => c.type)).toEqual(['CommitUnits', 'CommitUnits']);
      expect(productCommandsFor(tombstone)).toEqual([]);
      expect(productCommandsFor(rejected)).toEqual([]);
    });
  });
});
