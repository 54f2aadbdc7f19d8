import type { CommandContext, Viewer } from '../port/command-context.js';

/** The customer (or an admin) returns a delivered order within the return window. */
export class RequestReturnCommand {
  constructor(
    readonly orderId: string,
    readonly viewer: Viewer,
    readonly context: CommandContext,
  ) {}
}
