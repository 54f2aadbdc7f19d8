import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { SelfLockoutError, UserNotFoundError } from '../../entity/user/user.errors.js';
import type { ExistingUser } from '../../entity/user/user.state.js';
import { REFRESH_TOKEN_STORE, type RefreshTokenStorePort } from '../port/refresh-token.store.port.js';
import { handleUserCommand } from '../handle-user-command.js';
import { CLOCK, type ClockPort } from '../port/identity-settings.port.js';
import { USER_READ_MODEL, type UserReadModelPort } from '../port/user.read-model.port.js';
import { USER_REPOSITORY, type UserRepositoryPort } from '../port/user.repository.port.js';
import { ChangeRolesCommand } from './change-roles.command.js';

/**
 * Replaces a user's roles; publishes UserRolesChangedV1. A real change revokes every refresh
 * token family of the user (they log in again). Access tokens already issued keep their roles
 * until they expire (≤ 5 min with admin, ≤ 15 min otherwise), but identity's own API checks the
 * current roles (AuthenticateUseCase), so a demoted admin's token no longer administers users.
 * An admin cannot remove their own `admin` role (as they cannot disable themself): with a single
 * admin nobody could administer the deployment afterwards; another admin can demote them.
 * @throws UserNotFoundError (404), InvalidUserCommandError (400: unknown or no roles),
 *   SelfLockoutError (400: the caller's own `admin` role removed)
 */
@CommandHandler(ChangeRolesCommand)
export class ChangeRolesUseCase implements ICommandHandler<ChangeRolesCommand, ExistingUser> {
  constructor(
    @Inject(USER_REPOSITORY) private readonly repository: UserRepositoryPort,
    @Inject(USER_READ_MODEL) private readonly readModel: UserReadModelPort,
    @Inject(REFRESH_TOKEN_STORE) private readonly refreshTokens: RefreshTokenStorePort,
    @Inject(CLOCK) private readonly clock: ClockPort,
  ) {}

  async execute({ userId, roles, context }: ChangeRolesCommand): Promise<ExistingUser> {
    if (context.actor === userId && !roles.includes('admin'))
      throw new SelfLockoutError('An admin cannot remove their own admin role; another admin can');
    const at = this.clock.now();
    const now = at.toISOString();
    const before = await this.repository.load(userId);
    const state = await handleUserCommand(
      this.repository,
      this.readModel,
      { type: 'ChangeRoles', data: { userId, roles, now } },
      context,
    );
    if (state.status === 'absent') throw new UserNotFoundError(userId);
    const previous = before.state.status !== 'absent' ? before.state.roles.join(' ') : '';
    if (previous !== state.roles.join(' ')) await this.refreshTokens.revokeSubject(userId, at);
    return state;
  }
}
