import { orderDecider, type OrderCommand } from '../entity/order/order.decider.js';
import type { OrderEvent } from '../entity/order/order.events.js';
import type { OrderState } from '../entity/order/order.state.js';
import type { CommandContext } from './port/command-context.js';
import { ConcurrencyConflictError, type OrderStreamsPort } from './port/order.repository.port.js';

/** Attempts of load → decide → save before a concurrency conflict is given up. */
export const MAX_ATTEMPTS = 5;

/** What one command did: the state after it and the events it appended (none when it changed nothing). */
export interface OrderCommandResult {
  readonly state: OrderState;
  readonly events: readonly OrderEvent[];
}

/** Load → decide → save once on `streams`; saves nothing when the decider decides nothing. */
export async function decideOnce(streams: OrderStreamsPort, command: OrderCommand, context: CommandContext): Promise<OrderCommandResult> {
  const { state, version } = await streams.load(command.data.orderId);
  const events = orderDecider.decide(command, state);
  if (events.length > 0) await streams.save(command.data.orderId, events, version, context);
  return { state: events.reduce(orderDecider.evolve, state), events };
}

/**
 * `work`, retried when another writer appended first (optimistic concurrency: a conflicting append
 * is decided again on fresh state, never lost). Other errors propagate unchanged.
 */
export async function retryOnConflict<T>(work: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await work();
    } catch (error) {
      if (!(error instanceof ConcurrencyConflictError) || attempt >= MAX_ATTEMPTS) throw error;
    }
  }
}

/** One Order command with conflict retries. Domain errors propagate unchanged. */
export function handleOrderCommand(streams: OrderStreamsPort, command: OrderCommand, context: CommandContext): Promise<OrderCommandResult> {
  return retryOnConflict(() => decideOnce(streams, command, context));
}
