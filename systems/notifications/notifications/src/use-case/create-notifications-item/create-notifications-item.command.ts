import type { CommandContext } from '../port/command-context.js';

/** Create a NotificationsItem. Validated shape; business rules are the decider's. */
export class CreateNotificationsItemCommand {
  constructor(
    readonly input: { readonly name: string },
    readonly context: CommandContext,
  ) {}
}
