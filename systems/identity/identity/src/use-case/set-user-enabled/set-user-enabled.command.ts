import type { CommandContext } from '../port/command-context.js';

/** An admin disables (`enabled: false`) or enables a user. */
export class SetUserEnabledCommand {
  constructor(
    readonly userId: string,
    readonly enabled: boolean,
    readonly context: CommandContext,
  ) {}
}
