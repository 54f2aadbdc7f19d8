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
/** The actor recorded on the bootstrap admin's UserRegistered event; how the bootstrap recognises its account. */
export const BOOTSTRAP_ACTOR = 'identity-bootstrap';

/** What {@link EnsureAdminUseCase} did. */
export interface EnsureAdminResult {
  readonly userId: string;
  /** `created`: new admin account; `kept`: the bootstrap's own account, left as it is; `refused`: another account holds the address. */
  readonly outcome: 'created' | 'kept' | 'refused';
}

/**
 * Creates the bootstrap admin account when no account has the address. Never promotes: an
 * existing account the bootstrap created is left as it is (an admin may have demoted it on
 * purpose), and an account anybody else created with that address (say, a self-registration
 * before the first start) is refused — `outcome: 'refused'`, for the caller to report — and keeps
 * its roles. Never resets a password. Safe to run on every start and from several instances.
 */
@CommandHandler(EnsureAdminCommand)
export class EnsureAdminUseCase implements ICommandHandler<EnsureAdminCommand, EnsureAdminResult> {
  constructor(
    @Inject(USER_REPOSITORY) private readonly repository: UserRepositoryPort,
    @Inject(USER_READ_MODEL) private readonly readModel: UserReadModelPort,
    @Inject(PASSWORD_HASHER) private readonly hasher: PasswordHasherPort,
    @Inject(CLOCK) private readonly clock: ClockPort,
  ) {}

  async execute({ email, password }: EnsureAdminCommand): Promise<EnsureAdminResult> {
    for (;;) {
      const existing = await this.repository.findCredentials(normaliseEmail(email));
      if (existing) {
        const { createdBy, state } = await this.repository.load(existing.userId);
        if (createdBy !== BOOTSTRAP_ACTOR) return { userId: existing.userId, outcome: 'refused' };
        // Created before e-mail verification existed: the operator configured the address, so it
        // counts as verified (else IDENTITY_REQUIRE_VERIFIED_EMAIL would lock the admin out).
        if (state.status !== 'absent' && !state.emailVerified) {
          const verify = { userId: existing.userId, email: state.email, now: this.clock.now().toISOString() };
          await handleUserCommand(
            this.repository,
            this.readModel,
            { type: 'VerifyEmail', data: verify },
            { actor: BOOTSTRAP_ACTOR },
          );
        }
        return { userId: existing.userId, outcome: 'kept' };
      }
      const userId = globalThis.crypto.randomUUID();
      const passwordHash = await this.hasher.hash(password);
      const command = {
        type: 'RegisterUser' as const,
        data: {
          userId,
          email,
          displayName: 'Administrator',
          roles: ADMIN_ROLES,
          emailVerified: true,
          now: this.clock.now().toISOString(),
        },
      };
      try {
        await handleUserCommand(this.repository, this.readModel, command, { actor: BOOTSTRAP_ACTOR }, { passwordHash });
        return { userId, outcome: 'created' };
      } catch (error) {
        // Another instance created it first: loop and find it.
        if (!(error instanceof EmailTakenError)) throw error;
      }
    }
  }
}
