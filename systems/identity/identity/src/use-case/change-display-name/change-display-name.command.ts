import type { CommandContext } from '../port/command-context.js';

/** The user `userId` renames themself. */
export class ChangeDisplayNameCommand {
  constructor(
    readonly userId: string,
    readonly displayName: string,
    readonly context: CommandContext,
  ) {}
}
