import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { normaliseEmail } from '../../entity/user/email.js';
import { DEFAULT_ROLES } from '../../entity/user/roles.js';
import { EmailTakenError } from '../../entity/user/user.errors.js';
import { handleUserCommand } from '../handle-user-command.js';
import { EMAIL_TOKENS, type EmailTokensPort } from '../port/email-tokens.port.js';
import { CLOCK, type ClockPort, IDENTITY_SETTINGS, type IdentitySettings } from '../port/identity-settings.port.js';
import { LOGIN_ATTEMPTS, type LoginAttemptsPort } from '../port/login-attempts.port.js';
import { PASSWORD_HASHER, type PasswordHasherPort } from '../port/password-hasher.port.js';
import { USER_READ_MODEL, type UserReadModelPort } from '../port/user.read-model.port.js';
import { USER_REPOSITORY, type UserRepositoryPort } from '../port/user.repository.port.js';
import { RegisterUserCommand, type RegistrationOutcome } from './register-user.command.js';

/**
 * Registers a user with a fresh id and the `customer` role, UNVERIFIED, and asks for a
 * verification e-mail (EmailVerificationRequestedV1). For an address that already has an account
 * nothing is created and the owner is told instead (RegistrationAttemptedV1, at most a few per
 * address: throttled like other security e-mails). The caller gets the same answer either way.
 *
 * A taken e-mail is detected BEFORE any hashing, so registrations of existing addresses cost no
 * CPU; to keep the timing from telling the two cases apart, that path waits (without working) until
 * it has taken about as long as a registration of a new address (a running average of the recent ones).
 * @throws InvalidUserCommandError (400), HashingBusyError (503)
 */
@CommandHandler(RegisterUserCommand)
export class RegisterUserUseCase implements ICommandHandler<RegisterUserCommand, RegistrationOutcome> {
  /** Running average of a whole registration of a new address, in ms (exponentially weighted). */
  private typicalCreateMs = 100;

  constructor(
    @Inject(USER_REPOSITORY) private readonly repository: UserRepositoryPort,
    @Inject(USER_READ_MODEL) private readonly readModel: UserReadModelPort,
    @Inject(PASSWORD_HASHER) private readonly hasher: PasswordHasherPort,
    @Inject(EMAIL_TOKENS) private readonly emailTokens: EmailTokensPort,
    @Inject(LOGIN_ATTEMPTS) private readonly attempts: LoginAttemptsPort,
    @Inject(IDENTITY_SETTINGS) private readonly settings: IdentitySettings,
    @Inject(CLOCK) private readonly clock: ClockPort,
  ) {}

  async execute({ input, context }: RegisterUserCommand): Promise<RegistrationOutcome> {
    const started = performance.now();
    const email = normaliseEmail(input.email);
    const existing = await this.repository.findCredentials(email);
    if (existing) {
      await this.tellOwner(existing.userId, email);
      const rest = this.typicalCreateMs - (performance.now() - started);
      if (rest > 0) await new Promise((resolve) => setTimeout(resolve, rest));
      return { kind: 'taken', userId: existing.userId };
    }
    const userId = globalThis.crypto.randomUUID();
    const passwordHash = await this.hasher.hash(input.password);
    const now = this.clock.now();
    try {
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
            now: now.toISOString(),
          },
        },
        context,
        { passwordHash },
      );
      if (state.status === 'absent') throw new Error('unreachable: registered user is absent');
      await this.emailTokens.issue(
        'verify-email',
        { userId, email: state.email },
        now,
        this.settings.emailVerificationTtlSeconds,
      );
      this.typicalCreateMs = 0.8 * this.typicalCreateMs + 0.2 * (performance.now() - started);
      return { kind: 'created', userId };
    } catch (error) {
      // Two registrations of one new address raced; the unique index let the other one win.
      if (!(error instanceof EmailTakenError)) throw error;
      const winner = await this.repository.findCredentials(email);
      if (winner) await this.tellOwner(winner.userId, email);
      return { kind: 'taken', userId: winner?.userId ?? userId };
    }
  }

  /** RegistrationAttemptedV1 to the owner of `email`, unless the address had several lately. */
  private async tellOwner(userId: string, email: string): Promise<void> {
    const admission = await this.attempts.begin(
      [{ key: `notice:${email}`, policy: this.settings.emailRequestThrottle }],
      this.clock.now(),
      this.settings.loginWindowSeconds,
    );
    if (admission.admitted) await this.emailTokens.registrationAttempted({ userId, email }, this.clock.now());
  }
}
