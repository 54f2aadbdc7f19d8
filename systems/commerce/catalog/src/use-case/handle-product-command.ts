import { productDecider, type ProductCommand } from '../entity/product/product.decider.js';
import type { ProductState } from '../entity/product/product.state.js';
import type { CommandContext } from './port/command-context.js';
import { ConcurrencyConflictError, type ProductRepositoryPort } from './port/product.repository.port.js';
import type { ProductReadModelPort } from './port/product.read-model.port.js';

const MAX_ATTEMPTS = 5;

/**
 * Load → decide → save for one Product command, retried when another writer appended first
 * (optimistic concurrency: a conflicting append is decided again on fresh state, never lost).
 * Returns the state after the command (unchanged, nothing saved, when it decides no events).
 * Domain errors propagate unchanged.
 */
export async function handleProductCommand(
  repository: ProductRepositoryPort,
  readModel: ProductReadModelPort,
  command: ProductCommand,
  context: CommandContext,
): Promise<{ state: ProductState; version: number }> {
  for (let attempt = 1; ; attempt++) {
    const { state, version } = await repository.load(command.data.productId);
    const events = productDecider.decide(command, state);
    // A command that changes nothing (e.g. the threshold the product already has) decides no
    // events: nothing to append (the event store refuses an empty append), the state stands.
    if (events.length === 0) return { state, version };
    try {
      await repository.save(command.data.productId, events, version, context);
      readModel.refresh();
      return { state: events.reduce(productDecider.evolve, state), version: version + events.length };
    } catch (error) {
      if (!(error instanceof ConcurrencyConflictError) || attempt >= MAX_ATTEMPTS) throw error;
    }
  }
}
