import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { tasksItemDecider } from '../../entity/tasks-item/tasks-item.decider.js';
import type { ActiveTasksItem } from '../../entity/tasks-item/tasks-item.state.js';
import { CLOCK, type ClockPort } from '../port/clock.port.js';
import { TASKS_ITEM_READ_MODEL, type TasksItemReadModelPort } from '../port/tasks-item.read-model.port.js';
import {
  ConcurrencyConflictError,
  TASKS_ITEM_REPOSITORY,
  type TasksItemRepositoryPort,
} from '../port/tasks-item.repository.port.js';
import { CreateTasksItemCommand } from './create-tasks-item.command.js';

const MAX_ATTEMPTS = 5;

/**
 * Creates a TasksItem stream with a fresh id: load → decide → save, decided again on fresh
 * state when another writer appended first (optimistic concurrency; never lost).
 * @throws InvalidTasksItemCommandError (400), TasksItemAlreadyExistsError (409)
 */
@CommandHandler(CreateTasksItemCommand)
export class CreateTasksItemUseCase implements ICommandHandler<CreateTasksItemCommand, ActiveTasksItem> {
  constructor(
    @Inject(TASKS_ITEM_REPOSITORY) private readonly repository: TasksItemRepositoryPort,
    @Inject(TASKS_ITEM_READ_MODEL) private readonly readModel: TasksItemReadModelPort,
    @Inject(CLOCK) private readonly clock: ClockPort,
  ) {}

  async execute({ input, context }: CreateTasksItemCommand): Promise<ActiveTasksItem> {
    const itemId = globalThis.crypto.randomUUID();
    for (let attempt = 1; ; attempt++) {
      const { state, version } = await this.repository.load(itemId);
      const events = tasksItemDecider.decide(
        { type: 'CreateTasksItem', data: { itemId, name: input.name, now: this.clock.now() } },
        state,
      );
      try {
        await this.repository.save(itemId, events, version, context);
      } catch (error) {
        if (error instanceof ConcurrencyConflictError && attempt < MAX_ATTEMPTS) continue;
        throw error;
      }
      this.readModel.refresh();
      const after = events.reduce(tasksItemDecider.evolve, state);
      if (after.status !== 'active') throw new Error('unreachable: the created item is absent');
      return after;
    }
  }
}
