import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { SelfLockoutError, UserNotFoundError } from '../../entity/user/user.errors.js';
import type { ExistingUser } from '../../entity/user/user.state.js';
import { handleUserCommand } from '../handle-user-command.js';
import { CLOCK, type ClockPort } from '../port/identity-settings.port.js';
import { REFRESH_TOKEN_STORE, type RefreshTokenStorePort } from '../port/refresh-token.store.port.js';
import { USER_READ_MODEL, type UserReadModelPort } from '../port/user.read-model.port.js';
import { USER_REPOSITORY, type UserRepositoryPort } from '../port/user.repository.port.js';
import { SetUserEnabledCommand } from './set-user-enabled.command.js';

/**
 * Disables or enables a user (admin). Disabling publishes UserDisabledV1 and ends every session
 * of the user; a disabled user gets no token from any grant and identity refuses their access
 * tokens at once. An admin cannot disable themself (400 `USER.SELF_LOCKOUT`). Idempotent.
 * @throws UserNotFoundError (404), InvalidUserCommandError (400), SelfLockoutError (400)
 */
@CommandHandler(SetUserEnabledCommand)
export class SetUserEnabledUseCase implements ICommandHandler<SetUserEnabledCommand, ExistingUser> {
  constructor(
    @Inject(USER_REPOSITORY) private readonly repository: UserRepositoryPort,
    @Inject(USER_READ_MODEL) private readonly readModel: UserReadModelPort,
    @Inject(REFRESH_TOKEN_STORE) private readonly refreshTokens: RefreshTokenStorePort,
    @Inject(CLOCK) private readonly clock: ClockPort,
  ) {}

  async execute({ userId, enabled, context }: SetUserEnabledCommand): Promise<ExistingUser> {
    if (!enabled && context.actor === userId)
      throw new SelfLockoutError('An admin cannot disable their own account; another admin can');
    const at = this.clock.now();
    const state = await handleUserCommand(
      this.repository,
      this.readModel,
      { type: enabled ? 'EnableUser' : 'DisableUser', data: { userId, now: at.toISOString() } },
      context,
    );
    if (state.status === 'absent') throw new UserNotFoundError(userId);
    if (!enabled) await this.refreshTokens.revokeSubject(userId, at);
    return state;
  }
}
