import type { CommandContext } from '../port/command-context.js';

/** Create a CredentialsItem. Validated shape; business rules are the decider's. */
export class CreateCredentialsItemCommand {
  constructor(
    readonly input: { readonly name: string },
    readonly context: CommandContext,
  ) {}
}
