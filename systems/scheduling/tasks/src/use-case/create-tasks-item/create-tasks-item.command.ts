import type { CommandContext } from '../port/command-context.js';

/** Create a TasksItem. Validated shape; business rules are the decider's. */
export class CreateTasksItemCommand {
  constructor(
    readonly input: { readonly name: string },
    readonly context: CommandContext,
  ) {}
}
