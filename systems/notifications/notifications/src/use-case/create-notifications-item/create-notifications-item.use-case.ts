import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { notificationsItemDecider } from '../../entity/notifications-item/notifications-item.decider.js';
import type { ActiveNotificationsItem } from '../../entity/notifications-item/notifications-item.state.js';
import { CLOCK, type ClockPort } from '../port/clock.port.js';
import {
  NOTIFICATIONS_ITEM_READ_MODEL,
  type NotificationsItemReadModelPort,
} from '../port/notifications-item.read-model.port.js';
import {
  ConcurrencyConflictError,
  NOTIFICATIONS_ITEM_REPOSITORY,
  type NotificationsItemRepositoryPort,
} from '../port/notifications-item.repository.port.js';
import { CreateNotificationsItemCommand } from './create-notifications-item.command.js';

const MAX_ATTEMPTS = 5;

/**
 * Creates a NotificationsItem stream with a fresh id: load → decide → save, decided again on fresh
 * state when another writer appended first (optimistic concurrency; never lost).
 * @throws InvalidNotificationsItemCommandError (400), NotificationsItemAlreadyExistsError (409)
 */
@CommandHandler(CreateNotificationsItemCommand)
export class CreateNotificationsItemUseCase implements ICommandHandler<
  CreateNotificationsItemCommand,
  ActiveNotificationsItem
> {
  constructor(
    @Inject(NOTIFICATIONS_ITEM_REPOSITORY) private readonly repository: NotificationsItemRepositoryPort,
    @Inject(NOTIFICATIONS_ITEM_READ_MODEL) private readonly readModel: NotificationsItemReadModelPort,
    @Inject(CLOCK) private readonly clock: ClockPort,
  ) {}

  async execute({ input, context }: CreateNotificationsItemCommand): Promise<ActiveNotificationsItem> {
    const itemId = globalThis.crypto.randomUUID();
    for (let attempt = 1; ; attempt++) {
      const { state, version } = await this.repository.load(itemId);
      const events = notificationsItemDecider.decide(
        { type: 'CreateNotificationsItem', data: { itemId, name: input.name, now: this.clock.now() } },
        state,
      );
      try {
        await this.repository.save(itemId, events, version, context);
      } catch (error) {
        if (error instanceof ConcurrencyConflictError && attempt < MAX_ATTEMPTS) continue;
        throw error;
      }
      this.readModel.refresh();
      const after = events.reduce(notificationsItemDecider.evolve, state);
      if (after.status !== 'active') throw new Error('unreachable: the created item is absent');
      return after;
    }
  }
}
