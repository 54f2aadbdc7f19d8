import { productDecider } from '../entity/product/product.decider.js';
import { availableUnits } from '../entity/product/product.state.js';
import {
  mergeLines,
  productCommandsFor,
  replyTo,
  reservationDecider,
  type ReservationCommand,
  type ReservationReply,
} from '../entity/reservation/reservation.decider.js';
import type { CommandContext } from './port/command-context.js';
import type { ProductReadModelPort } from './port/product.read-model.port.js';
import {
  ConcurrencyConflictError,
  type LoadedProduct,
  type ProductRepositoryPort,
} from './port/product.repository.port.js';
import type {
  MessageDelivery,
  ReservationChange,
  ReservationRepositoryPort,
} from './port/reservation.repository.port.js';

/** Attempts before giving up on a hot product (the message is then redelivered by the consumer). */
const MAX_ATTEMPTS = 40;

/** The ports a reservation command needs. */
export interface ReservationPorts {
  readonly reservations: ReservationRepositoryPort;
  readonly products: ProductRepositoryPort;
  readonly readModel: ProductReadModelPort;
}

/** What a reservation command did: the reply sent, and `applied: false` for an already-processed message. */
export interface ReservationOutcome {
  readonly reply: ReservationReply;
  readonly applied: boolean;
}

/**
 * Load → decide → commit for one Reservation command: the order's reservation and the product
 * streams it moves units on are decided on the same fresh state and committed together (with the
 * inbox row and the reply). When any stream moved on meanwhile, everything is decided again, so
 * concurrent reservations never oversell. `availability` of a ReserveStock is looked up here.
 * @throws InvalidReservationCommandError, NothingToCommitError; ConcurrencyConflictError after
 *   {@link MAX_ATTEMPTS} lost races
 */
export async function handleReservationCommand(
  ports: ReservationPorts,
  command: ReservationCommand,
  delivery: MessageDelivery,
  context: CommandContext,
): Promise<ReservationOutcome> {
  for (let attempt = 1; ; attempt++) {
    const { state, version } = await ports.reservations.load(command.data.orderId);
    const loaded = new Map<string, Promise<LoadedProduct>>();
    const product = (id: string) => loaded.get(id) ?? loaded.set(id, ports.products.load(id)).get(id)!;
    let decided = command;
    if (command.type === 'ReserveStock' && state.status === 'none') {
      const lines = mergeLines(command.data.lines);
      const states = await Promise.all(
        lines.map(async (l) => [l.productId, (await product(l.productId)).state] as const),
      );
      const availability = Object.fromEntries(
        states.map(([id, s]) => [id, s.status === 'active' ? availableUnits(s) : null]),
      );
      decided = { ...command, data: { ...command.data, availability } };
    }
    const events = reservationDecider.decide(decided, state);
    const products: Array<ReservationChange['products'][number]> = [];
    for (const productCommand of events.flatMap(productCommandsFor)) {
      const { state: productState, version: productVersion } = await product(productCommand.data.productId);
      const productEvents = productDecider.decide(productCommand, productState);
      if (productEvents.length)
        products.push({
          productId: productCommand.data.productId,
          events: productEvents,
          expectedVersion: productVersion,
        });
    }
    // One lock order for every transaction: two orders sharing products never deadlock.
    products.sort((a, b) => (a.productId < b.productId ? -1 : a.productId > b.productId ? 1 : 0));
    const reply = replyTo(command.type, events.reduce(reservationDecider.evolve, state));
    try {
      const applied = await ports.reservations.commit(
        { orderId: command.data.orderId, events, expectedVersion: version, products, reply },
        delivery,
        context,
      );
      if (applied && products.length) ports.readModel.refresh();
      return { reply, applied };
    } catch (error) {
      if (!(error instanceof ConcurrencyConflictError) || attempt >= MAX_ATTEMPTS) throw error;
      // Spread the retries of writers racing for the same product.
      await new Promise((resolve) => setTimeout(resolve, Math.random() * 5 * Math.min(attempt, 10)));
    }
  }
}
