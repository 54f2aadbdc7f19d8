import type { CommandContext } from '../port/command-context.js';

/** Create (`invite: false`) or invite (`invite: true`) an entity of `type`; `body` is the parsed JSON body. */
export class CreateEntityCommand {
  constructor(
    readonly type: string,
    readonly body: unknown,
    readonly invite: boolean,
    readonly context: CommandContext,
  ) {}
}
