import type { CommandContext } from '../port/command-context.js';

/** Replace the roles of user `userId` with `roles` (an admin's decision). */
export class ChangeRolesCommand {
  constructor(
    readonly userId: string,
    readonly roles: readonly string[],
    readonly context: CommandContext,
  ) {}
}
