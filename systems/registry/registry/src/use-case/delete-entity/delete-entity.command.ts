import type { CommandContext } from '../port/command-context.js';

/** Delete an entity of `type`; `expectedVersion` is the If-Match version, if one was sent. */
export class DeleteEntityCommand {
  constructor(
    readonly type: string,
    readonly id: string,
    readonly expectedVersion: number | undefined,
    readonly context: CommandContext,
  ) {}
}
