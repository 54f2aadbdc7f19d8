import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { normaliseEmail } from '../../entity/user/email.js';
import { DEFAULT_ROLES } from '../../entity/user/roles.js';
import { EmailTakenError } from '../../entity/user/user.errors.js';
import type { ActiveUser } from '../../entity/user/user.state.js';
import { handleUserCommand } from '../handle-user-command.js';
import { CLOCK, type ClockPort } from '../port/identity-settings.port.js';
import { PASSWORD_HASHER, type PasswordHasherPort } from '../port/password-hasher.port.js';
import { USER_READ_MODEL, type UserReadModelPort } from '../port/user.read-model.port.js';
import { USER_REPOSITORY, type UserRepositoryPort } from '../port/user.repository.port.js';
import { RegisterUserCommand } from './register-user.command.js';

/**
 * Registers a user with a fresh id and the `customer` role (unless roles are given: bootstrap).
 * A taken e-mail is refused BEFORE the password is hashed, so registrations of existing addresses
 * cost no hashing (the unique e-mail index still decides a race between two new ones).
 * @throws EmailTakenError (409), InvalidUserCommandError (400), HashingBusyError (503)
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
    if (await this.repository.findCredentials(normaliseEmail(input.email))) throw new EmailTakenError();
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
