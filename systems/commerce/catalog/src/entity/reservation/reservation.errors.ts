import { DomainError } from '@archipelago/util-decider';

/** A commit for an order that never reserved anything (and was never released). */
export class NothingToCommitError extends DomainError {
  readonly code = 'RESERVATION.NOTHING_TO_COMMIT';
  constructor(orderId: string) {
    super(`Order ${orderId} holds no reservation to commit`, { orderId });
  }
}

/** A rule on the command's values (no lines, quantity < 1 …). */
export class InvalidReservationCommandError extends DomainError {
  readonly code = 'RESERVATION.INVALID';
  constructor(detail: string) {
    super(detail);
  }
}

/** A return for an order whose units were never sold (not committed): nothing can come back. */
export class NothingToReturnError extends DomainError {
  readonly code = 'RESERVATION.NOTHING_TO_RETURN';
  constructor(orderId: string, status: string) {
    super(`Order ${orderId} has no sold units to return (reservation ${status})`, { orderId, status });
  }
}
