import type { CommandContext } from '../port/command-context.js';

/** Create a RegistryItem. Validated shape; business rules are the decider's. */
export class CreateRegistryItemCommand {
  constructor(
    readonly input: { readonly name: string },
    readonly context: CommandContext,
  ) {}
}
