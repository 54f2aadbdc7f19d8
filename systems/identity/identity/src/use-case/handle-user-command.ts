import { userDecider, type UserCommand } from '../entity/user/user.decider.js';
import type { UserState } from '../entity/user/user.state.js';
import type { CommandContext } from './port/command-context.js';
import type { UserReadModelPort } from './port/user.read-model.port.js';
import { ConcurrencyConflictError, type UserRepositoryPort } from './port/user.repository.port.js';

const MAX_ATTEMPTS = 5;

/**
 * Load → decide → save for one User command, retried when another writer appended first
 * (optimistic concurrency). Returns the state after the command. Domain errors propagate.
 */
export async function handleUserCommand(
  repository: UserRepositoryPort,
  readModel: UserReadModelPort,
  command: UserCommand,
  context: CommandContext,
  newCredentials?: { readonly passwordHash: string },
): Promise<UserState> {
  for (let attempt = 1; ; attempt++) {
    const { state, version } = await repository.load(command.data.userId);
    const events = userDecider.decide(command, state);
    if (events.length === 0) return state;
    try {
      await repository.save(command.data.userId, events, version, context, newCredentials);
      readModel.refresh();
      return events.reduce(userDecider.evolve, state);
    } catch (error) {
      if (!(error instanceof ConcurrencyConflictError) || attempt >= MAX_ATTEMPTS) throw error;
    }
  }
}
