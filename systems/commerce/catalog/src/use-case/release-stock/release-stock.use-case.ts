import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { handleReservationCommand, type ReservationOutcome } from '../handle-reservation-command.js';
import { PRODUCT_READ_MODEL, type ProductReadModelPort } from '../port/product.read-model.port.js';
import { PRODUCT_REPOSITORY, type ProductRepositoryPort } from '../port/product.repository.port.js';
import { RESERVATION_REPOSITORY, type ReservationRepositoryPort } from '../port/reservation.repository.port.js';
import { ReleaseStockCommand } from './release-stock.command.js';

/**
 * Gives back what an order holds (or leaves a tombstone) and answers StockReleasedV1, also when there was nothing to release.
 * Idempotent per order id (aggregate state) and per message (inbox).
 */
@CommandHandler(ReleaseStockCommand)
export class ReleaseStockUseCase implements ICommandHandler<ReleaseStockCommand, ReservationOutcome> {
  constructor(
    @Inject(RESERVATION_REPOSITORY) private readonly reservations: ReservationRepositoryPort,
    @Inject(PRODUCT_REPOSITORY) private readonly products: ProductRepositoryPort,
    @Inject(PRODUCT_READ_MODEL) private readonly readModel: ProductReadModelPort,
  ) {}

  execute(command: ReleaseStockCommand): Promise<ReservationOutcome> {
    const { orderId } = command;
    return handleReservationCommand(
      { reservations: this.reservations, products: this.products, readModel: this.readModel },
      { type: 'ReleaseStock', data: { orderId, reason: command.reason, now: new Date().toISOString() } },
      command.delivery,
      command.context,
    );
  }
}
