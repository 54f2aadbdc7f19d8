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
