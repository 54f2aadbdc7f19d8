import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { normaliseEmail } from '../../entity/user/email.js';
import { EmailTakenError } from '../../entity/user/user.errors.js';
import { handleUserCommand } from '../handle-user-command.js';
import { CLOCK, type ClockPort } from '../port/identity-settings.port.js';
import { PASSWORD_HASHER, type PasswordHasherPort } from '../port/password-hasher.port.js';
import { USER_READ_MODEL, type UserReadModelPort } from '../port/user.read-model.port.js';
import { USER_REPOSITORY, type UserRepositoryPort } from '../port/user.repository.port.js';
import { EnsureAdminCommand } from './ensure-admin.command.js';

const ADMIN_ROLES = ['admin', 'customer'];
const BOOTSTRAP = { actor: 'identity-bootstrap' };

/**
 * Creates the admin account when missing, or grants admin + customer to the existing account.
 * An existing account keeps its password (the bootstrap never resets one). Safe to run on every
 * start and from several instances at once. Returns the admin's user id and whether it was created.
 */
@CommandHandler(EnsureAdminCommand)
export class EnsureAdminUseCase implements ICommandHandler<EnsureAdminCommand, { userId: string; created: boolean }> {
  constructor(
    @Inject(USER_REPOSITORY) private readonly repository: UserRepositoryPort,
    @Inject(USER_READ_MODEL) private readonly readModel: UserReadModelPort,
    @Inject(PASSWORD_HASHER) private readonly hasher: PasswordHasherPort,
    @Inject(CLOCK) private readonly clock: ClockPort,
  ) {}

  async execute({ email, password }: EnsureAdminCommand): Promise<{ userId: string; created: boolean }> {
    for (;;) {
      const existing = await this.repository.findCredentials(normaliseEmail(email));
      const now = this.clock.now().toISOString();
      if (existing) {
        const { state } = await this.repository.load(existing.userId);
        const roles = state.status === 'active' ? [...new Set([...state.roles, ...ADMIN_ROLES])] : ADMIN_ROLES;
        await handleUserCommand(
          this.repository,
          this.readModel,
          { type: 'ChangeRoles', data: { userId: existing.userId, roles, now } },
          BOOTSTRAP,
        );
        return { userId: existing.userId, created: false };
      }
      const userId = globalThis.crypto.randomUUID();
      const passwordHash = await this.hasher.hash(password);
      const command = {
        type: 'RegisterUser' as const,
        data: { userId, email, displayName: 'Administrator', roles: ADMIN_ROLES, now },
      };
      try {
        await handleUserCommand(this.repository, this.readModel, command, BOOTSTRAP, { passwordHash });
        return { userId, created: true };
      } catch (error) {
        // Another instance created it first: loop and grant the roles instead.
        if (!(error instanceof EmailTakenError)) throw error;
      }
    }
  }
}
