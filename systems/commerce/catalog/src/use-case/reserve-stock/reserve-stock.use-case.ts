import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { handleReservationCommand, type ReservationOutcome } from '../handle-reservation-command.js';
import { PRODUCT_READ_MODEL, type ProductReadModelPort } from '../port/product.read-model.port.js';
import { PRODUCT_REPOSITORY, type ProductRepositoryPort } from '../port/product.repository.port.js';
import { RESERVATION_REPOSITORY, type ReservationRepositoryPort } from '../port/reservation.repository.port.js';
import { ReserveStockCommand } from './reserve-stock.command.js';

/**
 * Holds an order's lines all-or-nothing on the product streams and answers StockReservedV1 or StockReservationRejectedV1 (`unknown_product`, `out_of_stock`, `cancelled` after a release).
 * Idempotent per order id (aggregate state) and per message (inbox).
 */
@CommandHandler(ReserveStockCommand)
export class ReserveStockUseCase implements ICommandHandler<ReserveStockCommand, ReservationOutcome> {
  constructor(
    @Inject(RESERVATION_REPOSITORY) private readonly reservations: ReservationRepositoryPort,
    @Inject(PRODUCT_REPOSITORY) private readonly products: ProductRepositoryPort,
    @Inject(PRODUCT_READ_MODEL) private readonly readModel: ProductReadModelPort,
  ) {}

  execute(command: ReserveStockCommand): Promise<ReservationOutcome> {
    const { orderId } = command;
    return handleReservationCommand(
      { reservations: this.reservations, products: this.products, readModel: this.readModel },
      {
        type: 'ReserveStock',
        data: { orderId, lines: command.lines, availability: {}, now: new Date().toISOString() },
      },
      command.delivery,
      command.context,
    );
  }
}
