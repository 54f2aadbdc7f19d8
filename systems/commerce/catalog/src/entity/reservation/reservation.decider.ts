import type { Decider } from '@archipelago/util-decider';
import type { UnitsCommand } from '../product/product.decider.js';
import { InvalidReservationCommandError, NothingToCommitError, NothingToReturnError } from './reservation.errors.js';
import type { RejectionReason, ReservationEvent, ReservationLine } from './reservation.events.js';
import { initialReservationState, type ReservationState } from './reservation.state.js';

/**
 * Commands of the Reservation aggregate (one per order). `availability` is looked up outside
 * (units available per product id of the lines, `null` for an unknown product), so `decide` stays
 * pure; the product streams re-check it when the units are held (expected versions).
 */
export type ReservationCommand =
  | {
      readonly type: 'ReserveStock';
      readonly data: {
        readonly orderId: string;
        readonly lines: readonly ReservationLine[];
        readonly availability: Readonly<Record<string, number | null>>;
        readonly now: string;
      };
    }
  | {
      readonly type: 'ReleaseStock';
      readonly data: { readonly orderId: string; readonly reason: string; readonly now: string };
    }
  | { readonly type: 'CommitStock'; readonly data: { readonly orderId: string; readonly now: string } }
  | { readonly type: 'ReturnStock'; readonly data: { readonly orderId: string; readonly now: string } };

/** What catalog answers a command with, given the reservation's state after it (see {@link replyTo}). */
export type ReservationReply =
  | { readonly type: 'Reserved'; readonly orderId: string; readonly lines: readonly ReservationLine[] }
  | {
      readonly type: 'Rejected';
      readonly orderId: string;
      readonly reason: RejectionReason;
      readonly productIds: readonly string[];
    }
  | { readonly type: 'Released'; readonly orderId: string }
  | { readonly type: 'Committed'; readonly orderId: string }
  | { readonly type: 'Returned'; readonly orderId: string };

/** Lines with one entry per product (quantities of repeated products summed), in first-seen order. */
export function mergeLines(lines: readonly ReservationLine[]): ReservationLine[] {
  const merged = new Map<string, number>();
  for (const { productId, quantity } of lines) {
    if (!Number.isSafeInteger(quantity) || quantity < 1)
      throw new InvalidReservationCommandError('quantity must be an integer ≥ 1');
    merged.set(productId, (merged.get(productId) ?? 0) + quantity);
  }
  return [...merged].map(([productId, quantity]) => ({ productId, quantity }));
}

/**
 * Decides the events of a Reservation command. Only the first reserve, the first release and
 * the first commit of an order change anything; any other command returns no events and is
 * answered from the state ({@link replyTo}).
 * - Reserve (none): all-or-nothing; unknown products first (`unknown_product`), then products short
 *   of units (`out_of_stock`); otherwise every line is held.
 * - Release (none): a tombstone, so a reserve arriving later is rejected `cancelled`.
 * @throws InvalidReservationCommandError for no lines or a quantity < 1
 * - Return (committed): the sold units go back into stock, once.
 * @throws NothingToCommitError for a commit before any reserve or release
 * @throws NothingToReturnError for a return of units that were never sold
 */
export function decideReservation(command: ReservationCommand, state: ReservationState): ReservationEvent[] {
  const { orderId, now: at } = command.data;
  switch (command.type) {
    case 'ReserveStock': {
      if (state.status !== 'none') return [];
      const lines = mergeLines(command.data.lines);
      if (lines.length === 0) throw new InvalidReservationCommandError('a reservation needs at least one line');
      const available = (id: string) => command.data.availability[id] ?? null;
      const unknown = lines.filter((l) => available(l.productId) === null).map((l) => l.productId);
      if (unknown.length)
        return [{ type: 'ReservationRejected', data: { orderId, reason: 'unknown_product', productIds: unknown, at } }];
      const short = lines.filter((l) => l.quantity > available(l.productId)!).map((l) => l.productId);
      if (short.length)
        return [{ type: 'ReservationRejected', data: { orderId, reason: 'out_of_stock', productIds: short, at } }];
      return [{ type: 'ReservationMade', data: { orderId, lines, at } }];
    }
    case 'ReleaseStock': {
      const { reason } = command.data;
      if (state.status === 'none') return [{ type: 'ReservationReleased', data: { orderId, reason, lines: [], at } }];
      if (state.status !== 'reserved') return [];
      return [{ type: 'ReservationReleased', data: { orderId, reason, lines: state.lines, at } }];
    }
    case 'CommitStock': {
      if (state.status === 'none') throw new NothingToCommitError(orderId);
      if (state.status !== 'reserved') return [];
      return [{ type: 'ReservationCommitted', data: { orderId, lines: state.lines, at } }];
    }
    case 'ReturnStock': {
      if (state.status === 'returned') return [];
      if (state.status !== 'committed') throw new NothingToReturnError(orderId, state.status);
      return [{ type: 'ReservationReturned', data: { orderId, lines: state.lines, at } }];
    }
  }
}

/** Folds one Reservation event into the state. */
export function evolveReservation(_state: ReservationState, event: ReservationEvent): ReservationState {
  switch (event.type) {
    case 'ReservationMade':
      return { status: 'reserved', orderId: event.data.orderId, lines: event.data.lines };
    case 'ReservationRejected': {
      const { orderId, reason, productIds } = event.data;
      return { status: 'rejected', orderId, reason, productIds };
    }
    case 'ReservationReleased':
      return { status: 'released', orderId: event.data.orderId, lines: event.data.lines, reason: event.data.reason };
    case 'ReservationCommitted':
      return { status: 'committed', orderId: event.data.orderId, lines: event.data.lines };
    case 'ReservationReturned':
      return { status: 'returned', orderId: event.data.orderId, lines: event.data.lines };
  }
}

/**
 * The reply to a command of type `commandType`, given the state after it. A repeated command gets
 * the same reply again; a reserve after a release is rejected `cancelled`; a release after a commit
 * (or a rejection) still answers released; a commit after a release or rejection answers that.
 */
export function replyTo(commandType: ReservationCommand['type'], state: ReservationState): ReservationReply {
  if (state.status === 'none') throw new Error(`unreachable: no reply to ${commandType} without a reservation state`);
  const { orderId } = state;
  if (commandType === 'ReleaseStock') return { type: 'Released', orderId };
  if (commandType === 'ReturnStock') return { type: 'Returned', orderId };
  switch (state.status) {
    case 'rejected':
      return { type: 'Rejected', orderId, reason: state.reason, productIds: state.productIds };
    case 'released':
      return commandType === 'ReserveStock'
        ? { type: 'Rejected', orderId, reason: 'cancelled', productIds: [] }
        : { type: 'Released', orderId };
    case 'committed':
    case 'returned':
      return commandType === 'CommitStock'
        ? { type: 'Committed', orderId }
        : { type: 'Reserved', orderId, lines: state.lines };
    case 'reserved':
      if (commandType === 'ReserveStock') return { type: 'Reserved', orderId, lines: state.lines };
      throw new Error('unreachable: a commit leaves the reservation committed');
  }
}

/** The Product commands that carry out a Reservation event on each product's own stream. */
export function productCommandsFor(event: ReservationEvent): UnitsCommand[] {
  if (event.type === 'ReservationRejected') return [];
  const type = (
    {
      ReservationMade: 'ReserveUnits',
      ReservationReleased: 'ReleaseUnits',
      ReservationCommitted: 'CommitUnits',
      ReservationReturned: 'ReturnUnits',
    } as const
  )[event.type];
  return event.data.lines.map(({ productId, quantity }) => ({
    type,
    data: { productId, orderId: event.data.orderId, quantity, now: event.data.at },
  }));
}

/** The Reservation decider (Emmett-style `decide`/`evolve`/`initialState`). */
export const reservationDecider: Decider<ReservationCommand, ReservationEvent, ReservationState> = {
  decide: decideReservation,
  evolve: evolveReservation,
  initialState: initialReservationState,
};
