import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { UserNotFoundError } from '../../entity/user/user.errors.js';
import type { ActiveUser } from '../../entity/user/user.state.js';
import { handleUserCommand } from '../handle-user-command.js';
import { CLOCK, type ClockPort } from '../port/identity-settings.port.js';
import { USER_READ_MODEL, type UserReadModelPort } from '../port/user.read-model.port.js';
import { USER_REPOSITORY, type UserRepositoryPort } from '../port/user.repository.port.js';
import { ChangeRolesCommand } from './change-roles.command.js';

/**
 * Replaces a user's roles; publishes UserRolesChangedV1. Tokens already issued keep their roles
 * until they expire (≤ 15 min); refreshed tokens carry the new ones.
 * @throws UserNotFoundError (404), InvalidUserCommandError (400: unknown or no roles)
 */
@CommandHandler(ChangeRolesCommand)
export class ChangeRolesUseCase implements ICommandHandler<ChangeRolesCommand, ActiveUser> {
  constructor(
    @Inject(USER_REPOSITORY) private readonly repository: UserRepositoryPort,
    @Inject(USER_READ_MODEL) private readonly readModel: UserReadModelPort,
    @Inject(CLOCK) private readonly clock: ClockPort,
  ) {}

  async execute({ userId, roles, context }: ChangeRolesCommand): Promise<ActiveUser> {
    const now = this.clock.now().toISOString();
    const state = await handleUserCommand(
      this.repository,
      this.readModel,
      { type: 'ChangeRoles', data: { userId, roles, now } },
      context,
    );
    if (state.status !== 'active') throw new UserNotFoundError(userId);
    return state;
  }
}
