import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { registryItemDecider } from '../../entity/registry-item/registry-item.decider.js';
import type { ActiveRegistryItem } from '../../entity/registry-item/registry-item.state.js';
import { CLOCK, type ClockPort } from '../port/clock.port.js';
import { REGISTRY_ITEM_READ_MODEL, type RegistryItemReadModelPort } from '../port/registry-item.read-model.port.js';
import {
  ConcurrencyConflictError,
  REGISTRY_ITEM_REPOSITORY,
  type RegistryItemRepositoryPort,
} from '../port/registry-item.repository.port.js';
import { CreateRegistryItemCommand } from './create-registry-item.command.js';

const MAX_ATTEMPTS = 5;

/**
 * Creates a RegistryItem stream with a fresh id: load → decide → save, decided again on fresh
 * state when another writer appended first (optimistic concurrency; never lost).
 * @throws InvalidRegistryItemCommandError (400), RegistryItemAlreadyExistsError (409)
 */
@CommandHandler(CreateRegistryItemCommand)
export class CreateRegistryItemUseCase implements ICommandHandler<CreateRegistryItemCommand, ActiveRegistryItem> {
  constructor(
    @Inject(REGISTRY_ITEM_REPOSITORY) private readonly repository: RegistryItemRepositoryPort,
    @Inject(REGISTRY_ITEM_READ_MODEL) private readonly readModel: RegistryItemReadModelPort,
    @Inject(CLOCK) private readonly clock: ClockPort,
  ) {}

  async execute({ input, context }: CreateRegistryItemCommand): Promise<ActiveRegistryItem> {
    const itemId = globalThis.crypto.randomUUID();
    for (let attempt = 1; ; attempt++) {
      const { state, version } = await this.repository.load(itemId);
      const events = registryItemDecider.decide(
        { type: 'CreateRegistryItem', data: { itemId, name: input.name, now: this.clock.now() } },
        state,
      );
      try {
        await this.repository.save(itemId, events, version, context);
      } catch (error) {
        if (error instanceof ConcurrencyConflictError && attempt < MAX_ATTEMPTS) continue;
        throw error;
      }
      this.readModel.refresh();
      const after = events.reduce(registryItemDecider.evolve, state);
      if (after.status !== 'active') throw new Error('unreachable: the created item is absent');
      return after;
    }
  }
}
