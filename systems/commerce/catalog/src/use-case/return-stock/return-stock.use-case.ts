import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { handleReservationCommand, type ReservationOutcome } from '../handle-reservation-command.js';
import { PRODUCT_READ_MODEL, type ProductReadModelPort } from '../port/product.read-model.port.js';
import { PRODUCT_REPOSITORY, type ProductRepositoryPort } from '../port/product.repository.port.js';
import { RESERVATION_REPOSITORY, type ReservationRepositoryPort } from '../port/reservation.repository.port.js';
import { ReturnStockCommand } from './return-stock.command.js';

/**
 * Puts a delivered order's sold units back into stock (a return) and answers StockReturnedV1; a
 * return of units never sold is dead-lettered (NothingToReturnError).
 * Idempotent per order id (aggregate state) and per message (inbox).
 */
@CommandHandler(ReturnStockCommand)
export class ReturnStockUseCase implements ICommandHandler<ReturnStockCommand, ReservationOutcome> {
  constructor(
    @Inject(RESERVATION_REPOSITORY) private readonly reservations: ReservationRepositoryPort,
    @Inject(PRODUCT_REPOSITORY) private readonly products: ProductRepositoryPort,
    @Inject(PRODUCT_READ_MODEL) private readonly readModel: ProductReadModelPort,
  ) {}

  execute(command: ReturnStockCommand): Promise<ReservationOutcome> {
    const { orderId } = command;
    return handleReservationCommand(
      { reservations: this.reservations, products: this.products, readModel: this.readModel },
      { type: 'ReturnStock', data: { orderId, now: new Date().toISOString() } },
      command.delivery,
      command.context,
    );
  }
}
