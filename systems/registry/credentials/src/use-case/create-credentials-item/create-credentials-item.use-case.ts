import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { credentialsItemDecider } from '../../entity/credentials-item/credentials-item.decider.js';
import type { ActiveCredentialsItem } from '../../entity/credentials-item/credentials-item.state.js';
import { CLOCK, type ClockPort } from '../port/clock.port.js';
import {
  CREDENTIALS_ITEM_READ_MODEL,
  type CredentialsItemReadModelPort,
} from '../port/credentials-item.read-model.port.js';
import {
  ConcurrencyConflictError,
  CREDENTIALS_ITEM_REPOSITORY,
  type CredentialsItemRepositoryPort,
} from '../port/credentials-item.repository.port.js';
import { CreateCredentialsItemCommand } from './create-credentials-item.command.js';

const MAX_ATTEMPTS = 5;

/**
 * Creates a CredentialsItem stream with a fresh id: load → decide → save, decided again on fresh
 * state when another writer appended first (optimistic concurrency; never lost).
 * @throws InvalidCredentialsItemCommandError (400), CredentialsItemAlreadyExistsError (409)
 */
@CommandHandler(CreateCredentialsItemCommand)
export class CreateCredentialsItemUseCase implements ICommandHandler<
  CreateCredentialsItemCommand,
  ActiveCredentialsItem
> {
  constructor(
    @Inject(CREDENTIALS_ITEM_REPOSITORY) private readonly repository: CredentialsItemRepositoryPort,
    @Inject(CREDENTIALS_ITEM_READ_MODEL) private readonly readModel: CredentialsItemReadModelPort,
    @Inject(CLOCK) private readonly clock: ClockPort,
  ) {}

  async execute({ input, context }: CreateCredentialsItemCommand): Promise<ActiveCredentialsItem> {
    const itemId = globalThis.crypto.randomUUID();
    for (let attempt = 1; ; attempt++) {
      const { state, version } = await this.repository.load(itemId);
      const events = credentialsItemDecider.decide(
        { type: 'CreateCredentialsItem', data: { itemId, name: input.name, now: this.clock.now() } },
        state,
      );
      try {
        await this.repository.save(itemId, events, version, context);
      } catch (error) {
        if (error instanceof ConcurrencyConflictError && attempt < MAX_ATTEMPTS) continue;
        throw error;
      }
      this.readModel.refresh();
      const after = events.reduce(credentialsItemDecider.evolve, state);
      if (after.status !== 'active') throw new Error('unreachable: the created item is absent');
      return after;
    }
  }
}
