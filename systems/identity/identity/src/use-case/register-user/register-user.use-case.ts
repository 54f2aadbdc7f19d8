import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { DEFAULT_ROLES } from '../../entity/user/roles.js';
import type { ActiveUser } from '../../entity/user/user.state.js';
import { handleUserCommand } from '../handle-user-command.js';
import { CLOCK, type ClockPort } from '../port/identity-settings.port.js';
import { PASSWORD_HASHER, type PasswordHasherPort } from '../port/password-hasher.port.js';
import { USER_READ_MODEL, type UserReadModelPort } from '../port/user.read-model.port.js';
import { USER_REPOSITORY, type UserRepositoryPort } from '../port/user.repository.port.js';
import { RegisterUserCommand } from './register-user.command.js';

/**
 * Registers a user with a fresh id and the `customer` role (unless roles are given: bootstrap).
 * @throws EmailTakenError (409), InvalidUserCommandError (400)
 */
@CommandHandler(RegisterUserCommand)
export class RegisterUserUseCase implements ICommandHandler<RegisterUserCommand, ActiveUser> {
  constructor(
    @Inject(USER_REPOSITORY) private readonly repository: UserRepositoryPort,
    @Inject(USER_READ_MODEL) private readonly readModel: UserReadModelPort,
    @Inject(PASSWORD_HASHER) private readonly hasher: PasswordHasherPort,
    @Inject(CLOCK) private readonly clock: ClockPort,
  ) {}

  async execute({ input, context }: RegisterUserCommand): Promise<ActiveUser> {
    const userId = globalThis.crypto.randomUUID();
    const passwordHash = await this.hasher.hash(input.password);
    const state = await handleUserCommand(
      this.repository,
      this.readModel,
      {
        type: 'RegisterUser',
        data: {
          userId,
          email: input.email,
          displayName: input.displayName,
          roles: input.roles ?? DEFAULT_ROLES,
          now: this.clock.now().toISOString(),
        },
      },
      context,
      { passwordHash },
    );
    if (state.status !== 'active') throw new Error('unreachable: registered user is absent');
    return state;
  }
}
