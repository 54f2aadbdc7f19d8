import type { CommandContext } from '../port/command-context.js';

/** Create a CalendarItem. Validated shape; business rules are the decider's. */
export class CreateCalendarItemCommand {
  constructor(
    readonly input: { readonly name: string },
    readonly context: CommandContext,
  ) {}
}
