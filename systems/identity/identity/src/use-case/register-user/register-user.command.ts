import type { CommandContext } from '../port/command-context.js';

/** Create an account. `password` is the clear secret (8–256 chars, checked by the handler); it is hashed, never stored. */
export class RegisterUserCommand {
  constructor(
    readonly input: {
      readonly email: string;
      readonly password: string;
      readonly displayName: string;
      readonly roles?: readonly string[];
    },
    readonly context: CommandContext,
  ) {}
}

/**
 * What a registration did. The HTTP answer is the same for both (no enumeration); the outcome is
 * for tests and logs. `created`: a new unverified account and a verification e-mail requested;
 * `taken`: the address has an account, whose owner is told (unless throttled).
 */
export type RegistrationOutcome =
  { readonly kind: 'created'; readonly userId: string } | { readonly kind: 'taken'; readonly userId: string };
